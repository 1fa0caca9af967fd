from django.conf import settings
from django.utils import translation

MACHINE_PREFIXES = ("/api/", "/open311/")


class LanguageMiddleware:
    """Vietnamese unless the person chose otherwise.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: many phones in
    Vietnam run an English system language, yet the commune's site must speak Vietnamese. The
    choice comes from the language cookie (the switch in the footer), then the signed-in person's
    profile, then LANGUAGE_CODE. API clients (/api/, /open311/) are programs: for them
    Accept-Language is honoured.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language is None and request.path.startswith(MACHINE_PREFIXES):
            # Programs calling the APIs say which language they want for error messages.
            language = translation.get_language_from_request(request)
        if language not in self.available:
            person = getattr(request, "user", None)
            language = getattr(person, "language", None) if person and person.is_authenticated else None
        if language not in self.available:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
