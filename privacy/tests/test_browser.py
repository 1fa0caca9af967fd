"""In Chromium at 390×844: a relay records an elder's consent, a resident downloads their data and
deletes it; an officer reveals one field of a confidential reporter. Screenshots go to
docs/screenshots/ (privacy-*.png)."""

import os
from pathlib import Path

import pytest
from django.test import Client

from canhgiac.testing import create_report, signed_in
from core.browser import MISSING, chromium_available, launch
from people.models import Consent, Person

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason=MISSING)]


@pytest.fixture
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def page_for(browser, live_server, person):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", base_url=live_server.url)
    client = signed_in(Client(), person)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(30_000)  # the shared machine is slow at times
    return page


def test_a_relay_records_an_elders_consent_and_a_resident_deletes_their_data(browser, live_world, live_server):
    relay = page_for(browser, live_server, live_world.relay)
    relay.goto("/me/data/")
    assert relay.locator("h1").inner_text() == "Dữ liệu của tôi"
    relay.click(f"[data-testid=record-for-{live_world.elder.pk}]")
    relay.wait_for_selector("text=Đã ghi nhận sự đồng ý.")
    relay.screenshot(path=SHOTS / "privacy-my-data.png", full_page=True)
    assert Consent.objects.get(person=live_world.elder).recorded_by == live_world.relay

    create_report(live_world.resident, live_world.rg)
    resident = page_for(browser, live_server, live_world.resident)
    resident.goto("/me/")  # no consent yet: the profile asks for it, with the notice one tap away
    assert resident.get_by_role("checkbox").is_visible()
    resident.screenshot(path=SHOTS / "privacy-consent-at-signup.png", full_page=True)
    resident.click("text=thông báo xử lý dữ liệu cá nhân")
    assert resident.locator("h1").inner_text() == "Thông báo xử lý dữ liệu cá nhân"
    resident.screenshot(path=SHOTS / "privacy-notice.png", full_page=True)
    resident.goto("/me/data/")
    with resident.expect_download() as download:
        resident.click("text=PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    resident.click("text=Yêu cầu xóa dữ liệu của tôi")
    assert "1 tin báo của bạn đang được giải quyết" in resident.content()
    resident.screenshot(path=SHOTS / "privacy-delete.png", full_page=True)
    resident.click("[data-testid=confirm-delete]")
    resident.wait_for_selector("text=Dữ liệu của bạn đã được xóa.")
    assert Person.objects.get(pk=live_world.resident.pk).phone is None


def test_an_officer_reveals_only_the_phone_of_a_confidential_reporter(browser, live_world, live_server):
    report = create_report(live_world.resident, live_world.rg).report
    officer = page_for(browser, live_server, live_world.officer)
    officer.goto(f"/reports/{report.receipt_code}/case/")
    officer.fill("input[name=reason]", "Gọi lại xác minh")
    officer.click("[data-testid=reveal-phone]")
    officer.wait_for_selector("[data-testid=identity]")
    shown = officer.inner_text("[data-testid=identity]")
    assert "0901 000 001" in shown and live_world.resident.full_name not in shown
    officer.screenshot(path=SHOTS / "privacy-reveal-phone.png", full_page=True)
