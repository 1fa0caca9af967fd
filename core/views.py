from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.health import database_status, migrations_status, queue_status
from core.metrics import exposition, may_read_metrics


def home(request):
    if request.user.is_authenticated:
        return redirect("groups:mine")
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    database, queue = database_status(), queue_status()
    ok = database["ok"] and queue["ok"]
    return JsonResponse({"ok": ok, "database": database, "queue": queue}, status=200 if ok else 503)


def public(check: dict, request) -> dict:
    """A check as the public sees it: whether it passed, never a driver's message (staff see it)."""
    if check["ok"] or (request.user.is_authenticated and request.user.is_staff):
        return check
    return {"ok": False}


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
