import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channels.registry import channel_types
from channels.types.webpush.keys import public_key
from core.errors import ActionError, PermissionDenied
from delivery import actions
from delivery.models import Delivery, Endpoint, Notice
from delivery.permissions import can_follow_relays, can_view_reach
from delivery.queries import inbox_entries, notice_deliveries, unread_count
from delivery.reach import reach, unconfirmed_relays
from groups.models import MANAGING_ROLES, CommunityGroup
from groups.queries import active_memberships


@login_required
def inbox(request):
    items, latest = inbox_entries(request.user)
    unread = unread_count(request.user)
    memberships = active_memberships(request.user).select_related("group").order_by("group__name")
    return render(
        request,
        "delivery/inbox.html",
        {
            "items": items,
            "latest": latest,
            "unread": unread,
            "poll_seconds": settings.DELIVERY_INBOX_POLL_SECONDS,
            "memberships": memberships,
            "managing_roles": [str(role) for role in MANAGING_ROLES],
        },
    )


@login_required
def inbox_new(request):
    """Polled by the open inbox (htmx): new items since the newest shown, or 204 when none."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    items, latest = inbox_entries(request.user, after)
    if not items:
        return HttpResponse(status=204)
    return render(
        request,
        "delivery/_new_items.html",
        {"items": items, "latest": latest, "poll_seconds": settings.DELIVERY_INBOX_POLL_SECONDS},
    )


@login_required
def open_item(request, delivery_id: int):
    delivery = actions.access_delivery(request.user, delivery_id)
    relayed = notice_deliveries(request.user, delivery)
    actions.do_mark_notice_read(request.user, delivery.notice)
    if delivery.notice.url and not relayed:
        return redirect(delivery.notice.url)
    return render(request, "delivery/item.html", {"item": delivery, "notice": delivery.notice, "relayed": relayed})


@login_required
@require_POST
def confirm_relay(request, delivery_id: int):
    delivery = actions.access_delivery(request.user, delivery_id)
    actions.check_confirm_relay(request.user, delivery)
    if request.htmx:
        return render(request, "delivery/_item.html", {"item": delivery})
    messages.success(request, _("Thank you: the read-out to %(name)s is recorded.") % {"name": delivery.person})
    # Someone else still to read it to: back to the text, with their button below it.
    if any(row.relay_confirmed_at is None for row in notice_deliveries(request.user, delivery)):
        return redirect("delivery:open", delivery.pk)
    return redirect("delivery:inbox")


@login_required
def channels(request):
    person = request.user
    endpoints = {e.channel: e for e in Endpoint.objects.filter(person=person)}
    email = endpoints.get("email")
    error = ""
    if request.method == "POST":
        address = request.POST.get("email", "").strip()
        chain = [("email", address)] if address and request.POST.get("use_email") else []
        chain = [(e.channel, e.address) for e in endpoints.values() if e.channel == actions.PUSH] + chain
        try:
            actions.check_set_channels(person, person, chain)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Your channels are saved."))
            return redirect("delivery:channels")
    return render(
        request,
        "delivery/channels.html",
        {
            "email": email,
            "error": error,
            "posted": request.POST if request.method == "POST" else None,
            "channel_types": channel_types(),
            "endpoints": Endpoint.objects.filter(person=person),
            "push": endpoints.get(actions.PUSH),
            "vapid_public_key": public_key() if actions.PUSH in channel_types() else "",
        },
    )


def _json_body(request) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    return body if isinstance(body, dict) else {}


@login_required
@require_POST
def push_subscribe(request):
    """The browser's `subscription.toJSON()`, posted by core/static/core/push.js."""
    body = _json_body(request)
    try:
        actions.check_subscribe_push(
            request.user, request.user, body.get("subscription", body), request.headers.get("User-Agent", "")
        )
    except ActionError as error:
        return JsonResponse({"ok": False, "error": " ".join(error.messages)}, status=400)
    return JsonResponse({"ok": True, "message": _("Notifications are on on this device.")}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    endpoint = _json_body(request).get("endpoint")
    if isinstance(endpoint, str):
        actions.check_unsubscribe_push(request.user, request.user, endpoint)
    return JsonResponse({"ok": True, "message": _("Notifications are off on this device.")})


@login_required
def notice_reach(request, notice_id: int):
    notice = get_object_or_404(Notice, pk=notice_id)
    if not can_view_reach(request.user, notice):
        raise PermissionDenied
    return render(request, "delivery/reach.html", {"notice": notice, "reach": reach(notice)})


@login_required
def group_relays(request, group_id: int):
    group = get_object_or_404(CommunityGroup.objects.select_related("unit"), pk=group_id)
    if not can_follow_relays(request.user, group):
        raise PermissionDenied
    notice_ids = Delivery.objects.filter(person__memberships__group=group).values("notice_id")
    pending = unconfirmed_relays(notice_ids, group)[:200]
    return render(request, "delivery/group_relays.html", {"group": group, "pending": pending})
