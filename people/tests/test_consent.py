"""Consent to the privacy notice: at sign-up, at door-to-door enrollment, by a relay; withdrawable."""

from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from people.models import NOTICE_VERSION, Consent, ConsentMethod
from people.senders import MemorySender


def sign_in_with_code(client, phone, capture):
    with capture(execute=True):
        client.post("/signin/", {"phone": phone})
    code = MemorySender.last_code_for("+84" + phone.lstrip("0").replace(" ", ""))
    return client.post("/signin/code/", {"code": code})


def test_a_new_person_agrees_to_the_notice_when_giving_their_name(db, client, django_capture_on_commit_callbacks):
    response = sign_in_with_code(client, "0907 123 456", django_capture_on_commit_callbacks)
    assert response.url.startswith("/me/")
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Tôi đã đọc thông báo" in page and 'href="/privacy/"' in page
    refused = client.post("/me/", {"full_name": "Nguyễn Thị Mới", "language": "vi"})
    assert refused.status_code == 200 and not Consent.objects.exists()
    client.post("/me/", {"full_name": "Nguyễn Thị Mới", "language": "vi", "consent": "on"})
    consent = Consent.objects.get()
    assert (consent.method, consent.notice_version, consent.recorded_by) == (
        ConsentMethod.ONLINE,
        NOTICE_VERSION,
        consent.person,
    )
    assert AuditEvent.objects.filter(verb="consent.given", actor=consent.person).exists()


def test_a_resident_without_consent_is_asked_at_the_next_sign_in(world, client, django_capture_on_commit_callbacks):
    response = sign_in_with_code(client, "0901000001", django_capture_on_commit_callbacks)
    assert response.url.startswith("/me/")


def test_the_leader_records_how_a_member_agreed_at_door_to_door_enrollment(world, client):
    signed_in(client, world.leader)
    client.post(
        reverse("coverage:household", args=[world.household.pk]),
        {"full_name": "Trần Văn Bảy", "phone": "", "enroll": "on", "consent_method": "spoken"},
    )
    consent = Consent.objects.get(person__full_name="Trần Văn Bảy")
    assert consent.method == ConsentMethod.SPOKEN and consent.recorded_by == world.leader


def test_a_relay_records_and_withdraws_an_elders_consent_and_no_one_else_can(world, client):
    url = reverse("privacy:consent", args=[world.elder.pk])
    assert signed_in(client, world.resident).post(url).status_code == 403
    assert signed_in(client, world.leader).post(url).status_code == 403
    page = signed_in(client, world.relay).get(reverse("privacy:mine")).content.decode()
    assert world.elder.full_name in page
    client.post(url)
    consent = Consent.objects.get(person=world.elder)
    assert consent.method == ConsentMethod.RELAY and consent.recorded_by == world.relay
    client.post(url, {"action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == world.relay


def test_a_person_withdraws_their_consent_from_their_page_and_the_record_stays(world, client):
    signed_in(client, world.resident)
    client.post(reverse("privacy:consent", args=[world.resident.pk]))
    client.post(reverse("privacy:consent", args=[world.resident.pk]), {"action": "withdraw"})
    page = client.get(reverse("privacy:mine"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Bạn chưa đồng ý" in page
    assert Consent.objects.filter(person=world.resident, withdrawn_at__isnull=False).count() == 1
    assert AuditEvent.objects.filter(verb="consent.withdrawn", actor=world.resident).exists()


def test_the_notice_is_in_vietnamese_and_open_to_everyone(db, client):
    page = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Thông báo xử lý dữ liệu cá nhân" in page and NOTICE_VERSION in page and "72 giờ" in page
