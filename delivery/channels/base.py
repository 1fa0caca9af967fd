from dataclasses import dataclass
from datetime import datetime, time
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import Promise as StrPromise
from django.utils.module_loading import import_string


class TransportError(Exception):
    """A send failed. `permanent` errors (unknown address, refused) stop retries on this channel
    and disable the address; others are retried with backoff, never before `retry_after` when the
    provider said when to come back."""

    def __init__(self, message: str, *, permanent: bool = False, retry_after: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class OutboundMessage:
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


class Channel:
    slug: str = ""
    label: "str | StrPromise" = ""
    needs_address = True
    # Defaults, overridable per channel in settings.DELIVERY_CHANNEL_LIMITS.
    rate_per_minute: int | None = None
    quiet_hours: tuple[time, time] | None = None

    def send(self, message: OutboundMessage) -> str:
        """Send or raise TransportError; return the provider's message id (or "")."""
        raise NotImplementedError

    def validate_address(self, address: str) -> str:
        """Return the normalised address or raise django's ValidationError."""
        return address.strip()

    @property
    def limits(self) -> dict:
        return settings.DELIVERY_CHANNEL_LIMITS.get(self.slug, {})

    def effective_rate_per_minute(self) -> int | None:
        return self.limits.get("rate_per_minute", self.rate_per_minute)

    def effective_quiet_hours(self) -> tuple[time, time] | None:
        raw = self.limits.get("quiet_hours", self.quiet_hours)
        if not raw:
            return None
        if isinstance(raw, str):
            start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
            return start, end
        return raw


@cache
def channel_types() -> dict[str, Channel]:
    registry: dict[str, Channel] = {}
    for path in settings.DELIVERY_CHANNEL_TYPES:
        # A Channel class, or a function returning several channels (channels.delivery.provider_channels).
        target = import_string(path)
        for channel in [target()] if isinstance(target, type) else target():
            registry[channel.slug] = channel
    return registry


@receiver(setting_changed, dispatch_uid="delivery.channels.forget")
def _forget_channels(setting: str, **kwargs) -> None:
    """Tests that change the channel settings see the channels those settings name."""
    if setting in {"DELIVERY_CHANNEL_TYPES", "CHANNEL_TYPES"}:
        channel_types.cache_clear()


def get_channel(slug: str) -> Channel:
    return channel_types()[slug]
