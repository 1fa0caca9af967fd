"""Issue 13, findings 6 and 7: every webhook of every channel type answers bad input with a 4xx,
never a server error, and a signed Zalo event outside the freshness window is refused."""

import hashlib
import json
import time

import pytest
from django.test import Client

from channels.conftest import BOT_SECRET, OA_SECRET, ZALO_APP_ID
from channels.models import InboundEvent
from channels.urls import webhook_patterns

NESTED_ARRAY = b"[" * 100_000 + b"]" * 100_000
NESTED_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


def webhook_paths() -> list[str]:
    return sorted("/" + str(pattern.pattern) for pattern in webhook_patterns())


@pytest.fixture
def http():
    return Client(raise_request_exception=False)


def test_the_hooks_cover_every_type_that_receives_webhooks():
    assert {"/hooks/zalo_oa/", "/hooks/zalo-oa/", "/hooks/telegram/", "/hooks/zalo_bot/"} <= set(webhook_paths())


@pytest.mark.parametrize("path", webhook_paths())
@pytest.mark.parametrize(
    "body",
    [b"not json", NESTED_ARRAY, NESTED_OBJECT, b"[1, 2]", b'"text"', b"\xff\xfe", b""],
    ids=["not-json", "nested-array", "nested-object", "array", "string", "bad-utf8", "empty"],
)
def test_a_body_that_is_not_a_json_object_is_a_400(db, http, path, body):
    response = http.post(path, body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("path", webhook_paths())
def test_an_unsigned_object_is_a_403_and_a_get_a_405(db, http, path):
    assert http.post(path, {"message": {}}, content_type="application/json").status_code == 403
    assert http.get(path).status_code == 405


def now_ms(offset_seconds: float = 0) -> str:
    return str(int((time.time() + offset_seconds) * 1000))


def post_zalo(http, payload: dict):
    raw = json.dumps(payload).encode()
    mac = hashlib.sha256(
        ZALO_APP_ID.encode() + raw + str(payload.get("timestamp", "")).encode() + OA_SECRET.encode()
    ).hexdigest()
    return http.post("/hooks/zalo_oa/", raw, content_type="application/json", headers={"X-ZEvent-Signature": mac})


def zalo_text(**fields) -> dict:
    return {
        "app_id": ZALO_APP_ID,
        "event_name": "user_send_text",
        "sender": {"id": "7001"},
        "message": {"msg_id": "m-1", "text": "Có người lạ"},
        "timestamp": now_ms(),
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"message": "chuỗi chứ không phải đối tượng"},
        {"message": ["m-1"]},
        {"sender": "7001"},
        {"message": {"msg_id": "m-2", "attachments": "ảnh"}},
        {"message": {"msg_id": "m-3", "attachments": ["ảnh", {"type": "image", "payload": "x"}]}},
        {"event_name": "user_seen_message", "message": {"msg_ids": "m-1"}},
        {"event_name": "follow", "follower": 5},
    ],
)
def test_a_signed_zalo_event_of_the_wrong_shape_is_ignored_or_refused_not_a_server_error(
    fake, zalo_oa, http, fields, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_zalo(http, zalo_text(**fields))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "timestamp",
    [now_ms(-400 * 86400), now_ms(-2 * 3600), now_ms(+3600), "", "soon", "9" * 30],
    ids=["400-days-old", "2-hours-old", "1-hour-ahead", "missing", "not-a-number", "overflow"],
)
def test_a_signed_zalo_event_outside_the_freshness_window_is_refused(fake, zalo_oa, http, timestamp):
    response = post_zalo(http, zalo_text(timestamp=timestamp))
    assert response.status_code == 400
    assert not InboundEvent.objects.exists()


def test_a_signed_zalo_event_inside_the_window_is_taken(fake, zalo_oa, http, settings):
    settings.WEBHOOK_MAX_AGE_SECONDS = 3 * 3600
    assert post_zalo(http, zalo_text(timestamp=now_ms(-2 * 3600))).status_code == 200
    assert InboundEvent.objects.count() == 1


@pytest.mark.parametrize("path", ["/hooks/telegram/", "/hooks/zalo_bot/"])
@pytest.mark.parametrize(
    "payload",
    [
        {"update_id": 1, "message": "chuỗi"},
        {"update_id": 2, "message": {"message_id": 5, "photo": "ảnh", "chat": {"id": 1}}},
        {"update_id": 3, "message": {"message_id": 6, "from": "ai đó", "chat": 7, "text": ["a"]}},
        {"event_name": "message.text.received", "message": "chuỗi"},
        {"event_name": "message.text.received", "message": {"message_id": 8, "from": 1, "chat": "x"}},
        {"result": {"event_name": "message.image.received", "message": {"message_id": 9, "photo": 3}}},
    ],
)
def test_a_signed_bot_update_of_the_wrong_shape_is_ignored_or_refused_not_a_server_error(
    world, telegram, zalo_bot, http, path, payload, django_capture_on_commit_callbacks
):
    header = "X-Telegram-Bot-Api-Secret-Token" if "telegram" in path else "X-Bot-Api-Secret-Token"
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(path, payload, content_type="application/json", headers={header: BOT_SECRET})
    assert response.status_code in (200, 400)
