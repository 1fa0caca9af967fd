"""Counts for a unit and everything under it, as printed by `manage.py stats`."""

from django.db.models import Count, Q

from coverage.reach import coverage_by_residential_group, covered_households, roll_up
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
    """Units by tier, groups by kind, members, households and coverage for a subtree (None: the country).

    Coverage is households reached / households declared, over the residential groups that declared
    a total (docs/coverage.md)."""
    in_tree = Q(path__startswith=unit.path) if unit else Q()
    households_q = Household.objects.filter(**({"residential_group__path__startswith": unit.path} if unit else {}))

    tiers = dict(Unit.objects.filter(in_tree).values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    by_kind, members = groups_and_members(unit)
    households = households_q.count()
    covered = covered_households().filter(pk__in=households_q.values("pk")).count()
    roots = [unit] if unit else list(Unit.objects.filter(parent__isnull=True))
    declared = covered_declared = undeclared = 0
    for root in roots:
        rolled = roll_up(root, coverage_by_residential_group(root))
        declared += rolled.declared
        covered_declared += rolled.covered_declared
        undeclared += rolled.undeclared_groups
    return {
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind} if unit else None,
        "units": {Tier(tier).name.lower(): count for tier, count in sorted(tiers.items())},
        "groups": {"total": sum(by_kind.values()), "by_kind": by_kind},
        "members": members,
        "households": households,
        "covered_households": covered,
        "declared_households": declared,
        "undeclared_residential_groups": undeclared,
        "coverage_percent": round(100 * covered_declared / declared, 1) if declared else None,
    }
