"""The fan-out engine's records: one notice, one small row per recipient, one row per attempt.

Design and the reasons behind it: docs/fanout.md.
"""

import json

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")


# Claim order: lower goes first, so an urgent alert overtakes a large bulletin already queued.
PRIORITY_RANK: dict[str, int] = {Priority.URGENT: 0, Priority.NORMAL: 1}

# What a sealed notice keeps only in `Notice.sealed`: its own columns stay empty.
SEALED_FIELDS = ("subject", "body", "body_html", "url", "source_type", "source_id")


class Notice(models.Model):
    """Something to deliver to a set of people: a bulletin, a report update, an alert."""

    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True, help_text=_("Plain text, used by every channel."))
    body_html = models.TextField(blank=True, help_text="Sanitised HTML for channels that show it (inbox, email).")
    url = models.CharField(_("link"), max_length=500, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    sender = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    recipient_count = models.PositiveIntegerField(default=0)
    # Shown in the recipients' inboxes but not sent to their channels: the news already reached
    # them another way (a chat answer). `actions.do_release_notice` sends it after all.
    inbox_only = models.BooleanField(default=False)
    # Sent on this channel first instead of the recipient's own first one (a duty alert on the
    # officer's chosen channel); they must have an address there (docs/fanout.md).
    channel = models.CharField(max_length=20, blank=True)
    # A copy of `parallel_of` sent at the same time on another channel (an urgent duty alert on
    # every channel the officer chose): not shown in the inbox again, no fallback of its own.
    parallel_of = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="copies")
    # Where one tap acknowledges it (a duty alert); Web Push shows it as a button.
    ack_url = models.CharField(max_length=500, blank=True)
    # A sealed notice (to a confidential reporter about their report, docs/privacy.md): the
    # SEALED_FIELDS as JSON encrypted with the identity keys, their own columns empty, so the
    # notice and its delivery rows do not tie the person to the report in a database dump.
    # Loading the row puts them back on the instance (`from_db`): every reader sees the text.
    sealed = EncryptedTextField(blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return self.subject

    def save(self, *args, **kwargs) -> None:
        """A sealed notice's own columns are written empty; the instance keeps reading its text."""
        if not self.sealed:
            return super().save(*args, **kwargs)
        content = self.seal()
        for name in SEALED_FIELDS:
            setattr(self, name, "")
        try:
            return super().save(*args, **kwargs)
        finally:
            for name, value in content.items():
                setattr(self, name, value)

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        notice = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        if notice.__dict__.get("sealed"):
            for name, value in json.loads(notice.sealed).items():
                setattr(notice, name, value)
        return notice

    def seal(self) -> dict[str, str]:
        """Keep the content in `sealed` only, from the next save on; returns the content."""
        content = {name: getattr(self, name) for name in SEALED_FIELDS}
        self.sealed = json.dumps(content)
        return content

    @property
    def is_sealed(self) -> bool:
        return bool(self.sealed)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One recipient of one notice. `person` is who the notice is for; `relay`, when set, is the
    family member who receives it on their behalf and reads it out to them."""

    # No index of their own: every row of a fan-out would pay for three more indexes, and each
    # is the leading column of one below (notice: one_delivery_per_recipient; person:
    # delivery_inbox; relay: delivery_relay_inbox, which holds the only rows `relay = X` can
    # match). No constraint in the database either: PostgreSQL's checks of them at commit were
    # half of a publish. Django's collector still cascades (and sets NULL) on deletion, and
    # delivery/integrity.py keeps a fan-out from writing a row for someone deleted meanwhile.
    # docs/benchmarks.md, "fanout", has the figures.
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="deliveries", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="deliveries", db_index=False, db_constraint=False
    )
    relay = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relay_deliveries",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices)
    rank = models.PositiveSmallIntegerField(default=PRIORITY_RANK[Priority.NORMAL])
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Attempts on the current channel.")
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=40, null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    relay_confirmed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["notice", "person"], name="one_delivery_per_recipient")]
        indexes = [
            models.Index(fields=["rank", "next_attempt_at", "id"], condition=Q(status="queued"), name="delivery_ready"),
            models.Index(fields=["person", "-id"], name="delivery_inbox"),
            models.Index(fields=["relay", "-id"], condition=Q(relay__isnull=False), name="delivery_relay_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.person_id} ({self.channel}, {self.status})"

    @property
    def is_relayed(self) -> bool:
        return self.relay_id is not None


class ReplyOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ChatReply(models.Model):
    """A delivery that answers a person in the chat they wrote from (the police's answer to a
    chat reporter): sent with the channel type's `reply()` to `user_id` on `config`, not to the
    person's address. Retries, backoff and receipts are the engine's; when the chat cannot take
    it, the delivery falls back to the start of the person's chain with the notice's own text."""

    delivery = models.OneToOneField(Delivery, on_delete=models.CASCADE, primary_key=True, related_name="chat_reply")
    config = models.ForeignKey("channels.ChannelConfig", on_delete=models.CASCADE, related_name="+")
    user_id = models.CharField(max_length=100)
    # Encrypted: it names the reporter's report ("About your report CG-…") beside their delivery.
    text = EncryptedTextField()
    outcome = models.CharField(max_length=10, choices=ReplyOutcome.choices, default=ReplyOutcome.PENDING)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("chat reply")
        verbose_name_plural = _("chat replies")

    def __str__(self) -> str:
        return f"{self.delivery_id} → {self.config_id}:{self.user_id} ({self.outcome})"


class Attempt(models.Model):
    """Every send attempt, successful or not, with the error the transport gave."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    channel = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    permanent = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    worker = models.CharField(max_length=40, blank=True)
    # The credential the send was metered on (delivery/pace.py): `<slug>:<config id>`, or the slug.
    credential = models.CharField(max_length=60, blank=True, db_default="")

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["at", "id"]
        indexes = [
            # Provider receipts and "seen" events find the sent message by the provider's id.
            models.Index(fields=["provider_id"], condition=~Q(provider_id=""), name="attempt_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.channel} {'ok' if self.ok else self.error}"


class Endpoint(models.Model):
    """A member's address on one channel, in their order of preference. The web inbox needs no
    address and always ends the chain. A permanent error disables the address."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="endpoints")
    channel = models.CharField(_("channel"), max_length=20)
    address = models.CharField(_("address"), max_length=254)
    position = models.PositiveSmallIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("channel address")
        verbose_name_plural = _("channel addresses")
        ordering = ["person", "position"]
        constraints = [models.UniqueConstraint(fields=["person", "channel"], name="one_endpoint_per_channel")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.channel}:{self.address}"

    @property
    def is_enabled(self) -> bool:
        return self.disabled_at is None


class Route(models.Model):
    """The first channel of a member's chain, kept in step with their endpoints so fan-out can
    pick each recipient's channel with one join instead of per-person logic."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, primary_key=True, related_name="+")
    first_channel = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")

    def __str__(self) -> str:
        return f"{self.person_id} → {self.first_channel}"


class ChannelBudget(models.Model):
    """Sends used on one credential (delivery/pace.py) in the current window of its rate limit,
    shared by every worker."""

    channel = models.CharField(max_length=60, primary_key=True, help_text="<slug>:<config id>, or the slug.")
    window = models.BigIntegerField(default=0, help_text="Windows of the limit's length since the epoch.")
    used = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.channel}: {self.used} in minute {self.window}"


class ChannelSchedule(models.Model):
    """How far one credential's queue is booked (delivery/pace.py, `book`): the deliveries its
    budget could not take are put back due in its coming windows, `limit` to a window, after
    those any worker put back before; one row per credential and priority lane."""

    channel = models.CharField(max_length=60, help_text="<slug>:<config id>, or the slug.")
    rank = models.PositiveSmallIntegerField()
    window = models.BigIntegerField(default=0, help_text="The last window booked, in windows since the epoch.")
    booked = models.PositiveIntegerField(default=0, help_text="Deliveries booked in that window.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "rank"], name="one_schedule_per_credential_lane")]

    def __str__(self) -> str:
        return f"{self.channel} (lane {self.rank}): {self.booked} in window {self.window}"
