from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.senders import MemorySender


def sign_in_with_code(client, phone, capture, next_url=""):
    with capture(execute=True):
        response = client.post(f"/signin/?next={next_url}" if next_url else "/signin/", {"phone": phone})
    assert response.status_code == 302, response.content.decode()
    code = MemorySender.last_code_for("+84" + phone.lstrip("0").replace(" ", ""))
    return client.post("/signin/code/", {"code": code})


def test_a_resident_signs_in_with_phone_and_code(world, client, django_capture_on_commit_callbacks):
    response = sign_in_with_code(client, "0901 000 001", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    page = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="vi")
    assert "Nhóm Tổ 1 ấp Phước Hội" in page.content.decode()


def test_a_wrong_number_is_explained_on_the_form(db, client):
    response = client.post("/signin/", {"phone": "0901"})
    assert response.status_code == 200
    assert "0901" in response.content.decode()


def test_a_new_person_is_asked_for_their_name_after_the_first_sign_in(db, client, django_capture_on_commit_callbacks):
    response = sign_in_with_code(client, "0907 123 456", django_capture_on_commit_callbacks)
    assert response.url.startswith("/me/")
    response = client.post(
        "/me/", {"full_name": "Nguyễn Thị Mới", "language": "en", "next": "/groups/", "consent": "on"}
    )
    assert response.url == "/groups/"
    assert response.cookies["django_language"].value == "en"


def test_an_officer_code_alone_opens_nothing_until_password_and_authenticator(
    world, client, django_capture_on_commit_callbacks, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code otherwise locks the next try for a second
    response = sign_in_with_code(client, "0901000004", django_capture_on_commit_callbacks)
    assert response.url.startswith("/signin/officer/")
    blocked = client.get(f"/units/{world.commune.code}/")
    assert blocked.status_code == 302 and blocked.url.startswith("/signin/officer/")

    device = TOTPDevice.objects.get(user=world.officer)
    wrong = client.post("/signin/officer/", {"password": "not-it-at-all", "token": "123456"})
    assert wrong.status_code == 200
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    right = client.post("/signin/officer/", {"password": "officer-password-1", "token": token, "next": "/units/"})
    assert right.status_code == 302
    assert client.get(f"/units/{world.commune.code}/").status_code == 200


def test_an_officer_without_an_authenticator_enrols_one_first(world, client, django_capture_on_commit_callbacks):
    TOTPDevice.objects.filter(user=world.officer).delete()
    sign_in_with_code(client, "0901000004", django_capture_on_commit_callbacks)
    response = client.get("/signin/officer/")
    assert response.url.startswith("/signin/officer/setup/")
    page = client.get(response.url)
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=world.officer, confirmed=False)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/signin/officer/setup/", {"password": "a-new-long-password", "token": token})
    assert done.status_code == 302
    world.officer.refresh_from_db()
    assert world.officer.check_password("a-new-long-password")
    assert client.get(f"/units/{world.commune.code}/").status_code == 200


def test_the_page_asked_for_is_kept_whole_through_the_officer_step(world, client):
    client.force_login(world.officer, backend="people.auth.PhoneCodeBackend")
    response = client.get("/groups/?a=1&b=2")
    assert response.url == "/signin/officer/?next=%2Fgroups%2F%3Fa%3D1%26b%3D2"
