"""Reach of a notice: recipients, delivered, read, failed (with reasons), relayed, by channel.

Each figure is one aggregate query over the notice's deliveries, optionally narrowed to the
members of one group, so a notice to a million members costs the same few queries.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from delivery.models import Delivery, DeliveryStatus, Notice


@dataclass
class Reach:
    recipients: int = 0
    delivered: int = 0
    queued: int = 0
    read: int = 0
    failed: int = 0
    relayed: int = 0
    relay_pending: int = 0
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    failure_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def delivered_percent(self) -> int:
        return round(100 * self.delivered / self.recipients) if self.recipients else 0

    @property
    def read_percent(self) -> int:
        return round(100 * self.read / self.recipients) if self.recipients else 0

    @property
    def channel_rows(self) -> list[tuple[str, dict[str, int]]]:
        """(channel name as people know it, figures), for the reach table."""
        from channels.registry import channel_types

        known = channel_types()
        return [(str(known[slug].label) if slug in known else slug, row) for slug, row in self.by_channel.items()]


def deliveries_of(notice: Notice, group=None) -> QuerySet[Delivery]:
    deliveries = Delivery.objects.filter(notice=notice)
    if group is not None:
        from groups.models import Membership, MembershipStatus

        members = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values("person_id")
        deliveries = deliveries.filter(person_id__in=members)
    return deliveries


def reach(notice: Notice, group=None) -> Reach:
    deliveries = deliveries_of(notice, group)
    result = Reach()
    rows = (
        deliveries.values("channel")
        .annotate(
            total=Count("id"),
            delivered=Count("id", filter=Q(status=DeliveryStatus.DELIVERED)),
            queued=Count("id", filter=Q(status=DeliveryStatus.QUEUED)),
            failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
            read=Count("id", filter=Q(read_at__isnull=False)),
            relayed=Count("id", filter=Q(relay__isnull=False, relay_confirmed_at__isnull=False)),
            relay_pending=Count(
                "id", filter=Q(relay__isnull=False, relay_confirmed_at__isnull=True, status=DeliveryStatus.DELIVERED)
            ),
        )
        .order_by("channel")
    )
    for row in rows:
        channel = str(row["channel"])
        result.by_channel[channel] = {
            "total": row["total"],
            "delivered": row["delivered"],
            "read": row["read"],
            "failed": row["failed"],
        }
        result.recipients += row["total"]
        result.delivered += row["delivered"]
        result.queued += row["queued"]
        result.failed += row["failed"]
        result.read += row["read"]
        result.relayed += row["relayed"]
        result.relay_pending += row["relay_pending"]
    reasons = (
        deliveries.filter(status=DeliveryStatus.FAILED)
        .values("error")
        .annotate(n=Count("id"))
        .order_by("-n", "error")[:10]
    )
    result.failure_reasons = [(row["error"] or "?", row["n"]) for row in reasons]
    return result


def unconfirmed_relays(notice_ids, group) -> QuerySet[Delivery]:
    """Relayed deliveries to the group's members that the relay has not confirmed reading out."""
    from groups.models import Membership, MembershipStatus

    members = Membership.objects.filter(group=group, status=MembershipStatus.ACTIVE).values("person_id")
    return (
        Delivery.objects.filter(
            notice_id__in=notice_ids,
            person_id__in=members,
            relay__isnull=False,
            relay_confirmed_at__isnull=True,
            status=DeliveryStatus.DELIVERED,
        )
        .select_related("notice", "person", "relay")
        .order_by("-notice__created_at", "person__full_name")
    )


@dataclass
class GroupReach:
    group: object
    recipients: int
    delivered: int
    read: int
    relayed: int
    relay_pending: int
    failed: int

    @property
    def read_percent(self) -> int:
        return round(100 * self.read / self.recipients) if self.recipients else 0


def reach_by_group(notice: Notice, groups) -> list[GroupReach]:
    """Reach of the notice within each group, in one aggregate query, least-read groups first."""
    from groups.models import Membership, MembershipStatus

    prefix = "person__deliveries__"
    rows = (
        Membership.objects.filter(group__in=groups, status=MembershipStatus.ACTIVE, person__deliveries__notice=notice)
        .values("group_id")
        .annotate(
            recipients=Count("id"),
            delivered=Count("id", filter=Q(**{f"{prefix}status": DeliveryStatus.DELIVERED})),
            read=Count("id", filter=Q(**{f"{prefix}read_at__isnull": False})),
            relayed=Count(
                "id", filter=Q(**{f"{prefix}relay__isnull": False, f"{prefix}relay_confirmed_at__isnull": False})
            ),
            relay_pending=Count(
                "id",
                filter=Q(
                    **{
                        f"{prefix}relay__isnull": False,
                        f"{prefix}relay_confirmed_at__isnull": True,
                        f"{prefix}status": DeliveryStatus.DELIVERED,
                    }
                ),
            ),
            failed=Count("id", filter=Q(**{f"{prefix}status": DeliveryStatus.FAILED})),
        )
    )
    by_id = {group.pk: group for group in groups}
    result = []
    for row in rows:
        counts: dict[str, Any] = {key: value for key, value in row.items() if key != "group_id"}
        if row["group_id"] in by_id:
            result.append(GroupReach(group=by_id[row["group_id"]], **counts))
    return sorted(result, key=lambda r: (r.read_percent, str(r.group)))
