from django.shortcuts import redirect
from django.urls import reverse

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
