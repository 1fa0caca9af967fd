"""On a phone (390×844): every destination reachable from the bottom bar, nothing cut off; the
large-text mode turned on once and kept; pages stay usable at 200 % text, with no sideways scroll."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve

from bulletins.actions import check_create_post, check_publish_bulletin
from bulletins.audience import Audience
from bulletins.models import Category
from canhgiac.testing import create_report, signed_in

pytestmark = pytest.mark.browser


def sign_in(page, live_server, person) -> None:
    resolve("/")  # import every view here, not in the server's first request (slow on a busy machine)
    client = signed_in(Client(), person)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


CUT_LABELS = """() => [...document.querySelectorAll('.tabbar a, .tabbar summary')]
    .filter(el => el.offsetParent !== null)
    .filter(el => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > innerWidth + 1)
    .map(el => el.textContent.trim())"""


def test_an_officer_reaches_every_destination_from_the_phone_bar(live_world, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, live_world.officer)
    page.goto(live_server.url + "/", wait_until="domcontentloaded")  # the queue keeps a live stream open
    page.wait_for_url("**/reports/queue/", wait_until="domcontentloaded")
    bar = page.locator(".tabbar")
    assert bar.is_visible() and not page.locator(".topbar .mainnav").is_visible()
    assert [t.strip() for t in bar.locator(":scope > a").all_inner_texts()] == [
        "Tiếp nhận",
        "Hộp thư",
        "Bản tin",
        "Đơn vị",
    ]
    assert page.evaluate(CUT_LABELS) == []
    bar.locator("summary").click()
    more = page.locator(".more-menu")
    assert [t.strip() for t in more.locator("a").all_inner_texts()] == ["Chỉ đạo", "Nhóm", "Gửi tin báo", "Tôi"]
    for link in more.locator("a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] >= 0
    more.get_by_role("link", name="Gửi tin báo").click()
    page.wait_for_url("**/reports/new/", wait_until="domcontentloaded")
    assert page.locator(".tabbar summary.current").is_visible()


PAGES_AT_200 = [
    "/inbox/",
    "/bulletins/",
    "/groups/",
    "/groups/{group}/",
    "/bulletins/{bulletin}/",
    "/bulletins/posts/{post}/",
    "/reports/new/",
    "/reports/mine/",
    "/me/",
]

OVERFLOW = """() => ({width: document.documentElement.scrollWidth,
    wide: [...document.querySelectorAll('main *')].filter(el => el.getBoundingClientRect().right > innerWidth + 1
        && !el.closest('.table-scroll')).slice(0, 3).map(el => el.tagName + '.' + el.className)})"""


def test_large_text_is_kept_and_pages_stay_usable_at_200_percent(live_world, live_server, browser_page):
    w = live_world
    bulletin = check_publish_bulletin(
        w.officer,
        title="Cảnh giác thủ đoạn giả danh công an gọi điện yêu cầu chuyển tiền",
        body_html="<p>Không cung cấp mã OTP cho bất kỳ ai: https://congan.tayninh.gov.vn/canh-bao-lua-dao-qua-dien-thoai</p>",
        category=Category.SCAMS,
        audience=Audience(groups=[w.rg_group]),
    )
    post = check_create_post(w.resident, w.rg_group, "Thấy người lạ chụp ảnh cổng nhà số 12 đường Phước Ninh")
    create_report(w.relay, w.rg)
    page = browser_page
    sign_in(page, live_server, w.relay)
    page.goto(live_server.url + "/inbox/")
    page.get_by_role("button", name="Chữ to").click()
    page.wait_for_url("**/inbox/")
    assert page.evaluate("document.documentElement.className") == "large-text"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "20px"

    for path in PAGES_AT_200:
        url = live_server.url + path.format(group=w.rg_group.pk, bulletin=bulletin.pk, post=post.pk)
        page.goto(url)
        assert page.evaluate("document.documentElement.className") == "large-text", path
        page.evaluate("document.documentElement.style.fontSize = '200%'")  # the phone's own text size on top
        found = page.evaluate(OVERFLOW)
        assert found["width"] <= 390, (path, found)
        assert page.locator(".tabbar").is_visible(), path


def test_the_officer_desk_pages_stay_usable_at_200_percent(live_world, live_server, browser_page):
    w = live_world
    report = create_report(w.resident, w.rg, latitude="11.2905", longitude="106.0562").report
    page = browser_page
    sign_in(page, live_server, w.officer)
    for path in ("/reports/queue/", f"/reports/{report.receipt_code}/case/", "/units/", f"/groups/{w.rg_group.pk}/"):
        page.goto(live_server.url + path, wait_until="domcontentloaded")
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        found = page.evaluate(OVERFLOW)
        assert found["width"] <= 390, (path, found)
