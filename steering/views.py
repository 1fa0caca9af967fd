from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from core.forms import form_errors_text
from coverage.reach import Coverage, coverage_of
from groups.models import GroupRole, MembershipStatus
from people.permissions import is_officer, manages_unit, mandate_paths
from places.models import Tier, Unit
from steering import charts, compliance, dashboards, exports, mapdata, metrics, periodic
from steering.actions import (
    access_directive,
    check_assign_responsibility,
    check_end_responsibility,
    check_issue_directive,
    check_mark_reminder_read,
    check_refresh_figures,
    check_withdraw_directive,
    do_request_fresh_figures,
)
from steering.forms import DirectiveForm, PeriodForm, ResponsibilityForm
from steering.models import Counter, Responsibility
from steering.permissions import (
    DASHBOARD_TIERS,
    can_assign_responsibility,
    can_change_directive,
    can_export_report,
    can_issue_directive,
    can_view_compliance,
    can_view_dashboard,
)

LAGGING_LISTED = 200


def access_unit(person, code: str, check) -> Unit:
    unit = get_object_or_404(Unit, code=code)
    if not check(person, unit):
        raise PermissionDenied
    return unit


def dashboard_units(person) -> list[Unit]:
    if person.is_superuser and not mandate_paths(person):
        return list(Unit.objects.filter(tier=Tier.PROVINCE).order_by("name"))
    units = Unit.objects.filter(path__in=mandate_paths(person), tier__in=DASHBOARD_TIERS).order_by("path")
    return list(units)


@login_required
def home(request):
    units = dashboard_units(request.user)
    if len(units) == 1:
        return redirect("steering:dashboard", units[0].code)
    if not units:
        raise PermissionDenied
    return render(request, "steering/home.html", {"units": units})


@login_required
def dashboard(request, code: str):
    unit = access_unit(request.user, code, can_view_dashboard)
    do_request_fresh_figures(unit)
    context = {
        "dash": dashboards.build(unit),
        "unit": unit,
        "ancestors": unit.ancestors().exclude(pk=unit.pk),
        "can_issue": can_issue_directive(request.user, unit),
        "period_form": PeriodForm(),
    }
    return render(request, "steering/dashboard.html", context)


@login_required
@require_POST
def refresh(request, code: str):
    unit = access_unit(request.user, code, can_view_dashboard)
    check_refresh_figures(request.user, unit)
    messages.success(request, _("The figures are being recomputed; reload the page in a moment."))
    return redirect("steering:dashboard", unit.code)


def unlocated_units(unit: Unit) -> list[dict]:
    """The child units with their latest stored figures: what exists, without positions."""
    day = Counter.objects.filter(unit=unit).order_by("-day").values_list("day", flat=True).first()
    figures: dict[int, dict[str, int]] = {}
    if day is not None:
        for unit_id, metric, value in Counter.objects.filter(
            unit__parent=unit, day=day, metric__in=["groups.total", "members.total"]
        ).values_list("unit_id", "metric", "value"):
            figures.setdefault(unit_id, {})[metric] = value
    return [
        {
            "code": child.code,
            "name": child.name,
            "groups": figures.get(child.pk, {}).get("groups.total", 0),
            "members": figures.get(child.pk, {}).get("members.total", 0),
        }
        for child in unit.children.order_by("name")
    ]


@login_required
def map_page(request, code: str):
    unit = access_unit(request.user, code, can_view_dashboard)
    layers = [
        {
            "title": layer.title,
            "filters": [(f, f.value(request.GET)) for f in layer.filters()],
            "legend": layer.legend(),
        }
        for layer in mapdata.layers()
    ]
    context = {"unit": unit, "ancestors": unit.ancestors().exclude(pk=unit.pk), "layers": layers}
    return render(request, "steering/map.html", context)


@login_required
def map_json(request, code: str):
    unit = access_unit(request.user, code, can_view_dashboard)
    return JsonResponse(mapdata.map_payload(unit, request.user, unlocated_units(unit), request.GET))


