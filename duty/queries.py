"""What the duty pages and the alerting read: who is on duty now, a unit's roster, the escalation
chain's people, alerts waiting for an acknowledgement."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from duty.models import Alert, AlertRecipient, Roster, Shift
from people.models import Mandate, MandateRole, Person
from places.models import Unit

ROSTER_DAYS_SHOWN = 7


def police_units_for(unit: Unit) -> tuple[Unit | None, Unit | None]:
    """The police unit answering for `unit`: the nearest unit at or above it with a duty roster,
    else the nearest with police officers (a hamlet's report lands with its commune's police);
    and the one answering above that one, whom an alert nobody acknowledges escalates to. Three
    queries, whatever the depth."""
    ancestors = unit.ancestor_chain()  # root first, the unit itself last
    ids = [u.pk for u in ancestors]
    rostered = set(Roster.objects.filter(unit_id__in=ids).values_list("unit_id", flat=True))
    policed = set(
        Mandate.objects.filter(unit_id__in=ids, role=MandateRole.POLICE, person__is_active=True).values_list(
            "unit_id", flat=True
        )
    )

    def answering(chain: list[Unit]) -> Unit | None:
        for wanted in (rostered, policed):
            for candidate in reversed(chain):
                if candidate.pk in wanted:
                    return candidate
        return None

    police = answering(ancestors)
    if police is None:
        return None, None
    return police, answering(ancestors[: ids.index(police.pk)])


def police_unit_for(unit: Unit) -> Unit | None:
    return police_units_for(unit)[0]


def shifts_at(unit: Unit, now: datetime) -> QuerySet[Shift]:
    return Shift.objects.filter(roster__unit=unit, starts_at__lte=now, ends_at__gt=now).select_related(
        "officer", "backup"
    )


def on_duty_ids(unit: Unit, now: datetime) -> list[int]:
    """The officers on duty now; for a unit keeping no roster, every police officer of the unit."""
    if not Roster.objects.filter(unit=unit).exists():
        return list(unit_police(unit).values_list("pk", flat=True))
    return list(shifts_at(unit, now).filter(officer__is_active=True).values_list("officer_id", flat=True).distinct())


def backup_ids(unit: Unit, now: datetime) -> list[int]:
    return list(
        shifts_at(unit, now)
        .filter(backup__isnull=False, backup__is_active=True)
        .values_list("backup_id", flat=True)
        .distinct()
    )


def chief_ids(unit: Unit) -> list[int]:
    chief = Roster.objects.filter(unit=unit, chief__is_active=True).values_list("chief_id", flat=True).first()
    return [chief] if chief else []


def police_above_ids(unit: Unit) -> list[int]:
    """The police of the nearest unit above `unit` that has police officers."""
    parent = unit.parent
    return police_ids(police_unit_for(parent)) if parent is not None else []


def police_ids(unit: Unit | None) -> list[int]:
    """The active police officers holding a mandate on `unit` itself."""
    return list(unit_police(unit).values_list("pk", flat=True)) if unit is not None else []


def is_on_duty(person_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return Shift.objects.filter(officer_id=person_id, starts_at__lte=now, ends_at__gt=now).exists()


def nobody_on_duty(unit: Unit, now: datetime | None = None) -> bool:
    """The unit keeps a roster and no shift covers this moment."""
    now = now or timezone.now()
    return Roster.objects.filter(unit=unit).exists() and not shifts_at(unit, now).exists()


def units_without_duty(paths: list[str], now: datetime | None = None) -> list[Unit]:
    """Police units under these paths keeping a roster with nobody on duty right now (queue banner)."""
    now = now or timezone.now()
    if not paths:
        return []
    rosters = Roster.objects.select_related("unit")
    covered = Shift.objects.filter(starts_at__lte=now, ends_at__gt=now).values("roster_id")
    units = [r.unit for r in rosters.exclude(pk__in=covered) if any(r.unit.path.startswith(p) for p in paths)]
    return sorted(units, key=lambda u: u.path)


def roster_page(unit: Unit, now: datetime) -> dict:
    """What the roster page shows: who is on duty now, the coming week's shifts, the chief."""
    roster = Roster.objects.filter(unit=unit).select_related("chief").first()
    coming = Shift.objects.filter(
        roster__unit=unit, ends_at__gt=now, starts_at__lt=now + timedelta(days=ROSTER_DAYS_SHOWN)
    ).select_related("officer", "backup")
    shifts = list(coming.order_by("starts_at", "id"))
    return {
        "roster": roster,
        "chief": roster.chief if roster else None,
        "current": [s for s in shifts if s.starts_at <= now],
        "upcoming": [s for s in shifts if s.starts_at > now],
    }


def unit_police(unit: Unit) -> QuerySet[Person]:
    """Officers who may be put on the unit's roster: the police of the unit."""
    return (
        Person.objects.filter(mandates__unit=unit, mandates__role=MandateRole.POLICE, is_active=True)
        .distinct()
        .order_by("full_name")
    )


def pending_for(person: Person, now: datetime | None = None) -> AlertRecipient | None:
    """The newest alert sent to the person that nobody acknowledged yet (what "OK" in a chat answers)."""
    now = now or timezone.now()
    since = now - timedelta(hours=settings.DUTY_ACK_LINK_HOURS)
    return (
        AlertRecipient.objects.filter(person=person, sent_at__gte=since, alert__acknowledged_at__isnull=True)
        .select_related("alert")
        .order_by("-sent_at", "-id")
        .first()
    )


def alerts_of(source) -> QuerySet[Alert]:
    from django.contrib.contenttypes.models import ContentType

    return Alert.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).select_related("acknowledged_by")
