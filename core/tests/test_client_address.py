"""Issue 13, finding 2: a client cannot choose the address the rate limits see by sending
X-Forwarded-For; only TRUSTED_PROXIES are believed, and then only for the hop they add."""

import re
import socket
import subprocess

import httpx
import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from canhgiac.testing import create_report
from core.management.commands.serve import web_command
from core.middleware import ClientAddressMiddleware
from delivery.tests.processes import ROOT, wait_for, worker_env


def seen(meta: dict, trusted: list[str]) -> dict:
    """What the app sees of a request with these headers, behind these trusted proxies."""
    with override_settings(TRUSTED_PROXIES=trusted):
        request = RequestFactory().get("/", **meta)
        ClientAddressMiddleware(lambda request: HttpResponse())(request)
    return {
        "ip": request.META["REMOTE_ADDR"],
        "https": request.is_secure(),
        "forwarded": request.META.get("HTTP_X_FORWARDED_FOR"),
    }


def test_without_trusted_proxies_forwarding_headers_are_dropped():
    view = seen({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "8.8.8.8", "HTTP_X_FORWARDED_PROTO": "https"}, [])
    assert view == {"ip": "127.0.0.1", "https": False, "forwarded": None}


def test_a_trusted_proxy_gives_the_hop_it_added_not_what_the_client_wrote():
    meta = {
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.5",
        "HTTP_X_FORWARDED_PROTO": "https",
    }
    assert seen(meta, ["127.0.0.1"]) == {"ip": "203.0.113.5", "https": True, "forwarded": None}
    # Two proxies in a private network: the first untrusted hop from the right is the client.
    meta["HTTP_X_FORWARDED_FOR"] = "6.6.6.6, 203.0.113.5, 10.0.0.7"
    assert seen(meta, ["127.0.0.1", "10.0.0.0/8"])["ip"] == "203.0.113.5"
    meta["HTTP_X_FORWARDED_FOR"] = "garbage"
    assert seen(meta, ["127.0.0.1"])["ip"] == "127.0.0.1"


def test_an_untrusted_peer_cannot_claim_https_or_an_address_even_with_proxies_configured():
    meta = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.1.1.1", "HTTP_X_FORWARDED_PROTO": "https"}
    assert seen(meta, ["127.0.0.1"]) == {"ip": "198.51.100.7", "https": False, "forwarded": None}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(live_world):
    """The web server exactly as `manage.py serve` starts it, on the test database."""
    port = free_port()
    env = worker_env(SIGNIN_CODES_PER_IP_PER_HOUR="3", REPORT_FOLLOW_MAX_FAILURES="3", SECURE_COOKIES="false")
    process = subprocess.Popen(
        web_command("127.0.0.1", port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code in (200, 503)
        except httpx.HTTPError:
            return False

    assert wait_for(up, timeout=120, interval=0.5), "the web server did not start"
    yield url
    process.terminate()
    process.wait(timeout=10)


def csrf_client(url: str, path: str) -> tuple[httpx.Client, str]:
    http = httpx.Client(base_url=url, timeout=10)
    page = http.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    return http, token.group(1)


def test_five_spoofed_headers_do_not_bypass_the_sign_in_code_limit(served):
    http, token = csrf_client(served, "/signin/")
    answers = []
    for number in range(5):
        response = http.post(
            "/signin/",
            data={"csrfmiddlewaretoken": token, "phone": f"0987 000 00{number}"},
            headers={"X-Forwarded-For": f"198.51.100.{number}", "X-Real-IP": f"198.51.100.{number}"},
        )
        answers.append(response.status_code)
        http.cookies.clear()
        http, token = csrf_client(served, "/signin/")
    assert answers == [302, 302, 302, 429, 429]


def test_spoofed_headers_do_not_bypass_the_follow_page_limit(served, live_world):
    cache.clear()
    filed = create_report(None, live_world.rg, visibility="anonymous")
    http, token = csrf_client(served, reverse("reports:follow"))
    code = filed.report.receipt_code
    for number in range(3):
        wrong = http.post(
            reverse("reports:follow"),
            data={"csrfmiddlewaretoken": token, "code": code, "secret": "WRONG-WRONG-WRONG"},
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        )
        assert wrong.status_code == 400
    right = http.post(
        reverse("reports:follow"),
        data={"csrfmiddlewaretoken": token, "code": code, "secret": filed.secret},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert right.status_code == 429 and filed.report.description not in right.text
