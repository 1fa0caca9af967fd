"""Every write of steering: directives, responsibilities, rollups, compliance snapshots, reminders."""

import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, override
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from groups.actions import KIND_TIER
from groups.models import UNIT_GROUP_KINDS, CommunityGroup, GroupKind, Organisation
from people.models import Person
from places.models import Tier, Unit
from steering import compliance, metrics
from steering.compliance import province_of
from steering.models import ComplianceSnapshot, Counter, Directive, Reminder, Requirement, Responsibility, RollupRun
from steering.notify import remind
from steering.permissions import (
    can_assign_responsibility,
    can_be_responsible,
    can_change_directive,
    can_end_responsibility,
    can_issue_directive,
    can_organisation_be_responsible,
    can_view_directive,
)

DEFAULT_REMIND_DAYS = [30, 7, 1]
MAX_REQUIREMENTS = 20


def access_directive(person: Person, directive_id: int, *, manage: bool = False) -> Directive:
    directive = get_object_or_404(Directive.objects.select_related("unit", "issued_by"), pk=directive_id)
    allowed = can_change_directive(person, directive) if manage else can_view_directive(person, directive)
    if not allowed:
        raise PermissionDenied
    return directive


def access_unit(person: Person, code: str, check) -> Unit:
    """The unit with this code, if `check(person, unit)` (a rule of steering.permissions) allows."""
    unit = get_object_or_404(Unit, code=code)
    if not check(person, unit):
        raise PermissionDenied
    return unit


# -- directives --------------------------------------------------------------------------------


def validate_requirement(unit: Unit, level: int, kind: str) -> None:
    if level not in Tier.values or level < Tier.COMMUNE:
        raise ActionError(_("Choose which units the requirement applies to."), code="level")
    if kind not in GroupKind.values:
        raise ActionError(_("Choose the kind of group."), code="kind")
    if kind in UNIT_GROUP_KINDS and KIND_TIER[GroupKind(kind)] != level:
        raise ActionError(
            _("A %(kind)s group belongs to a unit of that level: choose the matching units."),
            code="kind_level",
            params={"kind": GroupKind(kind).label},
        )


def check_issue_directive(
    actor: Person,
    unit: Unit,
    *,
    title: str,
    deadline: date | None,
    requirements: Iterable[tuple[int, str]],
    reference: str = "",
    body: str = "",
    grace_days: int = 30,
    remind_days: Iterable[int] = DEFAULT_REMIND_DAYS,
) -> Directive:
    if not can_issue_directive(actor, unit):
        raise PermissionDenied
    title = " ".join(title.split())
    if not title:
        raise ActionError(_("Enter the directive's title."), code="required")
    if deadline is None:
        raise ActionError(_("Enter the deadline."), code="deadline")
    if deadline < timezone.localdate():
        raise ActionError(_("The deadline cannot be in the past."), code="deadline_past")
    if not 0 <= grace_days <= 365:
        raise ActionError(_("New units may be given 0 to 365 days."), code="grace_days")
    pairs = list(dict.fromkeys((int(level), kind) for level, kind in requirements))
    if not pairs:
        raise ActionError(_("Add at least one requirement: which units must have which kind of group."), code="empty")
    if len(pairs) > MAX_REQUIREMENTS:
        raise ActionError(_("A directive holds at most %(max)d requirements."), code="too_many", params={"max": 20})
    for level, kind in pairs:
        validate_requirement(unit, level, kind)
    days = sorted({int(day) for day in remind_days if 0 < int(day) <= 365}, reverse=True)
    with transaction.atomic():
        directive = Directive.objects.create(
            unit=unit,
            title=title,
            reference=reference.strip()[:80],
            body=body.strip(),
            deadline=deadline,
            grace_days=grace_days,
            remind_days=days,
            issued_by=actor,
        )
        Requirement.objects.bulk_create(
            [Requirement(directive=directive, level=level, group_kind=kind) for level, kind in pairs]
        )
        record(actor, "directive.issued", directive, unit=unit, title=title, deadline=deadline.isoformat())
    return directive


