"""Every write of the duty app: rosters and shifts, alert preferences, raising a duty alert,
acknowledging it, escalating it (docs/reports.md, "Duty and escalation").

An alert goes to the officer(s) on duty of the police unit it lands in; without an
acknowledgement within DUTY_ACK_MINUTES_URGENT (urgent) or DUTY_ACK_MINUTES, `escalate_due`
sends it on to the backup, then the chief, then the police of the unit above. Every step is
written to the source's history (the audit log of the report) in Vietnamese, and every message
goes through the delivery engine, which retries it and shows it in the officer's inbox.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.actions import record
from channels.registry import channel_types
from core.errors import ActionError, PermissionDenied
from core.text import fold
from delivery.models import Endpoint, Notice, Priority
from delivery.notify import notify
from duty.models import Alert, AlertKind, AlertPreference, AlertRecipient, Roster, Shift, Step
from duty.permissions import can_acknowledge, can_edit_roster
from duty.queries import (
    backup_ids,
    chief_ids,
    is_on_duty,
    on_duty_ids,
    police_above_ids,
    police_ids,
    police_unit_for,
    unit_police,
)
from duty.signals import alert_acknowledged
from people.models import Person
from places.models import Unit

ACK_SALT = "duty.ack"
# What an officer may answer in Zalo or Telegram to acknowledge the last alert (folded: no diacritics).
ACK_WORDS = {"ok", "oke", "okay", "da nhan", "nhan", "ro", "da ro", "nhan roi", "da nhan tin"}
# Channels an officer may choose for alerts (those with an address of their own).
ALERT_CHANNELS = ("webpush", "zalo_bot", "zalo_oa", "telegram", "sms_gateway", "zns", "email")


# -- roster ----------------------------------------------------------------------------------


def check_add_shift(
    actor: Person, unit: Unit, *, starts_at: datetime, ends_at: datetime, officer: Person, backup: Person | None
) -> Shift:
    if not can_edit_roster(actor, unit):
        raise PermissionDenied
    if ends_at <= starts_at:
        raise ActionError({"ends_at": [_("The shift must end after it starts.")]})
    if ends_at - starts_at > timedelta(days=7):
        raise ActionError({"ends_at": [_("A shift lasts at most 7 days.")]})
    police = set(unit_police(unit).values_list("pk", flat=True))
    if officer.pk not in police or (backup is not None and backup.pk not in police):
        raise ActionError({"officer": [_("Choose police officers of this unit.")]})
    if backup is not None and backup.pk == officer.pk:
        raise ActionError({"backup": [_("The backup must be someone else.")]})
    with transaction.atomic():
        roster, _created = Roster.objects.get_or_create(unit=unit)
        shift = Shift.objects.create(
            roster=roster, starts_at=starts_at, ends_at=ends_at, officer=officer, backup=backup, created_by=actor
        )
        record(
            actor,
            "duty.shift_added",
            shift,
            unit=unit,
            officer=officer.pk,
            backup=backup.pk if backup else None,
            starts_at=starts_at.isoformat(),
            ends_at=ends_at.isoformat(),
        )
    return shift


def check_remove_shift(actor: Person, shift: Shift) -> None:
    unit = shift.roster.unit
    if not can_edit_roster(actor, unit):
        raise PermissionDenied
    with transaction.atomic():
        record(actor, "duty.shift_removed", shift, unit=unit, officer=shift.officer_id)
        shift.delete()


def check_set_chief(actor: Person, unit: Unit, chief: Person | None) -> Roster:
    if not can_edit_roster(actor, unit):
        raise PermissionDenied
    if chief is not None and not unit_police(unit).filter(pk=chief.pk).exists():
        raise ActionError({"chief": [_("Choose police officers of this unit.")]})
    with transaction.atomic():
        roster, _created = Roster.objects.get_or_create(unit=unit)
        roster.chief = chief
        roster.save()
        record(actor, "duty.chief_set", roster, unit=unit, chief=chief.pk if chief else None)
    return roster


def check_set_preferences(actor: Person, person: Person, channels: list[str], urgent_channels: list[str]):
    if actor.pk != person.pk:
        raise PermissionDenied
    known = set(channel_types())
    for slug in [*channels, *urgent_channels]:
        if slug not in known or slug not in ALERT_CHANNELS:
            raise ActionError(_("Unknown channel."), code="channel")
    preference, _created = AlertPreference.objects.update_or_create(
        person=person,
        defaults={"channels": list(dict.fromkeys(channels)), "urgent_channels": list(dict.fromkeys(urgent_channels))},
    )
    record(actor, "duty.preferences_set", person, channels=channels, urgent_channels=urgent_channels)
    return preference


# -- raising an alert -------------------------------------------------------------------------


def ack_minutes(alert: Alert) -> int:
    return settings.DUTY_ACK_MINUTES_URGENT if alert.urgent else settings.DUTY_ACK_MINUTES


def ack_token(alert: Alert, person_id: int) -> str:
    return signing.dumps({"a": alert.pk, "p": person_id}, salt=ACK_SALT, compress=True)


def read_ack_token(token: str) -> tuple[int, int] | None:
    """(alert id, person id) of a valid token, None if forged or older than DUTY_ACK_LINK_HOURS."""
    try:
        data = signing.loads(token, salt=ACK_SALT, max_age=settings.DUTY_ACK_LINK_HOURS * 3600)
    except signing.BadSignature:
        return None
    return int(data["a"]), int(data["p"])


def ack_url(alert: Alert, person_id: int) -> str:
    return reverse("duty:ack", args=[ack_token(alert, person_id)])


ESCALATION = (Step.DUTY, Step.BACKUP, Step.CHIEF, Step.ABOVE)


def escalation_chain(police_unit: Unit, now: datetime, *, above: Unit | None) -> dict[int, list[int]]:
    """Whom each step of the escalation reaches for an alert to `police_unit` now; `above`: the
    police unit answering above it (`police_units_for`). Read before an intake transaction, so
    that the transaction, which holds SQLite's one write lock, only writes (docs/reports.md, "Duty
    and escalation"); the later escalations read the roster again."""
    return {
        step: police_ids(above) if step == Step.ABOVE else _step_people(police_unit, step, now) for step in ESCALATION
    }


