"""Telegram bot: messages to people who started the bot; webhook at /hooks/telegram/."""

import hashlib
import json
from datetime import UTC, datetime

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.base import (
    Attachment,
    FollowChange,
    IncomingMessage,
    Location,
    OutboundMessage,
    ParsedWebhook,
    SendResult,
)
from channels.botapi import secret_token_matches
from channels.models import ChannelConfig
from channels.registry import ChannelType
from channels.types.telegram.client import TelegramClient

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
# Telegram hands out file ids, not URLs; the URL needs the bot token, so it is resolved when used.
FILE_PREFIX = "telegram-file:"


def _moment(seconds) -> datetime:
    try:
        return datetime.fromtimestamp(int(seconds), tz=UTC)
    except (TypeError, ValueError):
        return timezone.now()


def parse_update(slug: str, update: dict) -> ParsedWebhook:
    update_id = update.get("update_id")
    key = (
        f"update:{update_id}"
        if update_id is not None
        else "other:" + hashlib.sha256(json.dumps(update, sort_keys=True).encode()).hexdigest()
    )
    message = update.get("message")
    if isinstance(message, dict) and message.get("message_id") is not None:
        sender = message.get("from") or {}
        attachments: list[Attachment] = []
        if message.get("photo"):
            largest = message["photo"][-1]
            attachments.append(Attachment("image", FILE_PREFIX + str(largest.get("file_id", ""))))
        if isinstance(message.get("document"), dict):
            attachments.append(Attachment("file", FILE_PREFIX + str(message["document"].get("file_id", ""))))
        place = message.get("location")
        incoming = IncomingMessage(
            channel=slug,
            sender_id=str((message.get("chat") or {}).get("id") or sender.get("id", "")),
            text=str(message.get("text") or message.get("caption") or ""),
            provider_message_id=str(message["message_id"]),
            received_at=_moment(message.get("date")),
            attachments=tuple(attachments),
            location=Location(float(place["latitude"]), float(place["longitude"])) if isinstance(place, dict) else None,
            sender_name=" ".join(filter(None, [sender.get("first_name"), sender.get("last_name")])),
        )
        return ParsedWebhook(key, "message", [] if sender.get("is_bot") else [incoming])
    member = update.get("my_chat_member")
    if isinstance(member, dict):
        status = (member.get("new_chat_member") or {}).get("status", "")
        chat_id = str((member.get("chat") or {}).get("id", ""))
        change = FollowChange(slug, chat_id, status not in {"kicked", "left"}, _moment(member.get("date")))
        return ParsedWebhook(key, "my_chat_member", [change])
    return ParsedWebhook(key, next((name for name in update if name != "update_id"), ""), [])


class TelegramType(ChannelType):
    slug = "telegram"
    label = "Telegram"
    address_is_linked_account = True
    webhook_path = "telegram"
    text_limit = 4096
    rate_per_minute = 1200

    def setting_fields(self):
        return {"bot_username": forms.CharField(label=_("Bot username"), max_length=64, required=False)}

    def secret_fields(self):
        return {
            "bot_token": forms.CharField(label=_("Bot token")),
            "webhook_secret": forms.RegexField(
                label=_("Webhook secret token"),
                regex=r"^[A-Za-z0-9_-]{8,256}$",
                help_text=_("8 to 256 letters, digits, _ or -; Telegram sends it with every webhook call."),
            ),
        }

    def client(self, config: ChannelConfig) -> TelegramClient:
        return TelegramClient(config.secrets["bot_token"])

    def send(self, config: ChannelConfig | None, message: OutboundMessage) -> SendResult:
        config = self.configured(config)
        return self.client(config).send_message(self.validate_address(message.address), self.prepare_text(message))

    def reply(self, config: ChannelConfig, user_id: str, text: str) -> SendResult:
        return self.client(config).send_message(user_id, text)

    def verify(self, request: HttpRequest, config: ChannelConfig, payload: dict) -> bool:
        return secret_token_matches(request.headers.get(SECRET_HEADER, ""), config.secrets.get("webhook_secret", ""))

    def parse(self, payload: dict) -> ParsedWebhook:
        return parse_update(self.slug, payload)


TYPE = TelegramType()