def check_withdraw_directive(actor: Person, directive: Directive, reason: str = "") -> Directive:
    if not can_change_directive(actor, directive):
        raise PermissionDenied
    if directive.withdrawn_at is not None:
        raise ActionError(_("This directive was already withdrawn."), code="withdrawn")
    with transaction.atomic():
        directive.withdrawn_at = timezone.now()
        directive.save(update_fields=["withdrawn_at"])
        record(actor, "directive.withdrawn", directive, unit=directive.unit, reason=reason)
    return directive


# -- responsibilities --------------------------------------------------------------------------


def check_assign_responsibility(
    actor: Person,
    person: Person | None = None,
    *,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    group: CommunityGroup | None = None,
    duty: str = "",
) -> Responsibility:
    """Assign a unit or a group to a steering member or officer, or to an organisation; an
    organisation's contact person is told (they are often not an officer who watches these pages)."""
    if (unit is None) == (group is None):
        raise ActionError(_("Choose a unit or a group."), code="target")
    if (person is None) == (organisation is None):
        raise ActionError(_("Choose a person or an organisation."), code="assignee")
    where = unit if unit is not None else group.unit  # type: ignore[union-attr]
    if not can_assign_responsibility(actor, where):
        raise PermissionDenied
    if person is not None and not can_be_responsible(person, where):
        raise ActionError(
            _("%(name)s is not a steering committee member or officer of %(unit)s."),
            code="not_officer",
            params={"name": person.full_name or person.display_phone, "unit": where.name},
        )
    if organisation is not None and not can_organisation_be_responsible(organisation, where):
        raise ActionError(
            _("%(name)s is not an active organisation of %(unit)s."),
            code="not_organisation",
            params={"name": organisation.name, "unit": where.name},
        )
    if group is not None and not group.is_active:
        raise ActionError(_("This group is archived."), code="archived")
    assignee = person or organisation
    try:
        with transaction.atomic():
            responsibility = Responsibility.objects.create(
                person=person,
                organisation=organisation,
                unit=unit,
                group=group,
                duty=" ".join(duty.split())[:200],
                assigned_by=actor,
            )
            record(
                actor,
                "responsibility.assigned",
                responsibility,
                unit=where,
                person=person.pk if person else None,
                organisation=organisation.pk if organisation else None,
                group=group.pk if group else None,
            )
    except IntegrityError:
        raise ActionError(
            _("%(name)s already has this responsibility."), code="duplicate", params={"name": assignee}
        ) from None
    if organisation is not None and organisation.contact is not None:
        _tell_contact(organisation, responsibility, where)
    return responsibility


def _tell_contact(organisation: Organisation, responsibility: Responsibility, where: Unit) -> None:
    contact = organisation.contact
    assert contact is not None
    target = responsibility.group.name if responsibility.group else where.name
    with override(contact.language):
        subject = gettext("%(organisation)s is assigned: %(target)s") % {
            "organisation": organisation.name,
            "target": target,
        }
        body = responsibility.duty or gettext("The steering committee assigned a responsibility to your organisation.")
    remind(
        [contact],
        subject=subject,
        body=body,
        url=reverse("steering:mine"),
        source=responsibility,
        occasion=f"responsibility:{responsibility.pk}",
    )


def check_end_responsibility(actor: Person, responsibility: Responsibility) -> Responsibility:
    if not can_end_responsibility(actor, responsibility):
        raise PermissionDenied
    if responsibility.ended_at is not None:
        raise ActionError(_("This responsibility has already ended."), code="ended")
    with transaction.atomic():
        responsibility.ended_at = timezone.now()
        responsibility.save(update_fields=["ended_at"])
        record(actor, "responsibility.ended", responsibility, unit=responsibility.unit)
    return responsibility


# -- rollups -----------------------------------------------------------------------------------


def rollup_units(root: Unit) -> list[Unit]:
    """The units that get counters: the root and everything under it down to hamlets."""
    return list(Unit.objects.filter(path__startswith=root.path, tier__lte=Tier.HAMLET).order_by("path"))


