"""A member's fallback chain: their enabled addresses in their order, then the web inbox."""

from django.db import transaction
from django.utils import timezone

from channels.registry import channel_types
from delivery.models import Endpoint, Route

WEB = "web"


def chain(person_id: int) -> list[str]:
    registered = channel_types()
    slugs = Endpoint.objects.filter(person_id=person_id, disabled_at__isnull=True).order_by("position", "id")
    return [slug for slug in slugs.values_list("channel", flat=True) if slug in registered and slug != WEB] + [WEB]


def next_channel(person_id: int, current: str) -> str | None:
    """The channel after `current` in the person's chain; None once the inbox has been tried."""
    links = chain(person_id)
    if current == WEB:
        return None
    if current in links:
        return links[links.index(current) + 1]
    return links[0]


def refresh_route(person_id: int) -> None:
    """Keep the denormalised first channel used by fan-out in step with the endpoints."""
    first = chain(person_id)[0]
    if first == WEB:
        Route.objects.filter(person_id=person_id).delete()
    else:
        Route.objects.update_or_create(person_id=person_id, defaults={"first_channel": first})


def do_disable_endpoint(endpoint: Endpoint, reason: str) -> None:
    """A permanent error marks the address unusable, so later notices skip it."""
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk, disabled_at__isnull=True).update(
            disabled_at=timezone.now(), disabled_reason=reason[:300]
        )
        refresh_route(endpoint.person_id)
