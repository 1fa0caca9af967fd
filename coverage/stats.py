"""Counts for a unit and everything under it, as printed by `manage.py stats`."""

from django.db.models import Count, Q

from coverage.reach import covered_households
from groups.models import CommunityGroup, Membership, MembershipStatus
from people.models import Household
from places.models import Tier, Unit


def unit_stats(unit: Unit | None) -> dict:
    """Units by tier, groups by kind, members, households and coverage for a subtree (None: the country)."""
    in_tree = Q(path__startswith=unit.path) if unit else Q()
    under = {"unit__path__startswith": unit.path} if unit else {}
    households_q = Household.objects.filter(**({"residential_group__path__startswith": unit.path} if unit else {}))

    tiers = dict(Unit.objects.filter(in_tree).values_list("tier").annotate(n=Count("id")).values_list("tier", "n"))
    groups = CommunityGroup.objects.filter(is_active=True, **under)
    by_kind = dict(groups.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    members = (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, group__in=groups).values("person").distinct().count()
    )
    households = households_q.count()
    covered = covered_households().filter(pk__in=households_q.values("pk")).count()
    return {
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind} if unit else None,
        "units": {Tier(tier).name.lower(): count for tier, count in sorted(tiers.items())},
        "groups": {"total": sum(by_kind.values()), "by_kind": dict(sorted(by_kind.items()))},
        "members": members,
        "households": households,
        "covered_households": covered,
        "coverage_percent": round(100 * covered / households, 1) if households else None,
    }