@login_required
def report_download(request, code: str, fmt: str):
    unit = access_unit(request.user, code, can_export_report)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    form = PeriodForm(request.GET)
    try:
        if not form.is_valid():
            raise ValidationError(form_errors_text(form))
        period = periodic.Period.parse(
            form.cleaned_data["kind"], form.cleaned_data["year"], form.cleaned_data["number"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        target = "steering:dashboard" if can_view_dashboard(request.user, unit) else "coverage:unit"
        return redirect(target, unit.code)
    # Reports go upward in Vietnamese, whatever language the officer reads the site in.
    with translation.override("vi"):
        report = periodic.build(unit, period)
        if fmt == "xlsx":
            content = exports.to_xlsx(report)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = exports.to_pdf(report), "application/pdf"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
    return response


@login_required
def directive_new(request, code: str):
    unit = access_unit(request.user, code, can_issue_directive)
    form = DirectiveForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            directive = check_issue_directive(
                request.user,
                unit,
                title=form.cleaned_data["title"],
                reference=form.cleaned_data["reference"],
                deadline=form.cleaned_data["deadline"],
                requirements=form.requirement_pairs(),
                grace_days=form.cleaned_data["grace_days"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Directive issued."))
            return redirect("steering:directive", directive.pk)
    return render(request, "steering/directive_form.html", {"unit": unit, "form": form})


@login_required
def directive_detail(request, directive_id: int):
    directive = access_directive(request.user, directive_id)
    scope_code = request.GET.get("scope")
    if scope_code:
        scope = get_object_or_404(Unit, code=scope_code)
    elif manages_unit(request.user, directive.unit):
        scope = directive.unit
    else:  # an officer inside the directive's unit sees their own part first
        inside = sorted(path for path in mandate_paths(request.user) if path.startswith(directive.unit.path))
        scope = Unit.objects.get(path=inside[0])
    if not can_view_compliance(request.user, directive, scope):
        raise PermissionDenied
    if not scope.path.startswith(directive.unit.path):
        raise PermissionDenied
    items = compliance.evaluate(directive, scope)
    progress = dashboards.directive_progress(directive, scope)
    rows = compliance.matrix(directive, scope, items) if scope.tier < Tier.RESIDENTIAL_GROUP else []
    lagging = [item for item in items if item.status != compliance.Status.MET and item.unit.pk != scope.pk]
    lagging.sort(key=lambda item: (item.status != compliance.Status.OVERDUE, item.unit.path))
    progress.chart = charts.render(
        metrics.Chart("progress", directive.title, "line", series=[("%", progress.series)], percent=True)
    )
    context = {
        "directive": directive,
        "scope": scope,
        "requirements": list(directive.requirements.all()),
        "tallies": compliance.tallies(directive, items),
        "rows": [row for row in rows if row.overall.met],
        "not_started": [row for row in rows if not row.overall.met],
        "own_items": compliance.scope_items(items, scope),
        # Above the commune the matrix says it all; from the commune down, each unit is named.
        "lagging": lagging[:LAGGING_LISTED] if scope.tier >= Tier.COMMUNE else [],
        "lagging_count": len(lagging),
        "can_change": can_change_directive(request.user, directive),
        "progress": progress,
    }
    return render(request, "steering/directive.html", context)


@login_required
@require_POST
def directive_withdraw(request, directive_id: int):
    directive = access_directive(request.user, directive_id, manage=True)
    try:
        check_withdraw_directive(request.user, directive, reason=request.POST.get("reason", ""))
        messages.success(request, _("Directive withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("steering:directive", directive.pk)


@login_required
def responsibilities(request, code: str):
    unit = access_unit(request.user, code, can_assign_responsibility)
    form = ResponsibilityForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if form.is_valid():
            try:
                check_assign_responsibility(
                    request.user, form.cleaned_data["person"], duty=form.cleaned_data["duty"], **form.target_objects()
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Responsibility assigned."))
                return redirect("steering:responsibilities", unit.code)
        else:
            messages.error(request, form_errors_text(form))
    assigned = (
        Responsibility.objects.filter(
            Q(unit__path__startswith=unit.path) | Q(group__unit__path__startswith=unit.path), ended_at__isnull=True
        )
        .select_related("person", "unit", "group")
        .order_by("person__full_name")
    )
    return render(
        request,
        "steering/responsibilities.html",
        {"unit": unit, "form": form, "assigned": assigned, "ancestors": unit.ancestors().exclude(pk=unit.pk)},
    )


@login_required
@require_POST
def responsibility_end(request, responsibility_id: int):
    responsibility = get_object_or_404(
        Responsibility.objects.select_related("unit", "group__unit"), pk=responsibility_id
    )
    try:
        check_end_responsibility(request.user, responsibility)
        messages.success(request, _("Responsibility ended."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    unit = responsibility.unit or responsibility.group.unit  # type: ignore[union-attr]
    commune = unit if unit.tier <= Tier.COMMUNE else unit.commune() or unit
    return redirect("steering:responsibilities", commune.code)


def stored_coverage(unit: Unit) -> Coverage | None:
    """Coverage from the latest counters (units down to hamlets have them), None when there are none."""
    day = Counter.objects.filter(unit=unit).order_by("-day").values_list("day", flat=True).first()
    if day is None:
        return None
    values = dict(
        Counter.objects.filter(unit=unit, day=day, metric__startswith="coverage.").values_list("metric", "value")
    )
    return Coverage(unit, values.get("coverage.households", 0), values.get("coverage.covered", 0))


@login_required
def mine(request):
    """My responsibilities, each with what is lagging under it."""
    if not (is_officer(request.user) or request.user.is_superuser):
        raise PermissionDenied
    entries = []
    for responsibility in (
        Responsibility.objects.filter(person=request.user, ended_at__isnull=True)
        .select_related("unit", "group__unit")
        .order_by("assigned_at")
    ):
        entry: dict[str, Any] = {"responsibility": responsibility}
        if responsibility.group is not None:
            group = responsibility.group
            memberships = group.memberships.filter(status=MembershipStatus.ACTIVE).aggregate(
                members=Count("id"), leaders=Count("id", filter=Q(role=GroupRole.LEADER))
            )
            entry.update(target_unit=group.unit, members=memberships["members"], leaders=memberships["leaders"])
            entry["lagging"] = []
        else:
            unit = responsibility.unit
            assert unit is not None
            entry["target_unit"] = unit
            entry["coverage"] = stored_coverage(unit) or coverage_of(unit)[0]
            lagging = []
            for directive in dashboards.directives_for(unit):
                lagging += [
                    item for item in compliance.evaluate(directive, unit) if item.status != compliance.Status.MET
                ]
            entry["lagging"] = lagging
        entries.append(entry)
    reminders = request.user.steering_reminders.all()[:20]
    return render(request, "steering/mine.html", {"entries": entries, "reminders": reminders})


@login_required
@require_POST
def reminder_read(request, reminder_id: int):
    reminder = check_mark_reminder_read(request.user, reminder_id)
    return redirect(reminder.url or reverse("steering:mine"))
