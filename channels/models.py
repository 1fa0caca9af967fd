"""Channels configured per province or commune, who is who on each channel, and what arrived.

Credentials are stored encrypted (channels/crypto.py); the rest of a channel's settings are plain
JSON checked by its type (channels/registry.py). See docs/channels.md.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels.crypto import decrypt_json, encrypt_json
from places.models import Tier


class ChannelConfig(models.Model):
    """One channel (an OA, a bot, an SMS sender) serving a unit and everything under it."""

    unit = models.ForeignKey(
        "places.Unit",
        on_delete=models.PROTECT,
        related_name="channel_configs",
        verbose_name=_("unit"),
        limit_choices_to={"tier__in": [Tier.PROVINCE, Tier.COMMUNE]},
        help_text=_("A province or a commune; its channel serves every unit under it without its own."),
    )
    slug = models.CharField(_("channel type"), max_length=30)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    secrets_encrypted = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    last_ok_at = models.DateTimeField(_("last success at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["unit__path", "slug"]
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="one_channel_of_a_type_per_unit")]

    def __str__(self) -> str:
        return f"{self.slug} · {self.unit}"

    @property
    def channel_label(self) -> str:
        from channels.registry import get_type

        try:
            return str(get_type(self.slug).label)
        except LookupError:
            return self.slug

    @property
    def secrets(self) -> dict[str, str]:
        return decrypt_json(self.secrets_encrypted)

    @secrets.setter
    def secrets(self, values: dict[str, str]) -> None:
        self.secrets_encrypted = encrypt_json({key: value for key, value in values.items() if value})


class ChannelIdentity(models.Model):
    """A provider user (a Zalo follower, a bot chat) on one channel, and the person it is linked to."""

    config = models.ForeignKey(ChannelConfig, on_delete=models.CASCADE, related_name="identities")
    provider_user_id = models.CharField(_("provider user id"), max_length=100)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channel_identities",
        verbose_name=_("person"),
    )
    reachable = models.BooleanField(
        _("reachable"), default=True, help_text=_("Cleared when the user unfollows or blocks the channel.")
    )
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    # Wrong link codes sent from this account, so nobody can guess codes by trying them in a chat.
    link_failures = models.PositiveSmallIntegerField(default=0, editable=False)
    link_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("last message at"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("channel identity")
        verbose_name_plural = _("channel identities")
        constraints = [
            models.UniqueConstraint(fields=["config", "provider_user_id"], name="one_identity_per_provider_user"),
        ]

    def __str__(self) -> str:
        return f"{self.config.slug}:{self.provider_user_id}"


class LinkCode(models.Model):
    """A one-time code a signed-in resident sends to the OA or bot to link that account. Only its hash is kept."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="channel_link_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(ChannelIdentity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("link code")
        verbose_name_plural = _("link codes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.person} @ {self.created_at:%Y-%m-%d %H:%M}"


class EventStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Processed")
    IGNORED = "ignored", _("Ignored")
    FAILED = "failed", _("Failed")


class InboundEvent(models.Model):
    """A webhook delivery as received, stored once per provider event (providers retry)."""

    config = models.ForeignKey(ChannelConfig, on_delete=models.CASCADE, related_name="events")
    event_key = models.CharField(max_length=200)
    event_name = models.CharField(max_length=100, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.PENDING)
    error = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Set on ZNS delivery receipts: which sent message reached the phone, and when.
    delivered_message_id = models.CharField(max_length=100, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbound event")
        verbose_name_plural = _("inbound events")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["config", "event_key"], name="one_inbound_event_per_key")]

    def __str__(self) -> str:
        return f"{self.config.slug} {self.event_name} {self.event_key}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (`PushManager.subscribe()`), for one person on one device.

    The person's `webpush` Endpoint holds its `key` as the address (docs/channels.md, "Web Push").
    The push service's endpoint URL is a capability: whoever knows it can push to the device, so
    it is never shown or logged."""

    key = models.CharField(max_length=32, unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="push_subscriptions", verbose_name=_("person")
    )
    endpoint = models.URLField(_("push service endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    expired_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.person_id} push {self.key[:8]}"

    def info(self) -> dict:
        """The subscription as the browser gave it (what pywebpush encrypts for)."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}
