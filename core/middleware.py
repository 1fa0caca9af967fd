from contextlib import suppress
from ipaddress import ip_address, ip_network

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


class ClientAddressMiddleware:
    """REMOTE_ADDR is the client's address, whoever says otherwise (docs/security.md, finding 2).

    The web server is told to ignore forwarding headers (`serve` and deploy/ run uvicorn with
    `--no-proxy-headers`): this middleware, first in the chain, decides. X-Forwarded-For and
    X-Forwarded-Proto count only when the connection comes from an address in TRUSTED_PROXIES;
    then the client is the rightmost address in X-Forwarded-For that is not itself a trusted
    proxy, so a client cannot pick its address by sending the header itself. From anyone else
    both headers are dropped, so rate limits per address cannot be dodged and
    SECURE_PROXY_SSL_HEADER cannot be faked.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = [ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]

    def is_trusted(self, address: str) -> bool:
        try:
            ip = ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)

    def __call__(self, request):
        meta = request.META
        forwarded = meta.pop("HTTP_X_FORWARDED_FOR", "")
        peer = meta.get("REMOTE_ADDR", "")
        if self.trusted and self.is_trusted(peer):
            for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
                if not self.is_trusted(hop):
                    with suppress(ValueError):  # a garbled hop: the proxy's own address stays
                        meta["REMOTE_ADDR"] = str(ip_address(hop))
                    break
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
