"""The registry of channel types: every way to reach a person — the web inbox, email, Zalo,
Telegram, SMS — is one folder under channels/types/, enabled by the CHANNEL_TYPES setting.

A type knows its settings and credentials (as form fields, so the admin and the `channel`
command validate the same way), how to send, and how to verify and parse its webhooks.
Adding a channel type touches its folder and the CHANNEL_TYPES setting (docs/channels.md).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from channels.base import OutboundMessage, ParsedWebhook, SendResult, TransportError
from channels.text import fit

if TYPE_CHECKING:
    from channels.models import ChannelConfig


@dataclass(frozen=True)
class RateLimit:
    """At most `count` sends in each `seconds`-long window of the clock (as providers meter them)."""

    count: int
    seconds: int


LIMIT_SETTINGS = ("rate_per_minute", "rate_per_second", "quiet_hours")


class ChannelType:
    slug: ClassVar[str]
    label: ClassVar["str | StrPromise"]
    webhook_path: ClassVar[str | None] = None  # where its events arrive: /hooks/<webhook_path>/
    text_limit: ClassVar[int] = 2000
    # Sending needs the ChannelConfig of the recipient's unit (the chat and SMS providers); the
    # web inbox and email need none, and `send()` gets None.
    needs_config: ClassVar[bool] = True
    # A delivery on it needs the person's Endpoint address (the web inbox needs none).
    needs_address: ClassVar[bool] = True
    # Defaults for the delivery engine's throttling, overridable per type in CHANNEL_LIMITS.
    rate_per_minute: ClassVar[int | None] = 60
    quiet_hours: ClassVar[tuple[int, int] | None] = None  # local hours (start, end)
    # The address is the provider user id of a ChannelIdentity linked to the person (chat apps),
    # not something the person types in (a phone number).
    address_is_linked_account: ClassVar[bool] = False
    # Types whose sent messages this type's receipts and "seen" events may refer to (Zalo sends
    # the receipts of OA and ZNS messages alike to the OA's webhook).
    receipts_cover: ClassVar[frozenset[str]] = frozenset()
    # Its tokens come from a Zalo OAuth v4 grant: the admin offers "Authorise with Zalo".
    zalo_oauth: ClassVar[bool] = False
    # How long after a user's last message `reply()` may reach them (None: no limit).
    reply_window: ClassVar[timedelta | None] = None

    def setting_fields(self) -> dict[str, forms.Field]:
        return {}

    def secret_fields(self) -> dict[str, forms.Field]:
        return {}

    def clean(self, values: dict) -> None:
        """Checks across fields; raise ValidationError."""

    def validate_address(self, address: str) -> str:
        address = (address or "").strip()
        if not address:
            raise ValidationError("empty address", code="required")
        return address

    def prepare_text(self, message: OutboundMessage) -> str:
        parts = [message.subject, message.text]
        if message.url not in message.text:  # the engine's text already ends with its link
            parts.append(message.url)
        return fit("\n\n".join(part for part in parts if part), self.text_limit)

    @property
    def limits(self) -> dict:
        return settings.CHANNEL_LIMITS.get(self.slug, {})

    def _limit_values(self, config: "ChannelConfig | None") -> dict:
        """The throttling values in force: the channel's own (one OA, one bot account), else the
        type's in CHANNEL_LIMITS, else the type's defaults."""
        own = {k: v for k, v in (config.settings if config is not None else {}).items() if k in LIMIT_SETTINGS}
        if "rate_per_minute" in own or "rate_per_second" in own:
            return {**self.limits, "rate_per_minute": None, "rate_per_second": None, **own}
        return {**self.limits, **own}

    def effective_rate_per_minute(self) -> int | None:
        return self.limits.get("rate_per_minute", self.rate_per_minute)

    def rate_limit(self, config: "ChannelConfig | None" = None) -> RateLimit | None:
        """The provider's limit for one credential (docs/fanout.md, "Sending at the provider's pace")."""
        values = self._limit_values(config)
        if values.get("rate_per_second"):
            return RateLimit(int(values["rate_per_second"]), 1)
        per_minute = values.get("rate_per_minute", self.rate_per_minute)
        return RateLimit(int(per_minute), 60) if per_minute else None

    def effective_quiet_hours(self, config: "ChannelConfig | None" = None) -> tuple[time, time] | None:
        raw = self._limit_values(config).get("quiet_hours", self.quiet_hours)
        if not raw:
            return None
        if isinstance(raw, str):
            start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
            return start, end
        start, end = raw
        return (time(start), time(end)) if isinstance(start, int) else (start, end)

    def limit_fields(self) -> dict[str, forms.Field]:
        """Throttling of one configured channel, when its provider account differs from the type's defaults."""
        return {
            "rate_per_minute": forms.IntegerField(
                label=_("Sends per minute"),
                min_value=1,
                required=False,
                help_text=_("This account's limit at the provider; empty: the type's default."),
            ),
            "rate_per_second": forms.IntegerField(
                label=_("Sends per second"),
                min_value=1,
                required=False,
                help_text=_("For providers that meter per second (a bot account); overrides sends per minute."),
            ),
            "quiet_hours": forms.RegexField(
                label=_("Quiet hours"),
                regex=r"^\d{2}:\d{2}-\d{2}:\d{2}$",
                required=False,
                help_text=_("HH:MM-HH:MM local time; only urgent alerts are sent inside them."),
            ),
        }

    def configured(self, config: "ChannelConfig | None") -> "ChannelConfig":
        """The configuration a type with `needs_config` sends with (channels.sending finds it)."""
        if config is None:
            raise TransportError(f"{self.slug} needs a channel configuration", permanent=True, code="unconfigured")
        return config

    def send(self, config: "ChannelConfig | None", message: OutboundMessage) -> SendResult:
        raise TransportError(f"{self.slug} cannot send messages", permanent=True, code="unsupported")

    def reply(self, config: "ChannelConfig", user_id: str, text: str) -> SendResult:
        """Answer a user who just wrote to the channel."""
        raise TransportError(f"{self.slug} cannot reply", permanent=True, code="unsupported")

    # Webhooks: the shared view (channels/webhooks.py) calls these.
    def find_configs(self, request: HttpRequest, payload: dict) -> list["ChannelConfig"]:
        from channels.models import ChannelConfig

        return list(ChannelConfig.objects.filter(slug=self.slug, enabled=True).select_related("unit"))

    def verify(self, request: HttpRequest, config: "ChannelConfig", payload: dict) -> bool:
        return False

    def parse(self, payload: dict) -> ParsedWebhook:
        raise NotImplementedError(f"{self.slug} receives no webhooks")

    def signed_at(self, payload: dict) -> datetime | None:
        """When the provider signed a verified event, for types whose signature covers a time
        (Zalo's `timestamp`): the shared view refuses events outside WEBHOOK_MAX_AGE_SECONDS.
        None for types whose signature carries no time (a secret token in a header)."""
        return None


