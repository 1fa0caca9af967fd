"""Steering: directives with deadlines, their compliance, responsibilities, reminders and the
pre-aggregated counters behind the dashboards (docs/steering.md).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import GroupKind, Organisation
from people.models import Person
from places.models import Tier


class TargetLevel(models.IntegerChoices):
    """Which units a requirement applies to: every unit of that tier inside the directive's scope."""

    COMMUNE = Tier.COMMUNE, _("every commune")
    HAMLET = Tier.HAMLET, _("every hamlet, neighbourhood or village")
    RESIDENTIAL_GROUP = Tier.RESIDENTIAL_GROUP, _("every residential group")


class Directive(models.Model):
    """An order from a province or commune: every unit of a level must have a group of a kind by a date."""

    unit = models.ForeignKey(
        "places.Unit", on_delete=models.PROTECT, related_name="directives", verbose_name=_("issued for")
    )
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=80, blank=True, help_text=_("e.g. 123/KH-BCĐ"))
    body = models.TextField(_("text"), blank=True)
    deadline = models.DateField(_("deadline"))
    grace_days = models.PositiveSmallIntegerField(
        _("days allowed for new units"),
        default=30,
        help_text=_("A unit created near or after the deadline has this many days from its creation."),
    )
    remind_days = models.JSONField(_("remind days before the deadline"), default=list)
    issued_by = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.title


class Requirement(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="requirements")
    level = models.PositiveSmallIntegerField(_("applies to"), choices=TargetLevel.choices)
    group_kind = models.CharField(_("group kind"), max_length=30, choices=GroupKind.choices)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["directive", "-level", "group_kind"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "level", "group_kind"], name="unique_requirement"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_group_kind_display()}"


class ComplianceSnapshot(models.Model):
    """Compliance of one requirement in one commune on one day, written by the daily task."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="snapshots")
    commune = models.ForeignKey("places.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    total = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["requirement", "commune", "day"], name="unique_compliance_snapshot"),
        ]
        indexes = [models.Index(fields=["commune", "day"])]

    def __str__(self) -> str:
        return f"{self.requirement_id}@{self.commune_id} {self.day}: {self.met}/{self.total}"

    @property
    def missing(self) -> int:
        return self.total - self.met - self.overdue


class Responsibility(models.Model):
    """An assignment to a unit or a group ("phân công cụ thể trách nhiệm"): to a steering committee
    member or officer, or to an organisation (Hội Phụ nữ, Đoàn Thanh niên…) through its contact person."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    organisation = models.ForeignKey(
        "groups.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    unit = models.ForeignKey(
        "places.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    group = models.ForeignKey(
        "groups.CommunityGroup", on_delete=models.CASCADE, null=True, blank=True, related_name="responsibilities"
    )
    duty = models.CharField(_("duty"), max_length=200, blank=True)
    assigned_by = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["assigned_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True) | Q(unit__isnull=True, group__isnull=False),
                name="responsibility_for_a_unit_or_a_group",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="responsibility_of_a_person_or_an_organisation",
            ),
            models.UniqueConstraint(
                fields=["person", "unit"], condition=Q(ended_at__isnull=True), name="one_open_unit_responsibility"
            ),
            models.UniqueConstraint(
                fields=["person", "group"], condition=Q(ended_at__isnull=True), name="one_open_group_responsibility"
            ),
            models.UniqueConstraint(
                fields=["organisation", "unit"],
                condition=Q(ended_at__isnull=True),
                name="one_open_unit_responsibility_of_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "group"],
                condition=Q(ended_at__isnull=True),
                name="one_open_group_responsibility_of_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assignee} · {self.unit or self.group}"

    @property
    def assignee(self) -> "Person | Organisation":
        """Who answers for it: the person, or the organisation."""
        return self.person or self.organisation  # type: ignore[return-value]

    @property
    def reachable_person(self) -> "Person | None":
        """Whom to remind: the person, or the organisation's contact person."""
        if self.person is not None:
            return self.person
        return self.organisation.contact if self.organisation is not None else None


class Reminder(models.Model):
    """A message to a person, shown in their reminders list until the notification engine routes it."""

    recipient = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="steering_reminders")
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    priority = models.CharField(max_length=20, default="normal")
    source_key = models.CharField(max_length=120, blank=True, help_text="Deduplicates reminders of one occasion.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source_key"], condition=~Q(source_key=""), name="one_reminder_per_occasion"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class Counter(models.Model):
    """One pre-aggregated figure of a unit (province, commune or hamlet) on one day.

    Written by the rollup task from the metric providers (steering/metrics.py); dashboards read
    these rows instead of counting members, households or reports per page view.
    """

    unit = models.ForeignKey("places.Unit", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    metric = models.CharField(max_length=80)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "metric", "day"], name="unique_counter")]
        indexes = [models.Index(fields=["unit", "day"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.metric}={self.value}"


class RollupRun(models.Model):
    """When the counters of a root unit were last computed ("figures as of") and last asked for."""

    unit = models.OneToOneField("places.Unit", on_delete=models.CASCADE, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0)
    requested_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.finished_at}"
