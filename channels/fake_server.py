"""The plumbing of the local fake provider server: HTTP, recording, scripted answers, files and
the control endpoints. Each channel type's fake lives in its folder (`channels/types/<slug>/fake.py`)
and `channels/fake_providers.py` composes them into one server.

Control endpoints, for the demo and for curl:
    GET  /media/<name>                       a file put there with `serve` (images users send)
    GET  /_fake/received                     what arrived, oldest first
    POST /_fake/answer {route, error, status, delay, times, description}
    POST /_fake/reset
    POST /_fake/pace {latency, rate, per_seconds}
                                             answer every provider call after `latency` seconds;
                                             refuse sends above `rate` per `per_seconds` window
                                             of the clock on one credential, as the provider does
    POST /_fake/say {channel, user_id, text, image_url, latitude, longitude}
                                             play a resident writing to the app's webhook
"""

import email.parser
import email.policy
import json
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx


@dataclass
class Received:
    route: str
    method: str
    path: str
    headers: dict[str, str]
    json: Any = None
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)  # field name → size in bytes
    at: float = field(default_factory=time.time)
    raw: bytes = field(default=b"", repr=False)  # a binary body (an encrypted push), not listed
    refused_for_rate: bool = False  # answered with the provider's rate-limit error


@dataclass
class Scripted:
    error: int | None = None
    status: int = 200
    delay: float = 0.0
    description: str = ""
    body: Any = None


@dataclass
class WebhookTarget:
    """Where `say` sends simulated residents' messages, and the secrets to sign them with."""

    app_url: str = "http://127.0.0.1:8000"
    zalo_app_id: str = "demo-app"
    zalo_signature_secret: str = "demo-oa-secret"
    bot_secret: str = "demo-webhook-secret"


Handler = Callable[[Received, Scripted | None], tuple[int, Any]]


