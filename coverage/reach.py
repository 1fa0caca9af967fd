"""Enrollment coverage: which households the network can actually reach.

A person is reached directly when they have a phone, a smartphone and an active membership in
an active group. A person without a smartphone is reached through a relay who is reached
directly. A household is covered when at least one member is reached either way. Coverage of a
unit is covered households / the households its residential groups declared (docs/coverage.md).
"""

from dataclasses import dataclass
from datetime import datetime

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
    """A unit's households: registered and reached, against what its residential groups declared.

    Coverage is households reached / households declared, over the residential groups that have
    declared a total; the groups that have not are counted apart (shown "chưa khai báo"), so a
    group nobody has visited cannot make a unit look complete (docs/coverage.md).
    """

    unit: Unit
    households: int  # registered
    covered: int  # registered and reached
    declared: int = 0  # households declared by the residential groups that declared
    covered_declared: int = 0  # households reached in those groups
    undeclared_groups: int = 0  # residential groups with no declared total

    @property
    def percent(self) -> float | None:
        return round(100 * self.covered_declared / self.declared, 1) if self.declared else None

    @property
    def fully_declared(self) -> bool:
        return self.undeclared_groups == 0


GroupCounts = dict[str, tuple[int, int, int | None]]  # residential group path -> (registered, reached, declared)


def with_declarations(root: Unit, counted: dict[str, tuple[int, int]], as_of: datetime | None = None) -> GroupCounts:
    """Add each residential group's declared total, and the groups that have no household yet
    (at a past moment: the groups that existed then, with the totals they declare now)."""
    groups = Unit.objects.filter(path__startswith=root.path, tier=Tier.RESIDENTIAL_GROUP)
    if as_of is not None:
        groups = groups.filter(created_at__lte=as_of)
    declared = dict(groups.values_list("path", "declared_households"))
    paths = declared.keys() | counted.keys()
    return {path: (*counted.get(path, (0, 0)), declared.get(path)) for path in paths}


def coverage_by_residential_group(root: Unit) -> GroupCounts:
    """{residential group path: (registered, reached, declared)} for every residential group under root."""
    rows = (
        Household.objects.filter(residential_group__path__startswith=root.path)
        .annotate(is_covered=Exists(reachable_people().filter(household=OuterRef("pk"))))
        .values("residential_group__path")
        .annotate(total=Count("id"), covered=Count("id", filter=Q(is_covered=True)))
    )
    return with_declarations(root, {row["residential_group__path"]: (row["total"], row["covered"]) for row in rows})


def roll_up(unit: Unit, per_group: GroupCounts) -> Coverage:
    households = covered = declared = covered_declared = undeclared = 0
    for path, (total, reached, group_declared) in per_group.items():
        if not path.startswith(unit.path):
            continue
        households += total
        covered += reached
        if group_declared is None:
            undeclared += 1
        else:
            declared += group_declared
            covered_declared += reached
    return Coverage(unit, households, covered, declared, covered_declared, undeclared)


def coverage_of(root: Unit, units: list[Unit] | None = None) -> list[Coverage]:
    """Coverage of each of `units` (default: root itself), all lying under root, rolled up from two queries."""
    per_group = coverage_by_residential_group(root)
    return [roll_up(unit, per_group) for unit in (units if units is not None else [root])]


def children_coverage(unit: Unit) -> list[Coverage]:
    children = list(unit.children.order_by("kind", "name"))
    if unit.tier == Tier.RESIDENTIAL_GROUP:
        return []
    return coverage_of(unit, children)
