"""Report intake under load: concurrent HTTP clients filing reports through `POST /api/reports`
(named and confidential ones by signed-in residents with their session and CSRF token, anonymous
ones with only the CSRF cookie a page sets) for a fixed time against `manage.py serve` on loopback
(one uvicorn process, a task worker and the delivery loop, as the embedded deployment runs); the
baseline is `/healthz` on the same server, hit by as many clients for as long, in the same run.

Reported: requests per second of each phase and their ratio, latency percentiles (all filings and
per kind), errors (any answer other than 201, or no answer), and lost reports: filings answered
201 whose receipt code is not in the database afterwards.

Then paced phases (`--rates`): filings sent at a fixed rate whatever the answers, as residents
file, each on whichever client is free, its latency counted from when it was due (a filing that
waits for a free client waits in the figure too). They say at what rate filings are answered
within a latency goal, which the closed loop cannot: 50 clients that always wait keep 50
filings in flight, and their latency is 50 ÷ the throughput whatever the server does.
"""

import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter

import httpx

from bench.inbox import free_port, session_cookie, wait_until_up
from bench.setup import ROOT, bench_database_url, configure_django

KINDS = ("named", "confidential", "anonymous")
LATENCY_GOAL_SECONDS = 0.3  # issue 13: p99 under 300 ms


def add_arguments(parser) -> None:
    from bench.fanout import default_database

    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())
    parser.add_argument("--clients", type=int, default=50, help="concurrent HTTP clients")
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="the reports filed, in turn by each client (comma-separated)"
    )
    parser.add_argument(
        "--rates", default="5,10,20,30", help="filings per second of the paced phases (comma-separated; empty: none)"
    )


def quantile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.5) - 1))]


def ms(seconds: float) -> float:
    return round(1000 * seconds, 1)


class Phase:
    """One phase's outcomes: latencies of successes per kind, errors by cause, receipt codes."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = {}
        self.errors: Counter[str] = Counter()
        self.examples: dict[str, str] = {}  # the first answer of each kind of error
        self.receipts: list[str] = []
        self.seconds = 0.0

    def record(self, kind: str, response: httpx.Response, elapsed: float) -> None:
        if response.status_code in (200, 201):
            self.latencies.setdefault(kind, []).append(elapsed)
            if kind != "healthz":
                self.receipts.append(response.json()["report"]["receipt_code"])
        else:
            cause = f"{kind}: HTTP {response.status_code}"
            self.errors[cause] += 1
            self.examples.setdefault(cause, response.text[:300])

    @property
    def done(self) -> int:
        return sum(len(samples) for samples in self.latencies.values())

    @property
    def everything(self) -> list[float]:
        return [sample for samples in self.latencies.values() for sample in samples]

    def summary(self, prefix: str) -> dict:
        everything = self.everything
        figures: dict[str, object] = {
            f"{prefix}_requests": self.done,
            f"{prefix}_per_second": round(self.done / self.seconds, 1),
            f"{prefix}_p50_ms": ms(statistics.median(everything)) if everything else None,
            f"{prefix}_p95_ms": ms(quantile(everything, 0.95)),
            f"{prefix}_p99_ms": ms(quantile(everything, 0.99)),
            f"{prefix}_errors": sum(self.errors.values()),
        }
        if self.errors:
            figures[f"{prefix}_error_causes"] = dict(self.errors)
            figures[f"{prefix}_error_examples"] = self.examples
        return figures


async def attempt(phase: Phase, request, client: httpx.AsyncClient, sent: int) -> tuple[str, httpx.Response] | None:
    """The client's `sent`-th request as (kind, response), or None when no answer came (counted)."""
    try:
        return await request(client, sent)
    except httpx.HTTPError as error:
        phase.errors[type(error).__name__] += 1
        return None


async def hammer(clients: list[httpx.AsyncClient], seconds: float, request) -> Phase:
    """Every client sends one request after another until the time is up; `request(client, n)`
    sends the client's n-th request and returns (kind, response)."""
    phase = Phase()
    deadline = time.perf_counter() + seconds

    async def loop(client: httpx.AsyncClient) -> None:
        sent = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            answer = await attempt(phase, request, client, sent)
            sent += 1
            if answer is not None:
                phase.record(*answer, time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(loop(client) for client in clients))
    phase.seconds = time.perf_counter() - started
    return phase


async def paced(clients: list[httpx.AsyncClient], seconds: float, rate: float, request) -> Phase:
    """`rate` requests a second for `seconds`, each sent when due on a free client, whatever the
    earlier ones' answers; a latency runs from when the request was due (an open loop)."""
    phase = Phase()
    free: asyncio.Queue[httpx.AsyncClient] = asyncio.Queue()
    for client in clients:
        free.put_nowait(client)

    async def one(sent: int, due: float) -> None:
        client = await free.get()
        try:
            answer = await attempt(phase, request, client, sent)
        finally:
            free.put_nowait(client)
        if answer is not None:
            phase.record(*answer, time.perf_counter() - due)

    started = time.perf_counter()
    sending = []
    for sent in range(int(seconds * rate)):
        due = started + sent / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        sending.append(asyncio.create_task(one(sent, due)))
    await asyncio.gather(*sending)
    phase.seconds = time.perf_counter() - started
    return phase


