"""What the inbox reads: a person's deliveries, their own and those they read out for someone."""

from django.db.models import Q, QuerySet

from delivery.models import Delivery
from people.models import Person

INBOX_PAGE = 30


def inbox_q(person: Person) -> Q:
    """Deliveries shown in a person's inbox: their own, and those they relay for someone."""
    mine = (Q(person=person) & Q(relay__isnull=True)) | Q(relay=person)
    return mine & Q(notice__parallel_of__isnull=True)  # a copy sent on another channel shows once


def inbox_items(person: Person, after: int = 0) -> QuerySet[Delivery]:
    """The inbox, newest first, with what each item shows; with `after`, only items newer than that id."""
    items = Delivery.objects.filter(inbox_q(person)).select_related("notice", "person").order_by("-id")
    if after:
        items = items.filter(pk__gt=after)
    return items


def unread_count(person: Person) -> int:
    return Delivery.objects.filter(inbox_q(person), read_at__isnull=True).count()
