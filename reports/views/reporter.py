"""Pages of the person who reports: file, receipt, follow (by account or by code + secret)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.error_views import too_many_requests
from core.errors import PermissionDenied
from reports import actions
from reports.forms import FollowForm, ReportForm
from reports.models import Report, ReportMessage, ReportPhoto
from reports.pdf import receipt_pdf
from reports.permissions import can_see_post, can_view_report, can_work_report, is_own_report
from reports.queries import case_of, own_reports
from reports.throttle import follow_blocked, note_follow_failure
from reports.views.common import add_action_error


def _submit(request, *, officer_entry: bool):
    form = ReportForm(request.POST or None, person=request.user, officer_entry=officer_entry)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            filed = actions.check_submit_report(request.user, form.submission(request.FILES.getlist("photos")))
        except actions.WarningsNeedConfirmation as error:
            warnings = error.messages
        except ValidationError as error:
            add_action_error(form, error)
        else:
            report = filed.report
            if filed.secret:
                # Shown once, on this response only: the secret is never stored in clear.
                return render(request, "reports/receipt.html", {"report": report, "secret": filed.secret}, status=201)
            messages.success(
                request, _("Report received. Your receipt code is %(code)s.") % {"code": report.receipt_code}
            )
            target = "reports:staff_detail" if officer_entry else "reports:detail"
            return redirect(target, code=report.receipt_code)
    template = "reports/walk_in.html" if officer_entry else "reports/new.html"
    status = 400 if request.method == "POST" else 200
    map_settings = {
        "tiles": settings.REPORT_MAP_TILE_URL,
        "attribution": settings.REPORT_MAP_ATTRIBUTION,
        "center": settings.REPORT_MAP_CENTER,
    }
    return render(request, template, {"form": form, "warnings": warnings, "map": map_settings}, status=status)


@never_cache
def new_report(request):
    return _submit(request, officer_entry=False)


@never_cache
@login_required
def walk_in(request):
    return _submit(request, officer_entry=True)


@login_required
def my_reports(request):
    return render(request, "reports/mine.html", {"reports": own_reports(request.user)})


def _reporter_context(report: Report) -> dict:
    case = case_of(report)
    return {
        "report": report,
        "case": case,
        "updates": report.updates.all()[:50],
        "thread": ReportMessage.objects.filter(report__in=[report, *([case] if case != report else [])]).select_related(
            "author"
        ),
        "photos": report.photos.all(),
    }


@never_cache
@login_required
def report_detail(request, code: str):
    report = actions.access_report(request.user, code)
    if not is_own_report(request.user, report) and can_work_report(request.user, report):
        return redirect("reports:staff_detail", code=report.receipt_code)
    context = _reporter_context(report)
    context["identity"] = actions.access_identity(request.user, report)
    response = render(request, "reports/detail.html", context)
    report.updates.filter(seen_at__isnull=True).update(seen_at=timezone.now())
    return response


@never_cache
def follow(request):
    """The anonymous reporter's page. Code and secret travel only in POST bodies, never in URLs."""
    form = FollowForm(request.POST or None)
    report = None
    ip = request.META.get("REMOTE_ADDR")
    if request.method == "POST" and follow_blocked(ip):
        form.is_valid()
        form.add_error(None, _("Too many wrong attempts. Try again in 15 minutes."))
        return render(request, "reports/follow.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        report = actions.access_report_by_secret(form.cleaned_data["code"], form.cleaned_data["secret"])
        if report is None:
            note_follow_failure(ip)
            form.add_error(None, _("No report matches this receipt code and secret."))
        elif body := request.POST.get("body", "").strip():
            try:
                actions.check_post_message(report, body, actor=None, as_reporter=True)
                messages.success(request, _("Message sent to the police."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
    if report is None:
        return render(request, "reports/follow.html", {"form": form}, status=400 if request.method == "POST" else 200)
    context = _reporter_context(report)
    context.update(form=form, anonymous_view=True)
    return render(request, "reports/detail.html", context)


@require_POST
def follow_receipt(request):
    form = FollowForm(request.POST)
    report = None
    ip = request.META.get("REMOTE_ADDR")
    if follow_blocked(ip):
        return too_many_requests(request, retry_after=15 * 60)
    if form.is_valid():
        report = actions.access_report_by_secret(form.cleaned_data["code"], form.cleaned_data["secret"])
    if report is None:
        note_follow_failure(ip)
        raise Http404
    return _pdf_response(report, identity=None)


@login_required
@require_POST
def post_message(request, code: str):
    report = actions.access_report(request.user, code)
    as_reporter = is_own_report(request.user, report)
    try:
        actions.check_post_message(report, request.POST.get("body", ""), actor=request.user, as_reporter=as_reporter)
        messages.success(request, _("Message sent."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("reports:detail" if as_reporter else "reports:staff_detail", code=report.receipt_code)


@login_required
def receipt(request, code: str):
    report = actions.access_report(request.user, code)
    identity = None
    if is_own_report(request.user, report) or request.GET.get("identity") == "1":
        identity = actions.access_identity(request.user, report, reason="receipt record")
    return _pdf_response(report, identity=identity)


def _pdf_response(report: Report, identity) -> HttpResponse:
    response = HttpResponse(receipt_pdf(report, identity), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bien-ban-{report.receipt_code}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def photo(request, code: str, photo_id: int):
    report = get_object_or_404(Report, receipt_code=code)
    allowed = can_view_report(request.user, report) or can_see_post(request.user, report)
    if not allowed:
        raise PermissionDenied
    item = get_object_or_404(ReportPhoto, pk=photo_id, report=report)
    response = FileResponse(item.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
