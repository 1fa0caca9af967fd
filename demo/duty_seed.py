"""The demo commune's duty roster: the deputy, Huỳnh Văn Phúc, on duty around the clock with the
chief, Đỗ Tuấn Kiệt, as backup and chief; his Telegram and Zalo are linked to the fake providers
(channels_seed.py), so a report filed in the demo reaches /_fake/received within seconds."""

from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import data
from duty.models import Alert, AlertPreference, Roster, Shift
from people.models import Mandate, MandateRole, Person
from places.models import Unit

ROSTER_DAYS_AHEAD = 30


def seed_duty(commune: Unit, phones: dict[str, str]) -> None:
    """The deputy joins the commune police last, so the demo's other seeds find one police officer."""
    chief = Person.objects.get(phone=phones["officer"])
    duty = Person.objects.create_user(phones["duty"], data.PERSONAS["duty"][1], password=data.OFFICER_PASSWORD)
    Mandate.objects.create(person=duty, role=MandateRole.POLICE, unit=commune, title="Phó Công an xã")
    TOTPDevice.objects.create(user=duty, name="demo", key=data.OFFICER_TOTP_KEY, confirmed=True)
    Roster.objects.update_or_create(unit=commune, defaults={"chief": chief})
    AlertPreference.objects.update_or_create(
        person=duty, defaults={"channels": ["telegram"], "urgent_channels": ["telegram", "zalo_oa"]}
    )
    ensure_duty_roster(commune)
    # The article's reports were handled in 2019: their duty alerts are not waiting on anyone.
    Alert.objects.filter(escalate_at__isnull=False).update(escalate_at=None)


def ensure_duty_roster(commune: Unit) -> int:
    """Daily 07:00–07:00 shifts from yesterday to ROSTER_DAYS_AHEAD days on, so every hour of a
    demo (run again any day later) has someone on duty; returns how many shifts were added."""
    roster = Roster.objects.filter(unit=commune).select_related("chief").first()
    if roster is None or roster.chief is None:
        return 0
    chief = roster.chief
    duty = (
        Person.objects.filter(mandates__unit=commune, mandates__role="police", is_active=True)
        .exclude(pk=chief.pk)
        .order_by("pk")
        .first()
    )
    if duty is None:
        return 0
    first = timezone.localtime().replace(hour=7, minute=0, second=0, microsecond=0) - timedelta(days=1)
    starts = [first + timedelta(days=day) for day in range(ROSTER_DAYS_AHEAD + 1)]
    have = set(Shift.objects.filter(roster=roster, starts_at__in=starts).values_list("starts_at", flat=True))
    new = [
        Shift(roster=roster, starts_at=start, ends_at=start + timedelta(days=1), officer=duty, backup=chief)
        for start in starts
        if start not in have
    ]
    Shift.objects.bulk_create(new)
    return len(new)
