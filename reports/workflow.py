"""The report state machine and its deadlines (docs/reports.md).

Pure functions with no database access, so every allowed and forbidden transition and every
deadline can be unit-tested directly.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.categories import LOST_FOUND_KINDS, Kind


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    VERIFYING = "verifying", _("Verifying")
    DISPATCHED = "dispatched", _("Dispatched")
    RESOLVED = "resolved", _("Resolved")
    UNFOUNDED = "unfounded", _("Unfounded")
    FORWARDED = "forwarded", _("Forwarded to the investigation agency")
    RETURNED = "returned", _("Returned to its owner")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.VERIFYING, Status.DISPATCHED}
# Statuses from which "reopen" leads back to acknowledged.
REOPENABLE = {Status.RESOLVED, Status.UNFOUNDED, Status.FORWARDED, Status.CLOSED}

CASE_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.ACKNOWLEDGED, Status.FORWARDED, Status.UNFOUNDED},
    Status.ACKNOWLEDGED: {Status.VERIFYING, Status.DISPATCHED, Status.RESOLVED, Status.UNFOUNDED, Status.FORWARDED},
    Status.VERIFYING: {Status.DISPATCHED, Status.RESOLVED, Status.UNFOUNDED, Status.FORWARDED},
    Status.DISPATCHED: {Status.VERIFYING, Status.RESOLVED, Status.UNFOUNDED, Status.FORWARDED},
    Status.RESOLVED: {Status.CLOSED, Status.ACKNOWLEDGED},
    Status.UNFOUNDED: {Status.CLOSED, Status.ACKNOWLEDGED},
    Status.FORWARDED: {Status.CLOSED, Status.ACKNOWLEDGED},
    Status.CLOSED: {Status.ACKNOWLEDGED},
    Status.RETURNED: set(),
}

LOST_FOUND_TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.ACKNOWLEDGED, Status.RETURNED, Status.CLOSED},
    Status.ACKNOWLEDGED: {Status.RETURNED, Status.CLOSED},
    Status.RETURNED: {Status.CLOSED},
    Status.CLOSED: {Status.ACKNOWLEDGED},
    Status.VERIFYING: set(),
    Status.DISPATCHED: set(),
    Status.RESOLVED: set(),
    Status.UNFOUNDED: set(),
    Status.FORWARDED: set(),
}

# Transitions that need a written reason (kept in the audit log and shown to the reporter).
REASON_REQUIRED = {Status.UNFOUNDED, Status.FORWARDED}


def transitions_for(kind: str) -> dict[str, set[str]]:
    return LOST_FOUND_TRANSITIONS if kind in LOST_FOUND_KINDS else CASE_TRANSITIONS


def allowed_next(kind: str, status: str) -> list[str]:
    """Next statuses in the order of Status, for buttons."""
    targets = transitions_for(kind).get(status, set())
    return [s for s in Status.values if s in targets]


def is_allowed(kind: str, current: str, target: str) -> bool:
    return target in transitions_for(kind).get(current, set())


def is_reopen(current: str, target: str) -> bool:
    return current in REOPENABLE and target == Status.ACKNOWLEDGED


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


# -- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRule:
    """How long the police have, counted from receipt.

    forward_hours: a crime report received by commune police is forwarded to the competent
        investigation agency "at once" (CPC 2015 art. 145); None when not applicable.
    decision_days: the verification decision is due (art. 147(1): 20 days).
    extended_months: the longest the decision may be extended to, in months from receipt
        (art. 147(2): up to 2 months).
    """

    forward_hours: int | None
    decision_days: int | None
    extended_months: int | None


DEFAULT_DEADLINES: dict[str, DeadlineRule] = {
    Kind.CRIME: DeadlineRule(forward_hours=24, decision_days=20, extended_months=2),
    Kind.SUSPICIOUS: DeadlineRule(forward_hours=24, decision_days=20, extended_months=2),
    Kind.PUBLIC_ORDER: DeadlineRule(forward_hours=None, decision_days=10, extended_months=None),
    Kind.LOST: DeadlineRule(forward_hours=None, decision_days=None, extended_months=None),
    Kind.FOUND: DeadlineRule(forward_hours=None, decision_days=None, extended_months=None),
}


def deadline_rule(kind: str) -> DeadlineRule:
    """The rule for a kind: REPORT_DEADLINES in settings overrides the legal default per kind."""
    override = getattr(settings, "REPORT_DEADLINES", {}).get(kind)
    if override:
        base = DEFAULT_DEADLINES[kind]
        return DeadlineRule(
            forward_hours=override.get("forward_hours", base.forward_hours),
            decision_days=override.get("decision_days", base.decision_days),
            extended_months=override.get("extended_months", base.extended_months),
        )
    return DEFAULT_DEADLINES[kind]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the last day of the month when it has fewer days."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Deadlines:
    forward_due_at: datetime | None
    decision_due_at: datetime | None


def compute_deadlines(kind: str, received_at: datetime) -> Deadlines:
    rule = deadline_rule(kind)
    forward = received_at + timedelta(hours=rule.forward_hours) if rule.forward_hours is not None else None
    decision = received_at + timedelta(days=rule.decision_days) if rule.decision_days is not None else None
    return Deadlines(forward_due_at=forward, decision_due_at=decision)


def extended_decision_due(kind: str, received_at: datetime) -> datetime | None:
    """The latest the decision may be extended to, or None when the kind has no extension."""
    rule = deadline_rule(kind)
    if rule.extended_months is None:
        return None
    return add_months(received_at, rule.extended_months)