def _step_people(unit: Unit, step: int, now: datetime) -> list[int]:
    if step == Step.DUTY:
        return on_duty_ids(unit, now)
    if step == Step.BACKUP:
        return backup_ids(unit, now)
    if step == Step.CHIEF:
        return chief_ids(unit)
    if step == Step.ABOVE:
        return police_above_ids(unit)
    return []


def _next_step(
    alert: Alert, first: int, now: datetime, chain: dict[int, list[int]] | None = None
) -> tuple[int | None, list[int]]:
    """The first step from `first` on with someone not yet alerted, and who they are. `chain`: the
    steps' people read beforehand (`escalation_chain`), for an alert nobody has been sent yet."""
    already = set(alert.recipients.values_list("person_id", flat=True)) if chain is None else set()
    for step in ESCALATION:
        if step < first:
            continue
        found = chain[step] if chain is not None else _step_people(alert.unit, step, now)
        people = [pk for pk in found if pk not in already]
        if people:
            return step, people
    return None, []


def do_raise_alert(
    *,
    unit: Unit,
    source: Model,
    kind: str,
    subject: str,
    body: str,
    url: str,
    urgent: bool,
    to: Person | None = None,
    key: str | None = None,
    police_unit: Unit | None = None,
    chain: dict[int, list[int]] | None = None,
) -> Alert | None:
    """Alert the police of the unit `unit` lies in about `source` (a report). `to`: one named
    officer (the one handling the case), no escalation. A deadline alert goes to the chief and the
    police above at once. Returns None when no police unit answers for `unit`, or `key` was used.
    `police_unit`: `police_unit_for(unit)`, and `chain`: `escalation_chain(police_unit, now, ...)`, when
    the caller read them before its transaction."""
    police_unit = police_unit or police_unit_for(unit)
    if police_unit is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        if key is not None and Alert.objects.filter(key=key).exists():
            return None
        alert = Alert.objects.create(
            unit=police_unit,
            kind=kind,
            source=source,
            key=key,
            subject=subject[:300],
            body=body,
            url=url,
            urgent=urgent,
            created_at=now,
        )
        with translation.override("vi"):
            if to is not None:
                alert.step = Step.DIRECT
                alert.save(update_fields=["step"])
                _send(alert, [to.pk], Step.DIRECT, now)
                _history(alert, _("Alerted the officer handling it: %(names)s.") % {"names": _names([to.pk])})
            elif kind == AlertKind.DEADLINE:
                people = [*chief_ids(police_unit), *police_above_ids(police_unit)]
                alert.step = Step.ABOVE
                alert.save(update_fields=["step"])
                _send(alert, list(dict.fromkeys(people)), Step.ABOVE, now)
                _history(
                    alert,
                    _("Legal deadline passed: alerted the chief and the police above (%(names)s).")
                    % {"names": _names(people) or _("nobody")},
                )
            else:
                step, people = _next_step(alert, Step.DUTY, now, chain)
                if step != Step.DUTY:
                    alert.nobody_on_duty = True
                _advance(alert, step, people, now, chain)
                if step == Step.DUTY:
                    _history(alert, _("Alerted the officer on duty: %(names)s.") % {"names": _names(people)})
                elif step is None:
                    _history(alert, _("Nobody on duty and nobody else to alert."))
                else:
                    _history(
                        alert,
                        _("Nobody on duty: sent straight to the %(who)s: %(names)s.")
                        % {"who": Step(step).label, "names": _names(people)},
                    )
    return alert


