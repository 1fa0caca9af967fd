"""The buffalo, in a real Chromium at 390×844: the steering committee shares the found buffalo to
the neighbouring commune from its case page; a member there finds it in their inbox, and their
email (a local SMTP server) and the relay of an elder without a smartphone received it."""

import os

import pytest

from canhgiac.testing import give_email, signed_in
from core.browser import MISSING, chromium_available, launch
from delivery.engine import drain
from delivery.tests.conftest import smtp_server  # noqa: F401 (the local SMTP server fixture)
from reports.tests.test_lost_found import found_buffalo

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason=MISSING)]


@pytest.fixture
def browser_page(live_server, client, settings):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    settings.LANGUAGE_CODE = "vi"
    with sync_playwright() as playwright:
        browser = launch(playwright)

        def open_as(person, path):
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
            cookie = signed_in(client, person).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.goto(live_server.url + path)
            return page

        yield open_as
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_the_buffalo_shared_to_the_neighbouring_commune_reaches_its_members_inboxes_and_channels(
    world,
    more,
    browser_page,
    smtp_server,  # noqa: F811 (the fixture imported above)
):
    from playwright.sync_api import expect

    give_email(more.neighbour_resident, "an@example.vn")
    give_email(world.relay, "mai@example.vn")
    found = found_buffalo(world)

    case = browser_page(world.steering, f"/reports/{found.receipt_code}/case/")
    case.locator(f"input[name=units][value='{world.commune.pk}']").check()
    case.locator(f"input[name=units][value='{world.neighbour.pk}']").check()
    case.get_by_test_id("share").click()
    expect(case.locator(".badge", has_text=world.neighbour.name)).to_be_visible()
    drain()

    inbox = browser_page(more.neighbour_resident, "/inbox/")
    item = inbox.locator("[data-testid=inbox-item]", has_text="Nhặt được ở Tổ 1, Ấp Phước Hội")
    expect(item).to_be_visible()

    [email] = [m for m in smtp_server.to("an@example.vn") if "Nhặt được" in m["Subject"]]
    assert "dây mũi màu đỏ" in email.get_body(preferencelist=("plain",)).get_content()
    relayed = [m for m in smtp_server.to("mai@example.vn") if "Nhặt được" in m["Subject"]]
    assert len(relayed) == 2  # her own copy, and the one to read out to her grandmother
