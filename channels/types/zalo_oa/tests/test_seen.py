"""Zalo OA "seen" events: the bulletin a resident opened in Zalo counts as read in the reach figures."""

import time
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from canhgiac.testing import signed_in
from channels.actions import check_link_identity, do_create_link_code
from channels.base import SeenReceipt
from channels.conftest import ZALO_APP_ID
from channels.models import ChannelIdentity, EventStatus, InboundEvent
from channels.types.zalo_oa.events import parse
from channels.types.zalo_oa.tests.test_webhook import post
from delivery.engine import drain
from delivery.models import Attempt, Delivery, DeliveryStatus
from delivery.notify import notify
from delivery.reach import reach

ZALO_USER = "8123456789012345678"
SEEN_AT_MS = (int(time.time()) - 1800) * 1000  # half an hour ago: inside the webhooks' freshness window
SEEN_AT = datetime.fromtimestamp(SEEN_AT_MS / 1000, tz=UTC)


def seen_event(msg_ids, user=ZALO_USER, timestamp=SEEN_AT_MS):
    return {
        "app_id": ZALO_APP_ID,
        "user_id_by_app": user,
        "event_name": "user_seen_message",
        "sender": {"id": "oa-1"},
        "recipient": {"id": user},
        "message": {"msg_ids": msg_ids},
        "timestamp": str(timestamp),
    }


@pytest.fixture
def sent_on_zalo(world, fake, zalo_oa):
    """A bulletin the resident received through the OA; returns (delivery, Zalo's message id)."""
    identity = ChannelIdentity.objects.create(config=zalo_oa, provider_user_id=ZALO_USER)
    check_link_identity(identity, do_create_link_code(world.resident)[3:])
    notice = notify(
        [world.resident.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội.", sender=world.officer
    )
    delivery = Delivery.objects.get(notice=notice, person=world.resident)
    drain(budget_seconds=10)
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status, delivery.read_at) == ("zalo_oa", DeliveryStatus.DELIVERED, None)
    return delivery, Attempt.objects.get(delivery=delivery, ok=True).provider_id


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def deliver(payload):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, payload)
        assert response.status_code == 200
        return response

    return deliver


def test_a_seen_event_marks_the_bulletin_read_in_the_reach_of_its_channel(world, client, sent_on_zalo, deliver):
    delivery, msg_id = sent_on_zalo

    deliver(seen_event([msg_id]))

    delivery.refresh_from_db()
    assert delivery.read_at == SEEN_AT
    figures = reach(delivery.notice)
    assert figures.read == 1
    assert figures.by_channel["zalo_oa"] == {"total": 1, "delivered": 1, "read": 1, "failed": 0}
    page = signed_in(client, world.officer).get(reverse("delivery:reach", args=[delivery.notice_id]))
    assert "<td>Zalo OA</td><td>1</td><td>1</td><td>1</td><td>0</td>" in page.content.decode()


def test_opening_the_message_again_keeps_the_first_reading(sent_on_zalo, deliver):
    delivery, msg_id = sent_on_zalo
    deliver(seen_event([msg_id]))

    deliver(seen_event([msg_id, "another-message"], timestamp=SEEN_AT_MS + 600_000))

    delivery.refresh_from_db()
    assert delivery.read_at == SEEN_AT
    assert InboundEvent.objects.filter(event_name="user_seen_message", status=EventStatus.DONE).count() == 2


def test_a_seen_event_for_messages_we_did_not_send_changes_nothing(sent_on_zalo, deliver):
    delivery, _msg_id = sent_on_zalo

    deliver(seen_event(["not-ours"]))

    delivery.refresh_from_db()
    assert delivery.read_at is None
    assert reach(delivery.notice).read == 0


def test_a_seen_event_without_message_ids_is_stored_as_ignored(fake, zalo_oa, deliver):
    deliver(seen_event([]))

    assert InboundEvent.objects.get().status == EventStatus.IGNORED


def test_a_single_msg_id_is_read_as_well_as_a_list():
    payload = seen_event([])
    payload["message"] = {"msg_id": "m-1"}

    (seen,) = parse("zalo_oa", payload).events

    assert isinstance(seen, SeenReceipt)
    assert (seen.provider_message_ids, seen.user_id, seen.seen_at) == (("m-1",), ZALO_USER, SEEN_AT)


def test_in_the_demo_the_fake_oa_reports_a_bulletin_seen_and_the_reach_counts_it(fake, live_world, live_server):
    """`manage.py fake_providers` (--seen-after) plays the resident opening the message in Zalo."""
    import time

    from channels.conftest import add_zalo_oa

    fake.target.app_url, fake.seen_after = live_server.url, 0.1
    zalo_oa = add_zalo_oa(fake, live_world.commune)
    identity = ChannelIdentity.objects.create(config=zalo_oa, provider_user_id=ZALO_USER)
    check_link_identity(identity, do_create_link_code(live_world.resident)[3:])
    notice = notify([live_world.resident.pk], subject="Cảnh báo trộm chó", body="Đêm qua ở ấp Phước Hội.")

    drain(budget_seconds=10)
    deadline = time.monotonic() + 10
    while reach(notice).read == 0 and time.monotonic() < deadline:
        time.sleep(0.1)

    assert reach(notice).by_channel["zalo_oa"] == {"total": 1, "delivered": 1, "read": 1, "failed": 0}
    assert InboundEvent.objects.get(event_name="user_seen_message").status == EventStatus.DONE