@cache
def _load(slug: str) -> ChannelType:
    module = import_module(f"channels.types.{slug}.type")
    channel_type = module.TYPE
    assert channel_type.slug == slug, f"channels/types/{slug} declares {channel_type.slug}"
    return channel_type


WEB = "web"


def normalize_slug(slug: str) -> str:
    """Slugs are written with underscores (`zalo_oa`); `zalo-oa`, as in URLs and on a command
    line, names the same type."""
    return slug.strip().replace("-", "_")


def enabled_slugs() -> list[str]:
    """CHANNEL_TYPES in its order. The web inbox ends every member's chain, so it is always on."""
    slugs = [normalize_slug(slug) for slug in settings.CHANNEL_TYPES]
    return slugs if WEB in slugs else [WEB, *slugs]


def channel_types() -> dict[str, ChannelType]:
    return {slug: _load(slug) for slug in enabled_slugs()}


def configurable_types() -> dict[str, ChannelType]:
    """The types a unit configures (credentials, webhooks): all but the web inbox and email."""
    return {slug: channel_type for slug, channel_type in channel_types().items() if channel_type.needs_config}


def get_type(slug: str) -> ChannelType:
    slug = normalize_slug(slug)
    if slug not in enabled_slugs():
        raise LookupError(f"unknown or disabled channel type {slug!r}")
    return _load(slug)
