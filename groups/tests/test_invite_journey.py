"""A resident opens an invite link, signs in with phone and code, joins and sees the group."""

from pathlib import Path

import pytest
from django.conf import settings

from groups.actions import check_create_invite
from people.senders import MemorySender

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.mark.browser
def test_a_resident_joins_a_group_from_an_invite_link_in_vietnamese(live_world, live_server, browser_page):
    page = browser_page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    invite = check_create_invite(live_world.leader, live_world.rg_group, days=7, max_uses=20)

    page.goto(f"{live_server.url}/groups/join/{invite.token}/")
    assert page.locator("h1").inner_text() == "Tham gia nhóm"
    assert "Nhóm Tổ 1 ấp Phước Hội" in page.content()
    page.screenshot(path=SCREENSHOTS / "join-invite.png", full_page=True)
    page.get_by_role("link", name="Đăng nhập để tham gia").click()

    page.get_by_label("Số điện thoại").fill("0907 123 456")
    page.get_by_role("button", name="Gửi mã cho tôi").click()
    page.wait_for_url("**/signin/code/")
    assert "0907 *** 456" in page.content()
    page.get_by_label("Mã").fill(MemorySender.last_code_for("+84907123456"))
    page.screenshot(path=SCREENSHOTS / "signin-code.png", full_page=True)
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/me/**")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_role("checkbox").check()  # the privacy notice, agreed at sign-up
    page.get_by_role("button", name="Lưu").click()

    page.wait_for_url(f"**/groups/join/{invite.token}/")
    page.get_by_role("button", name="Tham gia nhóm này").click()
    page.wait_for_url(f"**/groups/{live_world.rg_group.pk}/")
    assert page.locator("h1").inner_text() == "Nhóm Tổ 1 ấp Phước Hội"
    assert "Nguyễn Thị Hoa" in page.locator("ul.list").last.inner_text()
    page.screenshot(path=SCREENSHOTS / "group-joined.png", full_page=True)

    page.locator(".tabbar").get_by_role("link", name="Nhóm", exact=True).click()
    assert "Nhóm Tổ 1 ấp Phước Hội" in page.locator("ul.list").inner_text()
