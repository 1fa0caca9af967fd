"""Provider-neutral shapes every channel type speaks (docs/channels.md).

Clients turn provider answers into a `SendResult` or raise `ProviderError`; webhook parsers turn
provider events into `IncomingMessage`, `FollowChange`, `DeliveryReceipt` or `SeenReceipt`. Nothing outside a
channel type's folder needs to know what a Zalo or Telegram payload looks like.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class ProviderError(Exception):
    """A provider refused or failed a call.

    `permanent`: sending the same thing again will not help. `address_unreachable`: the provider
    says this recipient cannot be reached on this channel (the delivery engine falls back to the
    next channel of the member's chain). `retry_after`: the earliest useful retry, when known.
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
        return f"ProviderError({self.message!r}, permanent={self.permanent}, code={self.code!r})"


class Outbound(Protocol):
    """The fields of the delivery engine's `OutboundMessage` that channel types read."""

    @property
    def address(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def urgent(self) -> bool: ...
    @property
    def reference(self) -> str: ...


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
