"""Metric providers: the figures behind dashboards, rollups and periodic reports.

Each provider measures its counters for a root unit and the units under it (set-based, a few
queries however large the province), and says how to show them: summary figures, details and
charts. The rollup task stores what `measure` returns as `Counter` rows; dashboards read those
rows; periodic reports call `measure` for the start and end of the period. Reports and bulletins
plug in by registering one more provider from their app's `ready()` (docs/steering.md).
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from coverage.reach import GroupCounts, coverage_by_residential_group, reached_directly_q, with_declarations
from groups.models import CommunityGroup, GroupKind, Membership, MembershipStatus
from people.models import Household, Person
from places.models import Tier, Unit

Values = dict[tuple[str, str], int]  # (unit path, metric) -> value


@dataclass(frozen=True)
class Figure:
    metric: str
    label: "str | StrPromise"
    value: float | int | None
    percent: bool = False
    short: "str | StrPromise" = ""  # a column heading for tables; the label when empty
    missing: "str | StrPromise" = ""  # said instead of "—" when the value is unknown (e.g. "not declared")

    @property
    def heading(self) -> str:
        return str(self.short or self.label)


@dataclass(frozen=True)
class Timing:
    """A response time shown on dashboards: median and 90th percentile, in seconds, over `count` cases."""

    label: "str | StrPromise"
    median_s: int | None
    p90_s: int | None
    metric: str = ""

    @property
    def median_min(self) -> int | None:
        return None if self.median_s is None else round(self.median_s / 60)

    @property
    def p90_min(self) -> int | None:
        return None if self.p90_s is None else round(self.p90_s / 60)


@dataclass
class Chart:
    """A chart the dashboard draws as SVG: lines over days, or horizontal bars."""

    key: str
    title: str
    kind: str  # "line" or "bars"
    series: list[tuple[str, list[tuple[date, float]]]] = field(default_factory=list)
    bars: list[tuple[str, float]] = field(default_factory=list)
    percent: bool = False


@dataclass
class Listing:
    """Rows a provider lists in the periodic report (e.g. notable cases): capped, with the total."""

    title: str
    rule: str  # how the rows were chosen, printed under the title
    columns: list[str]
    rows: list[list[str]]
    total: int
    widths: tuple[int, ...] = ()  # relative column widths; empty for the seven columns of a case list

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


class History:
    """Stored counters of one unit over a range of days, read in one query by the dashboard.

    `over_time`: the metrics read for every day (the providers' `history_metrics`); the others
    were read for the latest day only, and asking for their series raises `Undeclared`.
    """

    def __init__(self, rows: Iterable[tuple[date, str, int]], over_time: Collection[str] | None = None):
        self.by_metric: dict[str, dict[date, int]] = defaultdict(dict)
        self.days: set[date] = set()
        self.over_time = over_time
        for day, metric, value in rows:
            self.by_metric[metric][day] = value
            self.days.add(day)

    def _values(self, metric: str) -> dict[date, int]:
        if self.over_time is not None and metric not in self.over_time:
            raise Undeclared(f"{metric!r} is charted over time but is not in its provider's history_metrics")
        return self.by_metric.get(metric, {})

    def series(self, metric: str) -> list[tuple[date, float]]:
        values = self._values(metric)
        return [(day, values.get(day, 0)) for day in sorted(self.days)]

    def ratio_series(self, numerator: str, denominator: str) -> list[tuple[date, float]]:
        top, bottom = self._values(numerator), self._values(denominator)
        return [(day, round(100 * top.get(day, 0) / bottom[day], 1)) for day in sorted(self.days) if bottom.get(day)]


class Undeclared(LookupError):
    """A provider read a metric it did not declare (`history_metrics`, `summary_metrics`)."""


class Declared(Mapping[str, int]):
    """A unit's counters read only for the `declared` metrics: reading another raises
    `Undeclared` (which `.get` does not swallow), so a missing declaration fails in the tests
    rather than showing a silent 0."""

    def __init__(self, counters: Mapping[str, int], declared: Collection[str]):
        self.counters, self.declared = counters, declared

    def __getitem__(self, metric: str) -> int:
        if metric not in self.declared:
            raise Undeclared(f"{metric!r} is read by a summary but is not in its provider's summary_metrics")
        return self.counters[metric]

    def __iter__(self) -> Iterator[str]:
        return iter(self.counters)

    def __len__(self) -> int:
        return len(self.counters)


def prefixes(path: str) -> list[str]:
    """The paths of a unit and of each of its ancestors, from the root down."""
    parts = path.rstrip("/").split("/")
    return ["/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


def add_to_ancestors(values: Values, path: str, measured: set[str], metric: str, amount: int) -> None:
    """Add an amount found at a unit path to every measured unit on the way up to the root."""
    for prefix in prefixes(path):
        if prefix in measured:
            values[(prefix, metric)] = values.get((prefix, metric), 0) + amount


@dataclass(frozen=True)
class Notice:
    """A live warning on the dashboard, e.g. a police unit with nobody on duty."""

    text: "str | StrPromise"
    link: str = ""
    link_text: "str | StrPromise" = ""


class MetricProvider:
    slug = ""
    title: "str | StrPromise" = ""
    # The metrics `charts` draws over time: the dashboard reads these for its 180 days and every
    # other metric for the latest day only (a province has about 60 metrics a day).
    history_metrics: tuple[str, ...] = ()
    # The metrics `summary` reads: all the dashboard reads of each unit in its table of units.
    summary_metrics: tuple[str, ...] = ()

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        """Counters of each unit (all under root) at as_of; None means now, by the live definitions."""
        raise NotImplementedError

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        """The headline figures, for cards, tables of units and periodic reports."""
        return []

    def details(self, values: Mapping[str, int]) -> list[Figure]:
        """Further figures for the periodic report (e.g. groups by kind)."""
        return []

    def timings(self, values: Mapping[str, int]) -> list[Timing]:
        """Response times (median and 90th percentile) for the dashboard's table of times."""
        return []

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        return []

    def notices(self, unit: Unit) -> list[Notice]:
        """What needs someone's attention right now (live, not counted): shown above the cards."""
        return []

    def listings(self, root: Unit, start: datetime, end: datetime | None) -> list[Listing]:
        """Lists for the periodic report of the period from start to end (None: still running, until now)."""
        return []


class GroupsProvider(MetricProvider):
    slug = "groups"
    title = _("Groups")
    summary_metrics = ("groups.total",)

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        measured = {unit.path for unit in units}
        groups = CommunityGroup.objects.filter(is_active=True, unit__path__startswith=root.path)
        if as_of is not None:
            groups = groups.filter(created_at__lte=as_of)
        values: Values = {}
        for path, kind, count in groups.values_list("unit__path", "kind").annotate(n=Count("id")):
            add_to_ancestors(values, path, measured, "groups.total", count)
            add_to_ancestors(values, path, measured, f"groups.kind.{kind}", count)
        return values

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        return [Figure("groups.total", _("Groups"), values.get("groups.total", 0))]

    def details(self, values: Mapping[str, int]) -> list[Figure]:
        return [
            Figure(f"groups.kind.{kind}", label, values.get(f"groups.kind.{kind}", 0))
            for kind, label in GroupKind.choices
        ]

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        bars = [(str(label), latest.get(f"groups.kind.{kind}", 0)) for kind, label in GroupKind.choices]
        return [
            Chart("groups_by_kind", str(_("Groups by kind")), "bars", bars=[bar for bar in bars if bar[1]]),
        ]


def memberships_at(as_of: datetime | None):
    """Memberships active at a moment (now: the live status) in groups that are active."""
    memberships = Membership.objects.filter(group__is_active=True)
    if as_of is None:
        return memberships.filter(status=MembershipStatus.ACTIVE)
    return memberships.filter(Q(status=MembershipStatus.ACTIVE) | Q(ended_at__gt=as_of), joined_at__lte=as_of)


class MembersProvider(MetricProvider):
    """Distinct people with an active membership; a person in two groups counts once per unit."""

    slug = "members"
    title = _("Members")
    history_metrics = ("members.total", "groups.total")
    summary_metrics = ("members.total",)

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        memberships = memberships_at(as_of)
        measured = {unit.path for unit in units}
        values: Values = {}
        # Above the commune level one COUNT(DISTINCT) each; below, distinct sets per commune in Python,
        # so memory stays bounded by the largest commune.
        for unit in units:
            if unit.tier < Tier.COMMUNE:
                count = memberships.filter(group__unit__path__startswith=unit.path).values("person").distinct().count()
                values[(unit.path, "members.total")] = count
        # Only communes that have groups: a province where most communes have not started costs little.
        commune_paths = {unit.path for unit in units if unit.tier == Tier.COMMUNE}
        group_paths = CommunityGroup.objects.filter(unit__path__startswith=root.path).values_list(
            "unit__path", flat=True
        )
        with_groups = {
            prefix for path in group_paths.distinct() for prefix in prefixes(path) if prefix in commune_paths
        }
        communes = [unit for unit in units if unit.path in with_groups]
        if root.tier > Tier.COMMUNE:
            communes = [root]
        for commune in communes:
            people: dict[str, set[int]] = defaultdict(set)
            pairs = memberships.filter(group__unit__path__startswith=commune.path).values_list(
                "person_id", "group__unit__path"
            )
            for person_id, path in pairs.iterator(chunk_size=20000):
                parts = path.rstrip("/").split("/")
                for depth in range(commune.depth, len(parts) + 1):
                    prefix = "/".join(parts[:depth]) + "/"
                    if prefix in measured:
                        people[prefix].add(person_id)
            for prefix, persons in people.items():
                values[(prefix, "members.total")] = len(persons)
        return values

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        return [Figure("members.total", _("Members"), values.get("members.total", 0))]

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        return [
            Chart(
                "groups_members",
                str(_("Groups and members over time")),
                "line",
                series=[
                    (str(_("Members")), history.series("members.total")),
                    (str(_("Groups")), history.series("groups.total")),
                ],
            )
        ]


def _member_of_active_group_at(person_ref: str, as_of: datetime) -> Exists:
    return Exists(memberships_at(as_of).filter(person=OuterRef(person_ref)))


def coverage_at(root: Unit, as_of: datetime) -> GroupCounts:
    """coverage.reach's definition at a past moment: memberships as they were then, people and
    declared household totals as they are now."""
    direct = reached_directly_q() & Q(_member_of_active_group_at("pk", as_of))
    via_relay = (
        Q(has_smartphone=False) & reached_directly_q("relay__") & Q(_member_of_active_group_at("relay_id", as_of))
    )
    reachable = Person.objects.filter(direct | via_relay)
    rows = (
        Household.objects.filter(residential_group__path__startswith=root.path, registered_at__lte=as_of)
        .annotate(is_covered=Exists(reachable.filter(household=OuterRef("pk"))))
        .values("residential_group__path")
        .annotate(total=Count("id"), covered=Count("id", filter=Q(is_covered=True)))
    )
    return with_declarations(
        root, {row["residential_group__path"]: (row["total"], row["covered"]) for row in rows}, as_of
    )


class CoverageProvider(MetricProvider):
    """Households registered, reached and declared, by coverage.reach's definition (docs/coverage.md)."""

    slug = "coverage"
    title = _("Household coverage")
    history_metrics = ("coverage.covered_declared", "coverage.declared")
    summary_metrics = (
        "coverage.households",
        "coverage.covered",
        "coverage.declared",
        "coverage.covered_declared",
        "coverage.undeclared_groups",
    )

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        per_group = coverage_by_residential_group(root) if as_of is None else coverage_at(root, as_of)
        measured = {unit.path for unit in units}
        values: Values = {}
        for path, (total, covered, declared) in per_group.items():
            add_to_ancestors(values, path, measured, "coverage.households", total)
            add_to_ancestors(values, path, measured, "coverage.covered", covered)
            if declared is None:
                add_to_ancestors(values, path, measured, "coverage.undeclared_groups", 1)
            else:
                add_to_ancestors(values, path, measured, "coverage.declared", declared)
                add_to_ancestors(values, path, measured, "coverage.covered_declared", covered)
        return values

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        households, covered = values.get("coverage.households", 0), values.get("coverage.covered", 0)
        declared, covered_declared = values.get("coverage.declared", 0), values.get("coverage.covered_declared", 0)
        return [
            Figure("coverage.households", _("Households registered"), households, short=_("Households")),
            Figure("coverage.covered", _("Households reached"), covered, short=_("Reached")),
            Figure("coverage.declared", _("Households declared"), declared, short=_("Declared")),
            Figure(
                "coverage.percent",
                _("Coverage (reached / declared)"),
                round(100 * covered_declared / declared, 1) if declared else None,
                percent=True,
                short=_("Coverage"),
                missing=_("not declared") if values.get("coverage.undeclared_groups") else "",
            ),
            Figure(
                "coverage.undeclared_groups",
                _("Residential groups not declared"),
                values.get("coverage.undeclared_groups", 0),
                short=_("Not declared"),
            ),
        ]

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        return [
            Chart(
                "coverage",
                str(_("Household coverage over time")),
                "line",
                series=[(str(_("Coverage")), history.ratio_series("coverage.covered_declared", "coverage.declared"))],
                percent=True,
            )
        ]


_registry: dict[str, MetricProvider] = {}


def register(provider: MetricProvider) -> MetricProvider:
    """Add a provider; its slug prefixes its metric names ("reports.received", …)."""
    _registry[provider.slug] = provider
    return provider


def providers() -> list[MetricProvider]:
    return list(_registry.values())


for _provider in (GroupsProvider(), MembersProvider(), CoverageProvider()):
    register(_provider)
