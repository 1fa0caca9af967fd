"""/hooks/zalo_oa/: signed OA and ZNS events are stored once and processed; anything else is refused."""

import hashlib
import json
import time

import pytest

from channels.actions import delivery_receipts, do_create_link_code
from channels.base import IncomingMessage
from channels.conftest import OA_SECRET, ZALO_APP_ID, add_zalo_oa
from channels.models import ChannelConfig, ChannelIdentity, EventStatus, InboundEvent
from channels.signals import delivery_receipt_received

TIMESTAMP = str(int(time.time() * 1000))  # Zalo signs it: events older than an hour are refused


def text_event(text="Có người lạ ở đầu hẻm", msg_id="msg-1", sender="7001", **extra):
    return {
        "app_id": ZALO_APP_ID,
        "user_id_by_app": sender,
        "event_name": "user_send_text",
        "sender": {"id": sender},
        "recipient": {"id": "oa-1"},
        "message": {"msg_id": msg_id, "text": text},
        "timestamp": TIMESTAMP,
        **extra,
    }


def post(client, payload, *, secret=OA_SECRET, headers=None, path="/hooks/zalo_oa/"):
    raw = json.dumps(payload, ensure_ascii=False).encode()
    # The documented contract: SHA-256 of app_id + raw body + timestamp + secret, as hex.
    mac = hashlib.sha256(
        payload.get("app_id", "").encode() + raw + payload.get("timestamp", "").encode() + secret.encode()
    ).hexdigest()
    return client.post(
        path,
        raw,
        content_type="application/json",
        headers={"X-ZEvent-Signature": f"mac={mac}", **(headers or {})},
    )


@pytest.fixture
def deliver(client, django_capture_on_commit_callbacks):
    def deliver(payload, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, payload, **options)

    return deliver


def test_a_correctly_signed_event_is_stored_answered_at_once_and_processed(fake, zalo_oa, deliver):
    response = deliver(text_event())

    assert response.status_code == 200
    event = InboundEvent.objects.get()
    assert (event.config, event.event_name, event.status) == (zalo_oa, "user_send_text", EventStatus.DONE)
    assert event.payload["message"]["text"] == "Có người lạ ở đầu hẻm"


def test_the_hook_answers_under_the_hyphenated_spelling_too(fake, zalo_oa, client):
    response = post(client, text_event(), path="/hooks/zalo-oa/")

    assert response.status_code == 200
    assert InboundEvent.objects.count() == 1


def test_a_badly_signed_event_is_refused_and_nothing_is_stored(fake, zalo_oa, client):
    response = post(client, text_event(), secret="not-the-secret")

    assert response.status_code == 403
    assert InboundEvent.objects.count() == 0 and ChannelIdentity.objects.count() == 0


def test_an_unsigned_event_and_an_event_of_an_unknown_app_are_refused(fake, zalo_oa, client):
    unsigned = client.post("/hooks/zalo_oa/", json.dumps(text_event()), content_type="application/json")
    unknown_app = post(client, text_event(app_id="999"))

    assert unsigned.status_code == 403 and unknown_app.status_code == 403
    assert InboundEvent.objects.count() == 0


def test_a_signature_over_other_bytes_than_those_received_is_refused(fake, zalo_oa, client):
    payload = text_event()
    raw = json.dumps(payload).encode()
    mac = hashlib.sha256(ZALO_APP_ID.encode() + raw + TIMESTAMP.encode() + OA_SECRET.encode()).hexdigest()
    tampered = raw.replace(b"msg-1", b"msg-2")

    response = client.post(
        "/hooks/zalo_oa/", tampered, content_type="application/json", headers={"X-ZEvent-Signature": f"mac={mac}"}
    )

    assert response.status_code == 403


def test_the_app_secret_signs_events_when_the_channel_says_so(fake, world, deliver):
    add_zalo_oa(fake, world.commune, signature_secret="app_secret")

    assert deliver(text_event(), secret=OA_SECRET).status_code == 403
    assert deliver(text_event(), secret="app-secret").status_code == 200


def test_a_replayed_event_is_stored_and_answered_once(fake, zalo_oa, deliver):
    first = deliver(text_event())
    replay = deliver(text_event())

    assert first.status_code == replay.status_code == 200
    assert replay.json()["duplicate"] is True
    assert InboundEvent.objects.count() == 1
    assert len(fake.calls("oa.message")) == 1  # one answer to the sender, not two


def test_a_message_from_an_unlinked_sender_gets_instructions_through_the_oa(fake, zalo_oa, deliver):
    deliver(text_event(sender="7001"))

    [reply] = fake.calls("oa.message")
    assert reply.json["recipient"] == {"user_id": "7001"}
    assert "/channels/link/" in reply.json["message"]["text"]
    assert ChannelIdentity.objects.get().person is None


