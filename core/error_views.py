"""Error pages (docs/security.md): 400, 403, 404, 429, 500, a failed CSRF check and 503 when the
database is down, in Vietnamese (English when the person chose it), styled like the site, each
with a way back home. They render `templates/error.html`, which needs no database, no session
and no context processor, so they still show when the database is what failed.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

DATABASE_DOWN_RETRY_SECONDS = 30


def _language(request: HttpRequest) -> str:
    """The request's language when core.middleware.LanguageMiddleware got to choose it, else the
    one chosen in the footer (its cookie), else Vietnamese: reading a profile needs the database."""
    chosen = getattr(request, "LANGUAGE_CODE", "") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def error_page(request: HttpRequest, status: int, title: str, message: str, *, retry_after: int = 0) -> HttpResponse:
    context = {"title": title, "message": message, "status": status, "retry_after": retry_after}
    response = HttpResponse(loader.get_template("error.html").render(context), status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _render(request: HttpRequest, status: int, title, message, **options) -> HttpResponse:
    with translation.override(_language(request)):
        return error_page(request, status, str(title()), str(message()), **options)


def bad_request(request, exception=None):
    return _render(request, 400, lambda: _("Bad request"), lambda: _("We could not understand this request."))


def permission_denied(request, exception=None):
    return _render(
        request, 403, lambda: _("Not allowed"), lambda: _("You do not have access to this page with your account.")
    )


def page_not_found(request, exception=None):
    return _render(
        request, 404, lambda: _("Page not found"), lambda: _("This page does not exist or is no longer here.")
    )


def server_error(request):
    """A 500, or a 503 with Retry-After when what failed is reaching the database."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return database_unavailable(request)
    return _render(
        request,
        500,
        lambda: _("Something went wrong"),
        lambda: _("The error has been recorded. Please try again in a moment."),
    )


def database_unavailable(request):
    return _render(
        request,
        503,
        lambda: _("Temporarily unavailable"),
        lambda: _("The service is under maintenance or overloaded. Nothing you sent was lost."),
        retry_after=DATABASE_DOWN_RETRY_SECONDS,
    )


def too_many_requests(request, retry_after: int = 60):
    return _render(
        request,
        429,
        lambda: _("Too many requests"),
        lambda: _("You have tried too many times in a short while."),
        retry_after=retry_after,
    )


def csrf_failure(request, reason=""):
    return _render(
        request,
        403,
        lambda: _("This form has expired"),
        lambda: _("Go back, reload the page and send the form again. Cookies must be allowed for this site."),
    )
