"""A member answers a post on their phone (390×844) with a photo; the author finds it in their inbox."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import resolve

from bulletins.actions import check_create_post
from bulletins.models import PostReply
from canhgiac.testing import signed_in
from reports.tests.images import jpeg_with_gps

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "tmp"


def sign_in(page, live_server, person) -> None:
    resolve("/")  # import every view here, not in the server's first request (slow on a busy machine)
    cookie = signed_in(Client(), person).cookies[django_settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_a_member_replies_with_a_photo_and_the_author_reads_it(
    live_world, live_server, browser_page, tmp_path, settings
):
    w = live_world
    settings.MEDIA_ROOT = tmp_path
    post = check_create_post(w.resident, w.rg_group, "Có con trâu lạc ở ruộng ấp Phước Hội, ai biết của nhà nào?")
    photo = tmp_path / "trau.jpg"
    photo.write_bytes(jpeg_with_gps().read())
    page = browser_page
    sign_in(page, live_server, w.relay)

    page.goto(f"{live_server.url}/groups/{w.rg_group.pk}/")
    page.locator("[data-testid=group-post]", has_text="con trâu lạc").get_by_role("link").first.click()
    page.get_by_label("Trả lời của bạn").fill("Trâu nhà ông Tư ấp Phước Lễ, tôi đã báo ông ấy")
    page.get_by_label("Ảnh").set_input_files(str(photo))
    page.get_by_role("button", name="Trả lời", exact=True).click()

    reply = page.locator("[data-testid=reply]")
    reply.wait_for()
    assert "Trâu nhà ông Tư" in reply.inner_text()
    image = reply.locator("img.message-photo")
    # The photo is fetched after the reply appears: wait until it is decoded (a broken image never is).
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert PostReply.objects.get().photo

    sign_in(page, live_server, w.resident)
    page.goto(f"{live_server.url}/inbox/")
    item = page.locator("[data-testid=inbox-item]", has_text="đã trả lời bài của bạn")
    item.get_by_role("link").click()
    page.wait_for_url(f"**/bulletins/posts/{post.pk}/**")
    assert page.locator("[data-testid=reply] img.message-photo").is_visible()


def test_an_administrator_reads_a_residents_group_with_nothing_to_post_or_moderate(
    live_world, live_server, browser_page
):
    w = live_world
    check_create_post(w.resident, w.rg_group, "Tối qua có người lạ đi xe máy quanh xóm")
    page = browser_page
    sign_in(page, live_server, w.admin)

    page.goto(f"{live_server.url}/groups/{w.rg_group.pk}/")
    post = page.locator("[data-testid=group-post]", has_text="người lạ")
    post.wait_for()
    assert page.get_by_role("link", name="Đăng lên nhóm này").count() == 0
    assert page.get_by_text("Tạm khóa đăng bài").count() == 0  # no mute for a member
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "group-as-admin.png"), full_page=True)
    post.get_by_role("link").first.click()
    page.locator("[data-testid=post]").wait_for()
    assert page.get_by_text("Kiểm duyệt").count() == 0 and page.get_by_label("Trả lời của bạn").count() == 0
    page.screenshot(path=str(SHOTS / "group-post-as-admin.png"), full_page=True)
