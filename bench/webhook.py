"""Webhook answer time: how fast /hooks/zalo_oa/ answers signed Zalo events (Zalo wants 200 within
2 s), against /healthz on the same server in the same run, and how fast a task worker gets
through them (each answered through the local fake Zalo, as a real OA would be).

One uvicorn process and one task worker on a throwaway database; the fake providers run in this
process. Sequential posts give the answer time of a quiet server; a burst from several clients at
once gives it under load, and the time until the worker has processed every event.
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.inbox import free_port, wait_until_up
from bench.setup import ROOT, bench_database_url, configure_django

APP_ID, OA_SECRET = "bench-app", "bench-oa-secret"


def add_arguments(parser) -> None:
    from bench.fanout import default_database

    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())
    parser.add_argument("--requests", type=int, default=200, help="sequential posts measured (and /healthz calls)")
    parser.add_argument("--burst", type=int, default=400, help="posts in the concurrent burst")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients in the burst")


def quantile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * q + 0.5) - 1))]


def signed_event(sender: str) -> tuple[bytes, dict[str, str]]:
    from channels.types.zalo_oa.events import signature

    timestamp = str(int(time.time() * 1000))
    payload = {
        "app_id": APP_ID,
        "user_id_by_app": sender,
        "event_name": "user_send_text",
        "sender": {"id": sender},
        "recipient": {"id": "oa-1"},
        "message": {"msg_id": uuid.uuid4().hex, "text": "Có người lạ đi quanh xóm lúc nửa đêm"},
        "timestamp": timestamp,
    }
    raw = json.dumps(payload, ensure_ascii=False).encode()
    mac = signature(APP_ID, raw, timestamp, OA_SECRET)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def timed(client: httpx.Client, method: str, url: str, **kwargs) -> float:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{method} {url} answered {response.status_code}: {response.text[:200]}")
    return elapsed


def run(options) -> dict:
    database_url = bench_database_url(options.database, "webhook")
    configure_django(database_url)
    from channels.actions import check_add_channel
    from channels.fake_providers import FakeProviders, WebhookTarget
    from channels.models import EventStatus, InboundEvent
    from places.models import Unit, UnitKind

    fake = FakeProviders(target=WebhookTarget(zalo_app_id=APP_ID, zalo_signature_secret=OA_SECRET))
    fake.start()
    access, refresh = fake.issue_tokens()
    province = Unit.objects.create(code="80", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
    commune = Unit.objects.create(code="25573", name="Xã Cầu Khởi", kind=UnitKind.COMMUNE, parent=province)
    values = {"app_id": APP_ID, "app_secret": "s", "oa_secret_key": OA_SECRET, "refresh_token": refresh}
    check_add_channel(None, commune, "zalo_oa", {**values, "access_token": access})

    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="canhgiac.settings", **fake.base_urls())
    env.pop("REDIS_URL", None)
    web = [sys.executable, "-m", "uvicorn", "canhgiac.asgi:application", "--port", str(port), "--log-level", "warning"]
    worker = [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload", "--interval", "0.05"]
    server = subprocess.Popen(web, cwd=ROOT, env=env)
    processes = [server]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz")
        with httpx.Client(timeout=30) as client:
            for _ in range(10):  # warm up: imports, connections, templates
                timed(client, "GET", f"{base}/healthz")
                raw, headers = signed_event("warmup")
                timed(client, "POST", f"{base}/hooks/zalo_oa/", content=raw, headers=headers)
            healthz = [timed(client, "GET", f"{base}/healthz") for _ in range(options.requests)]
            quiet = []
            for index in range(options.requests):
                raw, headers = signed_event(f"{1000 + index % 50}")
                quiet.append(timed(client, "POST", f"{base}/hooks/zalo_oa/", content=raw, headers=headers))

        # The worker starts on a backlog: sequential posts and the burst, all pending.
        lock, burst = threading.Lock(), []

        def post(index: int) -> None:
            raw, headers = signed_event(f"{2000 + index % 200}")
            with httpx.Client(timeout=30) as client:
                elapsed = timed(client, "POST", f"{base}/hooks/zalo_oa/", content=raw, headers=headers)
            with lock:
                burst.append(elapsed)

        started = time.perf_counter()
        with ThreadPoolExecutor(options.clients) as pool:
            list(pool.map(post, range(options.burst)))
        burst_seconds = time.perf_counter() - started

        expected = InboundEvent.objects.count()
        processes.append(subprocess.Popen(worker, cwd=ROOT, env=env))
        started = time.perf_counter()
        deadline = started + 600
        while InboundEvent.objects.filter(status__in=[EventStatus.PENDING, EventStatus.PROCESSING]).exists():
            if time.perf_counter() > deadline:
                raise RuntimeError("the worker did not process the events within 10 minutes")
            time.sleep(0.2)
        processing_seconds = time.perf_counter() - started
        failed = InboundEvent.objects.filter(status=EventStatus.FAILED).count()
        answered = len(fake.calls("oa.message"))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
        fake.stop()
    return {
        "database": options.database,
        "healthz_p50_ms": round(1000 * statistics.median(healthz), 1),
        "healthz_p95_ms": round(1000 * quantile(healthz, 0.95), 1),
        "webhook_p50_ms": round(1000 * statistics.median(quiet), 1),
        "webhook_p95_ms": round(1000 * quantile(quiet, 0.95), 1),
        "webhook_p95_over_healthz_p95": round(quantile(quiet, 0.95) / quantile(healthz, 0.95), 2),
        "burst_posts": options.burst,
        "burst_clients": options.clients,
        "burst_p95_ms": round(1000 * quantile(burst, 0.95), 1),
        "burst_max_ms": round(1000 * max(burst), 1),
        "burst_posts_per_second": round(options.burst / burst_seconds, 1),
        "events_processed": expected,
        "events_failed": failed,
        "answers_sent": answered,
        "processing_events_per_second": round(expected / processing_seconds, 1),
    }
