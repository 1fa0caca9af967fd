"""A local HTTP server speaking the provider contracts: Zalo OAuth v4, OA, ZNS and Zalo Bot (docs/zalo.md),
Telegram and a generic SMS gateway (docs/channels.md). It records every request and can be told how to answer.

Tests start it on a free port (channels/tests/conftest.py); `manage.py fake_providers` runs it for
the demo (docs/channels.md). Nothing here is imported by production code.

Control endpoints, for the demo and for curl:
    GET  /media/<name>                       a file put there with `serve` (images users send)
    GET  /_fake/received                     what arrived, oldest first
    POST /_fake/answer {route, error, status, delay, times, description}
    POST /_fake/reset
    POST /_fake/say {channel, user_id, text, image_url, latitude, longitude}
                                             play a resident writing to the app's webhook
"""

import base64
import email.parser
import email.policy
import hashlib
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx


def base_urls(url: str) -> dict[str, str]:
    """The settings (environment variables) that point every client at a fake served at `url`."""
    return {
        "ZALO_OAUTH_URL": f"{url}/oauth",
        "ZALO_OPENAPI_URL": f"{url}/openapi",
        "ZALO_ZNS_URL": f"{url}/zns",
        "ZALO_BOT_API_URL": f"{url}/zalo-bot",
        "TELEGRAM_API_URL": f"{url}/telegram",
    }


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


