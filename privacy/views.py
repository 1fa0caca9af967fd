"""The person's data page: consent, download (JSON, PDF), deletion (docs/privacy.md)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.actions import record
from people.actions import check_record_consent, check_withdraw_consent, current_consent
from people.models import NOTICE_VERSION, Person
from privacy.actions import do_erase_person, kept_reports
from privacy.pdf import personal_data_pdf
from privacy.queries import personal_data


@login_required
def mine(request):
    person = request.user
    relayed = [(p, current_consent(p)) for p in person.relayed_for.order_by("full_name")]
    return render(
        request,
        "privacy/mine.html",
        {
            "consent": current_consent(person),
            "history": person.consents.select_related("recorded_by", "withdrawn_by"),
            "relayed": relayed,
            "notice_version": NOTICE_VERSION,
            "kept_open": kept_reports(person).count(),
            "is_officer": person.mandates.exists() or person.is_staff,
        },
    )


def _download(request, content: bytes, content_type: str, extension: str) -> HttpResponse:
    record(request.user, "person.data_downloaded", request.user, format=extension)
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="canhgiac-du-lieu-{stamp}.{extension}"'
    return response


@login_required
def download_json(request):
    data = json.dumps(personal_data(request.user), ensure_ascii=False, indent=2).encode()
    return _download(request, data, "application/json; charset=utf-8", "json")


@login_required
def download_pdf(request):
    pdf = personal_data_pdf(personal_data(request.user), request.user.full_name)
    return _download(request, pdf, "application/pdf", "pdf")


@login_required
@require_POST
def consent(request, person_id: int):
    """Give or withdraw consent, for oneself or (a relay) for the person one reads messages to."""
    person = get_object_or_404(Person, pk=person_id)
    if request.POST.get("action") == "withdraw":
        check_withdraw_consent(request.user, person)
        messages.success(request, _("Consent withdrawn. You can also ask for your data to be deleted below."))
    else:
        check_record_consent(request.user, person)
        messages.success(request, _("Consent recorded."))
    return redirect("privacy:mine")


@login_required
def delete(request):
    person = request.user
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            do_erase_person(person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("privacy:mine")
        logout(request)
        messages.success(request, _("Your data has been deleted. What the law requires the police to keep is kept."))
        return redirect("core:home")
    return render(
        request,
        "privacy/delete.html",
        {"kept_open": kept_reports(person).count(), "is_officer": person.mandates.exists() or person.is_staff},
    )
