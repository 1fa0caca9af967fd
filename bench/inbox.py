"""Publish-to-inbox latency: a member's inbox is open in Chromium; how long after a publish
commits does the new bulletin show on their screen, without a reload?"""

import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

from bench.setup import ROOT, bench_database_url, configure_django, seed_members
from core.browser import launch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10):  # noqa: S310 — our own local server
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the web server did not answer at {url}")


def session_cookie(person) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "people.auth.PhoneCodeBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.save()
    return str(session.session_key)


def add_arguments(parser) -> None:
    from bench.fanout import default_database

    parser.add_argument("--size", type=int, default=None, help="publishes measured")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())


def run(options) -> dict:
    return measure(options.database, options.size)


def measure(database: str, size: int | None) -> dict:
    publishes = size or 20
    database_url = bench_database_url(database, "inbox")
    configure_django(database_url)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from django.conf import settings
    from playwright.sync_api import sync_playwright

    from bulletins.actions import check_publish_bulletin
    from bulletins.audience import Audience
    from bulletins.models import Category
    from groups.models import Membership

    world = seed_members(1000)
    member = Membership.objects.select_related("person", "group").order_by("pk").first()
    assert member is not None
    port = free_port()
    # Plain HTTP on loopback: cookies must not be HTTPS-only here.
    env = dict(
        os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="canhgiac.settings", SECURE_COOKIES="false"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "canhgiac.asgi:application", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    latencies = []
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = launch(playwright)
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(member.person), "url": base}]
            )
            page = context.new_page()
            page.goto(f"{base}/inbox/")
            page.wait_for_selector("#inbox-poller", state="attached")
            for index in range(publishes):
                time.sleep(random.uniform(0.1, 1.0))  # noqa: S311 — land anywhere in the poll cycle
                title = f"Tin số {index}: cảnh giác trộm chó"
                check_publish_bulletin(
                    world["admin"],
                    title=title,
                    body_html="<p>Khuya có người lạ.</p>",
                    category=Category.THEFT,
                    audience=Audience(groups=[member.group]),
                )
                committed = time.perf_counter()
                page.wait_for_selector(f"[data-testid=inbox-item] >> text={title}", timeout=10_000)
                latencies.append(time.perf_counter() - committed)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    ordered = sorted(latencies)
    return {
        "benchmark": "publish-to-inbox",
        "database": database,
        "publishes": publishes,
        "poll_seconds": settings.DELIVERY_INBOX_POLL_SECONDS,
        "p50_seconds": round(statistics.median(ordered), 3),
        "p95_seconds": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 3),
        "max_seconds": round(ordered[-1], 3),
        "mean_seconds": round(statistics.mean(ordered), 3),
    }
