import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import with_next
from people.permissions import needs_strong_auth

# Paths an officer may reach before the password + authenticator step.
_OPEN_PREFIXES = ("/signin/", "/signout/", "/static/", "/i18n/", "/healthz")


class StrongAuthMiddleware:
    """Officers and staff who signed in with a phone code must also pass password + TOTP.

    Until they do, every page sends them to that step, so no officer view is ever served on a
    phone code alone (docs/signin.md). Must come after django_otp's OTPMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = request.user
        if (
            person.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_strong_auth(person)
            and not person.is_verified()
        ):
            return redirect(with_next(reverse("people:officer_verify"), request.get_full_path()))
        return self.get_response(request)


STARTED, SEEN = "officer_session_started", "officer_session_seen"
SEEN_PRECISION_SECONDS = 60  # the session is written at most once a minute for this


class OfficerSessionMiddleware:
    """Officers' and staff's sessions end after OFFICER_SESSION_IDLE_SECONDS without a request
    and OFFICER_SESSION_MAX_SECONDS after sign-in, whatever they do (docs/security.md). A
    resident's session lasts SESSION_COOKIE_AGE: it is their own phone, and it opens little.
    Must come after AuthenticationMiddleware and before StrongAuthMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        person = request.user
        if person.is_authenticated and needs_strong_auth(person):
            now = int(time.time())
            session = request.session
            started, seen = session.setdefault(STARTED, now), session.get(SEEN, now)
            idle = now - seen > settings.OFFICER_SESSION_IDLE_SECONDS
            if idle or now - started > settings.OFFICER_SESSION_MAX_SECONDS:
                logout(request)
                if request.path.startswith(("/api/", "/open311/")):
                    return self.get_response(request)
                messages.info(
                    request,
                    _("You were signed out after a while without activity. Sign in again.")
                    if idle
                    else _("Officer sessions last a working day. Sign in again."),
                )
                return redirect(with_next(reverse("people:signin"), request.get_full_path()))
            if now - seen >= SEEN_PRECISION_SECONDS or SEEN not in session:
                session[SEEN] = now
        return self.get_response(request)
