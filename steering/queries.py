"""What the steering pages read: the units an officer steers, stored figures, responsibilities
and what is lagging under them. Every list here costs the same queries however long it is."""

from django.db.models import Count, Max, Q, QuerySet

from coverage.reach import Coverage, coverage_of
from groups.models import CommunityGroup, GroupRole, Membership, MembershipStatus, Organisation
from people.models import Person
from people.permissions import mandate_paths
from places.models import Tier, Unit
from steering import compliance
from steering.models import Counter, Directive, Responsibility
from steering.permissions import DASHBOARD_TIERS


def dashboard_units(person: Person) -> list[Unit]:
    if person.is_superuser and not mandate_paths(person):
        return list(Unit.objects.filter(tier=Tier.PROVINCE).order_by("name"))
    units = Unit.objects.filter(path__in=mandate_paths(person), tier__in=DASHBOARD_TIERS).order_by("path")
    return list(units)


def unlocated_units(unit: Unit) -> list[dict]:
    """The child units without a position, with their latest stored figures: listed under the map
    instead of inventing places for them."""
    day = Counter.objects.filter(unit=unit).order_by("-day").values_list("day", flat=True).first()
    figures: dict[int, dict[str, int]] = {}
    if day is not None:
        for unit_id, metric, value in Counter.objects.filter(
            unit__parent=unit, day=day, metric__in=["groups.total", "members.total"]
        ).values_list("unit_id", "metric", "value"):
            figures.setdefault(unit_id, {})[metric] = value
    return [
        {
            "code": child.code,
            "name": child.name,
            "groups": figures.get(child.pk, {}).get("groups.total", 0),
            "members": figures.get(child.pk, {}).get("members.total", 0),
        }
        for child in unit.children.filter(latitude__isnull=True).order_by("name")
    ]


def unit_labels(unit: Unit) -> list[dict]:
    """The names the map writes at their place: the unit itself and its children when they have a
    position, and, from a commune down, its grandchildren too (hamlets and their residential
    groups), `minor` ones shown only when zoomed in. A province labels its communes only."""
    depth = 2 if unit.tier >= Tier.COMMUNE else 1
    located = Unit.objects.filter(
        path__startswith=unit.path, latitude__isnull=False, longitude__isnull=False, tier__lte=unit.tier + depth
    ).order_by("path")
    return [
        {
            "code": place.code,
            "name": place.name,
            "lat": place.latitude,
            "lng": place.longitude,
            "minor": place.tier > unit.tier + 1,
        }
        for place in located.only("code", "name", "latitude", "longitude", "tier")
    ]


def responsibilities_under(unit: Unit) -> QuerySet[Responsibility]:
    """Open responsibilities on the unit, a unit inside it or a group there."""
    return (
        Responsibility.objects.filter(
            Q(unit__path__startswith=unit.path) | Q(group__unit__path__startswith=unit.path), ended_at__isnull=True
        )
        .select_related("person", "organisation__contact", "unit", "group")
        .order_by("organisation__name", "person__full_name")
    )


def stored_coverages(units: list[Unit]) -> dict[int, Coverage]:
    """Coverage of each unit from its latest counters (units down to hamlets have them), by unit id,
    in two queries; units without counters are left out."""
    latest = dict(
        Counter.objects.filter(unit__in=units).values("unit_id").annotate(day=Max("day")).values_list("unit_id", "day")
    )
    values: dict[int, dict[str, int]] = {unit_id: {} for unit_id in latest}
    if latest:
        for unit_id, day, metric, value in Counter.objects.filter(
            unit__in=list(latest), day__in=set(latest.values()), metric__startswith="coverage."
        ).values_list("unit_id", "day", "metric", "value"):
            if day == latest[unit_id]:
                values[unit_id][metric] = value
    return {
        unit.pk: Coverage(
            unit,
            *(
                values[unit.pk].get(f"coverage.{metric}", 0)
                for metric in ("households", "covered", "declared", "covered_declared", "undeclared_groups")
            ),
        )
        for unit in units
        if unit.pk in values
    }


