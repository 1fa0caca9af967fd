import hashlib
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csp import csp_override

from core.health import database_status, migrations_status, queue_status
from core.metrics import exposition, may_read_metrics


def home(request):
    if request.user.is_authenticated:
        return redirect("people:landing")
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    database, queue = database_status(), queue_status()
    ok = database["ok"] and queue["ok"]
    body = {"ok": ok, "database": public(database, request), "queue": public(queue, request)}
    return JsonResponse(body, status=200 if ok else 503)


def public(check: dict, request) -> dict:
    """A check as the public sees it: whether it passed, never a driver's message (staff see it,
    and the logs: core.health logs every failure)."""
    if check["ok"]:
        return check
    try:
        staff = request.user.is_authenticated and request.user.is_staff
    except Exception:  # the session or the account cannot be read: the database is what failed
        staff = False
    return check if staff else {"ok": False}


@never_cache
def readyz(request):
    """Readiness for a load balancer or compose: database, task queue, migrations applied."""
    checks = {"database": database_status(), "queue": queue_status(), "migrations": migrations_status()}
    ok = all(check["ok"] for check in checks.values())
    body = {"ok": ok, **{name: public(check, request) for name, check in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503)


@never_cache
def metrics(request):
    if not may_read_metrics(request.META.get("REMOTE_ADDR", ""), request.headers.get("Authorization", "")):
        return HttpResponse(status=403)
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")


# The installable app (docs/pwa.md): its manifest, its service worker at the site's root so it
# controls every page, and the page it shows when the network is down.
SHELL = [
    "core/site.css",
    "vendor/htmx.min.js",
    "core/outbox.js",
    "core/pwa.js",
    "core/speak.js",
    "core/icons/icon-192.png",
    "core/icons/icon-512.png",
]


def manifest(request):
    icons = [
        {"src": static("core/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("core/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static("core/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "id": "/",
        "name": "Cảnh Giác",
        "short_name": "Cảnh Giác",
        "description": gettext("Report to the police and receive your commune's crime-prevention news."),
        "lang": get_language(),
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


# The worker relays the pages' own requests with fetch(); its code is ours and static. Served
# without a policy as a precaution: with one, the queue's first load in a browser test was slow
# (docs/security.md, finding 7).
@csp_override({})
def service_worker(request):
    shell = [static(name) for name in SHELL] + [reverse("core:offline")]
    # The cache name changes whenever a shell file changes (hashed names in production) or the
    # language does, so an updated worker drops the old shell.
    version = hashlib.sha256(json.dumps([shell, get_language()]).encode()).hexdigest()[:12]
    context = {
        "version": version,
        "shell_json": json.dumps(shell),
        "offline_url": reverse("core:offline"),
        "outbox_js": static("core/outbox.js"),
        "icon": static("core/icons/icon-192.png"),
        "ack_label": gettext("Acknowledge"),  # the button of an alert with an acknowledgement link
        "kept_pages_json": json.dumps([reverse(name) for name in settings.PWA_OFFLINE_PAGES]),
    }
    response = render(request, "core/sw.js", context, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def offline(request):
    return render(request, "offline.html")
