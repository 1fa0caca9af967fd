from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.health import database_status, queue_status


def home(request):
    if request.user.is_authenticated:
        return redirect("groups:mine")
    return render(request, "core/home.html")


@never_cache
def healthz(request):
    database, queue = database_status(), queue_status()
    ok = database["ok"] and queue["ok"]
    return JsonResponse({"ok": ok, "database": database, "queue": queue}, status=200 if ok else 503)
