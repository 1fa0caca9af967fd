"""Zalo OA and ZNS webhook events: signature check and parsing into provider-neutral events."""

import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

from django.utils import timezone

from channels.base import (
    Attachment,
    DeliveryReceipt,
    FollowChange,
    IncomingMessage,
    Location,
    ParsedWebhook,
    SeenReceipt,
)

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-ZEvent-Signature"
MESSAGE_EVENTS = {
    "user_send_text",
    "user_send_image",
    "user_send_file",
    "user_send_audio",
    "user_send_video",
    "user_send_sticker",
    "user_send_link",
    "user_send_location",
    "user_send_gif",
}


def signature(app_id: str, raw_body: bytes, timestamp: str, secret: str) -> str:
    """SHA-256 (plain, not HMAC) of app_id + raw body + timestamp + secret, as hex."""
    return hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + secret.encode()).hexdigest()


def signature_is_valid(header: str, app_id: str, raw_body: bytes, timestamp: str, secret: str) -> bool:
    if not secret or not header:
        return False
    given = header.strip()
    if given.lower().startswith("mac="):
        given = given[4:]
    expected = signature(app_id, raw_body, timestamp, secret)
    return hmac.compare_digest(given.strip().lower().encode(), expected.encode())


def moment(milliseconds) -> datetime:
    try:
        return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def signed_moment(milliseconds) -> datetime:
    """The signed `timestamp` of an event; a missing or unreadable one counts as infinitely old."""
    try:
        return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.min.replace(tzinfo=UTC)


def _dict(value) -> dict:
    """A part of the payload that must be an object: anything else reads as empty (a signed event
    whose `message` is a string is ignored, not a server error)."""
    return value if isinstance(value, dict) else {}


def _location(payload: dict) -> Location | None:
    return Location.read(payload.get("coordinates") or payload)


def parse(slug: str, payload: dict) -> ParsedWebhook:
    event_name = str(payload.get("event_name", ""))
    message = _dict(payload.get("message"))
    timestamp = str(payload.get("timestamp", ""))
    if event_name == "user_received_message":
        msg_id = str(message.get("msg_id", ""))
        receipt = DeliveryReceipt(
            channel=slug,
            provider_message_id=msg_id,
            delivered_at=moment(message.get("delivery_time") or timestamp),
            tracking_id=str(message.get("tracking_id", "")),
            recipient=str(_dict(payload.get("recipient")).get("id", "")),
        )
        return ParsedWebhook(f"{event_name}:{msg_id}", event_name, [receipt])
    if event_name == "user_seen_message":
        # The OA's messages the user opened: `msg_ids` (a list), or a single `msg_id` in some payloads.
        ids = message.get("msg_ids") or ([message["msg_id"]] if message.get("msg_id") else [])
        ids = tuple(str(msg_id) for msg_id in ids if msg_id) if isinstance(ids, list) else ()
        user_id = str(_dict(payload.get("recipient")).get("id", "") or payload.get("user_id_by_app", ""))
        seen = SeenReceipt(slug, ids, moment(timestamp), user_id)
        digest = hashlib.sha256("|".join(sorted(ids)).encode()).hexdigest()[:32]
        return ParsedWebhook(f"{event_name}:{user_id}:{digest}", event_name, [seen] if ids else [])
    if event_name in {"follow", "unfollow"}:
        user_id = str(_dict(payload.get("follower")).get("id", ""))
        change = FollowChange(slug, user_id, event_name == "follow", moment(timestamp))
        return ParsedWebhook(f"{event_name}:{user_id}:{timestamp}", event_name, [change])
    if event_name in MESSAGE_EVENTS and message.get("msg_id"):
        attachments, location = [], None
        attachments_given = message.get("attachments")
        for attachment in attachments_given if isinstance(attachments_given, list) else []:
            kind, body = _dict(attachment).get("type", ""), _dict(_dict(attachment).get("payload"))
            if kind == "location":
                location = _location(body)
            elif body.get("url"):
                attachments.append(Attachment(kind, body["url"]))
        incoming = IncomingMessage(
            channel=slug,
            sender_id=str(_dict(payload.get("sender")).get("id", "")),
            text=str(message.get("text", "")),
            provider_message_id=str(message["msg_id"]),
            received_at=moment(timestamp),
            attachments=tuple(attachments),
            location=location,
        )
        return ParsedWebhook(f"message:{message['msg_id']}", event_name, [incoming])
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return ParsedWebhook(f"other:{digest}", event_name, [])
