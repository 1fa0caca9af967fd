"""The open inbox in a real Chromium shows a new bulletin without a reload."""

import os

import pytest

from bulletins.actions import check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from canhgiac.testing import signed_in
from core.browser import MISSING, chromium_available, launch
from delivery.models import Delivery

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason=MISSING)]


@pytest.fixture
def browser_page(live_server, client, settings):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    settings.LANGUAGE_CODE = "vi"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")

        def open_as(person, path):
            cookie = signed_in(client, person).cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.goto(live_server.url + path)
            return page

        yield open_as
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_a_new_bulletin_appears_in_the_open_inbox_without_a_reload(world, browser_page):
    from playwright.sync_api import expect

    page = browser_page(world.resident, "/inbox/")
    expect(page.locator("#inbox-empty")).to_be_visible()
    page.evaluate("window.loadedOnce = true")

    check_publish_bulletin(
        world.officer,
        title="Cảnh giác trộm chó ban đêm",
        body_html="<p>Khuya có người lạ đi xe máy không biển số.</p>",
        category=Category.THEFT,
        audience=Audience(groups=[world.rg_group]),
    )

    item = page.locator("[data-testid=inbox-item]", has_text="Cảnh giác trộm chó ban đêm")
    expect(item).to_be_visible(timeout=3000)
    expect(page.locator("#inbox-empty")).to_have_count(0)
    assert page.evaluate("window.loadedOnce") is True  # the same page: no reload happened


@pytest.mark.django_db(transaction=True)
def test_a_relay_confirms_the_read_out_from_the_open_inbox(world, browser_page):
    from playwright.sync_api import expect

    bulletin = check_publish_bulletin(
        world.officer,
        title="Phòng cháy mùa khô",
        body_html="<p>Khóa van bình gas.</p>",
        category=Category.FIRE,
        audience=Audience(groups=[world.rg_group]),
    )
    page = browser_page(world.relay, "/inbox/")
    relayed = page.locator("[data-testid=inbox-item]", has_text=world.elder.full_name)
    expect(relayed).to_be_visible()

    relayed.get_by_role("button", name="Tôi đã đọc cho nghe").click()

    expect(relayed.locator(".badge-ok")).to_have_text("✓ Đã đọc cho nghe")
    delivery = Delivery.objects.get(notice=bulletin.notice, person=world.elder)
    assert delivery.relay_confirmed_at is not None