def _advance(
    alert: Alert, step: int | None, people: list[int], now: datetime, chain: dict[int, list[int]] | None = None
) -> None:
    """Send to `people` at `step` and set when the next escalation falls due."""
    if step is None:
        alert.escalate_at = None
    else:
        alert.step = step
        _send(alert, people, step, now)
        if chain is not None:  # nobody else was sent the alert yet: all but `people` are still to ask
            chain = {later: [pk for pk in found if pk not in people] for later, found in chain.items()}
        last = _next_step_after(alert, step, now, chain) is None
        alert.escalate_at = None if last else now + timedelta(minutes=ack_minutes(alert))
    alert.save(update_fields=["step", "escalate_at", "nobody_on_duty"])


def _next_step_after(alert: Alert, step: int, now: datetime, chain: dict[int, list[int]] | None = None) -> int | None:
    return _next_step(alert, step + 1, now, chain)[0] if step < Step.ABOVE else None


def _send(alert: Alert, people: list[int], step: int, now: datetime) -> None:
    """One notice per officer (their own acknowledgement link), on the channels they chose."""
    if not people:
        return
    preferences = {p.person_id: p for p in AlertPreference.objects.filter(person_id__in=people)}
    enabled: dict[int, set[str]] = {}
    for person_id, slug in Endpoint.objects.filter(person_id__in=people, disabled_at__isnull=True).values_list(
        "person_id", "channel"
    ):
        enabled.setdefault(person_id, set()).add(slug)
    registered = set(channel_types())
    for person_id in people:
        # Urgent when the case is: on duty, or called upon by the escalation (quiet hours do not
        # hold it). One named officer off duty gets it as ordinary news.
        urgent = alert.urgent and (step != Step.DIRECT or is_on_duty(person_id, now))
        preference = preferences.get(person_id)
        reachable = enabled.get(person_id, set()) & registered
        wanted = (preference.urgent_channels if urgent else preference.channels) if preference else []
        chosen = [slug for slug in wanted if slug in reachable]
        if not urgent:
            chosen = chosen[:1]
        link = ack_url(alert, person_id)
        subject, body = _message(alert, step, link)
        message = {
            "subject": subject,
            "body": body,
            "url": link,
            "priority": Priority.URGENT if urgent else Priority.NORMAL,
            "ack_url": link,
        }
        notice = _notify_one(alert, person_id, message, chosen[0] if chosen else "")
        for slug in chosen[1:]:
            _notify_one(alert, person_id, message, slug, parallel_of=notice)
        AlertRecipient.objects.create(alert=alert, person_id=person_id, step=step, sent_at=now, notice=notice)


def _notify_one(
    alert: Alert, person_id: int, message: dict[str, str], channel: str, parallel_of: Notice | None = None
) -> Notice:
    return notify(
        [person_id],
        subject=message["subject"],
        body=message["body"],
        url=message["url"],
        priority=message["priority"],
        ack_url=message["ack_url"],
        source=alert,
        channel=channel,
        parallel_of=parallel_of,
    )


