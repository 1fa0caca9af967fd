"""Compliance of directives: which units have the groups they were ordered to have.

A requirement applies to every unit of its level inside the directive's unit. A unit meets it
when an active group of the required kind sits on the unit or anywhere under it. A unit that is
not met is *missing* until its due date and *overdue* after. The due date is the directive's
deadline, except for units created after the directive was issued, which get `grace_days` from
their creation when that ends later (docs/steering.md).
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import CommunityGroup, Organisation
from people.models import Mandate, MandateRole, Person
from places.models import Tier, Unit
from steering.models import Directive, Requirement, Responsibility


class Status:
    MET = "met"
    MISSING = "missing"
    OVERDUE = "overdue"


STATUS_LABELS = {Status.MET: _("met"), Status.MISSING: _("missing"), Status.OVERDUE: _("overdue")}


@dataclass
class Item:
    requirement: Requirement
    unit: Unit
    status: str
    due: date
    responsible: "list[Assignee]" = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass
class Tally:
    total: int = 0
    met: int = 0
    overdue: int = 0

    @property
    def missing(self) -> int:
        return self.total - self.met - self.overdue

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.total, 1) if self.total else None

    def add(self, status: str) -> None:
        self.total += 1
        if status == Status.MET:
            self.met += 1
        elif status == Status.OVERDUE:
            self.overdue += 1


def due_date(directive: Directive, unit: Unit) -> date:
    if unit.created_at <= directive.issued_at:
        return directive.deadline
    return max(directive.deadline, timezone.localdate(unit.created_at) + timedelta(days=directive.grace_days))


def _has_prefix(sorted_paths: list[str], prefix: str) -> bool:
    index = bisect_left(sorted_paths, prefix)
    return index < len(sorted_paths) and sorted_paths[index].startswith(prefix)


def _paths_up(path: str) -> list[str]:
    """The unit's own path, then each ancestor's, nearest first."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:depth]) + "/" for depth in range(len(parts), 0, -1)]


Assignee = Person | Organisation


def reachable(assignees: list[Assignee]) -> list[Person]:
    """Whom to remind for these assignees: the people, and each organisation's contact person."""
    people = [entry if isinstance(entry, Person) else entry.contact for entry in assignees]
    return [person for person in people if person is not None]


class Responsibles:
    """Who answers for a unit: open responsibilities on it or its nearest ancestor (people or
    organisations), else the officers with a mandate there (steering committee before police),
    loaded in two queries."""

    def __init__(self, scope: Unit):
        ancestors = Q(unit__code__in=scope.ancestor_codes())
        inside = Q(unit__path__startswith=scope.path)
        self.assigned: dict[str, list[Assignee]] = defaultdict(list)
        for responsibility in Responsibility.objects.filter(ancestors | inside, ended_at__isnull=True).select_related(
            "person", "organisation__contact", "unit"
        ):
            assert responsibility.unit is not None
            self.assigned[responsibility.unit.path].append(responsibility.assignee)
        self.officers: dict[str, list[Assignee]] = defaultdict(list)
        mandates = Mandate.objects.filter(ancestors | inside).select_related("person", "unit")
        for mandate in sorted(mandates, key=lambda m: (m.role != MandateRole.STEERING, m.person.full_name)):
            self.officers[mandate.unit.path].append(mandate.person)

    def of(self, unit: Unit) -> list[Assignee]:
        for path in _paths_up(unit.path):
            if self.assigned.get(path):
                return self.assigned[path]
        for path in _paths_up(unit.path):
            if self.officers.get(path):
                return self.officers[path]
        return []


def evaluate(
    directive: Directive, scope: Unit | None = None, *, today: date | None = None, as_of: datetime | None = None
) -> list[Item]:
    """Every (requirement, unit) item of the directive inside scope, with its status on `today`.

    With `as_of`, units and groups are taken as they stood then (for back-filled progress).
    """
    scope = scope or directive.unit
    if not scope.path.startswith(directive.unit.path):
        scope = directive.unit if directive.unit.path.startswith(scope.path) else None
        if scope is None:
            return []
    today = today or (timezone.localdate(as_of) if as_of else timezone.localdate())
    responsibles = Responsibles(scope)
    items = []
    units_of_level: dict[int, list[Unit]] = {}
    for requirement in directive.requirements.all():
        if requirement.level not in units_of_level:
            units = Unit.objects.filter(path__startswith=scope.path, tier=requirement.level).order_by("path")
            if as_of is not None:
                units = units.filter(created_at__lte=as_of)
            units_of_level[requirement.level] = list(units.select_related("parent"))
        groups = CommunityGroup.objects.filter(
            is_active=True, kind=requirement.group_kind, unit__path__startswith=scope.path
        )
        if as_of is not None:
            groups = groups.filter(created_at__lte=as_of)
        group_paths = sorted(groups.values_list("unit__path", flat=True))
        for unit in units_of_level[requirement.level]:
            due = due_date(directive, unit)
            if _has_prefix(group_paths, unit.path):
                status = Status.MET
            elif today > due:
                status = Status.OVERDUE
            else:
                status = Status.MISSING
            items.append(Item(requirement, unit, status, due, responsibles.of(unit)))
    return items


def commune_path_of(unit_path: str, communes: dict[str, Unit]) -> str | None:
    for path in _paths_up(unit_path):
        if path in communes:
            return path
    return None


@dataclass
class Row:
    """One line of the compliance matrix: a unit below the scope, a tally per requirement."""

    unit: Unit
    cells: list[Tally]
    responsible: list[Assignee]

    @property
    def overall(self) -> Tally:
        total = Tally()
        for cell in self.cells:
            total.total += cell.total
            total.met += cell.met
            total.overdue += cell.overdue
        return total


def matrix(directive: Directive, scope: Unit, items: list[Item]) -> list[Row]:
    """Tallies per child of the scope (communes for a province, hamlets for a commune) and requirement."""
    requirements = list(directive.requirements.all())
    children = {unit.path: unit for unit in scope.children.order_by("name")}
    if not children:
        children = {scope.path: scope}
    responsibles = Responsibles(scope)
    cells: dict[str, dict[int, Tally]] = {path: defaultdict(Tally) for path in children}
    for item in items:
        path = commune_path_of(item.unit.path, children)
        if path is None:  # an item on the scope itself, listed apart by scope_items()
            continue
        cells[path][item.requirement.pk].add(item.status)
    rows = [
        Row(unit, [cells[path][req.pk] for req in requirements], responsibles.of(unit))
        for path, unit in children.items()
        if any(cells[path][req.pk].total for req in requirements)
    ]
    return rows


def scope_items(items: list[Item], scope: Unit) -> list[Item]:
    """Items on the scope unit itself (e.g. the commune's thematic groups seen from the commune)."""
    return [item for item in items if item.unit.pk == scope.pk]


def tallies(directive: Directive, items: list[Item]) -> list[tuple[Requirement, Tally]]:
    by_requirement: dict[int, Tally] = defaultdict(Tally)
    for item in items:
        by_requirement[item.requirement.pk].add(item.status)
    return [(req, by_requirement[req.pk]) for req in directive.requirements.all()]


def communes_of(scope: Unit) -> dict[str, Unit]:
    if scope.tier == Tier.COMMUNE:
        return {scope.path: scope}
    return {unit.path: unit for unit in Unit.objects.filter(path__startswith=scope.path, tier=Tier.COMMUNE)}


def province_of(unit: Unit) -> Unit:
    """The root of the unit's tree (its province): the unit whose counters a rollup recomputes."""
    return Unit.objects.filter(code=unit.ancestor_codes()[0]).first() or unit
