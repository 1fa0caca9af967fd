"""Telegram: sendMessage and setWebhook against the local fake; /hooks/telegram/ with its secret token."""

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from channels.base import IncomingMessage, TransportError
from channels.conftest import BOT_SECRET, Message
from channels.models import ChannelIdentity, InboundEvent
from channels.types.telegram.type import TYPE, parse_update

UPDATE: dict[str, Any] = {
    "update_id": 900001,
    "message": {
        "message_id": 17,
        "date": 1750316131,
        "text": "Mất ví ở chợ",
        "from": {"id": 4242, "is_bot": False, "first_name": "Thanh"},
        "chat": {"id": 4242, "type": "private"},
    },
}


def post(client, payload, secret=BOT_SECRET):
    return client.post(
        "/hooks/telegram/",
        json.dumps(payload),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
    )


def test_a_message_is_sent_with_send_message(fake, telegram):
    result = TYPE.send(telegram, Message(address="4242", text="Xin chào"))

    assert fake.calls("telegram.sendMessage")[0].json == {"chat_id": "4242", "text": "Xin chào"}
    assert result.provider_message_id


def test_a_blocked_bot_is_permanent_for_the_address_and_flood_control_is_retried_after_its_delay(fake, telegram):
    fake.answer("telegram.sendMessage", error=403, description="Forbidden: bot was blocked by the user")
    fake.answer(
        "telegram.sendMessage",
        status=429,
        body={"ok": False, "error_code": 429, "description": "Too Many Requests", "parameters": {"retry_after": 7}},
    )

    with pytest.raises(TransportError) as blocked:
        TYPE.send(telegram, Message(address="4242", text="x"))
    with pytest.raises(TransportError) as flooded:
        TYPE.send(telegram, Message(address="4242", text="x"))

    assert blocked.value.address_unreachable and flooded.value.retry_after is not None
    assert not flooded.value.permanent and 5 < (flooded.value.retry_after - timezone.now()).total_seconds() <= 7


def test_set_webhook_registers_the_url_and_secret(fake, telegram):
    call_command("channel", "set-webhook", str(telegram.pk), stdout=io.StringIO())

    assert fake.calls("telegram.setWebhook")[0].json["secret_token"] == BOT_SECRET


def test_an_update_with_the_right_secret_token_is_stored_once_and_answered(
    fake, telegram, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, UPDATE).status_code == 200
        assert post(client, UPDATE).json()["duplicate"] is True

    assert InboundEvent.objects.count() == 1
    assert fake.calls("telegram.sendMessage")[0].json["chat_id"] == "4242"


def test_an_update_with_a_wrong_secret_token_is_refused(fake, telegram, client):
    assert post(client, UPDATE, secret="nope-nope").status_code == 403
    assert InboundEvent.objects.count() == 0


def test_photos_and_locations_are_read_and_a_blocked_bot_makes_the_chat_unreachable(
    fake, telegram, client, django_capture_on_commit_callbacks
):
    photo = {**UPDATE["message"], "photo": [{"file_id": "small"}, {"file_id": "large"}], "caption": "Ảnh", "text": None}
    place = {**UPDATE["message"], "location": {"latitude": 11.3, "longitude": 106.1}}
    [with_photo] = parse_update("telegram", {"update_id": 1, "message": photo}).events
    [with_place] = parse_update("telegram", {"update_id": 2, "message": place}).events
    assert isinstance(with_photo, IncomingMessage) and isinstance(with_place, IncomingMessage)
    assert with_place.location is not None
    assert with_photo.attachments[0].url == "telegram-file:large" and with_photo.text == "Ảnh"
    assert (with_place.location.latitude, with_place.location.longitude) == (11.3, 106.1)

    kicked = {
        "update_id": 3,
        "my_chat_member": {"chat": {"id": 4242}, "date": 1750316131, "new_chat_member": {"status": "kicked"}},
    }
    with django_capture_on_commit_callbacks(execute=True):
        post(client, kicked)
    assert ChannelIdentity.objects.get(provider_user_id="4242").reachable is False
