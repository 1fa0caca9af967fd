"""Counts for a unit and everything under it, as printed by `manage.py stats`."""

from django.db.models import Count, Q

from coverage.reach import covered_households
from groups.models import CommunityGroup, Membership, MembershipStatus
from people.models import Household
from places.models import Tier, Unit


def groups_and_members(unit: Unit | None) -> tuple[dict[str, int], int]:
    """Active groups by kind and distinct active members, over a subtree (None: the country)."""
    groups = CommunityGroup.objects.filter(is_active=True, **({"unit__path__startswith": unit.path} if unit else {}))
    by_kind = dict(groups.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    members = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, group__in=groups).values("person").distinct().count()
    )
    return dict(sorted(by_kind.items())), members


def unit_stats(unit: Unit | None) -> dict:
    """Units by tier, groups by kind, members, households and coverage for a subtree (None: the country)."""
    in_tree = Q(path__startswith=unit.path) if unit else Q()
    households_q = Household.objects.filter(**({"residential_group__path__startswith": unit.path} if unit else {}))

    tiers = dict(Unit.objects.filter(in_tree).values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    by_kind, members = groups_and_members(unit)
    households = households_q.count()
    covered = covered_households().filter(pk__in=households_q.values("pk")).count()
    return {
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind} if unit else None,
        "units": {Tier(tier).name.lower(): count for tier, count in sorted(tiers.items())},
        "groups": {"total": sum(by_kind.values()), "by_kind": by_kind},
        "members": members,
        "households": households,
        "covered_households": covered,
        "coverage_percent": round(100 * covered / households, 1) if households else None,
    }