def test_a_resident_sending_the_code_from_the_web_app_is_linked_and_told_so(fake, zalo_oa, world, deliver):
    code = do_create_link_code(world.resident)

    deliver(text_event(text=f"mã của tôi {code.lower()}", sender="7001"))

    identity = ChannelIdentity.objects.get(provider_user_id="7001")
    assert identity.person == world.resident and identity.linked_at
    assert world.resident.full_name in fake.calls("oa.message")[0].json["message"]["text"]


def test_a_used_or_wrong_code_links_nobody_and_the_sender_is_told(fake, zalo_oa, world, deliver):
    code = do_create_link_code(world.resident)
    deliver(text_event(text=code, msg_id="m1", sender="7001"))

    deliver(text_event(text=code, msg_id="m2", sender="7002"))

    assert ChannelIdentity.objects.get(provider_user_id="7002").person is None
    assert (
        "Mã này không đúng" in fake.calls("oa.message")[-1].json["message"]["text"]
    )  # unknown senders read Vietnamese


def test_images_and_locations_are_read_whichever_coordinate_names_zalo_uses(fake, zalo_oa):
    from channels.types.zalo_oa.events import parse

    image = text_event(event_name="user_send_image")
    image["message"]["attachments"] = [{"type": "image", "payload": {"url": "https://zalo.example/a.jpg"}}]
    long_names = text_event(event_name="user_send_location", msg_id="m2")
    long_names["message"]["attachments"] = [
        {"type": "location", "payload": {"coordinates": {"latitude": "11.31", "longitude": "106.1"}}}
    ]
    short_names = text_event(event_name="user_send_location", msg_id="m3")
    short_names["message"]["attachments"] = [
        {"type": "location", "payload": {"coordinates": {"lat": 11.31, "long": 106.1}}}
    ]

    [with_image] = parse("zalo_oa", image).events
    assert isinstance(with_image, IncomingMessage)
    assert with_image.attachments[0].url == "https://zalo.example/a.jpg"
    for payload in (long_names, short_names):
        [message] = parse("zalo_oa", payload).events
        assert isinstance(message, IncomingMessage) and message.location is not None
        assert (message.location.latitude, message.location.longitude) == (11.31, 106.1)


def test_follow_and_unfollow_update_the_reachability_of_the_identity(fake, zalo_oa, deliver):
    follow = {
        "oa_id": "oa-1",
        "follower": {"id": "7001"},
        "event_name": "follow",
        "source": "oa_profile",
        "app_id": ZALO_APP_ID,
        "timestamp": TIMESTAMP,
    }
    deliver(follow)
    assert ChannelIdentity.objects.get(provider_user_id="7001").reachable is True

    deliver({**follow, "event_name": "unfollow", "timestamp": str(int(TIMESTAMP) + 1000)})

    assert ChannelIdentity.objects.get(provider_user_id="7001").reachable is False


def test_an_unknown_event_is_answered_stored_as_ignored_and_not_processed(fake, zalo_oa, deliver):
    response = deliver({"app_id": ZALO_APP_ID, "event_name": "oa_send_list", "timestamp": TIMESTAMP})

    assert response.status_code == 200
    assert InboundEvent.objects.get().status == EventStatus.IGNORED
    assert fake.calls("oa.message") == []


def test_a_zns_delivery_receipt_is_recorded_and_announced_to_the_delivery_engine(fake, world, deliver):
    oa = add_zalo_oa(fake, world.commune)
    zns = ChannelConfig.objects.create(unit=world.commune, slug="zns", settings={"app_id": ZALO_APP_ID})
    zns.secrets = {"oa_secret_key": OA_SECRET}
    zns.save()
    announced = []
    delivery_receipt_received.connect(
        lambda sender, receipt, **kw: announced.append(receipt), weak=False, dispatch_uid="test-receipt"
    )
    try:
        deliver(
            {
                "event_name": "user_received_message",
                "app_id": ZALO_APP_ID,
                "timestamp": TIMESTAMP,
                "sender": {"id": "oa-1"},
                "recipient": {"id": "84987654321"},
                "message": {"msg_id": "zns-42", "delivery_time": "1543908540000", "tracking_id": "bulletin-7"},
            },
            headers={"X-ZEvent-Server": "ZNS"},
        )
    finally:
        delivery_receipt_received.disconnect(dispatch_uid="test-receipt")

    event = InboundEvent.objects.get()
    assert event.config == zns != oa
    assert event.delivered_message_id == "zns-42"
    assert list(delivery_receipts(["zns-42", "zns-43"])) == ["zns-42"]
    assert [(r.provider_message_id, r.tracking_id) for r in announced] == [("zns-42", "bulletin-7")]


def test_the_webhook_answers_before_the_work_is_done_which_waits_in_the_task_queue(
    fake, zalo_oa, client, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from canhgiac.settings import TASK_QUEUES

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}

    with django_capture_on_commit_callbacks(execute=True):
        with_queue = post(client, text_event())

    assert with_queue.status_code == 200
    assert InboundEvent.objects.get().status == EventStatus.PENDING and fake.calls("oa.message") == []
    assert DBTaskResult.objects.get().task_path == "channels.tasks.process_inbound_event"
