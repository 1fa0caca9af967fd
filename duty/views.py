"""The duty pages: a unit's roster ("who is on duty now", adding and removing shifts, the chief),
an officer's alert preferences, and the one-tap acknowledgement of an alert."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from channels.registry import channel_types
from core.errors import PermissionDenied
from delivery.models import Endpoint
from duty import queries
from duty.actions import (
    ALERT_CHANNELS,
    check_acknowledge,
    check_add_shift,
    check_remove_shift,
    check_set_chief,
    check_set_preferences,
    read_ack_token,
)
from duty.forms import ChiefForm, ShiftForm
from duty.models import Alert, AlertPreference, Shift
from duty.permissions import can_edit_roster, can_see_roster
from people.models import MandateRole, Person
from people.permissions import mandate_paths
from places.models import Unit


def _police_units(person: Person) -> list[Unit]:
    paths = mandate_paths(person, {MandateRole.POLICE})
    return list(Unit.objects.filter(path__in=paths).order_by("path"))


@never_cache
@login_required
def my_rosters(request):
    units = _police_units(request.user)
    if not units:
        raise PermissionDenied
    if len(units) == 1:
        return redirect("duty:roster", code=units[0].code)
    return render(request, "duty/mine.html", {"units": units})


@never_cache
@login_required
def roster(request, code: str):
    unit = get_object_or_404(Unit, code=code)
    if not can_see_roster(request.user, unit):
        raise PermissionDenied
    police = queries.unit_police(unit)
    now = timezone.now()
    local = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    shift_form = ShiftForm(
        police=police,
        initial={"starts_at": local + timedelta(hours=1), "ends_at": local + timedelta(hours=13)},
    )
    chief_form = ChiefForm(police=police)
    if request.method == "POST":
        if request.POST.get("form") == "chief":
            chief_form = ChiefForm(request.POST, police=police)
            if chief_form.is_valid():
                _run(
                    request, lambda: check_set_chief(request.user, unit, chief_form.cleaned_data["chief"]), _("Saved.")
                )
                return redirect("duty:roster", code=unit.code)
        else:
            shift_form = ShiftForm(request.POST, police=police)
            if shift_form.is_valid():
                data = shift_form.cleaned_data
                try:
                    check_add_shift(
                        request.user,
                        unit,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        officer=data["officer"],
                        backup=data["backup"],
                    )
                except ValidationError as error:
                    for message in error.messages:
                        shift_form.add_error(None, message)
                else:
                    messages.success(request, _("Shift added."))
                    return redirect("duty:roster", code=unit.code)
    context = {
        "unit": unit,
        "now": now,
        "can_edit": can_edit_roster(request.user, unit),
        "shift_form": shift_form,
        "chief_form": chief_form,
        **queries.roster_page(unit, now),
    }
    if context["roster"] is not None and context["chief"] is not None:
        chief_form.initial["chief"] = context["chief"].pk
    return render(request, "duty/roster.html", context)


def _run(request, action, done: str) -> None:
    try:
        action()
        messages.success(request, done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@login_required
def remove_shift(request, code: str, shift_id: int):
    if request.method != "POST":
        return redirect("duty:roster", code=code)
    shift = get_object_or_404(Shift.objects.select_related("roster__unit"), pk=shift_id, roster__unit__code=code)
    check_remove_shift(request.user, shift)
    messages.success(request, _("Shift removed."))
    return redirect("duty:roster", code=code)


@never_cache
@login_required
def preferences(request):
    person = request.user
    if not _police_units(person):
        raise PermissionDenied
    registered = channel_types()
    linked = [
        slug
        for slug in Endpoint.objects.filter(person=person, disabled_at__isnull=True)
        .order_by("position")
        .values_list("channel", flat=True)
        if slug in registered and slug in ALERT_CHANNELS
    ]
    preference = AlertPreference.objects.filter(person=person).first()
    if request.method == "POST":
        ordinary = request.POST.get("channel", "")
        try:
            check_set_preferences(
                person,
                person,
                [ordinary] if ordinary else [],
                [slug for slug in request.POST.getlist("urgent") if slug],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("duty:preferences")
    context = {
        "choices": [(slug, registered[slug].label) for slug in linked],
        "channel": (preference.channels[:1] or [""])[0] if preference else "",
        "urgent": set(preference.urgent_channels) if preference else set(),
        "on_duty": queries.is_on_duty(person.pk),
    }
    return render(request, "duty/preferences.html", context)


@csrf_exempt  # the signed token is the authority; the Web Push action POSTs it without a form
@never_cache
def acknowledge(request, token: str):
    """The link in a duty alert: GET shows the alert's summary and an "Đã nhận" button; POST acknowledges.

    The token is signed, names one alert and one officer, and expires after DUTY_ACK_LINK_HOURS.
    It shows only what the alert itself said and does only this; the case opens after sign-in.
    A GET never acknowledges: chat apps fetch links for previews (docs/reports.md)."""
    found = read_ack_token(token)
    if found is None:
        return render(request, "duty/ack_invalid.html", status=404)
    alert_id, person_id = found
    alert = Alert.objects.select_related("acknowledged_by", "unit").filter(pk=alert_id).first()
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if alert is None or person is None or not alert.recipients.filter(person=person).exists():
        raise Http404
    if request.method == "POST":
        via = request.POST.get("via", "push")
        check_acknowledge(person, alert, via if via in ("link", "push") else "link")
        if not request.POST:  # the notification button: nothing to show
            return HttpResponse(status=204)
        return redirect("duty:ack", token=token)
    summary = alert.body.split("\n")
    context = {"alert": alert, "person": person, "summary": summary, "token": token}
    return render(request, "duty/ack.html", context)
