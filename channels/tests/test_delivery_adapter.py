"""The delivery engine sends through the provider channels, against the local fake providers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels.actions import (
    check_add_channel,
    check_link_identity,
    check_unlink_identity,
    do_create_link_code,
    do_handle_incoming_message,
    do_record_delivery_receipt,
    do_record_follow_change,
    do_store_inbound_event,
)
from channels.base import DeliveryReceipt, FollowChange, IncomingMessage, ParsedWebhook
from channels.conftest import ZALO_APP_ID
from channels.models import ChannelConfig, ChannelIdentity
from coverage.actions import check_add_household_member
from delivery.actions import check_set_channels
from delivery.engine import drain
from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint, Route
from delivery.notify import notify

ZALO_USER = "8123456789012345678"


@pytest.fixture
def zns(fake, world, settings):
    # ZNS keeps quiet 22:00–06:00 (its type's default, tested below); these tests run at any hour.
    settings.CHANNEL_LIMITS = {**settings.CHANNEL_LIMITS, "zns": {"quiet_hours": ""}}
    access, refresh = fake.issue_tokens()
    return check_add_channel(
        None,
        world.commune,
        "zns",
        {
            "app_id": ZALO_APP_ID,
            "template_id": "tpl-1",
            "app_secret": "s",
            "refresh_token": refresh,
            "access_token": access,
        },
    )


@pytest.fixture
def sms(fake, world):
    return check_add_channel(
        None,
        world.commune,
        "sms_gateway",
        {"url": f"{fake.url}/sms/send", "auth_header": "X-Api-Key", "auth_value": "k", "phone_format": "84"},
    )


def link(config, person, user_id=ZALO_USER) -> ChannelIdentity:
    identity = ChannelIdentity.objects.create(config=config, provider_user_id=user_id)
    check_link_identity(identity, do_create_link_code(person)[3:])
    return identity


def bulletin_to(person):
    notice = notify([person.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội.")
    return Delivery.objects.get(notice=notice, person=person)


def test_linking_an_account_puts_it_first_in_the_residents_chain_and_unlinking_removes_it(world, zalo_oa):
    check_set_channels(world.resident, world.resident, [("sms_gateway", "0901000001")])

    identity = link(zalo_oa, world.resident)

    chain = list(Endpoint.objects.filter(person=world.resident).values_list("channel", "address"))
    assert chain == [("zalo_oa", ZALO_USER), ("sms_gateway", "+84901000001")]
    assert Route.objects.get(person=world.resident).first_channel == "zalo_oa"

    check_unlink_identity(world.resident, identity.pk)

    assert list(Endpoint.objects.filter(person=world.resident).values_list("channel", flat=True)) == ["sms_gateway"]
    assert Route.objects.get(person=world.resident).first_channel == "sms_gateway"


def test_a_bulletin_to_a_linked_zalo_resident_is_sent_to_the_fake_zalo_oa(world, fake, zalo_oa):
    link(zalo_oa, world.resident)
    delivery = bulletin_to(world.resident)

    drain(budget_seconds=10)

    [call] = fake.calls("oa.message")
    assert call.json["recipient"]["user_id"] == ZALO_USER
    assert "Cảnh báo trộm chó" in call.json["message"]["text"]
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
    assert Attempt.objects.get(delivery=delivery).provider_id
    zalo_oa.refresh_from_db()
    assert zalo_oa.last_ok_at is not None


def test_each_more_zalo_follower_costs_the_database_the_same_few_queries(world, fake, zalo_oa):
    """What one more recipient costs the database: its attempt record and its delivery's
    outcome, in one transaction. The claim's lookups (addresses, the OA, the followers' links)
    are one query each for the whole claim, and the OA's health is written at most every few
    seconds, not for every message. (An OA without a rate limit here: metering one is the
    budget's own queries, docs/fanout.md.)"""
    unlimited = {**zalo_oa.settings, "rate_per_second": None, "rate_per_minute": None}
    ChannelConfig.objects.filter(pk=zalo_oa.pk).update(settings=unlimited)

    def queries_to_send_to(count: int) -> int:
        people = [
            check_add_household_member(
                world.officer, world.household, full_name=f"Người theo dõi {index}", phone=f"09{count:02d}{index:06d}"
            )
            for index in range(count)
        ]
        for index, person in enumerate(people):
            link(zalo_oa, person, f"{count}{index:06d}")
        notify([person.pk for person in people], subject="Tin", body="…")
        with CaptureQueriesContext(connection) as captured:
            result = drain(budget_seconds=10, concurrency=1, batch_size=50)
        assert (result.sent, result.failed, result.retried) == (count, 0, 0)
        return len(captured)

    few, many = queries_to_send_to(5), queries_to_send_to(25)

    assert len(fake.calls("oa.message")) == 30
    # A savepoint, the attempt, the delivery, the release: four statements a message (and the
    # OA's last success, should the run cross its few seconds).
    assert many - few <= 20 * 4 + 1


def test_outside_the_seven_day_window_the_bulletin_falls_back_to_zns_then_sms(world, fake, zalo_oa, zns, sms):
    check_set_channels(world.resident, world.resident, [("zns", "0901000001"), ("sms_gateway", "0901000001")])
    link(zalo_oa, world.resident)
    fake.answer("oa.message", error=-230, description="User has not interacted with the OA in the last 7 days")
    fake.answer("zns.template", error=-118, description="Zalo account does not exist")
    delivery = bulletin_to(world.resident)

    drain(budget_seconds=10)

    assert len(fake.calls("oa.message")) == 1
    [zns_call] = fake.calls("zns.template")
    assert zns_call.json["phone"] == "84901000001"
    [sms_call] = fake.calls("sms")
    assert sms_call.json["to"] == "84901000001"
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("sms_gateway", DeliveryStatus.DELIVERED)
    disabled = Endpoint.objects.filter(person=world.resident, disabled_at__isnull=False)
    assert set(disabled.values_list("channel", flat=True)) == {"zalo_oa", "zns"}
    assert "-230" in disabled.get(channel="zalo_oa").disabled_reason


def test_a_retryable_error_is_retried_later_and_not_before_the_provider_says(world, fake, zalo_oa):
    link(zalo_oa, world.resident)
    fake.answer("oa.message", error=-32, description="Rate limit exceeded")
    delivery = bulletin_to(world.resident)
    before = timezone.now()

    drain(budget_seconds=10)

    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("zalo_oa", DeliveryStatus.QUEUED, 1)
    assert delivery.next_attempt_at >= before + timedelta(seconds=59)  # -32 asks for a minute; backoff is ~30 s
    assert Endpoint.objects.get(person=world.resident, channel="zalo_oa").disabled_at is None

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # the minute has passed
    drain(budget_seconds=10)

    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
    assert len(fake.calls("oa.message")) == 2


def test_a_telegram_flood_limit_defers_the_retry_by_the_seconds_telegram_asks(world, fake, telegram):
    link(telegram, world.resident, "555000111")
    fake.answer("telegram.sendMessage", body={"ok": False, "error_code": 429, "parameters": {"retry_after": 600}})
    delivery = bulletin_to(world.resident)
    before = timezone.now()

    drain(budget_seconds=10)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.next_attempt_at >= before + timedelta(seconds=599)


def test_without_a_channel_configured_for_the_residents_unit_the_bulletin_falls_back_to_the_web_inbox(world, fake):
    check_set_channels(world.resident, world.resident, [("sms_gateway", "0901000001")])
    delivery = bulletin_to(world.resident)

    drain(budget_seconds=10)

    assert fake.calls("sms") == []
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status) == ("web", DeliveryStatus.DELIVERED)
    assert "no sms_gateway channel configured" in delivery.error


