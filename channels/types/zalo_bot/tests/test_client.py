"""The Zalo Bot client against the local fake speaking the documented contract."""

import pytest
from django.core.management import call_command

from channels.base import TransportError
from channels.conftest import Message
from channels.models import InboundEvent
from channels.types.zalo_bot.client import ZaloBotClient
from channels.types.zalo_bot.type import TYPE


def test_a_message_is_sent_to_the_chat_with_the_token_in_the_path_only(fake, zalo_bot, caplog):
    caplog.set_level("INFO", logger="channels.http")

    result = TYPE.send(zalo_bot, Message(address="chat-9", text="Xin chào"))

    [call] = fake.calls("zalo_bot.sendMessage")
    assert call.path == "/zalo-bot/bot123:bot-token/sendMessage"
    assert call.json == {"chat_id": "chat-9", "text": "Xin chào"}
    assert result.provider_message_id
    assert "123:bot-token" not in caplog.text and "bot***/sendMessage" in caplog.text


def test_a_photo_is_sent_with_its_caption(fake, zalo_bot):
    ZaloBotClient("123:bot-token").send_photo("chat-9", "https://example.vn/a.jpg", "Ảnh")

    assert fake.calls("zalo_bot.sendPhoto")[0].json == {
        "chat_id": "chat-9",
        "photo": "https://example.vn/a.jpg",
        "caption": "Ảnh",
    }


def test_text_over_two_thousand_characters_is_cut(fake, zalo_bot):
    TYPE.send(zalo_bot, Message(address="chat-9", text="á" * 2500))

    assert len(fake.calls("zalo_bot.sendMessage")[0].json["text"]) == 2000


def test_ok_false_is_an_error_whatever_the_http_status(fake, zalo_bot):
    fake.answer("zalo_bot.sendMessage", status=200, body={"ok": False, "error_code": 400, "description": "Bad Request"})

    with pytest.raises(TransportError) as raised:
        TYPE.send(zalo_bot, Message(address="chat-9", text="x"))
    assert raised.value.permanent


def test_an_invalid_token_is_permanent(fake, world):
    with pytest.raises(TransportError) as raised:
        ZaloBotClient("invalid").send_message("chat-9", "x")
    assert raised.value.permanent and raised.value.code == "401"


def test_a_user_who_blocked_the_bot_is_permanent_for_that_address(fake, zalo_bot):
    fake.answer("zalo_bot.sendMessage", error=403, description="Forbidden: bot was blocked by the user")

    with pytest.raises(TransportError) as raised:
        TYPE.send(zalo_bot, Message(address="chat-9", text="x"))
    assert raised.value.address_unreachable


def test_rate_limits_and_server_errors_are_retried(fake, zalo_bot):
    fake.answer("zalo_bot.sendMessage", error=429)
    fake.answer("zalo_bot.sendMessage", error=502)

    for _ in range(2):
        with pytest.raises(TransportError) as raised:
            TYPE.send(zalo_bot, Message(address="chat-9", text="x"))
        assert not raised.value.permanent


def test_a_timeout_is_retryable(fake, zalo_bot, settings):
    settings.CHANNELS_HTTP_TIMEOUT_SECONDS = 0.3
    fake.answer("zalo_bot.sendMessage", delay=1)

    with pytest.raises(TransportError) as raised:
        TYPE.send(zalo_bot, Message(address="chat-9", text="x"))
    assert raised.value.code == "timeout" and not raised.value.permanent


def test_get_updates_returns_one_update_or_none_when_the_platform_answers_408(fake, zalo_bot):
    client = ZaloBotClient("123:bot-token")
    fake.bot_updates.append({"event_name": "message.text.received", "message": {"message_id": "m1"}})

    update = client.get_update()
    assert update is not None and update["message"]["message_id"] == "m1"
    assert client.get_update() is None


def test_set_webhook_sends_the_url_and_the_secret_token(fake, zalo_bot, settings):
    settings.SITE_URL = "https://canhgiac.example.vn"

    call_command("channel", "set-webhook", str(zalo_bot.pk), stdout=__import__("io").StringIO())

    assert fake.calls("zalo_bot.setWebhook")[0].json == {
        "url": "https://canhgiac.example.vn/hooks/zalo_bot/",
        "secret_token": "bot-webhook-secret",
    }


def test_polling_stores_each_update_once_like_the_webhook(fake, zalo_bot, django_capture_on_commit_callbacks):
    update = {
        "event_name": "message.text.received",
        "message": {
            "from": {"id": "u1"},
            "chat": {"id": "u1"},
            "text": "hi",
            "message_id": "m1",
            "date": 1750316131602,
        },
    }
    fake.bot_updates.extend([update, update])

    with django_capture_on_commit_callbacks(execute=True):
        call_command("channel", "poll", str(zalo_bot.pk), "--once", stdout=__import__("io").StringIO())

    assert InboundEvent.objects.count() == 1
    assert fake.calls("zalo_bot.sendMessage")[0].json["chat_id"] == "u1"  # instructions to the unlinked sender
