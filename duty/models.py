"""Duty rosters of police units, officers' alert preferences, and duty alerts with their
acknowledgement and escalation (docs/reports.md, "Duty and escalation").

An alert is about something in an app above this one (a report): it holds a generic link to it,
the text that was sent and the case's link, and never imports the model it points at.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Roster(models.Model):
    """A police unit's duty roster (lịch trực): its shifts and its chief."""

    unit = models.OneToOneField("places.Unit", on_delete=models.CASCADE, related_name="duty_roster")
    chief = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("chief")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")

    def __str__(self) -> str:
        return str(self.unit)


class Shift(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("from"), db_index=True)
    ends_at = models.DateTimeField(_("until"), db_index=True)
    officer = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="duty_shifts", verbose_name=_("officer on duty")
    )
    backup = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="backup_shifts",
        verbose_name=_("backup"),
    )
    created_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.roster} {self.starts_at:%Y-%m-%d %H:%M} {self.officer}"


class AlertPreference(models.Model):
    """Where an officer is alerted: `channels` in order for ordinary alerts (the first they have
    an address on), `urgent_channels` all at once for urgent ones."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, primary_key=True, related_name="alert_preference"
    )
    channels = models.JSONField(default=list, blank=True)
    urgent_channels = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alert preference")
        verbose_name_plural = _("alert preferences")

    def __str__(self) -> str:
        return f"{self.person_id}: {self.channels} / {self.urgent_channels}"


class Step(models.IntegerChoices):
    """Who an alert has reached, in the order of escalation."""

    DUTY = 0, _("officer on duty")
    BACKUP = 1, _("backup")
    CHIEF = 2, _("chief")
    ABOVE = 3, _("police of the unit above")
    DIRECT = 9, _("direct")  # one named officer (the one handling a case): no escalation


class AlertKind(models.TextChoices):
    NEW_REPORT = "new_report", _("New report")
    FOLLOW_UP = "follow_up", _("Reporter's follow-up")
    DEADLINE = "deadline", _("Deadline passed")


class Alert(models.Model):
    unit = models.ForeignKey("places.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    source_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    # Makes raising idempotent where it must happen once (a deadline passing).
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    url = models.CharField(max_length=500, help_text="The case's page.")
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.DUTY)
    # When the next escalation is due; None once acknowledged or nobody is left to ask.
    escalate_at = models.DateTimeField(null=True, blank=True)
    nobody_on_duty = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    acknowledged_via = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("duty alert")
        verbose_name_plural = _("duty alerts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["escalate_at"], condition=Q(escalate_at__isnull=False), name="alert_escalation_due"),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return self.subject


class AlertRecipient(models.Model):
    """One officer an alert was sent to, at one step, with the engine's notice of it."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="duty_alerts")
    step = models.PositiveSmallIntegerField(choices=Step.choices)
    notice = models.ForeignKey("delivery.Notice", on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        constraints = [models.UniqueConstraint(fields=["alert", "person"], name="one_alert_per_officer")]
        indexes = [models.Index(fields=["person", "-sent_at"])]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.person_id} ({self.step})"