def do_rollup(root: Unit, *, day: date | None = None, as_of: datetime | None = None) -> int:
    """Compute every provider's counters for the root and the units under it; replace that day's rows.

    `as_of=None` measures now by the live definitions; a past `as_of` back-fills history.
    """
    started = time.monotonic()
    day = day or (timezone.localdate(as_of) if as_of else timezone.localdate())
    units = rollup_units(root)
    by_path = {unit.path: unit for unit in units}
    rows = []
    for provider in metrics.providers():
        for (path, metric), value in provider.measure(root, units, as_of).items():
            if value:
                rows.append(Counter(unit=by_path[path], day=day, metric=metric, value=value))
    with transaction.atomic():
        Counter.objects.filter(unit__path__startswith=root.path, day=day).delete()
        Counter.objects.bulk_create(rows, batch_size=5000)
        if as_of is None:
            RollupRun.objects.update_or_create(
                unit=root, defaults={"finished_at": timezone.now(), "seconds": round(time.monotonic() - started, 2)}
            )
    return len(rows)


def do_backfill(root: Unit, *, days: int, step: int = 1, today: date | None = None) -> int:
    """Counters for past days from the timestamps the data carries (docs/steering.md: what is approximate)."""
    today = today or timezone.localdate()
    written = 0
    for back in range(days, 0, -step):
        day = today - timedelta(days=back)
        end_of_day = timezone.make_aware(datetime.combine(day, datetime.max.time()))
        written += do_rollup(root, day=day, as_of=end_of_day)
    return written + do_rollup(root, day=today)


def roots_with_data() -> list[Unit]:
    provinces = Unit.objects.filter(tier=Tier.PROVINCE).order_by("path")
    return [
        province
        for province in provinces
        if CommunityGroup.objects.filter(unit__path__startswith=province.path).exists()
    ]


# -- compliance snapshots and reminders --------------------------------------------------------


def active_directives():
    return Directive.objects.filter(withdrawn_at__isnull=True).select_related("unit")


def do_snapshot_compliance(directive: Directive, *, day: date | None = None, as_of: datetime | None = None) -> int:
    """Tally each requirement per commune for one day (the progress-over-time chart reads these)."""
    day = day or (timezone.localdate(as_of) if as_of else timezone.localdate())
    items = compliance.evaluate(directive, today=day, as_of=as_of)
    communes = compliance.communes_of(directive.unit)
    tallies: dict[tuple[int, str], compliance.Tally] = defaultdict(compliance.Tally)
    for item in items:
        commune_path = compliance.commune_path_of(item.unit.path, communes)
        if commune_path is not None:
            tallies[(item.requirement.pk, commune_path)].add(item.status)
    with transaction.atomic():
        ComplianceSnapshot.objects.filter(requirement__directive=directive, day=day).delete()
        ComplianceSnapshot.objects.bulk_create(
            [
                ComplianceSnapshot(
                    requirement_id=requirement_id,
                    commune=communes[path],
                    day=day,
                    total=tally.total,
                    met=tally.met,
                    overdue=tally.overdue,
                )
                for (requirement_id, path), tally in tallies.items()
            ]
        )
    return len(tallies)


def do_backfill_compliance(directive: Directive, *, step: int = 7, today: date | None = None) -> int:
    today = today or timezone.localdate()
    day = timezone.localdate(directive.issued_at)
    written = 0
    while day < today:
        written += do_snapshot_compliance(
            directive, day=day, as_of=timezone.make_aware(datetime.combine(day, datetime.max.time()))
        )
        day += timedelta(days=step)
    return written + do_snapshot_compliance(directive, day=today)


