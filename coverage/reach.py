"""Enrollment coverage: which households the network can actually reach.

A person is reached directly when they have a phone, a smartphone and an active membership in
an active group. A person without a smartphone is reached through a relay who is reached
directly. A household is covered when at least one member is reached either way. Coverage of a
unit is covered households / registered households in its whole subtree (docs/coverage.md).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from groups.models import Membership, MembershipStatus
from people.models import Household, Person
from places.models import Tier, Unit


def _active_member(person_ref: str) -> Exists:
    return Exists(
        Membership.objects.filter(person=OuterRef(person_ref), status=MembershipStatus.ACTIVE, group__is_active=True)
    )


def reached_directly_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}phone__isnull": False, f"{prefix}has_smartphone": True, f"{prefix}is_active": True})


def reachable_people() -> QuerySet[Person]:
    """People reached directly or through a relay."""
    direct = reached_directly_q() & Q(_active_member("pk"))
    via_relay = Q(has_smartphone=False) & reached_directly_q("relay__") & Q(_active_member("relay_id"))
    return Person.objects.filter(direct | via_relay)


def covered_households() -> QuerySet[Household]:
    return Household.objects.filter(Exists(reachable_people().filter(household=OuterRef("pk"))))


@dataclass(frozen=True)
class Coverage:
    unit: Unit
    households: int
    covered: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered / self.households, 1) if self.households else None


def coverage_by_residential_group(root: Unit) -> dict[str, tuple[int, int]]:
    """{residential group path: (households, covered)} for every residential group under root, in one query."""
    rows = (
        Household.objects.filter(residential_group__path__startswith=root.path)
        .annotate(is_covered=Exists(reachable_people().filter(household=OuterRef("pk"))))
        .values("residential_group__path")
        .annotate(total=Count("id"), covered=Count("id", filter=Q(is_covered=True)))
    )
    return {row["residential_group__path"]: (row["total"], row["covered"]) for row in rows}


def coverage_of(root: Unit, units: list[Unit] | None = None) -> list[Coverage]:
    """Coverage of each of `units` (default: root itself), all lying under root, rolled up from one query."""
    per_group = coverage_by_residential_group(root)
    result = []
    for unit in units if units is not None else [root]:
        households = covered = 0
        for path, (total, reached) in per_group.items():
            if path.startswith(unit.path):
                households += total
                covered += reached
        result.append(Coverage(unit=unit, households=households, covered=covered))
    return result


def children_coverage(unit: Unit) -> list[Coverage]:
    children = list(unit.children.order_by("kind", "name"))
    if unit.tier == Tier.RESIDENTIAL_GROUP:
        return []
    return coverage_of(unit, children)
