"""The shared path of every inbound webhook: verify, store once, answer 200 at once.

Each type's view (channels/types/<slug>/views.py) calls `receive` with its type. Work happens in
a task after the commit, so the provider gets its answer well inside Zalo's 2 seconds.

Bad input never makes a server error (docs/security.md, findings 6 and 7): a body that is not a
JSON object (or nests too deep to read) is a 400, a bad signature a 403, a signed event older
than WEBHOOK_MAX_AGE_SECONDS (or from the future) a 400, a signed event whose parts have the
wrong shapes a 400.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils import timezone

from channels.actions import do_store_inbound_event
from channels.registry import ChannelType, get_type

logger = logging.getLogger(__name__)


def receive(request: HttpRequest, channel_type: ChannelType) -> HttpResponse:
    try:
        payload = json.loads(request.body)
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict):
        return HttpResponseBadRequest("expected a JSON object")
    config = next(
        (
            config
            for config in channel_type.find_configs(request, payload)
            if channel_type.verify(request, config, payload)
        ),
        None,
    )
    if config is None:
        logger.warning("%s webhook with a bad or missing signature refused", channel_type.slug)
        return HttpResponseForbidden("bad signature")
    signed_at = channel_type.signed_at(payload)
    if signed_at is not None and not is_fresh(signed_at):
        logger.warning("%s webhook signed at %s refused: outside the freshness window", channel_type.slug, signed_at)
        return HttpResponseBadRequest("event too old or from the future")
    try:
        parsed = get_type(config.slug).parse(payload)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        logger.warning("%s webhook with a malformed event refused", channel_type.slug, exc_info=True)
        return HttpResponseBadRequest("malformed event")
    _event, created = do_store_inbound_event(config, parsed, payload)
    return JsonResponse({"ok": True, "duplicate": not created})


def is_fresh(signed_at) -> bool:
    now = timezone.now()
    max_age = timedelta(seconds=settings.WEBHOOK_MAX_AGE_SECONDS)
    return now - max_age <= signed_at <= now + timedelta(seconds=settings.WEBHOOK_CLOCK_SKEW_SECONDS)
