"""The shared path of every inbound webhook: verify, store once, answer 200 at once.

Each type's view (channels/types/<slug>/views.py) calls `receive` with its type. Work happens in
a task after the commit, so the provider gets its answer well inside Zalo's 2 seconds.
"""

import json
import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse

from channels.actions import do_store_inbound_event
from channels.registry import ChannelType, get_type

logger = logging.getLogger(__name__)


def receive(request: HttpRequest, channel_type: ChannelType) -> HttpResponse:
    try:
        payload = json.loads(request.body)
    except ValueError:
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
    parsed = get_type(config.slug).parse(payload)
    _event, created = do_store_inbound_event(config, parsed, payload)
    return JsonResponse({"ok": True, "duplicate": not created})
