"""The police side: the queue (with live updates), a report's case page and its actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from duty.queries import units_without_duty
from groups.models import CommunityGroup
from people.models import Person
from places.models import Unit
from reports import actions, live, queries
from reports.forms import officers_for, patrols_for
from reports.models import AlertTrust, Report, ReportMessage
from reports.permissions import (
    can_see_identity,
    can_share,
    can_transition,
    can_work_report,
    has_queue,
    is_handling_police,
)
from reports.views.common import error_text
from reports.workflow import REASON_REQUIRED, Status, allowed_next


def _by_pk(model, raw: str | None):
    return model.objects.filter(pk=int(raw)).first() if raw and raw.isdigit() else None


def _require_queue(person: Person) -> None:
    if not has_queue(person):
        raise PermissionDenied


@never_cache
@login_required
def queue(request):
    _require_queue(request.user)
    form, reports = queries.filtered_queue(request.user, request.GET)
    now = timezone.now()
    reminders = list(queries.queue_reminders(request.user))
    police_paths = _paths(request.user, police=True)
    police = bool(police_paths)
    context = {
        "form": form,
        "reports": reports,
        "overdue": [r for r in reminders if r.due_at < now],
        "coming_due": [r for r in reminders if r.due_at >= now],
        "without_duty": units_without_duty(police_paths, now),
        "now": now,
        "can_walk_in": police,
        "can_alert": police or AlertTrust.objects.filter(person=request.user).exists(),
    }
    template = "reports/_queue_rows.html" if request.htmx else "reports/queue.html"
    return render(request, template, context)


@login_required
def queue_stream(request):
    """Server-sent events: "a report in your area changed", so the open queue refreshes itself."""
    _require_queue(request.user)
    person = request.user
    police_paths, steering_paths = _paths(person, police=True), _paths(person, police=False)

    def allowed(event: dict) -> bool:
        path = event.get("unit_path", "")
        if any(path.startswith(p) for p in police_paths):
            return True
        return event.get("kind") in ("lost", "found") and any(path.startswith(p) for p in steering_paths)

    stream = live.asse_stream(allowed) if isinstance(request, ASGIRequest) else live.sse_stream(allowed)
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


def _paths(person: Person, *, police: bool) -> list[str]:
    from people.models import MandateRole
    from people.permissions import mandate_paths

    return mandate_paths(person, {MandateRole.POLICE} if police else {MandateRole.STEERING})


@never_cache
@login_required
def staff_detail(request, code: str):
    report = actions.access_report(request.user, code)
    if not can_work_report(request.user, report):
        return redirect("reports:detail", code=report.receipt_code)
    police = is_handling_police(request.user, report)
    context = {
        "report": report,
        "police": police,
        "next_statuses": [(s, Status(s).label) for s in allowed_next(report.kind, report.status)]
        if can_transition(request.user, report)
        else [],
        "reason_required": [str(s) for s in REASON_REQUIRED],
        "thread": ReportMessage.objects.filter(report__in=[report, *report.merged_reports.all()]).select_related(
            "author"
        ),
        "photos": report.photos.all(),
        "events": queries.case_history(report),
        "officers": officers_for(report) if police else [],
        "patrols": patrols_for(report) if police else [],
        "duplicates": queries.suggest_duplicates(report) if police and not report.merged_into_id else [],
        "merged": report.merged_reports.all(),
        "can_see_identity": can_see_identity(request.user, report),
        "identity_inline": report.visibility == "named" and can_see_identity(request.user, report),
        "can_share": can_share(request.user, report) and report.status in ("received", "acknowledged"),
        "share_units": queries.share_choices(report) if report.is_lost_found else [],
        "shared_to": {s.unit_id for s in report.shares.all()},
        "matches": queries.find_matches(report) if report.is_lost_found else [],
        "time_to_return": queries.time_to_return(report),
        "can_extend": police and report.is_open and report.decision_due_at and not report.decision_extended_at,
        "response_times": queries.response_times(report) if report.dispatched_at else [],
    }
    if context["identity_inline"]:
        context["identity"] = actions.access_identity(request.user, report, reason="case page (named report)")
    return render(request, "reports/staff_detail.html", context)


@login_required
@require_POST
def reveal_identity(request, code: str):
    report = actions.access_report(request.user, code)
    field = request.POST.get("field", "")
    fields = (field,) if field in actions.IDENTITY_FIELDS else actions.IDENTITY_FIELDS
    identity = actions.access_identity(request.user, report, reason=request.POST.get("reason", ""), fields=fields)
    return render(request, "reports/_identity.html", {"report": report, "identity": identity, "one_field": field})


@login_required
@require_POST
def transition(request, code: str):
    report = actions.access_report(request.user, code)
    assignee = _by_pk(Person, request.POST.get("assignee"))
    patrol = _by_pk(CommunityGroup, request.POST.get("patrol"))
    try:
        actions.check_transition(
            request.user,
            report,
            request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            forwarded_to=request.POST.get("forwarded_to", ""),
            returned_to=request.POST.get("returned_to", ""),
            assignee=assignee,
            patrol=patrol,
        )
        messages.success(request, _("Status updated."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))


def _back(request, report: Report) -> str:
    from django.urls import reverse

    name = "reports:staff_detail" if can_work_report(request.user, report) else "reports:detail"
    return reverse(name, kwargs={"code": report.receipt_code})


@login_required
@require_POST
def assign(request, code: str):
    report = actions.access_report(request.user, code)
    assignee = _by_pk(Person, request.POST.get("assignee"))
    patrol = _by_pk(CommunityGroup, request.POST.get("patrol"))
    try:
        actions.check_assign(request.user, report, assignee=assignee, patrol=patrol)
        messages.success(request, _("Assignment saved."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))


@login_required
@require_POST
def extend(request, code: str):
    report = actions.access_report(request.user, code)
    try:
        actions.check_extend_decision(request.user, report, request.POST.get("reason", ""))
        messages.success(request, _("Deadline extended."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))


@login_required
@require_POST
def merge(request, code: str):
    duplicate = actions.access_report(request.user, code)
    primary = actions.access_report(request.user, request.POST.get("into", ""))
    try:
        actions.check_merge(request.user, duplicate, primary, request.POST.get("reason", ""))
        messages.success(request, _("%(dup)s was merged into %(case)s.") % {"dup": duplicate, "case": primary})
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(_back(request, duplicate))
    return redirect("reports:staff_detail", code=primary.receipt_code)


@login_required
@require_POST
def share(request, code: str):
    report = actions.access_report(request.user, code)
    units = list(Unit.objects.filter(pk__in=request.POST.getlist("units")))
    try:
        created = actions.check_share(request.user, report, units)
        messages.success(request, _("Shared with %(n)d commune(s).") % {"n": len(created)})
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))


@login_required
@require_POST
def confirm_match(request, code: str):
    report = actions.access_report(request.user, code)
    counterpart = Report.objects.filter(receipt_code=request.POST.get("counterpart", "")).first()
    try:
        if counterpart is None:
            raise ValidationError(_("These two posts do not match."))
        actions.check_confirm_match(request.user, report, counterpart)
        messages.success(request, _("Match confirmed. Both reporters have been told."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))


@login_required
@require_POST
def mark_returned(request, code: str):
    report = actions.access_report(request.user, code)
    counterpart = Report.objects.filter(receipt_code=request.POST.get("counterpart", "")).first()
    try:
        actions.check_mark_returned(
            request.user, report, returned_to=request.POST.get("returned_to", ""), counterpart=counterpart
        )
        messages.success(request, _("Marked as returned. The post is closed on every group."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(_back(request, report))
