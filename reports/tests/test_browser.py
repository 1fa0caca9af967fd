"""Browser journeys in real Chromium (Debian's, driven by Playwright) against a live server.

Screenshots of every page visited land in docs/screenshots/tmp/ (ignored by git) for review.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.test import Client

from canhgiac.testing import build_world, extend_with_neighbour, signed_in
from core.browser import MISSING, chromium_available, launch
from reports.models import Report
from reports.tests.images import jpeg_with_gps

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tmp"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason=MISSING),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are
    # ordinary synchronous calls made between browser steps.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def live_world(transactional_db):
    world = build_world()
    return world, extend_with_neighbour(world)


def page_for(browser, live_server, person=None, viewport=PHONE):
    context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=live_server.url)
    if person is not None:
        client = signed_in(Client(), person)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def photo_file(tmp_path) -> str:
    path = tmp_path / "hien-truong.jpg"
    path.write_bytes(jpeg_with_gps(size=(640, 480)).read())
    return str(path)


def apply_status(page, status: str, **fields) -> None:
    page.check(f"input[name=status][value={status}]")
    for selector, value in fields.items():
        if selector.startswith("select"):
            page.select_option(selector.split(":", 1)[1], value)
        else:
            page.fill(selector, value)
    page.click("[data-testid=apply-status]")
    page.wait_for_load_state()


def test_a_resident_files_a_confidential_report_with_a_photo_and_follows_it(browser, live_server, live_world, tmp_path):
    world, _more = live_world
    officer = page_for(browser, live_server, world.officer, DESK)
    officer.goto("/reports/queue/")
    officer.wait_for_selector("#queue")
    shot(officer, "queue-empty")

    resident = page_for(browser, live_server, world.resident)
    resident.goto("/reports/new/")
    shot(resident, "report-form")
    resident.select_option("#id_category", "theft")
    resident.fill("#id_description", "Hai thanh niên đi xe máy bắt trộm chó nhà bên cạnh lúc 2 giờ sáng.")
    resident.fill("#id_place_text", "Hẻm 3, gần cầu Khởi")
    resident.set_input_files("#id_photos", photo_file(tmp_path))
    resident.check("input[name=visibility][value=confidential]")
    started = time.monotonic()
    resident.click("button.wide")
    resident.wait_for_url(re.compile(r"/reports/CG-"))
    code = resident.inner_text("[data-testid=code]")
    shot(resident, "report-detail-received")

    # The open queue shows the new report without a reload (server-sent events).
    officer.wait_for_selector(f".queue-item[data-code='{code}']", timeout=5_000)
    print(f"\nnew report visible on the open queue {time.monotonic() - started:.2f} s after submitting")
    shot(officer, "queue-live")

    officer.click(f".queue-item[data-code='{code}'] a.main")
    officer.wait_for_url(re.compile("/case/"))
    assert world.resident.full_name not in officer.content()
    officer.click("[data-testid=reveal]")
    officer.wait_for_selector("[data-testid=identity]")
    assert world.resident.full_name in officer.inner_text("[data-testid=identity]")
    shot(officer, "case-page")
    apply_status(officer, "acknowledged")
    apply_status(officer, "dispatched", **{"select:#id_assignee": str(world.officer.pk)})
    apply_status(officer, "resolved", **{"#id_reason": "Đã bắt quả tang, lập biên bản."})
    assert officer.inner_text("[data-testid=status]") == "Đã giải quyết"
    shot(officer, "case-resolved")

    resident.reload()
    updates = resident.inner_text("[data-testid=updates]")
    assert "Đã thụ lý" in updates and "Đã cử lực lượng" in updates and "Đã bắt quả tang" in updates
    assert resident.inner_text("[data-testid=status]") == "Đã giải quyết"
    shot(resident, "report-detail-resolved")
    report = Report.objects.get(receipt_code=code)
    assert report.photos.count() == 1 and report.reporter_pk == world.resident.pk


def test_an_anonymous_tipster_converses_by_receipt_code(browser, live_server, live_world):
    world, _more = live_world
    tipster = page_for(browser, live_server)
    tipster.goto("/reports/new/")
    tipster.select_option("#id_category", "drugs")
    tipster.fill("#id_description", "Có người bán ma túy ở quán nước cuối hẻm 7 vào buổi tối.")
    tipster.select_option("#id_unit", world.rg.code)
    tipster.click("button.wide")
    tipster.wait_for_selector("[data-testid=receipt-code]")
    shot(tipster, "anonymous-receipt")
    code = tipster.inner_text("[data-testid=receipt-code]")
    secret = tipster.inner_text("[data-testid=receipt-secret]")
    report = Report.objects.get(receipt_code=code)
    assert report.reporter_id is None and report.filed_by_id is None

    officer = page_for(browser, live_server, world.officer, DESK)
    officer.goto(f"/reports/{code}/case/")
    assert "Ẩn danh" in officer.content()
    officer.fill("#id_body", "Cảm ơn anh/chị. Quán đó mở cửa mấy giờ?")
    officer.click("form[action$='/messages/'] button")
    officer.wait_for_load_state()

    tipster.goto("/reports/follow/")
    tipster.fill("#id_code", code.replace("-", "").lower())
    tipster.fill("#id_secret", secret)
    tipster.click("form.card button")
    tipster.wait_for_selector("#thread")
    assert "Quán đó mở cửa mấy giờ?" in tipster.inner_text("#thread")
    tipster.fill("#id_body", "Từ 19 giờ đến khuya, đông nhất khoảng 22 giờ.")
    tipster.click("form.card button")
    tipster.wait_for_selector("text=Từ 19 giờ đến khuya")
    shot(tipster, "anonymous-conversation")

    officer.reload()
    assert "Từ 19 giờ đến khuya" in officer.inner_text("#thread")
    report.refresh_from_db()
    assert report.reporter_id is None and all(m.author_id is None for m in report.messages.filter(side="reporter"))


def test_the_buffalo_found_in_one_commune_goes_back_to_its_owner_in_the_next(
    browser, live_server, live_world, tmp_path
):
    world, more = live_world
    finder = page_for(browser, live_server, world.leader)
    finder.goto("/reports/new/")
    finder.select_option("#id_category", "found_animal")
    finder.fill("#id_description", "Một con trâu đực đi lạc vào ruộng ấp Phước Hội, dây mũi màu đỏ.")
    finder.set_input_files("#id_photos", photo_file(tmp_path))
    finder.check("input[name=visibility][value=named]")
    finder.click("button.wide")
    finder.wait_for_url(re.compile(r"/reports/CG-"))
    code = finder.inner_text("[data-testid=code]")

    owner = page_for(browser, live_server, more.neighbour_resident)
    owner.goto(f"/groups/{more.neighbour_group.pk}/")
    assert owner.locator("[data-testid=lost-found-post]").count() == 0

    steering = page_for(browser, live_server, world.steering, DESK)
    steering.goto(f"/reports/{code}/case/")
    for unit in (world.commune, world.neighbour):
        steering.check(f"input[name=units][value='{unit.pk}']")
    steering.click("[data-testid=share]")
    steering.wait_for_load_state()
    shot(steering, "buffalo-shared")

    owner.reload()
    shot(owner, "neighbour-group-page")
    owner.click("[data-testid=lost-found-post] a.main")
    owner.fill("#id_body", "Con trâu này của nhà tôi ở ấp Phước Lợi, tai trái có vết cắt.")
    owner.click("[data-testid=claim]")
    owner.wait_for_load_state()
    shot(owner, "buffalo-claim")

    steering.reload()
    assert "tai trái có vết cắt" in steering.inner_text("#thread")
    apply_status(steering, "returned", **{"#id_returned_to2": "Lê Hoàng An"})
    assert steering.inner_text("[data-testid=status]") == "Đã trả lại chủ sở hữu"
    shot(steering, "buffalo-returned")

    owner.goto(f"/groups/{more.neighbour_group.pk}/")
    assert owner.locator("[data-testid=lost-found-post]").count() == 0
    owner.goto(f"/reports/posts/{code}/")
    assert "Đã trả lại chủ sở hữu sau" in owner.content()
    report = Report.objects.get(receipt_code=code)
    assert report.returned_to == "Lê Hoàng An" and report.returned_at is not None


def test_a_resident_pins_the_place_on_a_map(browser, live_server, live_world, settings):
    world, _more = live_world
    # Tiles come from the live server itself: no test reaches the network.
    settings.REPORT_MAP_TILE_URL = f"{live_server.url}/static/vendor/leaflet/images/layers.png?{{z}}-{{x}}-{{y}}"
    resident = page_for(browser, live_server, world.resident)
    resident.goto("/reports/new/")
    resident.click("#pick-on-map")
    resident.wait_for_selector("#map .leaflet-container, #map.leaflet-container")
    box = resident.locator("#map").bounding_box()
    resident.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2)
    resident.wait_for_function("() => document.getElementById('id_latitude').value !== ''")
    shot(resident, "map-pin")
    resident.select_option("#id_category", "traffic")
    resident.fill("#id_description", "Ổ gà lớn giữa đường ĐT 781, xe máy dễ té.")
    resident.click("button.wide")
    resident.wait_for_url(re.compile(r"/reports/CG-"))
    report = Report.objects.get(receipt_code=resident.inner_text("[data-testid=code]"))
    assert report.latitude is not None and report.longitude is not None
    assert abs(float(report.latitude) - 11.31) < 0.05 and abs(float(report.longitude) - 106.10) < 0.05
