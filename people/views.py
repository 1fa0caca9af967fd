import segno
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.http import with_next
from people import actions
from people.context_processors import DESTINATIONS, landing_key
from people.forms import (
    CodeForm,
    OfficerSetupForm,
    OfficerVerifyForm,
    PhoneForm,
    profile_form,
)
from people.models import NOTICE_VERSION, ConsentMethod
from people.permissions import needs_strong_auth
from people.phones import masked_phone


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or request.session.get("signin_next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def signin(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    if request.GET.get("next"):
        request.session["signin_next"] = _next_url(request)
    form = PhoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        try:
            actions.do_request_signin_code(phone, ip=_client_ip(request), language=request.LANGUAGE_CODE)
        except actions.SigninThrottled as error:
            if error.code != "resend_too_soon":
                form.add_error("phone", error)
                return render(request, "people/signin.html", {"form": form}, status=429)
            messages.info(request, " ".join(error.messages))
        request.session["signin_phone"] = phone
        return redirect("people:signin_code")
    return render(request, "people/signin.html", {"form": form})


def signin_code(request):
    phone = request.session.get("signin_phone")
    if not phone:
        return redirect("people:signin")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            actions.do_request_signin_code(phone, ip=_client_ip(request), language=request.LANGUAGE_CODE)
            messages.success(request, _("A new code is on its way."))
        except actions.SigninThrottled as error:
            messages.warning(request, " ".join(error.messages))
        return redirect("people:signin_code")
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.check_signin_code(phone, form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            login(request, authenticate(request, verified_person=person))
            request.session.pop("signin_phone", None)
            next_url = _next_url(request)
            request.session.pop("signin_next", None)
            if needs_strong_auth(person):
                return redirect(with_next(reverse("people:officer_verify"), next_url))
            if not person.full_name or actions.current_consent(person) is None:
                return redirect(with_next(reverse("people:profile"), next_url))
            return redirect(next_url)
    return render(request, "people/signin_code.html", {"form": form, "masked_phone": masked_phone(phone)})


@login_required
def officer_verify(request):
    person = request.user
    if not needs_strong_auth(person) or person.is_verified():
        return redirect(_next_url(request))
    if not TOTPDevice.objects.filter(user=person, confirmed=True).exists() or not person.has_usable_password():
        return redirect(with_next(reverse("people:officer_setup"), _next_url(request)))
    form = OfficerVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(person, form.cleaned_data["token"].replace(" ", ""))
        if not person.check_password(form.cleaned_data["password"]) or device is None:
            form.add_error(None, _("The password or the authenticator code is not right."))
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "people/officer_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def officer_setup(request):
    """First sign-in of an officer: choose a password and enrol an authenticator app."""
    person = request.user
    if not needs_strong_auth(person) or person.is_verified():
        return redirect(_next_url(request))
    if TOTPDevice.objects.filter(user=person, confirmed=True).exists() and person.has_usable_password():
        return redirect("people:officer_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=person, confirmed=False, defaults={"name": "authenticator"}
    )
    form = OfficerSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
        else:
            person.set_password(form.cleaned_data["password"])
            person.save(update_fields=["password"])
            update_session_auth_hash(request, person)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Your authenticator is set up."))
            return redirect(_next_url(request))
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "people/officer_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": device.bin_key.hex(), "next": _next_url(request)},
    )


@login_required
def landing(request):
    """Where each role's work is, right after sign-in (people/context_processors.py)."""
    return redirect(DESTINATIONS[landing_key(request.user)][0])


@require_POST
def display_mode(request):
    """Large text and high contrast on or off: on the person when signed in, else for this browser."""
    large_text = request.POST.get("large_text") == "1"
    if request.user.is_authenticated:
        actions.do_set_large_text(request.user, large_text)
    else:
        request.session["large_text"] = large_text
    return redirect(_next_url(request))


@require_POST
def signout(request):
    logout(request)
    return redirect("core:home")


@login_required
def profile(request):
    person = request.user
    ask_consent = not needs_strong_auth(person) and actions.current_consent(person) is None
    form = profile_form(request.POST or None, person=person, ask_consent=ask_consent)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            actions.do_update_profile(
                person, full_name=form.cleaned_data["full_name"], language=form.cleaned_data["language"]
            )
            if ask_consent:
                actions.do_record_consent(person, method=ConsentMethod.ONLINE)
        response = redirect(_next_url(request, "/"))
        from django.conf import settings

        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, person.language, max_age=365 * 24 * 3600, samesite="Lax")
        return response
    return render(
        request, "people/profile.html", {"form": form, "next": _next_url(request, ""), "ask_consent": ask_consent}
    )


def privacy_notice(request):
    """The notice people agree to, in their language (docs/privacy.md)."""
    language = "en" if request.LANGUAGE_CODE == "en" else "vi"
    return render(request, f"people/privacy_notice_{language}.html", {"version": NOTICE_VERSION})
