"""The dispatch page: what the officer or patrol sent to a report sees and does from their phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from reports.actions.dispatch import access_dispatch, check_dispatch_step, map_link
from reports.helpers import area_name
from reports.models import Outcome
from reports.permissions import can_work_report
from reports.views.common import error_text

DONE = {
    "acknowledge": _("Acknowledged."),
    "on_scene": _("Marked on scene."),
    "outcome": _("Outcome recorded."),
}


@never_cache
@login_required
def dispatch_page(request, code: str):
    report = access_dispatch(request.user, code)
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            check_dispatch_step(
                request.user,
                report,
                step,
                outcome=request.POST.get("outcome", ""),
                text=request.POST.get("text", ""),
            )
            messages.success(request, str(DONE.get(step, "")))
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect("reports:dispatch", code=report.receipt_code)
    context = {
        "report": report,
        "area": area_name(report),
        "map_link": map_link(report),
        "outcomes": Outcome.choices,
        "case_link": can_work_report(request.user, report),
    }
    return render(request, "reports/dispatch.html", context)
