from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from core.forms import form_errors_text
from people.permissions import is_officer, manages_unit, mandate_paths
from places.models import Tier, Unit
from steering import charts, compliance, dashboards, exports, mapdata, metrics, periodic, queries
from steering.actions import (
    access_directive,
    access_unit,
    check_assign_responsibility,
    check_end_responsibility,
    check_issue_directive,
    check_mark_reminder_read,
    check_refresh_figures,
    check_withdraw_directive,
    do_request_fresh_figures,
)
from steering.forms import DirectiveForm, PeriodForm, ResponsibilityForm
from steering.models import Responsibility
from steering.permissions import (
    can_assign_responsibility,
    can_change_directive,
    can_export_report,
    can_issue_directive,
    can_view_compliance,
    can_view_dashboard,
)

LAGGING_LISTED = 200


@login_required
def home(request):
    units = queries.dashboard_units(request.user)
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
    payload = mapdata.map_payload(
        unit, request.user, queries.unlocated_units(unit), request.GET, labels=queries.unit_labels(unit)
    )
    return JsonResponse(payload)


@login_required
def report_download(request, code: str, fmt: str):
    unit = access_unit(request.user, code, can_export_report)
    if fmt not in ("xlsx", "pdf", "docx"):
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
        letterhead = periodic.default_letterhead(unit, request.user.full_name, **form.letterhead_overrides())
        report = periodic.build(unit, period, letterhead)
        if fmt == "xlsx":
            content = exports.to_xlsx(report)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "docx":
            content = exports.to_docx(report)
            content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
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
                    request.user,
                    form.cleaned_data["person"],
                    organisation=form.cleaned_data["organisation"],
                    duty=form.cleaned_data["duty"],
                    **form.target_objects(),
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Responsibility assigned."))
                return redirect("steering:responsibilities", unit.code)
        else:
            messages.error(request, form_errors_text(form))
    assigned = queries.responsibilities_under(unit)
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


@login_required
def mine(request):
    """My responsibilities, each with what is lagging under it."""
    if not (is_officer(request.user) or request.user.is_superuser or queries.is_organisation_contact(request.user)):
        raise PermissionDenied
    entries = queries.my_responsibilities(request.user)
    reminders = request.user.steering_reminders.all()[:20]
    return render(request, "steering/mine.html", {"entries": entries, "reminders": reminders})


@login_required
@require_POST
def reminder_read(request, reminder_id: int):
    reminder = check_mark_reminder_read(request.user, reminder_id)
    return redirect(reminder.url or reverse("steering:mine"))
