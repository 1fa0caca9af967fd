"""Web Push end to end against the fake push service: a browser's subscription, a notice the
service decrypts word for word, an expired subscription that the engine drops and falls back from."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channels.actions import check_add_channel
from channels.models import PushSubscription
from channels.types.webpush.keys import generate_private_key, public_key
from core.errors import ActionError
from delivery.actions import check_set_channels, check_subscribe_push, check_unsubscribe_push
from delivery.engine import drain
from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint, Priority
from delivery.notify import notify


@pytest.fixture
def push(fake, settings):
    settings.WEBPUSH_VAPID_PRIVATE_KEY = generate_private_key()
    settings.WEBPUSH_ENDPOINT_HOSTS = ["127.0.0.1"]
    return fake


def subscribe(push, person):
    """What the settings page posts: the browser's subscription for our VAPID public key."""
    subscription = push.new_subscription(public_key())
    check_subscribe_push(person, person, subscription, "Mozilla/5.0 (Linux; Android 14) Chrome/131")
    return subscription


def test_a_notice_reaches_the_device_encrypted_and_signed_and_the_service_reads_it_word_for_word(push, world):
    subscribe(push, world.resident)

    notice = notify(
        [world.resident.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội mất 2 con chó.", url="/b/1/"
    )
    drain()

    [received] = push.pushes()
    assert received.json["title"] == "Cảnh báo trộm chó"
    assert received.json["body"] == "Đêm qua ở ấp Phước Hội mất 2 con chó."
    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert received.json["url"].endswith(reverse("delivery:open", args=[delivery.pk]))  # marks it read, opens /b/1/
    assert received.json["urgent"] is False
    headers = {name.lower(): value for name, value in received.headers.items()}
    assert headers["urgency"] == "normal"
    assert int(headers["ttl"]) > 0
    assert headers["authorization"].startswith("vapid t=")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.channel == "webpush"
    assert PushSubscription.objects.get(person=world.resident).last_success_at is not None


def test_an_urgent_alert_is_pushed_with_high_urgency(push, world):
    subscribe(push, world.officer)

    notify([world.officer.pk], subject="Tin báo khẩn", body="Đánh nhau ở chợ.", priority=Priority.URGENT)
    drain()

    [received] = push.pushes()
    assert {name.lower(): value for name, value in received.headers.items()}["urgency"] == "high"
    assert received.json["urgent"] is True


def test_a_withdrawn_subscription_is_disabled_and_the_notice_falls_back_to_the_next_channel(push, world):
    check_add_channel(None, world.commune, "sms_gateway", {"url": f"{push.url}/sms/send"})
    check_set_channels(world.resident, world.resident, [("sms_gateway", "0901000001")])
    subscription = subscribe(push, world.resident)
    push.gone(subscription["endpoint"], 410)

    notice = notify([world.resident.pk], subject="Họp tổ dân phố", body="Tối thứ Bảy.")
    drain()

    assert push.pushes() == []
    endpoint = Endpoint.objects.get(person=world.resident, channel="webpush")
    assert endpoint.disabled_at is not None and "410" in endpoint.disabled_reason
    assert PushSubscription.objects.get(person=world.resident).expired_at is not None
    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert delivery.channel == "sms_gateway" and delivery.status == DeliveryStatus.DELIVERED
    assert "Tối thứ Bảy." in push.calls("sms")[0].json["message"]

    subscribe(push, world.resident)  # turning notifications on again on a new subscription

    assert Endpoint.objects.get(person=world.resident, channel="webpush").disabled_at is None


def test_a_busy_push_service_is_retried_after_the_time_it_asks_and_the_address_stays(push, world):
    subscribe(push, world.resident)
    push.answer("webpush", status=429, times=1)

    notice = notify([world.resident.pk], subject="Tin", body="Nội dung")
    before = timezone.now()
    drain()

    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    assert delivery.status == DeliveryStatus.QUEUED and delivery.channel == "webpush"
    assert Attempt.objects.get(delivery=delivery).error
    assert Endpoint.objects.get(person=world.resident, channel="webpush").disabled_at is None
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at >= before + timedelta(seconds=120)


def test_a_push_signed_with_another_key_than_the_subscriptions_is_refused_and_the_address_dropped(
    push, world, settings
):
    subscribe(push, world.resident)
    settings.WEBPUSH_VAPID_PRIVATE_KEY = generate_private_key()  # the server's key was replaced

    notice = notify([world.resident.pk], subject="Tin", body="Nội dung")
    drain()

    assert push.pushes() == []
    assert Endpoint.objects.get(person=world.resident, channel="webpush").disabled_at is not None
    assert Delivery.objects.get(notice=notice, person=world.resident).channel == "web"


def test_a_subscription_to_a_host_that_is_no_push_service_is_refused(push, world):
    shape = push.new_subscription(public_key())
    shape["endpoint"] = "http://10.0.0.7/internal/admin"

    with pytest.raises(ActionError):
        check_subscribe_push(world.resident, world.resident, shape)

    assert not PushSubscription.objects.exists()


def test_turning_notifications_off_removes_the_address_from_the_chain(push, world):
    subscription = subscribe(push, world.resident)

    check_unsubscribe_push(world.resident, world.resident, subscription["endpoint"])

    assert not Endpoint.objects.filter(person=world.resident, channel="webpush").exists()
    assert not PushSubscription.objects.exists()


def test_the_settings_page_stores_the_browsers_subscription_for_the_signed_in_person(push, world, client):
    client.force_login(world.resident)
    shape = push.new_subscription(public_key())

    answer = client.post(reverse("delivery:push_subscribe"), {"subscription": shape}, content_type="application/json")

    assert answer.status_code == 201
    stored = PushSubscription.objects.get()
    assert stored.person == world.resident and stored.endpoint == shape["endpoint"]
    page = client.get(reverse("delivery:channels"))
    assert public_key() in page.content.decode()