def test_an_account_that_unfollowed_the_oa_is_not_messaged_and_the_bulletin_falls_back(world, fake, zalo_oa):
    identity = link(zalo_oa, world.resident)
    ChannelIdentity.objects.filter(pk=identity.pk).update(reachable=False)
    delivery = bulletin_to(world.resident)

    drain(budget_seconds=10)

    assert fake.calls("oa.message") == []
    delivery.refresh_from_db()
    assert delivery.channel == "web"


def test_an_address_typed_in_but_not_linked_to_the_resident_is_never_messaged(world, fake, zalo_oa):
    link(zalo_oa, world.leader, "777")
    check_set_channels(world.resident, world.resident, [("zalo_oa", "777")])
    delivery = bulletin_to(world.resident)

    drain(budget_seconds=10)

    assert fake.calls("oa.message") == []
    delivery.refresh_from_db()
    assert delivery.channel == "web"


def test_a_zns_delivery_receipt_sets_when_the_message_reached_the_phone(world, fake, zalo_oa, zns):
    check_set_channels(world.resident, world.resident, [("zns", "0901000001")])
    delivery = bulletin_to(world.resident)
    drain(budget_seconds=10)
    provider_id = Attempt.objects.get(delivery=delivery, ok=True).provider_id
    reached = timezone.now() - timedelta(minutes=1)
    receipt = DeliveryReceipt(channel="zalo_oa", provider_message_id=provider_id, delivered_at=reached)
    event, _created = do_store_inbound_event(
        zalo_oa, ParsedWebhook(event_key="r-1", event_name="user_received_message", events=[receipt]), {}
    )

    do_record_delivery_receipt(event, receipt)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_at) == (DeliveryStatus.DELIVERED, reached)


