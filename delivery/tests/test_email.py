import pytest
from django.utils import timezone

from canhgiac.testing import give_email
from delivery.engine import drain
from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint, Route
from delivery.notify import notify
from groups.models import Membership

pytestmark = pytest.mark.django_db


def notify_group(world, **kwargs):
    members = Membership.objects.filter(group=world.rg_group, status="active").values("person_id")
    return notify(
        members, subject=kwargs.pop("subject", "Cảnh giác tín dụng đen"), body="Không vay qua tờ rơi.", **kwargs
    )


def test_a_member_who_chose_email_receives_the_notice_at_a_real_smtp_server(world, smtp_server):
    give_email(world.resident, "thanh@example.vn")

    notice = notify_group(world, url="/bulletins/1/")
    drain()

    [message] = smtp_server.to("thanh@example.vn")
    assert message["Subject"] == "Cảnh giác tín dụng đen"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Không vay qua tờ rơi." in text
    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert f"/inbox/{delivery.pk}/" in text
    assert message.get_body(preferencelist=("html",)) is not None
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.channel == "email"
    [attempt] = delivery.attempt_log.all()
    assert attempt.ok and attempt.provider_id == message["Message-ID"]


def test_a_relay_gets_read_this_to_the_elder_by_email(world, smtp_server):
    give_email(world.relay, "mai@example.vn")

    notice = notify_group(world)
    drain()

    subjects = [m["Subject"] for m in smtp_server.to("mai@example.vn")]
    assert len(subjects) == 2  # her own copy, and the one to read out to her grandmother
    relayed = [s for s in subjects if world.elder.full_name in s]
    assert len(relayed) == 1
    delivery = Delivery.objects.get(notice=notice, person=world.elder)
    assert delivery.relay == world.relay and delivery.channel == "email"


def test_a_permanent_refusal_stops_retries_disables_the_address_and_falls_back_to_the_inbox(world, smtp_server):
    give_email(world.resident, "bounce@example.vn")

    notice = notify_group(world)
    drain()

    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.channel == "web"
    assert "550" in delivery.error
    [attempt] = Attempt.objects.filter(delivery=delivery)
    assert not attempt.ok and attempt.permanent and "Mailbox does not exist" in attempt.error
    endpoint = Endpoint.objects.get(person=world.resident)
    assert endpoint.disabled_at is not None and "550" in endpoint.disabled_reason
    assert not Route.objects.filter(person=world.resident).exists()

    later = notify_group(world, subject="Tin sau")
    assert Delivery.objects.get(notice=later, person=world.resident).channel == "web"


def test_a_temporary_refusal_is_retried_with_backoff_then_falls_back(world, smtp_server, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    give_email(world.resident, "busy@example.vn")
    notice = notify_group(world)

    drain()
    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now()
    assert drain().handled == 0  # not due yet

    for expected_attempts in (2, 3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the backoff has passed
        drain()
        assert Attempt.objects.filter(delivery=delivery).count() == expected_attempts

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.channel == "web"
    errors = list(Attempt.objects.filter(delivery=delivery).values_list("permanent", "error"))
    assert all(not permanent and "451" in error for permanent, error in errors)
    assert Endpoint.objects.get(person=world.resident).disabled_at is None


def test_backoff_grows_between_attempts(settings):
    from delivery.attempt import backoff

    settings.DELIVERY_RETRY_BASE_SECONDS, settings.DELIVERY_RETRY_MAX_SECONDS = 10, 1000
    first, third = backoff(1).total_seconds(), backoff(3).total_seconds()
    assert 8 <= first <= 12 and 32 <= third <= 48
    assert backoff(30).total_seconds() <= 1200


def test_an_unreachable_mail_server_is_a_temporary_error(world, smtp_server, settings):
    from delivery.tests.conftest import free_port

    settings.MAILERS = {"default": {"OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2}}}
    give_email(world.resident, "thanh@example.vn")
    notice = notify_group(world)

    drain()

    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    assert "SMTP" in delivery.error or "refused" in delivery.error.lower()
