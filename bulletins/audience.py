"""Resolve a bulletin's audience to groups: chosen groups, every group of a unit's subtree
(optionally only some kinds), plus chosen neighbouring communes."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from groups.models import CommunityGroup, Membership, MembershipStatus
from places.models import Unit


@dataclass
class Audience:
    groups: list[CommunityGroup] = field(default_factory=list)
    unit: Unit | None = None
    kinds: list[str] = field(default_factory=list)
    neighbours: list[Unit] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and self.unit is None and not self.neighbours

    def group_filter(self) -> Q:
        kinds = Q(kind__in=self.kinds) if self.kinds else Q()
        query = Q(pk__in=[g.pk for g in self.groups])
        if self.unit is not None:
            query |= Q(unit__path__startswith=self.unit.path) & kinds
        for neighbour in self.neighbours:
            query |= Q(unit__path__startswith=neighbour.path) & kinds
        return query

    def resolve(self) -> QuerySet[CommunityGroup]:
        return CommunityGroup.objects.filter(self.group_filter(), is_active=True)

    def members(self) -> QuerySet[Membership]:
        """Active memberships of the audience's groups; a person in several appears several times
        here, and once in the fan-out (docs/fanout.md)."""
        return Membership.objects.filter(group__in=self.resolve(), status=MembershipStatus.ACTIVE)


def audience_of(bulletin) -> Audience:
    return Audience(
        groups=list(bulletin.groups.all()),
        unit=bulletin.audience_unit,
        kinds=list(bulletin.group_kinds),
        neighbours=list(bulletin.neighbour_units.all()),
    )
