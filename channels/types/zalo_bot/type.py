"""Zalo Bot: messages to people who wrote to the bot first; webhook at /hooks/zalo_bot/."""

import hashlib
import json

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.base import Attachment, IncomingMessage, Location, OutboundMessage, ParsedWebhook, SendResult
from channels.botapi import secret_token_matches
from channels.models import ChannelConfig
from channels.registry import ChannelType
from channels.types.zalo_bot.client import ZaloBotClient
from channels.types.zalo_oa.events import moment

SECRET_HEADER = "X-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def unwrap(payload: dict) -> dict:
    """Deliveries come as `{ok, result: {event_name, message}}` or as the bare `{event_name, message}`."""
    if isinstance(payload.get("result"), dict) and "event_name" not in payload:
        return payload["result"]
    return payload


def _location(message: dict) -> Location | None:
    place = message.get("location")
    if not isinstance(place, dict):
        return None
    return Location.read(place)


def parse_update(slug: str, payload: dict) -> ParsedWebhook:
    event = unwrap(payload)
    event_name = str(event.get("event_name", ""))
    message = event.get("message") or {}
    if event_name.startswith("message.") and message.get("message_id"):
        sender = message.get("from") or {}
        chat = message.get("chat") or {}
        photo = message.get("photo_url") or message.get("photo") or message.get("url")
        attachments = (Attachment("image", str(photo)),) if isinstance(photo, str) and photo else ()
        incoming = IncomingMessage(
            channel=slug,
            sender_id=str(chat.get("id") or sender.get("id", "")),
            text=str(message.get("text") or message.get("caption") or ""),
            provider_message_id=str(message["message_id"]),
            received_at=moment(message.get("date")) if message.get("date") else timezone.now(),
            attachments=attachments,
            location=_location(message),
            sender_name=str(sender.get("display_name", "")),
        )
        events = [] if sender.get("is_bot") else [incoming]
        return ParsedWebhook(f"message:{message['message_id']}", event_name, list(events))
    digest = hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    return ParsedWebhook(f"other:{digest}", event_name, [])


class ZaloBotType(ChannelType):
    slug = "zalo_bot"
    label = "Zalo Bot"
    address_is_linked_account = True
    webhook_path = "zalo_bot"
    text_limit = 2000

    def secret_fields(self):
        return {
            "bot_token": forms.CharField(label=_("Bot token")),
            "webhook_secret": forms.CharField(
                label=_("Webhook secret token"), min_length=8, help_text=_("Sent by Zalo with every webhook call.")
            ),
        }

    def client(self, config: ChannelConfig) -> ZaloBotClient:
        return ZaloBotClient(config.secrets["bot_token"])

    def send(self, config: ChannelConfig | None, message: OutboundMessage) -> SendResult:
        config = self.configured(config)
        return self.client(config).send_message(self.validate_address(message.address), self.prepare_text(message))

    def reply(self, config: ChannelConfig, user_id: str, text: str) -> SendResult:
        return self.client(config).send_message(user_id, text)

    def verify(self, request: HttpRequest, config: ChannelConfig, payload: dict) -> bool:
        return secret_token_matches(request.headers.get(SECRET_HEADER, ""), config.secrets.get("webhook_secret", ""))

    def parse(self, payload: dict) -> ParsedWebhook:
        return parse_update(self.slug, payload)


TYPE = ZaloBotType()