def seed(clients: int) -> tuple[str, list[dict[str, str]]]:
    """A commune with a residential group, a police officer who is told of each report, and one
    signed-in resident per client (session and CSRF cookies, as a browser holds them)."""
    from people.models import Mandate, MandateRole, Person
    from places.models import Unit, UnitKind

    province = Unit.objects.create(code="80", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
    commune = Unit.objects.create(code="25573", name="Xã Cầu Khởi", kind=UnitKind.COMMUNE, parent=province)
    hamlet = Unit.objects.create(code="25573-01", name="Ấp Phước Hội", kind=UnitKind.HAMLET, parent=commune)
    group = Unit.objects.create(code="25573-01-01", name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP, parent=hamlet)
    officer = Person.objects.create_user("0908000000", "Công an xã")
    Mandate.objects.create(person=officer, unit=commune, role=MandateRole.POLICE)
    cookies = []
    for index in range(clients):
        resident = Person.objects.create_user(f"09070{index:05d}", f"Cư dân {index}")
        cookies.append({"sessionid": session_cookie(resident), "csrftoken": secrets.token_hex(16)})
    return group.code, cookies


def run(options) -> dict:
    kinds = [kind.strip() for kind in options.kinds.split(",") if kind.strip()]
    if not kinds or set(kinds) - set(KINDS):
        raise SystemExit(f"--kinds takes some of {', '.join(KINDS)}")
    try:
        rates = [float(rate) for rate in options.rates.split(",") if rate.strip()]
    except ValueError:
        raise SystemExit("--rates takes numbers, e.g. 5,10,20") from None
    if any(rate <= 0 for rate in rates):
        raise SystemExit("--rates takes rates above 0")
    database_url = bench_database_url(options.database, "intake")
    configure_django(database_url)
    unit_code, cookies = seed(options.clients)

    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="canhgiac.settings")
    env.pop("REDIS_URL", None)
    # The embedded deployment's own command (docs/deployment.md): uvicorn, a task worker, the delivery loop.
    serve = [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port), "--quiet"]
    server = subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", timeout=120)
        healthz, filings, at_rates = asyncio.run(measure(base, unit_code, cookies, kinds, options.seconds, rates))
    finally:
        server.terminate()
        server.wait(timeout=60)

    from reports.models import Report

    accepted = filings.receipts + [code for phase in at_rates.values() for code in phase.receipts]
    stored = set(Report.objects.filter(receipt_code__in=accepted).values_list("receipt_code", flat=True))
    result = {
        "database": options.database,
        "clients": options.clients,
        "seconds": options.seconds,
        "kinds": kinds,
        **healthz.summary("healthz"),
        **filings.summary("filing"),
        "throughput_ratio": round((filings.done / filings.seconds) / (healthz.done / healthz.seconds), 3),
    }
    for kind in kinds:
        samples = filings.latencies.get(kind, [])
        result[f"{kind}_filed"] = len(samples)
        result[f"{kind}_p50_ms"] = ms(statistics.median(samples)) if samples else None
        result[f"{kind}_p99_ms"] = ms(quantile(samples, 0.99))
    result["paced"] = [{"offered_per_second": rate, **phase.summary("filing")} for rate, phase in at_rates.items()]
    within = [
        rate
        for rate, phase in at_rates.items()
        if phase.done and not phase.errors and quantile(phase.everything, 0.99) < LATENCY_GOAL_SECONDS
    ]
    result["highest_paced_rate_p99_under_300ms"] = max(within, default=None)
    result["reports_accepted"] = len(accepted)
    result["reports_lost"] = len(set(accepted) - stored)
    return result


async def measure(
    base: str, unit_code: str, cookies: list[dict[str, str]], kinds: list[str], seconds: float, rates: list[float]
):
    # uvicorn closes a connection idle for 5 s (`--timeout-keep-alive`) and httpx reuses one idle
    # for up to 5 s, so an anonymous client, used every third turn, can send on a connection the
    # server is closing: the likely cause of the lone `ReadError` of two earlier runs (docs/benchmarks.md).
    # The clients let connections go before the server does.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=3.0)
    signed_in = [httpx.AsyncClient(base_url=base, cookies=c, timeout=60, limits=limits) for c in cookies]
    # Anonymous reporters hold no session, only the CSRF cookie the site's pages set, as a browser does.
    anonymous = [
        httpx.AsyncClient(base_url=base, cookies={"csrftoken": secrets.token_hex(16)}, timeout=60, limits=limits)
        for _ in cookies
    ]
    try:

        async def get_healthz(client: httpx.AsyncClient, sent: int):
            return "healthz", await client.get("/healthz")

        async def file(client: httpx.AsyncClient, sent: int):
            index = signed_in.index(client)
            kind = kinds[(index + sent) % len(kinds)]
            payload = {
                "category": "suspicious_person",
                "description": f"Người lạ đi xe máy không biển số dò xét nhà số {sent} lúc nửa đêm",
                "unit_code": unit_code,
                "visibility": kind,
                "behaviour": "Đi chậm qua từng nhà, nhìn vào sân và chụp ảnh chuồng chó",
                "place_text": "Gần cổng ấp Phước Hội",
                "confirm_warnings": True,
            }
            headers = {"Idempotency-Key": uuid.uuid4().hex}
            sender = anonymous[index] if kind == "anonymous" else client
            headers["X-CSRFToken"] = sender.cookies["csrftoken"]
            return kind, await sender.post("/api/reports", json=payload, headers=headers)

        for client in signed_in[:3]:  # warm up: imports, connections, templates
            await get_healthz(client, 0)
            for sent in range(len(kinds)):
                await file(client, sent)
        healthz = await hammer(signed_in, seconds, get_healthz)
        filings = await hammer(signed_in, seconds, file)
        at_rates = {}
        for rate in rates:
            await asyncio.sleep(2)  # the closed loop's queued work (tasks, deliveries) settles first
            at_rates[rate] = await paced(signed_in, seconds, rate, file)
    finally:
        for client in [*signed_in, *anonymous]:
            await client.aclose()
    return healthz, filings, at_rates