class FakeProviders:
    def __init__(self, *, refresh_tokens: tuple[str, ...] = (), target: WebhookTarget | None = None):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.scripts: dict[str, deque[Scripted]] = defaultdict(deque)
        self.live_refresh_tokens: set[str] = set(refresh_tokens)
        self.issued_access_tokens: set[str] = set()
        self.expired_access_tokens: set[str] = set()
        self.refresh_delay = 0.0
        self.authorization_codes: dict[str, str] = {}  # code → PKCE code_challenge
        # When set, each OA message is "seen" and each ZNS message "received" this many seconds later:
        # the fake posts the signed event to the app's webhook, as Zalo would (the demo's reach figures).
        self.seen_after: float | None = None
        self.bot_updates: deque[dict] = deque()
        self.media: dict[str, tuple[bytes, str]] = {}
        self.target = target or WebhookTarget()
        self.server: ThreadingHTTPServer | None = None

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

        self.server = ThreadingHTTPServer((host, port), Handler)
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

    def base_urls(self) -> dict[str, str]:
        """The settings that point every client at this server."""
        return base_urls(self.url)

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

    def issue_tokens(self) -> tuple[str, str]:
        access, refresh = f"access-{uuid.uuid4().hex}", f"refresh-{uuid.uuid4().hex}"
        with self.lock:
            self.issued_access_tokens.add(access)
            self.live_refresh_tokens.add(refresh)
        return access, refresh

    def calls(self, route: str) -> list[Received]:
        with self.lock:
            return [item for item in self.received if item.route == route]

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.scripts.clear()
            self.bot_updates.clear()

    # Answering -------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        route, answer = self.route(request.command, parts.path)
        received = Received(route, request.command, parts.path, dict(request.headers.items()))
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
        content_type = "application/json; charset=utf-8"
        if isinstance(body, tuple):  # a file: (bytes, content type)
            data, content_type = body
        else:
            data = json.dumps(body, ensure_ascii=False).encode()
        try:
            request.send_response(status)
            if status in (302, 303) and isinstance(body, dict) and body.get("location"):
                request.send_header("Location", body["location"])
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
        if path == "/oauth/v4/oa/access_token":
            return "oauth", self.oauth
        if path == "/oauth/v4/oa/permission":
            return "oauth.permission", self.oauth_permission
        if path in ("/openapi/v3.0/oa/message/cs", "/openapi/v3.0/oa/message/template"):
            return "oa.message", self.oa_message
        if path == "/openapi/v2.0/oa/upload/image":
            return "oa.upload", self.oa_upload
        if path == "/zns/message/template":
            return "zns.template", self.zns_template
        if len(segments) == 3 and segments[0] in ("zalo-bot", "telegram") and segments[1].startswith("bot"):
            provider = segments[0].replace("-", "_")
            return f"{provider}.{segments[2]}", self.bot_method
        if path == "/sms/send":
            return "sms", self.sms
        if segments[0] == "media" and len(segments) == 2:
            return "media", self.media_file
        if segments[0] == "_fake" and len(segments) == 2:
            return f"_fake.{segments[1]}", getattr(self, f"control_{segments[1]}", None)
        return "unknown", None

    @staticmethod
    def zalo_error(script: Scripted | None):
        if script is None:
            return None
        if script.body is not None:
            return script.status, script.body
        return script.status, {"error": script.error, "message": script.description or f"fake error {script.error}"}

    def oauth(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if not received.headers.get("secret_key"):
            return 200, {"error": -14002, "error_name": "Invalid secret key"}
        if received.form.get("grant_type") == "authorization_code":
            return self.oauth_code(received)
        token = received.form.get("refresh_token", "")
        with self.lock:
            live = token in self.live_refresh_tokens
            self.live_refresh_tokens.discard(token)
        time.sleep(self.refresh_delay)  # widens the window in which a second worker could race
        if received.form.get("grant_type") != "refresh_token" or not live:
            # Uncertain: the exact error Zalo returns for a used refresh token is not documented.
            return 200, {
                "error": -14014,
                "error_name": "Invalid refresh token",
                "error_reason": "Invalid refresh token",
            }
        access, refresh = self.issue_tokens()
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def oauth_permission(self, received: Received, script: Scripted | None):
        """The page where the OA admin grants the app access: here it grants at once and sends the
        browser back to `redirect_uri` with a one-time code bound to the PKCE challenge."""
        params = received.form
        if not params.get("app_id") or not params.get("redirect_uri") or not params.get("code_challenge"):
            return 400, {"error": -14003, "error_name": "Invalid parameter"}
        code = f"code-{uuid.uuid4().hex}"
        with self.lock:
            self.authorization_codes[code] = params["code_challenge"]
        query = urlencode({"code": code, "oa_id": "oa-1", "state": params.get("state", "")})
        separator = "&" if "?" in params["redirect_uri"] else "?"
        return 302, {"location": f"{params['redirect_uri']}{separator}{query}"}

    def oauth_code(self, received: Received):
        verifier = received.form.get("code_verifier", "")
        with self.lock:
            challenge = self.authorization_codes.pop(received.form.get("code", ""), None)
        expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge is None or challenge != expected:
            return 200, {"error": -14019, "error_name": "Invalid authorization code or code verifier"}
        access, refresh = self.issue_tokens()
        return 200, {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}

    def access_error(self, received: Received, invalid_code: int):
        token = received.headers.get("access_token", "")
        with self.lock:
            bad = not token or token in self.expired_access_tokens
        if bad:
            return 200, {"error": invalid_code, "message": "Access token is invalid"}
        return None

    def oa_message(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -216):
            return refused
        user_id = ((received.json or {}).get("recipient") or {}).get("user_id", "")
        message_id = uuid.uuid4().hex
        if self.seen_after is not None:
            self.later(
                self.seen_after,
                "user_seen_message",
                {"recipient": {"id": user_id}, "message": {"msg_ids": [message_id]}},
            )
        return 200, {"error": 0, "message": "Success", "data": {"message_id": message_id, "user_id": user_id}}

    def oa_upload(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -216):
            return refused
        if "file" not in received.files:
            return 200, {"error": -201, "message": "file is missing"}
        return 200, {"error": 0, "message": "Success", "data": {"attachment_id": uuid.uuid4().hex}}

    def zns_template(self, received: Received, script: Scripted | None):
        if scripted := self.zalo_error(script):
            return scripted
        if refused := self.access_error(received, -124):
            return refused
        body = received.json or {}
        if not str(body.get("phone", "")).startswith("84"):
            return 200, {"error": -108, "message": "Phone number is invalid"}
        msg_id = uuid.uuid4().hex
        if self.seen_after is not None:
            receipt = {
                "recipient": {"id": body["phone"]},
                "message": {
                    "msg_id": msg_id,
                    "delivery_time": str(int(time.time() * 1000)),
                    "tracking_id": body.get("tracking_id", ""),
                },
            }
            self.later(self.seen_after, "user_received_message", receipt, zns=True)
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {
                "msg_id": msg_id,
                "sent_time": str(int(time.time() * 1000)),
                "quota": {"dailyQuota": "5000", "remainingQuota": "4999"},
            },
        }

    def bot_method(self, received: Received, script: Scripted | None):
        if script is not None:
            if script.body is not None:
                return script.status, script.body
            status = script.error if script.error and script.error >= 400 else script.status
            return status, {"ok": False, "error_code": script.error, "description": script.description or "fake error"}
        token = received.path.split("/")[2][3:]
        if not token or token == "invalid":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = received.route.split(".", 1)[1]
        body = received.json if isinstance(received.json, dict) else {}
        if method in ("sendMessage", "sendPhoto"):
            return 200, {
                "ok": True,
                "result": {
                    "message_id": uuid.uuid4().hex[:12],
                    "chat": {"id": body.get("chat_id")},
                    "date": int(time.time()),
                },
            }
        if method == "getUpdates":
            with self.lock:
                update = self.bot_updates.popleft() if self.bot_updates else None
            if update is None:
                return 408, {"ok": False, "error_code": 408, "description": "Request timeout"}
            return 200, {"ok": True, "result": update}
        if method in ("setWebhook", "deleteWebhook", "sendChatAction"):
            return 200, {"ok": True, "result": True}
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": "bot-1", "account_name": "canhgiac_demo", "is_bot": True}}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def sms(self, received: Received, script: Scripted | None):
        if script is not None:
            return (script.error or script.status), (
                script.body if script.body is not None else {"error": script.description or "refused"}
            )
        return 200, {"id": uuid.uuid4().hex[:16], "status": "queued"}

    def media_file(self, received: Received, script: Scripted | None):
        if script is not None:
            return script.status, script.body if script.body is not None else {"error": script.description}
        with self.lock:
            found = self.media.get(received.path.split("/")[-1])
        return (200, found) if found else (404, {"error": "not found"})

    # Control ---------------------------------------------------------------------------------

    def control_received(self, received: Received, script: Scripted | None):
        with self.lock:
            return 200, [asdict(item) for item in self.received]

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

    def later(self, delay: float, event_name: str, fields: dict, *, zns: bool = False) -> None:
        threading.Timer(delay, self.post_zalo_event, args=(event_name, fields), kwargs={"zns": zns}).start()

    def zalo_headers(self, raw: bytes, timestamp: str) -> dict[str, str]:
        """Signed as docs/zalo.md says Zalo signs: SHA-256 of app_id + raw body + timestamp + secret, as hex.

        Written here from the contract, not taken from the app, so the tests check the app against it."""
        target = self.target
        mac = hashlib.sha256(
            target.zalo_app_id.encode() + raw + timestamp.encode() + target.zalo_signature_secret.encode()
        ).hexdigest()
        return {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}

    def post_zalo_event(self, event_name: str, fields: dict, *, zns: bool = False) -> int | None:
        """Post a signed Zalo OA/ZNS event to the app's webhook; its HTTP status, or None if unreachable."""
        now = str(int(time.time() * 1000))
        payload = {
            "app_id": self.target.zalo_app_id,
            "event_name": event_name,
            "sender": {"id": "oa-1"},
            "timestamp": now,
        }
        raw = json.dumps({**payload, **fields}, ensure_ascii=False).encode()
        headers = self.zalo_headers(raw, now)
        if zns:
            headers["X-ZEvent-Server"] = "ZNS"
        try:
            response = httpx.post(
                f"{self.target.app_url.rstrip('/')}/hooks/zalo-oa/", content=raw, headers=headers, timeout=10
            )
        except httpx.HTTPError:
            return None
        return response.status_code

    def simulated_message(
        self, channel: str, user_id: str, text: str, *, image_url: str = "", location: tuple | None = None
    ) -> tuple[bytes, dict[str, str], str]:
        """A resident's message as the provider would post it; Zalo OA messages may carry an image
        URL or a location, Telegram ones a location."""
        now = int(time.time() * 1000)
        if channel == "zalo_bot":
            payload = {
                "ok": True,
                "result": {
                    "event_name": "message.text.received",
                    "message": {
                        "from": {"id": user_id, "display_name": "Cư dân thử", "is_bot": False},
                        "chat": {"id": user_id, "chat_type": "PRIVATE"},
                        "text": text,
                        "message_id": uuid.uuid4().hex,
                        "date": now,
                    },
                },
            }
            return (
                json.dumps(payload).encode(),
                {"X-Bot-Api-Secret-Token": self.target.bot_secret, "Content-Type": "application/json"},
                "/hooks/zalo-bot/",
            )
        if channel == "telegram":
            payload = {
                "update_id": now,
                "message": {
                    "message_id": now % 10**9,
                    "date": now // 1000,
                    **({"location": {"latitude": location[0], "longitude": location[1]}} if location else {}),
                    "text": text,
                    "from": {"id": int(user_id), "is_bot": False, "first_name": "Cư dân"},
                    "chat": {"id": int(user_id), "type": "private"},
                },
            }
            return (
                json.dumps(payload).encode(),
                {"X-Telegram-Bot-Api-Secret-Token": self.target.bot_secret, "Content-Type": "application/json"},
                "/hooks/telegram/",
            )
        message: dict[str, Any] = {"msg_id": uuid.uuid4().hex, "text": text}
        event_name = "user_send_text"
        if image_url:
            event_name = "user_send_image"
            message["attachments"] = [{"type": "image", "payload": {"url": image_url}}]
        if location:
            event_name = "user_send_location"
            coordinates = {"latitude": str(location[0]), "longitude": str(location[1])}
            message["attachments"] = [{"type": "location", "payload": {"coordinates": coordinates}}]
        payload = {
            "app_id": self.target.zalo_app_id,
            "user_id_by_app": user_id,
            "event_name": event_name,
            "sender": {"id": user_id},
            "recipient": {"id": "oa-1"},
            "message": message,
            "timestamp": str(now),
        }
        raw = json.dumps(payload, ensure_ascii=False).encode()
        return raw, self.zalo_headers(raw, str(now)), "/hooks/zalo-oa/"
