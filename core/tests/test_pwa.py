"""The installable app in real Chromium (docs/pwa.md): manifest and service worker, the offline
page, and a report written with no network that is filed once when the network returns.

Screenshots land in docs/screenshots/tmp/ (ignored by git) for review."""

import io
import re
import time
from pathlib import Path

import httpx
import pytest
from django.test import Client
from PIL import Image

from canhgiac.testing import signed_in
from channels.types.webpush.keys import generate_private_key
from reports.models import Report

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tmp"
OFFLINE_SENTENCE = "Đã lưu bản nháp trên máy, sẽ gửi khi có mạng"

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone(browser_page):
    """The phone's page, patient: on a loaded machine the first navigation can take many seconds."""
    browser_page.set_default_timeout(60_000)
    return browser_page


def sign_in(page, live_server, person) -> None:
    client = signed_in(Client(), person)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def controlled(page, live_server, path: str) -> None:
    """Open `path` and wait until the service worker controls the page (first visit: it installs,
    claims the page, and the page is reloaded so the worker keeps a copy of it)."""
    page.goto(live_server.url + path)
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()


def until(check, seconds: float = 30.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    return check()


def test_the_app_is_installable_with_its_manifest_icons_and_a_service_worker_for_the_whole_site(
    live_server, transactional_db, phone
):
    page = phone
    page.goto(live_server.url + "/")

    script = page.evaluate("navigator.serviceWorker.ready.then((r) => [r.active.scriptURL, r.scope])")
    assert script == [f"{live_server.url}/sw.js", f"{live_server.url}/"]
    manifest_url = page.get_attribute("link[rel=manifest]", "href")
    manifest = httpx.get(live_server.url + manifest_url).json()
    assert manifest["name"] == "Cảnh Giác" and manifest["display"] == "standalone"
    sizes = {}
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(httpx.get(live_server.url + icon["src"]).content))
        sizes[icon["purpose"], icon["sizes"]] = image.size
    assert sizes == {
        ("any", "192x192"): (192, 192),
        ("any", "512x512"): (512, 512),
        ("maskable", "512x512"): (512, 512),
    }
    worker = httpx.get(f"{live_server.url}/sw.js")
    assert worker.headers["Service-Worker-Allowed"] == "/" and "javascript" in worker.headers["Content-Type"]


def test_a_page_opened_with_no_network_shows_the_offline_page_in_vietnamese(live_server, live_world, phone):
    page = phone
    sign_in(page, live_server, live_world.resident)
    controlled(page, live_server, "/inbox/")

    page.context.set_offline(True)
    page.goto(live_server.url + "/bulletins/")

    assert "Bạn đang ngoại tuyến" in page.inner_text("h1")
    assert "113" in page.inner_text("main")
    shot(page, "pwa-offline")
    page.context.set_offline(False)


def test_a_report_written_offline_is_kept_on_the_phone_and_filed_once_when_the_network_returns(
    live_server, live_world, phone
):
    page = phone
    sign_in(page, live_server, live_world.resident)
    controlled(page, live_server, "/reports/new/")

    page.context.set_offline(True)
    page.reload()  # the report form still opens: the worker kept it
    page.select_option("#id_category", "theft")
    page.fill("#id_description", "Mất xe máy Wave màu đỏ trước cửa nhà lúc 9 giờ tối.")
    page.reload()  # closed by mistake: what was typed comes back
    assert page.input_value("#id_description") == "Mất xe máy Wave màu đỏ trước cửa nhà lúc 9 giờ tối."
    page.fill("#id_place_text", "Ấp Phước Hội, gần chợ")
    page.check("input[name=visibility][value=confidential]")
    page.click("button.wide")

    page.wait_for_selector(f"#pwa-status:has-text('{OFFLINE_SENTENCE}')")
    shot(page, "pwa-report-kept-offline")
    assert Report.objects.count() == 0
    # The same form kept twice (a resend after an answer lost on the way) must still file one report.
    page.evaluate(
        """async () => {
            const [item] = await CanhGiacOutbox.all();
            const again = new FormData();
            for (const [name, value] of item.fields) again.append(name, value);
            await CanhGiacOutbox.add(item.url, again);
        }"""
    )

    page.context.set_offline(False)

    page.wait_for_selector("#pwa-status:has-text('đã được gửi')")
    assert until(lambda: Report.objects.count() == 1)
    time.sleep(1)  # a second sender (Background Sync) would have finished by now
    report = Report.objects.get()
    assert report.reporter_pk == live_world.resident.pk and "Wave màu đỏ" in report.description
    # Nothing is left to send: each kept copy went out (whichever of the page or the worker sent it).
    assert page.evaluate("CanhGiacOutbox.all().then((items) => items.filter((item) => !item.sent).length)") == 0
    shot(page, "pwa-report-sent")
    page.click("#pwa-status a")
    page.wait_for_url(re.compile(rf"/reports/{report.receipt_code}/"))


def test_an_officer_is_prompted_to_turn_notifications_on_and_finds_the_switch_in_their_settings(
    live_server, live_world, phone, settings
):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = generate_private_key()
    page = phone
    sign_in(page, live_server, live_world.officer)
    page.goto(live_server.url + "/inbox/")

    page.wait_for_selector("[data-push-prompt]:not([hidden])")
    assert "Nhận tin báo ngay trên điện thoại này" in page.inner_text("[data-push-prompt]")
    shot(page, "pwa-officer-prompt")
    page.click("[data-push-prompt] a")

    page.wait_for_selector("[data-push-state]:has-text('Thông báo trên máy này đang tắt')")
    assert page.is_visible("[data-push-on]") and not page.is_visible("[data-push-off]")
    shot(page, "pwa-push-settings")
