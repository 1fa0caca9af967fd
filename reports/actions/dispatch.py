"""Dispatch that reaches the patrol (docs/reports.md, "Dispatch").

Assigning an officer or dispatching a patrol sends them the case summary through the delivery
engine: receipt code, category, the place and its area, a map link and the link to their dispatch
page, never who reported. From that page they acknowledge, mark "on scene" and record the outcome;
each step is stored on the report (the first time of each counts for response times), written to
the case history and published to the live queue.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from delivery.messages import absolute
from delivery.models import Priority
from delivery.notify import notify
from groups.models import MembershipStatus
from people.models import Person
from reports import live
from reports.helpers import area_name, normalize_code
from reports.models import Outcome, Report
from reports.notifications import notify_reporter
from reports.permissions import can_answer_dispatch

STEPS = ("acknowledge", "on_scene", "outcome")


def map_link(report: Report) -> str:
    """A link to the place on a map (DISPATCH_MAP_URL), or "" when the report has no coordinates."""
    if report.latitude is None or report.longitude is None:
        return ""
    return settings.DISPATCH_MAP_URL.format(lat=f"{report.latitude:f}", lon=f"{report.longitude:f}")


def is_urgent(report: Report) -> bool:
    """An urgent alert was raised on the report."""
    return report.alerts.exists()


def dispatched_people(report: Report) -> QuerySet[Person]:
    """Who was sent: the assigned officer, and every active member of the patrol group."""
    query = Q(pk__in=[])
    if report.assignee_id:
        query |= Q(pk=report.assignee_id)
    if report.patrol_id:
        query |= Q(memberships__group_id=report.patrol_id, memberships__status=MembershipStatus.ACTIVE)
    return Person.objects.filter(query, is_active=True).distinct()


def summary_text(report: Report) -> str:
    """The case summary sent to the dispatched: what, where, the map; never the reporter."""
    lines = [
        _("Dispatch: %(category)s, case %(code)s.") % {"category": report.category_name, "code": report.receipt_code},
        _("Where: %(place)s") % {"place": ", ".join(p for p in (report.place_text, area_name(report)) if p)},
    ]
    link = map_link(report)
    if link:
        lines.append(_("Map: %(link)s") % {"link": link})
    lines.append(
        _("Open to acknowledge, mark on scene and record the outcome: %(link)s")
        % {"link": absolute(reverse("reports:dispatch", args=[report.receipt_code]))}
    )
    return "\n".join(lines)


def do_send_dispatch(actor: Person, report: Report) -> None:
    """Stamp the dispatch and send the summary to the people sent. Call inside the assignment's transaction."""
    report.dispatched_at, report.dispatched_by = timezone.now(), actor
    Report.objects.filter(pk=report.pk).update(dispatched_at=report.dispatched_at, dispatched_by=actor)
    with translation.override("vi"):
        notify(
            dispatched_people(report),
            subject=_("Dispatch %(code)s: %(category)s")
            % {"code": report.receipt_code, "category": report.category_name},
            body=summary_text(report),
            url=reverse("reports:dispatch", args=[report.receipt_code]),
            priority=Priority.URGENT if is_urgent(report) else Priority.NORMAL,
            source=report,
            sender=actor,
        )


def access_dispatch(person: Person, code: str) -> Report:
    """The report behind a dispatch page, for the people sent (and the handling police)."""
    report = Report.objects.select_related("unit__parent", "patrol", "assignee").filter(
        receipt_code=normalize_code(code)
    )
    found = report.first()
    if found is None:
        raise Http404
    if not can_answer_dispatch(person, found):
        raise PermissionDenied
    return found


def check_dispatch_step(person: Person, report: Report, step: str, *, outcome: str = "", text: str = "") -> Report:
    """Acknowledge, on scene or outcome, from the dispatched person's phone."""
    if not can_answer_dispatch(person, report):
        raise PermissionDenied
    if step not in STEPS:
        raise ActionError(_("Unknown step."), code="unknown_step")
    text = text.strip()
    if step == "outcome":
        if outcome not in Outcome.values:
            raise ActionError({"outcome": [_("Choose what the outcome was.")]})
        if len(text) > 1000:
            raise ActionError({"text": [_("Keep it under 1000 characters.")]})
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
        if report.dispatched_at is None:
            raise ActionError(_("Nobody has been sent to this report."), code="not_dispatched")
        now = timezone.now()
        changed = []
        if report.dispatch_acknowledged_at is None:
            report.dispatch_acknowledged_at, report.dispatch_acknowledged_by = now, person
            changed += ["dispatch_acknowledged_at", "dispatch_acknowledged_by"]
            record(person, "report.dispatch_acknowledged", report, unit=report.unit)
        if step == "on_scene" and report.on_scene_at is None:
            report.on_scene_at, report.on_scene_by = now, person
            changed += ["on_scene_at", "on_scene_by"]
            record(person, "report.on_scene", report, unit=report.unit)
            notify_reporter(report, "on_scene")
        if step == "outcome":
            first = report.outcome_at is None
            report.outcome_at = report.outcome_at or now
            report.outcome_by, report.outcome, report.outcome_text = person, outcome, text
            changed += ["outcome_at", "outcome_by", "outcome", "outcome_text"]
            record(person, "report.dispatch_outcome", report, unit=report.unit, reason=text, outcome=outcome)
            if first and report.dispatched_by_id is not None and report.dispatched_by_id != person.pk:
                _tell_dispatcher(report, report.dispatched_by_id, person)
        if changed:
            report.save(update_fields=[*changed, "updated_at"])
            transaction.on_commit(
                lambda: live.publish(
                    "report.updated", unit_path=report.unit.path, kind=report.kind, code=report.receipt_code
                )
            )
    return report


def _tell_dispatcher(report: Report, dispatcher_id: int, person: Person) -> None:
    """The officer who sent them is told the outcome: they decide what happens to the case next."""
    with translation.override("vi"):
        notify(
            [dispatcher_id],
            subject=_("Outcome on %(code)s") % {"code": report.receipt_code},
            body=_("%(name)s recorded: %(outcome)s. %(text)s")
            % {"name": person.full_name, "outcome": Outcome(report.outcome).label, "text": report.outcome_text},
            url=reverse("reports:staff_detail", args=[report.receipt_code]),
            source=report,
            sender=person,
        )
