"""Provider-neutral shapes every channel type speaks (docs/channels.md).

The one send contract: a type's `send()` returns a `SendResult` or raises `TransportError`,
whatever the channel (web inbox, email, Zalo, Telegram, SMS). Webhook parsers turn
provider events into `IncomingMessage`, `FollowChange`, `DeliveryReceipt` or `SeenReceipt`. Nothing outside a
channel type's folder needs to know what a Zalo or Telegram payload looks like.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class TransportError(Exception):
    """A send (or another provider call) failed.

    `permanent`: sending the same thing again will not help; the delivery engine stops retrying on
    this channel, disables the address and falls back along the member's chain.
    `address_unreachable`: the provider says this recipient cannot be reached on this channel
    (implies permanent). `retry_after`: the earliest useful retry, when the provider said.
    `code`: the provider's error code, for logs and the channel's health.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: datetime | None = None,
        code: str = "",
        address_unreachable: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent or address_unreachable
        self.retry_after = retry_after
        self.code = code
        self.address_unreachable = address_unreachable

    def __repr__(self) -> str:
        return f"TransportError({self.message!r}, permanent={self.permanent}, code={self.code!r})"


@dataclass(frozen=True)
class ReplyContext:
    """Where a reply goes: the chat a person wrote from (a ChannelConfig and their provider user
    id). A message carrying one is sent with the type's `reply()`, not to the person's address."""

    config_id: int
    user_id: str


@dataclass(frozen=True)
class OutboundMessage:
    """What the delivery engine hands a channel type to send."""

    address: str
    recipient_name: str
    subject: str
    text: str
    html: str
    url: str
    urgent: bool
    on_behalf_of: str = ""  # set when a relay receives it to read out to this person
    reference: str = ""  # stable id of the delivery, for provider-side deduplication
    recipient_id: int | None = None  # the Person receiving it (the relay when relayed)
    reply_to: ReplyContext | None = None
    # Where one tap acknowledges the message (a duty alert); Web Push offers it as an action.
    ack_url: str = ""

    @property
    def idempotency_key(self) -> str:
        """For providers that take one: the same for every attempt of one delivery, so a send
        repeated after a worker died mid-call is not a second message; keyed with SECRET_KEY, so
        two installations on one provider account never share a key. Empty without a reference."""
        if not self.reference:
            return ""
        return salted_hmac("canhgiac.channels.idempotency", self.reference, algorithm="sha256").hexdigest()[:32]


@dataclass(frozen=True)
class Attachment:
    kind: str  # "image", "file", "audio", "video", "sticker", "link"
    url: str


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float

    @classmethod
    def read(cls, place: dict) -> "Location | None":
        """Coordinates as `latitude`/`longitude` or, as some Zalo events send them, `lat`/`long`."""
        latitude = place.get("latitude", place.get("lat"))
        longitude = place.get("longitude", place.get("long", place.get("lng")))
        try:
            return cls(float(latitude), float(longitude))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class IncomingMessage:
    channel: str
    sender_id: str
    text: str
    provider_message_id: str
    received_at: datetime
    attachments: tuple[Attachment, ...] = ()
    location: Location | None = None
    sender_name: str = ""


@dataclass(frozen=True)
class FollowChange:
    channel: str
    user_id: str
    following: bool
    at: datetime


@dataclass(frozen=True)
class DeliveryReceipt:
    channel: str
    provider_message_id: str
    delivered_at: datetime
    tracking_id: str = ""
    recipient: str = ""


@dataclass(frozen=True)
class SeenReceipt:
    """The recipient opened these messages (Zalo OA `user_seen_message`)."""

    channel: str
    provider_message_ids: tuple[str, ...]
    seen_at: datetime
    user_id: str = ""


ChannelEvent = IncomingMessage | FollowChange | DeliveryReceipt | SeenReceipt


@dataclass(frozen=True)
class ParsedWebhook:
    """What a webhook body holds: its dedupe key, its name, and the events understood in it."""

    event_key: str
    event_name: str
    events: list[ChannelEvent] = field(default_factory=list)