class FakeServer:
    """Records every request and answers it with the handler a type's fake routes it to."""

    def __init__(self, *, target: WebhookTarget | None = None):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.media: dict[str, tuple[bytes, str]] = {}
        self.target = target or WebhookTarget()
        self.server: ThreadingHTTPServer | None = None
        # The provider's pace: its answer time, and a rate limit per credential (an OA's access
        # token, a bot's token, an SMS account) in fixed windows of the clock.
        self.latency = 0.0
        self.rate_limit: tuple[int, float] | None = None
        self.window_counts: dict[tuple[str, int], int] = defaultdict(int)
        self.refused_for_rate = 0
        self.refusals: list[tuple[str, float]] = []  # (credential, when) of each send refused for the limit

    def pace(self, *, latency: float = 0.0, rate: int | None = None, per_seconds: float = 1.0) -> None:
        with self.lock:
            self.latency = latency
            self.rate_limit = (rate, per_seconds) if rate else None
            self.window_counts.clear()
            self.refused_for_rate = 0
            self.refusals.clear()

    def admit(self, credential: str) -> bool:
        """Count a send on the credential; False when its window's limit is already reached."""
        with self.lock:
            if self.rate_limit is None:
                return True
            count, seconds = self.rate_limit
            window = (credential, int(time.time() // seconds))
            if self.window_counts[window] >= count:
                self.refused_for_rate += 1
                self.refusals.append((credential, time.time()))
                return False
            self.window_counts[window] += 1
            return True

    def busiest_window(self) -> int:
        """The most sends any credential had accepted in one window."""
        with self.lock:
            return max(self.window_counts.values(), default=0)

    def route_for(self, method: str, path: str, segments: list[str]) -> tuple[str, Handler | None] | None:
        """The types' routes: the composing server asks each type's fake in turn."""
        return None

    # Running ---------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without this, Nagle's algorithm and the
            # client's delayed ACK add 40 ms to every answer.
            disable_nagle_algorithm = True

            def do_GET(self):
                fake.handle(self)

            def do_POST(self):
                fake.handle(self)

            def log_message(self, format, *args):
                pass

        class Server(ThreadingHTTPServer):
            # socketserver's default backlog of 5 drops the SYNs of a worker opening many
            # connections at once, and the kernel retries them a second later.
            request_queue_size = 256

            def handle_error(self, request, client_address):
                # A client killed mid-request (the crash tests' SIGKILL) is expected, not a traceback.
                if not isinstance(sys.exception(), ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server((host, port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        if isinstance(host, bytes | bytearray):
            host = host.decode()
        return f"http://{host}:{port}"

    # Scripting -------------------------------------------------------------------------------

    def answer(
        self,
        route: str,
        *,
        error: int | None = None,
        status: int = 200,
        delay: float = 0.0,
        times: int = 1,
        description: str = "",
        body: object = None,
    ) -> None:
        """The next `times` calls to `route` get this answer instead of a success."""
        with self.lock:
            for _ in range(times):
                self.scripts[route].append(Scripted(error, status, delay, description, body))

    def serve(self, name: str, content: bytes, content_type: str = "image/jpeg") -> str:
        """Make a file downloadable, as the provider's CDN serves what users send; return its URL."""
        with self.lock:
            self.media[name] = (content, content_type)
        return f"{self.url}/media/{name}"

    def calls(self, route: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if item.route == route]

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.scripts.clear()
            self.window_counts.clear()
            self.refused_for_rate = 0
            self.refusals.clear()

    # Answering -------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        try:
            raw = request.rfile.read(length) if length else b""
        except ConnectionResetError:
            return
        if len(raw) < length:
            return  # the client died mid-request: a provider acts on no half-received call
        route, answer = self.route(request.command, parts.path)
        received = Received(route, request.command, parts.path, dict(request.headers.items()), raw=raw)
        self.read_body(received, request.headers.get("Content-Type", ""), raw)
        if route.startswith("_fake") and raw and received.json is None:
            received.json = json.loads(raw)  # `curl -d '{…}'` sends JSON labelled as a form
        if parts.query:
            received.form.update({k: v[0] for k, v in parse_qs(parts.query).items()})
        if not route.startswith("_fake"):
            with self.lock:
                self.received.append(received)
                script = self.scripts[route].popleft() if self.scripts[route] else None
        else:
            script = None
        if script is not None and script.delay:
            time.sleep(script.delay)
        status, body = answer(received, script) if answer else (404, {"error": "no such route"})
        if self.latency and not route.startswith("_fake"):
            time.sleep(self.latency)  # metered on arrival, answered after the provider's time
        content_type = "application/json; charset=utf-8"
        if isinstance(body, tuple):  # a file: (bytes, content type)
            data, content_type = body
        else:
            data = json.dumps(body, ensure_ascii=False).encode()
        try:
            request.send_response(status)
            if status in (201, 302, 303) and isinstance(body, dict) and body.get("location"):
                request.send_header("Location", body["location"])
            if status in (429, 503) and isinstance(body, dict) and body.get("retry_after"):
                request.send_header("Retry-After", str(body["retry_after"]))
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    @staticmethod
    def read_body(received: Received, content_type: str, raw: bytes) -> None:
        if content_type.startswith("application/json") and raw:
            received.json = json.loads(raw)
        elif content_type.startswith("application/x-www-form-urlencoded"):
            received.form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        elif content_type.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + raw
            )
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                decoded = part.get_payload(decode=True)
                payload = decoded if isinstance(decoded, bytes) else b""
                if part.get_filename():
                    received.files[str(name)] = len(payload)
                else:
                    received.form[str(name)] = payload.decode()

    def route(self, method: str, path: str):
        segments = path.strip("/").split("/")
        if found := self.route_for(method, path, segments):
            return found
        if segments[0] == "media" and len(segments) == 2:
            return "media", self.media_file
        if segments[0] == "_fake" and len(segments) == 2:
            return f"_fake.{segments[1]}", getattr(self, f"control_{segments[1]}", None)
        return "unknown", None

    def media_file(self, received: Received, script: Scripted | None):
        if script is not None:
            return script.status, script.body if script.body is not None else {"error": script.description}
        with self.lock:
            found = self.media.get(received.path.split("/")[-1])
        return (200, found) if found else (404, {"error": "not found"})

    # Control ---------------------------------------------------------------------------------

    def control_received(self, received: Received, script: Scripted | None):
        with self.lock:
            return 200, [{**asdict(item), "raw": len(item.raw)} for item in self.received]

    def control_answer(self, received: Received, script: Scripted | None):
        body = dict(received.json or {})
        route = body.pop("route", "")
        self.answer(
            route, **{k: v for k, v in body.items() if k in {"error", "status", "delay", "times", "description"}}
        )
        return 200, {"ok": True}

    def control_reset(self, received: Received, script: Scripted | None):
        self.reset()
        return 200, {"ok": True}

    def control_pace(self, received: Received, script: Scripted | None):
        body = received.json or {}
        self.pace(
            latency=float(body.get("latency", 0)),
            rate=int(body["rate"]) if body.get("rate") else None,
            per_seconds=float(body.get("per_seconds", 1)),
        )
        return 200, {"ok": True}

    def control_say(self, received: Received, script: Scripted | None):
        body = received.json or {}
        channel, user_id, text = body.get("channel", "zalo_oa"), str(body.get("user_id", "1001")), body.get("text", "")
        location = (body["latitude"], body["longitude"]) if "latitude" in body and "longitude" in body else None
        content, headers, path = self.simulated_message(
            channel, user_id, text, image_url=body.get("image_url", ""), location=location
        )
        try:
            response = httpx.post(
                f"{self.target.app_url.rstrip('/')}{path}", content=content, headers=headers, timeout=10
            )
        except httpx.HTTPError as error:
            return 502, {"ok": False, "error": type(error).__name__}
        return 200, {"ok": True, "app_status": response.status_code}

    def simulated_message(
        self, channel: str, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        """A resident's message as the provider would post it: (body, headers, webhook path)."""
        raise NotImplementedError