def _common_path(units: list[Unit]) -> str:
    codes = [unit.ancestor_codes() for unit in units]
    common = []
    for level in zip(*codes, strict=False):
        if len(set(level)) > 1:
            break
        common.append(level[0])
    return "".join(f"{code}/" for code in common)


def coverages(units: list[Unit]) -> dict[int, Coverage]:
    """Stored coverage of each unit; units not rolled up yet are counted live, together."""
    found = stored_coverages(units)
    missing = [unit for unit in units if unit.pk not in found]
    if missing:
        path = _common_path(missing)
        root = Unit.objects.filter(path=path).first()
        live = coverage_of(root, missing) if root is not None else [coverage_of(unit)[0] for unit in missing]
        found.update({coverage.unit.pk: coverage for coverage in live})
    return found


def group_figures(groups: list[CommunityGroup]) -> dict[int, tuple[int, int]]:
    """(active members, leaders) of each group, by group id, in one query."""
    rows = (
        Membership.objects.filter(group__in=groups, status=MembershipStatus.ACTIVE)
        .values("group_id")
        .annotate(members=Count("id"), leaders=Count("id", filter=Q(role=GroupRole.LEADER)))
        .values_list("group_id", "members", "leaders")
    )
    return {group_id: (members, leaders) for group_id, members, leaders in rows}


def _applies(directive: Directive, unit: Unit) -> bool:
    """Issued for the unit, above it, or for a unit inside it (as dashboards.directives_for)."""
    return directive.unit.code in unit.ancestor_codes() or directive.unit.path.startswith(unit.path)


def lagging_under(units: list[Unit]) -> dict[int, list[compliance.Item]]:
    """The items not met under each unit, for every active directive that applies there, by unit id.

    Each directive is evaluated once for all the units (in the smallest scope holding them), so
    the cost grows with the directives, not with the units."""
    lagging: dict[int, list[compliance.Item]] = {unit.pk: [] for unit in units}
    if not units:
        return lagging
    inside = Q()
    for unit in units:
        inside |= Q(unit__path__startswith=unit.path)
    above = Q(unit__code__in={code for unit in units for code in unit.ancestor_codes()})
    directives = (
        Directive.objects.filter(above | inside, withdrawn_at__isnull=True).select_related("unit").order_by("deadline")
    )
    for directive in directives:
        concerned = [unit for unit in units if _applies(directive, unit)]
        scope = next(
            (unit for unit in concerned if all(other.path.startswith(unit.path) for other in concerned)),
            directive.unit,
        )
        items = [item for item in compliance.evaluate(directive, scope) if item.status != compliance.Status.MET]
        for unit in concerned:
            lagging[unit.pk] += [item for item in items if item.unit.path.startswith(unit.path)]
    return lagging


def my_responsibilities(person: Person) -> list[dict]:
    """The person's open responsibilities and those of the active organisations they are the
    contact person of, each with its figures and what is lagging under it."""
    mine = Q(person=person) | Q(organisation__contact=person, organisation__is_active=True)
    responsibilities = list(
        Responsibility.objects.filter(mine, ended_at__isnull=True)
        .select_related("unit", "group__unit", "organisation")
        .order_by("assigned_at")
    )
    groups = [r.group for r in responsibilities if r.group is not None]
    units = [r.unit for r in responsibilities if r.group is None and r.unit is not None]
    figures = group_figures(groups) if groups else {}
    coverage = coverages(units) if units else {}
    lagging = lagging_under(units)
    entries = []
    for responsibility in responsibilities:
        entry: dict[str, object] = {"responsibility": responsibility}
        if responsibility.group is not None:
            members, leaders = figures.get(responsibility.group.pk, (0, 0))
            entry.update(target_unit=responsibility.group.unit, members=members, leaders=leaders, lagging=[])
        else:
            unit = responsibility.unit
            assert unit is not None
            entry.update(target_unit=unit, coverage=coverage[unit.pk], lagging=lagging[unit.pk])
        entries.append(entry)
    return entries


def is_organisation_contact(person: Person) -> bool:
    return Organisation.objects.filter(contact=person, is_active=True).exists()