def test_a_zalo_address_disabled_by_the_7_day_window_is_used_again_once_the_resident_writes(world, fake, zalo_oa):
    link(zalo_oa, world.resident)
    fake.answer("oa.message", error=-230, description="User has not interacted with the OA in the last 7 days")
    bulletin_to(world.resident)
    drain(budget_seconds=10)
    assert Endpoint.objects.get(person=world.resident, channel="zalo_oa").disabled_at is not None

    do_handle_incoming_message(
        zalo_oa,
        IncomingMessage(
            channel="zalo_oa", sender_id=ZALO_USER, text="Chào", provider_message_id="m-1", received_at=timezone.now()
        ),
    )

    assert Endpoint.objects.get(person=world.resident, channel="zalo_oa").disabled_at is None
    assert Route.objects.get(person=world.resident).first_channel == "zalo_oa"


def test_unfollowing_the_oa_disables_the_residents_zalo_address(world, zalo_oa):
    link(zalo_oa, world.resident)

    do_record_follow_change(
        zalo_oa, FollowChange(channel="zalo_oa", user_id=ZALO_USER, following=False, at=timezone.now())
    )

    assert Endpoint.objects.get(person=world.resident, channel="zalo_oa").disabled_at is not None
    assert not Route.objects.filter(person=world.resident).exists()


def test_an_officer_without_a_household_is_reached_through_the_channel_of_their_mandates_unit(world, fake, zalo_oa):
    assert world.officer.household_id is None
    link(zalo_oa, world.officer, "9001")
    notice = notify([world.officer.pk], subject="Báo cáo mới", body="Có báo cáo mới ở ấp Phước Hội.")

    drain(budget_seconds=10)

    delivery = Delivery.objects.get(notice=notice, person=world.officer)
    assert (delivery.channel, delivery.status) == ("zalo_oa", DeliveryStatus.DELIVERED)
    (sent,) = fake.calls("oa.message")
    assert sent.json["recipient"] == {"user_id": "9001"}


def test_zns_keeps_its_night_hours_and_normal_news_waits_until_six(settings):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from delivery.sender import quiet_until

    night = datetime(2026, 11, 28, 23, 30, tzinfo=ZoneInfo(settings.TIME_ZONE))

    assert quiet_until("zns", night) == night.replace(day=29, hour=6, minute=0)
    assert quiet_until("zns", night.replace(hour=12)) is None