def _message(alert: Alert, step: int, link: str) -> tuple[str, str]:
    from delivery.messages import absolute

    with translation.override("vi"):
        subject = alert.subject
        lead = ""
        if step in (Step.BACKUP, Step.CHIEF, Step.ABOVE) and alert.kind != AlertKind.DEADLINE:
            subject = _("Not yet acknowledged: %(subject)s") % {"subject": subject}
            lead = _("Nobody has acknowledged this yet: passed on to you (%(who)s).") % {"who": Step(step).label}
        if alert.nobody_on_duty and step != Step.DUTY and alert.kind != AlertKind.DEADLINE:
            lead = _("Nobody is on duty: passed on to you (%(who)s).") % {"who": Step(step).label}
        ack = _("Acknowledge with one tap: %(link)s (or answer OK in Zalo or Telegram).") % {"link": absolute(link)}
    return subject, "\n".join(part for part in (lead, alert.body, ack) if part)


def _names(people: list[int]) -> str:
    names = dict(Person.objects.filter(pk__in=people).values_list("pk", "full_name"))
    return ", ".join(names.get(pk, "") for pk in people if names.get(pk))


def _history(alert: Alert, text: str, actor: Person | None = None, verb: str = "duty.alert") -> None:
    """Written to the source's history (the report's), in Vietnamese."""
    source = alert.source
    if source is not None:
        record(actor, verb, source, unit=alert.unit, reason=text[:500], alert=alert.pk)


# -- acknowledging ----------------------------------------------------------------------------

VIA_LABELS = {
    "link": gettext_lazy("the link in the alert"),
    "push": gettext_lazy("the phone notification"),
    "page": gettext_lazy("the Cảnh Giác page"),
    "telegram": "Telegram",
    "zalo_bot": "Zalo",
    "zalo_oa": "Zalo",
}


def check_acknowledge(person: Person, alert: Alert, via: str) -> bool:
    """The officer says they have it; escalation stops. True if this acknowledged it (False: already was)."""
    recipients = set(alert.recipients.values_list("person_id", flat=True))
    if not can_acknowledge(person, alert.unit, recipients):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        done = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=person, acknowledged_via=via[:20], escalate_at=None
        )
        if not done:
            return False
        alert.acknowledged_at, alert.acknowledged_by, alert.acknowledged_via, alert.escalate_at = now, person, via, None
        minutes = max(0, int((now - alert.created_at).total_seconds() // 60))
        with translation.override("vi"):
            _history(
                alert,
                _("%(name)s acknowledged (by %(via)s) after %(minutes)d min.")
                % {"name": person.full_name, "via": VIA_LABELS.get(via, via), "minutes": minutes},
                actor=person,
                verb="duty.acknowledged",
            )
        transaction.on_commit(lambda: alert_acknowledged.send(sender=Alert, alert=alert, person=person, via=via))
    return True


def check_chat_acknowledge(person: Person, text: str, via: str) -> str:
    """An officer's "OK" in Zalo or Telegram acknowledges their newest pending alert; returns the
    answer for the chat, or "" when the message is not an acknowledgement."""
    from duty.queries import pending_for

    if fold(text).strip(" .!") not in ACK_WORDS:
        return ""
    pending = pending_for(person)
    if pending is None:
        return ""
    check_acknowledge(person, pending.alert, via)
    return _("Noted: you acknowledged “%(subject)s”.") % {"subject": pending.alert.subject}


# -- escalating -------------------------------------------------------------------------------


def escalate_due(now: datetime | None = None) -> int:
    """Send every alert whose acknowledgement is overdue on to its next step; how many moved.

    Safe to run from any number of loops at once: each step is claimed by a conditional UPDATE
    on the alert's current step and due time, so only one sweeper sends it."""
    now = now or timezone.now()
    moved = 0
    due = Alert.objects.filter(escalate_at__lte=now, acknowledged_at__isnull=True).select_related("unit")
    for alert in due.order_by("escalate_at")[:200]:
        with transaction.atomic():
            claimed = Alert.objects.filter(
                pk=alert.pk, step=alert.step, escalate_at=alert.escalate_at, acknowledged_at__isnull=True
            ).update(escalate_at=None)
            if not claimed:
                continue
            step, people = _next_step(alert, alert.step + 1, now)
            waited = ack_minutes(alert)
            _advance(alert, step, people, now)
            with translation.override("vi"):
                if step is None:
                    _history(
                        alert,
                        _("Not acknowledged after %(minutes)d min; nobody else to pass it to.") % {"minutes": waited},
                    )
                else:
                    _history(
                        alert,
                        _("Not acknowledged after %(minutes)d min: passed to the %(who)s: %(names)s.")
                        % {"minutes": waited, "who": Step(step).label, "names": _names(people)},
                        verb="duty.escalated",
                    )
            moved += 1
    return moved
