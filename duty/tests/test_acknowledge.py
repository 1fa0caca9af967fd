"""One-tap acknowledgement: the signed link in the alert, the Web Push button, "OK" in the chat."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from audit.actions import history
from canhgiac.testing import create_report, signed_in
from channels.conftest import add_bot
from delivery.engine import drain
from duty.actions import ack_url, escalate_due
from duty.models import Alert
from duty.tests.test_alerts import URGENT_TEXT, chat, link_chat, sent_to


def urgent_report(world):
    return create_report(world.resident, world.rg, category="assault", description=URGENT_TEXT).report


def test_the_alert_link_shows_the_summary_and_acknowledges_only_on_the_button(world, crew):
    report = urgent_report(world)
    alert = Alert.objects.get()
    link = ack_url(alert, world.officer.pk)
    phone = Client(enforce_csrf_checks=True)  # the chat app's browser: not signed in

    page = phone.get(link)
    text = page.content.decode()
    assert page.status_code == 200
    assert report.receipt_code in text and "Cổng chợ" not in text  # what the alert said, no more
    assert world.resident.full_name not in text and URGENT_TEXT not in text
    assert 'data-testid="ack"' in text
    alert.refresh_from_db()
    assert alert.acknowledged_at is None  # opening (or a chat app's link preview) acknowledges nothing

    assert phone.post(link, {"via": "link"}).status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.officer and alert.acknowledged_via == "link"
    assert "Đỗ Tuấn Kiệt đã nhận tin" in phone.get(link).content.decode()
    assert escalate_due(timezone.now() + timedelta(hours=1)) == 0
    [event] = [e for e in history(report) if e.verb == "duty.acknowledged"]
    assert event.actor == world.officer and "đường link trong tin báo" in event.reason


def test_the_case_behind_the_link_still_needs_sign_in(world, crew):
    report = urgent_report(world)
    response = Client().get(f"/reports/{report.receipt_code}/case/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


def test_the_web_push_button_acknowledges_with_an_empty_post(world, crew):
    urgent_report(world)
    alert = Alert.objects.get()
    response = Client(enforce_csrf_checks=True).post(ack_url(alert, world.officer.pk))
    assert response.status_code == 204
    alert.refresh_from_db()
    assert alert.acknowledged_via == "push"


def test_a_forged_or_expired_link_acknowledges_nothing(world, crew, settings):
    urgent_report(world)
    alert = Alert.objects.get()
    link = ack_url(alert, world.officer.pk)
    assert Client().post(link[:-3] + "xx/").status_code == 404
    other = ack_url(alert, world.stranger.pk)  # a valid signature for someone it was never sent to
    assert Client().post(other).status_code == 404
    settings.DUTY_ACK_LINK_HOURS = 0
    assert Client().post(link).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_web_push_payload_carries_the_acknowledgement_link(world, crew):
    from delivery.messages import render_message
    from delivery.models import Delivery

    urgent_report(world)
    delivery = Delivery.objects.get(person=world.officer)
    assert "/duty/ack/" in render_message(delivery, "").ack_url


def test_answering_ok_on_telegram_acknowledges_the_newest_alert(world, crew, fake, client):
    add_bot(world.commune, "telegram")
    link_chat(fake, client, world.officer, "telegram", "555")
    report = urgent_report(world)
    drain()
    assert any(report.receipt_code in text for text in sent_to(fake, "555"))

    [answer] = chat(fake, client, "telegram", "555", "Ok")
    assert "Đã ghi nhận" in answer and report.receipt_code in answer
    alert = Alert.objects.get()
    assert alert.acknowledged_by == world.officer and alert.acknowledged_via == "telegram"


def test_a_residents_ok_is_not_taken_for_an_acknowledgement(world, crew, fake, client):
    add_bot(world.commune, "zalo_bot")
    link_chat(fake, client, world.resident, "zalo_bot", "901")
    urgent_report(world)
    answers = chat(fake, client, "zalo_bot", "901", "ok")
    assert not any("Đã ghi nhận" in a for a in answers)
    assert Alert.objects.get().acknowledged_at is None


def test_another_officer_of_the_unit_signed_in_cannot_use_a_colleagues_link_as_themselves(world, crew):
    urgent_report(world)
    alert = Alert.objects.get()
    colleague = signed_in(Client(), crew.chief)
    colleague.post(ack_url(alert, world.officer.pk), {"via": "link"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == world.officer  # the link names who it was sent to
