"""What members of groups see and do: lost & found posts, urgent alerts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import PermissionDenied
from people.models import Person
from people.phones import normalize_phone
from places.models import Unit
from reports import actions, queries
from reports.models import AlertTrust, Report, UrgentAlert
from reports.permissions import (
    can_grant_alert_trust,
    can_raise_alert,
    can_see_identity,
    can_see_post,
    can_work_report,
)
from reports.views.common import error_text


@login_required
def post_detail(request, code: str):
    """A lost or found post as group members see it: no reporter identity unless posted by name."""
    report = get_object_or_404(Report.objects.select_related("unit"), receipt_code=code, kind__in=["lost", "found"])
    if not can_see_post(request.user, report):
        raise PermissionDenied
    if request.method == "POST":
        try:
            actions.check_post_message(report, request.POST.get("body", ""), actor=request.user, as_reporter=False)
            messages.success(request, _("Sent. The police or the steering committee will contact you."))
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("reports:post", code=report.receipt_code)
    named = report.visibility == "named"
    return render(
        request,
        "reports/post.html",
        {
            "report": report,
            "photos": report.photos.all(),
            "poster": report.reporter.full_name if named and report.reporter else "",
            "staff": can_work_report(request.user, report),
            "identity_allowed": can_see_identity(request.user, report),
            "time_to_return": queries.time_to_return(report),
        },
    )


def _alert_units(person: Person) -> list[Unit]:
    from people.models import MandateRole
    from people.permissions import mandate_paths

    paths = mandate_paths(person, {MandateRole.POLICE})
    trusted = [t.unit.path for t in AlertTrust.objects.filter(person=person).select_related("unit")]
    units: list[Unit] = []
    for path in [*paths, *trusted]:
        units.extend(Unit.objects.filter(path__startswith=path, tier__gte=2).order_by("path")[:300])
    return [u for u in units if can_raise_alert(person, u)]


@login_required
def alerts(request):
    units = _alert_units(request.user)
    if not units:
        raise PermissionDenied
    warnings: list[str] = []
    if request.method == "POST":
        unit = next((u for u in units if u.code == request.POST.get("unit")), None)
        try:
            if unit is None:
                raise ValidationError(_("Choose the unit the alert is for."))
            actions.check_raise_alert(
                request.user,
                unit,
                request.POST.get("text", ""),
                hours=int(request.POST.get("hours") or 6),
                confirm_warnings=bool(request.POST.get("confirm_warnings")),
            )
            messages.success(
                request, _("Alert raised. It is at the top of every group page of %(unit)s.") % {"unit": unit}
            )
            return redirect("reports:alerts")
        except ValueError:
            messages.error(request, _("Show the alert for a whole number of hours."))
        except actions.WarningsNeedConfirmation as error:
            warnings = error.messages
        except ValidationError as error:
            messages.error(request, error_text(error))
    paths = [u.path for u in units]
    recent = [
        a
        for a in UrgentAlert.objects.select_related("unit", "raised_by")[:50]
        if any(a.unit.path.startswith(p) for p in paths)
    ]
    trusts = [
        t for t in AlertTrust.objects.select_related("person", "unit") if can_grant_alert_trust(request.user, t.unit)
    ]
    return render(
        request,
        "reports/alerts.html",
        {
            "units": units,
            "recent": recent,
            "warnings": warnings,
            "posted": request.POST,
            "trusts": trusts,
            "can_trust": any(can_grant_alert_trust(request.user, u) for u in units),
        },
    )


@login_required
@require_POST
def cancel_alert(request, alert_id: int):
    alert = get_object_or_404(UrgentAlert, pk=alert_id)
    try:
        actions.check_cancel_alert(request.user, alert)
        messages.success(request, _("Alert withdrawn."))
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect("reports:alerts")


@login_required
@require_POST
def grant_trust(request):
    unit = get_object_or_404(Unit, code=request.POST.get("unit", ""))
    try:
        phone = normalize_phone(request.POST.get("phone", ""))
    except ValidationError:
        phone = ""
    person = Person.objects.filter(phone=phone).first() if phone else None
    if person is None:
        messages.error(request, _("Nobody with this phone number is registered."))
        return redirect("reports:alerts")
    actions.check_grant_alert_trust(request.user, person, unit)
    messages.success(request, _("%(name)s may now raise alerts for %(unit)s.") % {"name": person, "unit": unit})
    return redirect("reports:alerts")


@login_required
@require_POST
def revoke_trust(request, trust_id: int):
    trust = get_object_or_404(AlertTrust, pk=trust_id)
    actions.check_revoke_alert_trust(request.user, trust)
    messages.success(request, _("Permission withdrawn."))
    return redirect("reports:alerts")
