"""Issue 13, finding 7: a Content Security Policy with nonces (Django's own), and every inline
script still works: each carries its response's nonce, and no page uses inline event handlers."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from canhgiac.testing import create_report, signed_in
from people.models import Person

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def nonce_of(response) -> str:
    found = [value for value in policy(response)["script-src"] if value.startswith("'nonce-")]
    assert len(found) == 1
    return found[0][len("'nonce-") : -1]


def test_the_policy_allows_scripts_only_from_the_site_or_with_the_nonce(db, client):
    response = client.get("/signin/")
    rules = policy(response)
    assert rules["script-src"][0] == "'self'" and "'unsafe-inline'" not in rules["script-src"]
    assert "'unsafe-eval'" not in rules["script-src"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert "https://tile.openstreetmap.org" in rules["img-src"]
    assert nonce_of(response) != nonce_of(client.get("/signin/"))  # a new nonce for every response


def pages(world) -> list[tuple[Person | None, str]]:
    report = create_report(world.resident, world.rg).report
    return [
        (None, "/"),
        (None, reverse("people:signin")),
        (None, reverse("reports:new")),
        (None, reverse("core:offline")),
        (world.resident, reverse("groups:mine")),
        (world.resident, reverse("delivery:inbox")),
        (world.officer, reverse("reports:queue")),
        (world.officer, reverse("reports:staff_detail", args=[report.receipt_code])),
        (world.officer, reverse("bulletins:compose")),
        (world.officer, reverse("steering:home")),
        (world.admin, "/admin/"),
    ]


def test_every_inline_script_carries_the_nonce_of_its_response_and_no_page_has_inline_handlers(world):
    for person, path in pages(world):
        client = Client()
        if person is not None:
            signed_in(client, person)
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        html, nonce = response.content.decode(), nonce_of(response)
        for tag in SCRIPT.finditer(html):
            attrs = tag.group("attrs")
            if "src=" not in attrs and "application/json" not in attrs:
                assert f'nonce="{nonce}"' in attrs, f"{path}: inline script without the nonce"
        assert not HANDLER.search(html), f"{path}: inline event handler"


@pytest.mark.browser
def test_pages_with_inline_scripts_run_them_under_the_policy(browser_page, live_server, live_world):
    """In Chromium: no CSP violation, and the staff page's inline script still hides the fields."""
    world = live_world
    report = create_report(world.resident, world.rg).report
    violations: list[str] = []
    browser_page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    client = signed_in(Client(), world.officer)
    cookie = client.cookies["sessionid"].value
    browser_page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    browser_page.goto(f"{live_server.url}{reverse('reports:staff_detail', args=[report.receipt_code])}")
    hidden = browser_page.eval_on_selector_all("#transition-form .when", "els => els.map(e => e.hidden)")
    assert hidden and all(hidden)
    browser_page.goto(f"{live_server.url}{reverse('core:offline')}")
    browser_page.goto(f"{live_server.url}{reverse('reports:queue')}")
    assert violations == []


def test_the_service_worker_has_no_policy_of_its_own(db, client):
    """It relays the pages' requests with fetch(); served without a policy as a precaution (docs/security.md)."""
    response = client.get("/sw.js")
    assert response.status_code == 200 and "Content-Security-Policy" not in response
