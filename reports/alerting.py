"""Duty alerts about reports (docs/reports.md, "Duty and escalation").

A new report, a reporter's follow-up and a legal deadline passing alert the police through the
duty app, which picks the officer on duty of the police unit the report lands in, sends through
the delivery engine and escalates without an acknowledgement. The alert says what, where and when
and links to the case; it never carries who reported, nor the resident's own words (they may name
them): the case page, behind sign-in, shows those.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from delivery.messages import absolute
from duty.actions import do_raise_alert, escalation_chain
from duty.models import Alert, AlertKind
from duty.queries import police_units_for
from places.models import Unit
from reports.helpers import area_name
from reports.models import Report
from reports.triage import report_is_urgent
from reports.workflow import OPEN_STATUSES


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "H:i d/m/Y")


def case_link(report: Report) -> str:
    return reverse("reports:staff_detail", args=[report.receipt_code])


def summary(report: Report) -> str:
    """Receipt code, category, place and time, and the case's link: nothing of the reporter."""
    lines = [
        _("Report %(code)s: %(category)s.") % {"code": report.receipt_code, "category": report.category_name},
        _("Where: %(place)s") % {"place": ", ".join(p for p in (report.place_text, area_name(report)) if p)},
    ]
    if report.occurred_at:
        lines.append(_("Happened: %(when)s") % {"when": _when(report.occurred_at)})
    lines.append(_("Received: %(when)s") % {"when": _when(report.received_at)})
    if report_is_urgent(report):
        lines.append(_("Marked urgent by triage."))
    lines.append(_("Case: %(link)s") % {"link": absolute(case_link(report))})
    return "\n".join(lines)


@dataclass(frozen=True)
class NewReportAlert:
    """The alert about a new report, read and written out before the intake transaction: the
    transaction, which holds SQLite's one write lock, then only writes it (docs/reports.md)."""

    report: Report
    police_unit: Unit | None
    chain: dict[int, list[int]] | None  # whom each step of the escalation reaches (duty.actions)
    subject: str
    body: str
    urgent: bool

    def raise_alert(self) -> None:
        """Alert the officer on duty where the report lands, at its urgency. Call inside the intake
        transaction, once the report is saved."""
        if self.police_unit is None:
            return
        do_raise_alert(
            unit=self.report.unit,
            police_unit=self.police_unit,
            chain=self.chain,
            source=self.report,
            kind=AlertKind.NEW_REPORT,
            subject=self.subject,
            body=self.body,
            url=case_link(self.report),
            urgent=self.urgent,
        )


def new_report_alert(report: Report) -> NewReportAlert:
    """The alert about `report`, not yet saved: its receipt code and time are already set."""
    police_unit, above = police_units_for(report.unit)
    with translation.override("vi"):
        return NewReportAlert(
            report=report,
            police_unit=police_unit,
            chain=escalation_chain(police_unit, timezone.now(), above=above) if police_unit else None,
            subject=_("New report %(code)s: %(category)s")
            % {"code": report.receipt_code, "category": report.category_name},
            body=summary(report),
            urgent=report_is_urgent(report),
        )


def alert_follow_up(report: Report) -> None:
    """The reporter wrote again: the officer handling the case, or the officer on duty if nobody is."""
    assignee = Report.objects.get(pk=report.pk).assignee  # as stored now, not as the caller last read it
    with translation.override("vi"):
        do_raise_alert(
            unit=report.unit,
            source=report,
            kind=AlertKind.FOLLOW_UP,
            subject=_("The reporter wrote on %(code)s") % {"code": report.receipt_code},
            body="\n".join([_("The reporter sent a new message; read it in the case."), summary(report)]),
            url=case_link(report),
            urgent=report_is_urgent(report),
            to=assignee,
        )


DEADLINE_ALERTS_PER_SWEEP = 200


def _deadline_key(report_id: int, name: str, due) -> str:
    return f"deadline:{report_id}:{name}:{due.isoformat()}"


def escalate_overdue(now=None) -> int:
    """Each legal deadline that passed on an open case alerts its chief and the police above, once.

    The passed deadlines are read as plain values and checked against the alerts' keys in one
    query, so cases alerted long ago cost nothing and never keep newer ones waiting."""
    now = now or timezone.now()
    overdue = Report.objects.filter(status__in=list(OPEN_STATUSES), merged_into__isnull=True).filter(
        Q(decision_due_at__lt=now) | Q(forward_due_at__lt=now, forwarded_at__isnull=True)
    )
    passed = []
    for pk, forward_due, forwarded, decision_due in overdue.values_list(
        "pk", "forward_due_at", "forwarded_at", "decision_due_at"
    ):
        if decision_due is not None and decision_due < now:
            passed.append((pk, "decision", decision_due))
        if forward_due is not None and forwarded is None and forward_due < now:
            passed.append((pk, "forward", forward_due))
    keys = {_deadline_key(*item): item for item in passed}
    done: set[str] = set()
    names = list(keys)
    for start in range(0, len(names), 500):
        found = Alert.objects.filter(key__in=names[start : start + 500]).values_list("key", flat=True)
        done.update(key for key in found if key)
    waiting = [item for key, item in keys.items() if key not in done][:DEADLINE_ALERTS_PER_SWEEP]
    reports = Report.objects.select_related("unit__parent").in_bulk({pk for pk, _name, _due in waiting})
    raised = 0
    for pk, name, due in waiting:
        report = reports[pk]
        with translation.override("vi"):
            what = _("forward to the investigation agency") if name == "forward" else _("decide")
            passed_at = _("The time to %(what)s passed at %(due)s.") % {"what": what, "due": _when(due)}
            alert = do_raise_alert(
                unit=report.unit,
                source=report,
                kind=AlertKind.DEADLINE,
                subject=_("Deadline passed: %(code)s") % {"code": report.receipt_code},
                body="\n".join([passed_at, summary(report)]),
                url=case_link(report),
                urgent=False,
                key=_deadline_key(pk, name, due),
            )
        raised += alert is not None
    return raised
