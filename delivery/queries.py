"""What the inbox reads: a person's deliveries, their own and those they read out for someone."""

from dataclasses import dataclass
from typing import Any

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


@dataclass
class InboxEntry:
    """One notice in the inbox: the delivery shown (its fields read through), the deliveries the
    person relays for others of the same notice, and whether any of them is unread."""

    delivery: Delivery
    relayed: list[Delivery]
    unread: bool
    read_out: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.delivery, name)


def inbox_entries(person: Person, after: int = 0) -> tuple[list[InboxEntry], int]:
    """The inbox as the person reads it: one entry per notice, and the newest delivery id shown.

    A relay who is also a member gets a bulletin twice — for themself and for the elder they
    read it to — but sees it once: the entry is their own delivery (or the first relayed one)
    and carries the relayed deliveries in `relayed`, so "read this to …" sits inside it."""
    rows = list(inbox_items(person, after)[:INBOX_PAGE])
    groups: dict[int, list[Delivery]] = {}
    for row in rows:
        groups.setdefault(row.notice_id, []).append(row)
    entries = []
    for group in groups.values():
        own = next((row for row in group if row.relay_id is None), None)
        relayed = [row for row in group if row.relay_id is not None]
        entries.append(
            InboxEntry(
                delivery=own or relayed[0],
                relayed=relayed,
                unread=any(row.read_at is None for row in group),
                read_out=bool(relayed) and all(row.relay_confirmed_at for row in relayed),
            )
        )
    return entries, rows[0].pk if rows else 0


def notice_deliveries(person: Person, delivery: Delivery) -> list[Delivery]:
    """The deliveries the person relays for others of the same notice as `delivery`."""
    return list(
        Delivery.objects.filter(notice_id=delivery.notice_id, relay=person).select_related("person").order_by("id")
    )


def unread_count(person: Person) -> int:
    """Unread notices: a bulletin the person also reads out to an elder counts once."""
    return Delivery.objects.filter(inbox_q(person), read_at__isnull=True).values("notice").distinct().count()
