"""A provincial officer follows the rollout of the demo province in a real Chromium."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from canhgiac.testing import signed_in
from demo import data
from demo.rollout import REMINDED_DAYS_BEFORE
from people.models import Person

# Written where the test run keeps its files; the curated copies in docs/screenshots/ are updated by hand.
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def sign_in_browser(page, live_server, person: Person) -> None:
    client = signed_in(Client(), person)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


DRAWN = """() => document.querySelectorAll('.map-pin').length +
    [...document.querySelectorAll('.marker-cluster')].reduce((n, c) => n + Number(c.textContent), 0)"""


def drawn_points(page) -> int:
    """Points on the map, single pins plus the counts written on clusters, once they match the status line."""
    status = "document.getElementById('map-status').textContent"
    page.wait_for_function(f"() => (({DRAWN})() > 0) && {status}.includes('hiển thị ' + ({DRAWN})() + '.')")
    return page.evaluate(DRAWN)


@pytest.mark.browser
def test_a_province_officer_follows_the_rollout_from_dashboard_to_a_lagging_commune(
    transactional_db, live_server, browser_page, settings
):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # tiles that cannot load
    call_command("seed_demo", stdout=StringIO())
    page = browser_page
    officer = Person.objects.get(phone="+84" + data.PERSONAS["province"][0][1:])
    sign_in_browser(page, live_server, officer)

    page.goto(f"{live_server.url}/groups/")
    page.locator(".tabbar summary").click()  # a police officer's phone bar keeps "Chỉ đạo" under "Thêm"
    page.locator(".tabbar").get_by_role("link", name="Chỉ đạo").click()
    page.wait_for_url(f"**/steering/u/{data.PROVINCE_CODE}/")
    assert page.locator("h1").inner_text() == "Tỉnh Tây Ninh"
    assert page.locator("[data-chart=groups_members] svg").is_visible()
    assert "Xã Cầu Khởi" in page.locator("table.figures").inner_text()
    page.screenshot(path=SCREENSHOTS / "steering-dashboard.png", full_page=True)

    page.locator(".directive a.main").first.click()
    page.wait_for_url("**/steering/directives/*/")
    matrix = page.locator("table.matrix").inner_text()
    assert "Phường Hòa Thành" in matrix and "Xã Cầu Khởi" in matrix and "Xã Châu Thành" not in matrix
    page.screenshot(path=SCREENSHOTS / "steering-directive.png", full_page=True)

    page.locator("details.empty-units summary").click()
    page.locator("details.empty-units").get_by_role("link", name="Xã Châu Thành").click()
    page.wait_for_url("**/steering/directives/*/?scope=25585")
    assert "Còn thiếu nhóm theo yêu cầu" in page.content()
    assert "quá hạn" not in page.locator("ul.list").last.inner_text()  # the deadline is still ahead

    page.goto(f"{live_server.url}/steering/u/{data.COMMUNE_CODE}/")
    assert page.locator("h1").inner_text() == "Xã Cầu Khởi"
    assert "Ấp Phước Hội" in page.locator("table.figures").inner_text()

    page.goto(f"{live_server.url}/steering/u/{data.PROVINCE_CODE}/map/")
    # The communes the demo fills are named at their place, tiles or not; the others are listed.
    page.wait_for_function("() => document.querySelectorAll('.map-label').length > 5", timeout=30_000)
    assert page.locator(".map-label", has_text="Xã Cầu Khởi").is_visible()
    assert page.locator(".leaflet-control-scale-line").is_visible()
    page.wait_for_function("() => document.getElementById('map-status').textContent.length > 0")
    # The demo's fresh reports carry positions around Cầu Khởi: drawn as pins or clusters, all of them.
    recent = drawn_points(page)
    assert recent > 0
    assert f"Tin báo: hiển thị {recent}." in page.locator("#map-status").inner_text()
    page.wait_for_function("() => document.getElementById('map-tiles-status').textContent.length > 0")
    assert "Không tải được bản đồ nền" in page.locator("#map-tiles-status").inner_text()
    assert "Xã Cầu Khởi" not in page.locator("#unlocated").inner_text()
    assert "Tin báo, tố giác tội phạm" in page.locator(".map-legend").inner_text()

    page.select_option("#map-filter-period", "all")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/map/?period=all*")
    page.wait_for_function("() => document.getElementById('map-status').textContent.length > 0")
    everything = drawn_points(page)
    assert everything > recent and page.locator(".marker-cluster").count() > 0
    assert f"Tin báo: hiển thị {everything}." in page.locator("#map-status").inner_text()
    page.screenshot(path=SCREENSHOTS / "steering-map.png", full_page=True)

    steering = Person.objects.get(phone="+84" + data.PERSONAS["steering"][0][1:])
    page.context.clear_cookies()
    sign_in_browser(page, live_server, steering)
    page.goto(f"{live_server.url}/steering/mine/")
    assert page.locator("h1").inner_text() == "Nhiệm vụ của tôi"
    assert "Ấp Phước Hội" in page.content() and f"Còn {REMINDED_DAYS_BEFORE} ngày" in page.content()
    page.screenshot(path=SCREENSHOTS / "steering-mine.png", full_page=True)
