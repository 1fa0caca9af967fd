"""Each role lands where its work is, and the menu offers every destination in words that cannot
be confused; the large-text mode is chosen once and kept on the person."""

import re

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhgiac.testing import signed_in
from people.actions import do_record_consent
from people.models import ConsentMethod
from people.tests.test_signin_pages import sign_in_with_code


def test_a_resident_lands_on_the_inbox_after_signing_in(world, client, django_capture_on_commit_callbacks):
    do_record_consent(world.resident, method=ConsentMethod.ONLINE)  # asked once, at the first sign-in
    response = sign_in_with_code(client, "0901 000 001", django_capture_on_commit_callbacks)
    assert client.get(response.url).url == "/start/"
    assert client.get("/start/").url == "/inbox/"


def test_police_land_on_the_report_queue_after_their_authenticator(world, client, django_capture_on_commit_callbacks):
    sign_in_with_code(client, "0901000004", django_capture_on_commit_callbacks)
    device = TOTPDevice.objects.get(user=world.officer)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/signin/officer/", {"password": "officer-password-1", "token": token})
    assert response.url == "/"
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/reports/queue/"


def test_the_steering_committee_lands_on_its_dashboard(world, client):
    response = signed_in(client, world.steering).get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/steering/")


def nav(page: str, css_class: str) -> str:
    found = re.search(rf'<nav class="{css_class}".*?</nav>', page, re.S)
    assert found is not None, css_class
    return found.group(0)


def labels(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<span>(.*?)</span>", html)]


def test_a_resident_phone_bar_shows_all_five_destinations(world, client):
    page = signed_in(client, world.resident).get("/inbox/").content.decode()
    bar = nav(page, "tabbar")
    assert labels(bar) == ["Hộp thư", "Bản tin", "Nhóm", "Gửi tin báo", "Tôi"]
    assert 'href="/inbox/" aria-current="page"' in bar and "Thêm" not in bar


def test_an_officer_phone_bar_puts_the_queue_first_and_the_rest_under_more(world, client):
    page = signed_in(client, world.officer).get("/reports/queue/").content.decode()
    bar = nav(page, "tabbar")
    assert labels(bar) == ["Tiếp nhận", "Hộp thư", "Bản tin", "Đơn vị", "Thêm", "Chỉ đạo", "Nhóm", "Gửi tin báo", "Tôi"]
    assert 'href="/reports/queue/" aria-current="page"' in bar
    desk = nav(page, "mainnav")
    assert "Tiếp nhận" in desk and "Gửi tin báo" in desk and "Tin báo<" not in desk and "Báo tin" not in desk


def test_the_steering_committee_sees_its_dashboard_first(world, client):
    page = signed_in(client, world.steering).get("/inbox/").content.decode()
    assert labels(nav(page, "tabbar"))[0] == "Chỉ đạo"


def test_large_text_is_turned_on_once_and_kept_on_every_page(world, client):
    signed_in(client, world.relay)
    assert 'class="large-text"' not in client.get("/inbox/").content.decode()
    response = client.post("/me/display/", {"large_text": "1", "next": "/bulletins/"})
    assert response.url == "/bulletins/"
    world.relay.refresh_from_db()
    assert world.relay.large_text
    for path in ("/inbox/", "/bulletins/", f"/groups/{world.rg_group.pk}/", "/me/"):
        assert '<html lang="vi" class="large-text">' in client.get(path).content.decode()
    # Another phone: the person's choice follows them.
    other = signed_in(type(client)(), world.relay)
    assert 'class="large-text"' in other.get("/inbox/").content.decode()
    client.post("/me/display/", {"large_text": "0"})
    assert 'class="large-text"' not in client.get("/inbox/").content.decode()


def test_a_visitor_may_turn_large_text_on_for_this_browser(db, client):
    client.post("/me/display/", {"large_text": "1", "next": "/signin/"})
    assert 'class="large-text"' in client.get("/signin/").content.decode()
