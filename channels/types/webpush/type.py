"""Web Push (RFC 8030) to the browsers people turned notifications on in: the payload encrypted
for the browser (aes128gcm, RFC 8291) and the request signed with the server's VAPID key
(RFC 8292), both with pywebpush; the request itself goes out through channels/http.py.

The address is the key of a `PushSubscription` (channels/models.py). A push service answering
404 or 410 says the subscription is gone for good: the subscription is marked expired and the
send fails as unreachable, so the engine disables the address and falls back along the chain.
429 and 5xx are retried, after Retry-After when the service says (docs/channels.md, "Web Push").
"""

import json
import re
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pywebpush import WebPusher

from channels import http
from channels.base import OutboundMessage, SendResult, TransportError
from channels.models import PushSubscription
from channels.registry import ChannelType
from channels.text import fit
from channels.types.webpush.actions import do_expire_subscription, do_record_push_success
from channels.types.webpush.keys import vapid

if TYPE_CHECKING:
    from channels.models import ChannelConfig

ADDRESS = re.compile(r"^[0-9a-f]{32}$")
VAPID_LIFETIME_SECONDS = 12 * 3600  # RFC 8292 allows at most 24 hours


class WebPushType(ChannelType):
    slug = "webpush"
    label = _("Notifications on this device")
    needs_config = False
    text_limit = 1000  # a push payload holds at most 4 KB, and Vietnamese takes 2–3 bytes a letter
    rate_per_minute = 6000

    def validate_address(self, address: str) -> str:
        address = (address or "").strip()
        if not ADDRESS.match(address):
            raise ValidationError("not a push subscription key", code="invalid")
        return address

    def payload(self, message: OutboundMessage) -> dict:
        """What the service worker shows (core/templates/core/sw.js)."""
        body = message.text
        if message.url and body.endswith(message.url):
            # The engine's text ends with a paragraph holding its link: tapping the notification opens it.
            body = body.rsplit("\n\n", 1)[0] if "\n\n" in body else ""
        return {
            "title": fit(message.subject or "Cảnh Giác", 120),
            "body": fit(body, self.text_limit),
            "url": message.url,
            "urgent": message.urgent,
            "tag": message.reference,
            **({"ack_url": message.ack_url} if message.ack_url else {}),
        }

    def send(self, config: "ChannelConfig | None", message: OutboundMessage) -> SendResult:
        signer = vapid()
        if signer is None:
            raise TransportError("webpush: no VAPID key configured", permanent=True, code="unconfigured")
        subscription = PushSubscription.objects.filter(key=self.validate_address(message.address)).first()
        if subscription is None or subscription.expired_at is not None:
            raise TransportError("webpush: the subscription is gone", address_unreachable=True, code="unsubscribed")
        if message.recipient_id is not None and subscription.person_id != message.recipient_id:
            raise TransportError(
                "webpush: the subscription belongs to someone else", address_unreachable=True, code="other_person"
            )
        data = json.dumps(self.payload(message), ensure_ascii=False).encode()
        body = WebPusher(subscription.info()).encode(data, "aes128gcm")["body"]
        origin = urlsplit(subscription.endpoint)
        headers = signer.sign(
            {
                "aud": f"{origin.scheme}://{origin.netloc}",
                "sub": settings.WEBPUSH_VAPID_SUBJECT,
                "exp": int(time.time()) + VAPID_LIFETIME_SECONDS,
            }
        )
        headers |= {
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(settings.WEBPUSH_TTL_SECONDS),
            "Urgency": "high" if message.urgent else "normal",
        }
        # The endpoint's path is the capability to push to the device: it stays out of the logs.
        response = http.call(
            "webpush", "POST", subscription.endpoint, content=body, headers=headers, secrets=[origin.path]
        )
        status = response.status_code
        if status in (200, 201, 202):
            do_record_push_success(subscription)
            return SendResult(response.headers.get("Location", ""))
        if status in (404, 410):
            reason = f"HTTP {status}: the browser's subscription expired or was withdrawn"
            do_expire_subscription(subscription, reason)
            raise TransportError(f"webpush: {reason}", address_unreachable=True, code=f"http_{status}")
        if status == 429 or status >= 500:
            raise TransportError(
                f"webpush: HTTP {status}", code=f"http_{status}", retry_after=http.retry_after_header(response)
            )
        raise TransportError(f"webpush: refused (HTTP {status})", permanent=True, code=f"http_{status}")


TYPE = WebPushType()
