"""What the bulletin pages read: bulletins a person received, and those they manage."""

from django.db.models import Q, QuerySet

from bulletins.models import Bulletin, BulletinStatus
from bulletins.permissions import PUBLISHING_ROLES
from delivery.models import Delivery
from delivery.queries import inbox_q
from people.models import Person
from people.permissions import managed_units_q

LISTED = 50


def received_bulletins(person: Person) -> QuerySet[Bulletin]:
    """Published bulletins that reached the person's inbox, newest first."""
    return (
        Bulletin.objects.filter(
            status=BulletinStatus.PUBLISHED,
            notice__in=Delivery.objects.filter(inbox_q(person)).values("notice_id"),
        )
        .select_related("author")
        .order_by("-published_at")[:LISTED]
    )


def managed_bulletins(person: Person) -> list[Bulletin]:
    """Bulletins the person wrote or that were published in units they publish for."""
    return list(
        Bulletin.objects.filter(Q(author=person) | managed_units_q(person, "unit__", PUBLISHING_ROLES))
        .select_related("unit", "notice")
        .order_by("-publish_at")[:LISTED]
    )
