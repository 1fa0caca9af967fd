"""Writes on push subscriptions: storing what a browser's `PushManager.subscribe()` gave,
forgetting it, and keeping its health (last success, expired) in step with the push service."""

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from channels.models import PushSubscription
from core.errors import ActionError
from people.models import Person

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def _endpoint_allowed(url: str) -> bool:
    """Only push services' hosts (WEBPUSH_ENDPOINT_HOSTS): the server POSTs to this address, so
    an arbitrary one would let anyone make it call any host. HTTPS, except the local stub."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        return False
    return any(
        host == allowed or (allowed.startswith(".") and host.endswith(allowed))
        for allowed in (entry.strip().lower() for entry in settings.WEBPUSH_ENDPOINT_HOSTS)
    )


def clean_subscription(info: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from the browser's `subscription.toJSON()`, or ActionError."""
    if not isinstance(info, dict) or not isinstance(info.get("keys"), dict):
        raise ActionError(_("This is not a push subscription."), code="shape")
    endpoint, keys = info.get("endpoint"), info["keys"]
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(endpoint, str) or len(endpoint) > 1000 or not _endpoint_allowed(endpoint):
        raise ActionError(_("This browser's push service is not accepted."), code="endpoint")
    for value, size in ((p256dh, 120), (auth, 40)):
        if not isinstance(value, str) or not value or len(value) > size or not KEY_PATTERN.match(value):
            raise ActionError(_("This is not a push subscription."), code="keys")
    return endpoint, str(p256dh), str(auth)


def do_save_subscription(person: Person, info: object, user_agent: str = "") -> PushSubscription:
    """Store (or take over) the subscription of this browser for `person`. A browser has one
    subscription per site: a second person signing in on the same phone takes it over."""
    endpoint, p256dh, auth = clean_subscription(info)
    with transaction.atomic():
        subscription = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
        if subscription is None:
            subscription = PushSubscription(endpoint=endpoint, key=secrets.token_hex(16))
        subscription.person = person
        subscription.p256dh, subscription.auth = p256dh, auth
        subscription.user_agent = user_agent[:300]
        subscription.expired_at, subscription.expired_reason = None, ""
        subscription.save()
        record(person, "channels.push_subscribed", person, subscription=subscription.key)
    return subscription


def do_forget_subscription(person: Person, endpoint: str) -> PushSubscription | None:
    """Delete the person's subscription with this push endpoint (the browser unsubscribed)."""
    subscription = PushSubscription.objects.filter(person=person, endpoint=endpoint).first()
    if subscription is not None:
        subscription.delete()
        record(person, "channels.push_unsubscribed", person, subscription=subscription.key)
    return subscription


def do_record_push_success(subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=timezone.now())


def do_expire_subscription(subscription: PushSubscription, reason: str) -> None:
    """The push service says the subscription is gone (404/410): it never comes back."""
    PushSubscription.objects.filter(pk=subscription.pk).update(expired_at=timezone.now(), expired_reason=reason[:200])