def do_send_reminders(*, today: date | None = None, directives: Iterable[Directive] | None = None) -> int:
    """On each of a directive's reminder days, tell whoever answers for lagging communes what is missing.

    One message per person and occasion, naming their communes: a provincial officer who answers
    for forty communes without officers gets one reminder, not forty.
    """
    today = today or timezone.localdate()
    sent = 0
    for directive in active_directives() if directives is None else directives:
        days_left = (directive.deadline - today).days
        if days_left not in directive.remind_days:
            continue
        communes = compliance.communes_of(directive.unit)
        unmet: dict[str, int] = defaultdict(int)
        people: dict[int, Person] = {}
        lagging_of: dict[int, dict[str, int]] = defaultdict(dict)
        for item in compliance.evaluate(directive, today=today):
            path = compliance.commune_path_of(item.unit.path, communes)
            if item.status == compliance.Status.MET or path is None:
                continue
            unmet[path] += 1
            for person in compliance.reachable(item.responsible):
                people[person.pk] = person
                lagging_of[person.pk][path] = 0
        responsibles = compliance.Responsibles(directive.unit)
        for path in unmet:
            for person in compliance.reachable(responsibles.of(communes[path])):
                people[person.pk] = person
                lagging_of[person.pk][path] = 0
        for person_pk, paths in lagging_of.items():
            person = people[person_pk]
            names = sorted(communes[path].name for path in paths)
            count = sum(unmet[path] for path in paths)
            url = reverse("steering:directive", args=[directive.pk])
            if len(paths) == 1:
                url += f"?scope={communes[next(iter(paths))].code}"
            with override(person.language):
                subject = gettext("%(days)d days left: %(title)s") % {"days": days_left, "title": directive.title}
                body = ngettext(
                    "%(communes)s: %(count)d unit still without the required group. Deadline: %(deadline)s.",
                    "%(communes)s: %(count)d units still without the required groups. Deadline: %(deadline)s.",
                    count,
                ) % {
                    "communes": ", ".join(names[:5]) + (" …" if len(names) > 5 else ""),
                    "count": count,
                    "deadline": date_format(directive.deadline, "SHORT_DATE_FORMAT"),
                }
            sent += remind(
                [person],
                subject=subject,
                body=body,
                url=url,
                source=directive,
                occasion=f"directive:{directive.pk}:{days_left}",
            )
    return sent


def do_refresh_province(root: Unit, *, today: date | None = None) -> dict[str, int]:
    """Counters of a province, today's compliance of the directives that apply in it, their reminders.

    What a dashboard asks for when its figures are old; idempotent, so an embedded install without a
    scheduler still gets today's snapshots whenever someone looks (docs/steering.md).
    """
    directives = [
        directive
        for directive in active_directives()
        if root.path.startswith(directive.unit.path) or directive.unit.path.startswith(root.path)
    ]
    return {
        "counters": do_rollup(root),
        "snapshots": sum(do_snapshot_compliance(directive, day=today) for directive in directives),
        "reminders": do_send_reminders(today=today, directives=directives),
    }


def do_daily(*, today: date | None = None) -> dict[str, int]:
    """The nightly run: counters of every province with groups, compliance snapshots, reminders."""
    counters = sum(do_rollup(root) for root in roots_with_data())
    snapshots = sum(do_snapshot_compliance(directive, day=today) for directive in active_directives())
    reminders = do_send_reminders(today=today)
    return {"counters": counters, "snapshots": snapshots, "reminders": reminders}


def check_mark_reminder_read(person: Person, reminder_id: int) -> Reminder:
    reminder = get_object_or_404(Reminder, pk=reminder_id)
    if reminder.recipient_id != person.pk:
        raise PermissionDenied
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


def check_refresh_figures(actor: Person, unit: Unit) -> Unit:
    """Recompute the counters of the unit's province now, in the background."""
    from steering.permissions import can_view_dashboard

    if not can_view_dashboard(actor, unit):
        raise PermissionDenied
    root = province_of(unit)
    RollupRun.objects.get_or_create(unit=root)
    RollupRun.objects.filter(unit=root).update(requested_at=timezone.now())
    _enqueue_rollup(root)
    return root


def do_request_fresh_figures(unit: Unit, *, max_age: timedelta | None = None) -> bool:
    """When a dashboard is opened on figures older than STEERING_FIGURES_MAX_AGE, queue one recompute.

    At most one request per province per period, however many officers open dashboards: the
    conditional UPDATE lets exactly one of them through. Returns whether a rollup was queued.
    """
    max_age = max_age or timedelta(seconds=settings.STEERING_FIGURES_MAX_AGE)
    root = province_of(unit)
    cutoff = timezone.now() - max_age
    run, _created = RollupRun.objects.get_or_create(unit=root)
    if run.finished_at is not None and run.finished_at > cutoff:
        return False
    claimed = (
        RollupRun.objects.filter(unit=root)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=cutoff))
        .update(requested_at=timezone.now())
    )
    if claimed:
        _enqueue_rollup(root)
    return bool(claimed)


def _enqueue_rollup(root: Unit) -> None:
    from steering.tasks import rollup_province

    transaction.on_commit(lambda: rollup_province.enqueue(root.pk))
