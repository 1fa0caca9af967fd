"""What a dashboard shows, read from the stored counters and snapshots in a handful of indexed queries.

Nothing here counts members, households or reports: the rollup task did (steering/actions.py),
so a province dashboard costs the same with a thousand members or a million (docs/benchmarks.md).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from places.models import Tier, Unit
from steering import charts, metrics
from steering.compliance import Tally, province_of
from steering.models import ComplianceSnapshot, Counter, Directive, RollupRun
from steering.templatetags.steering import shown

HISTORY_DAYS = 180


@dataclass
class ChildRow:
    unit: Unit
    figures: list[metrics.Figure]


@dataclass
class DirectiveProgress:
    directive: Directive
    tally: Tally
    series: list[tuple[date, float]]
    chart: str = ""


@dataclass
class Dashboard:
    unit: Unit
    day: date | None
    as_of: RollupRun | None
    cards: list[metrics.Figure] = field(default_factory=list)
    timings: list[metrics.Timing] = field(default_factory=list)
    notices: list[metrics.Notice] = field(default_factory=list)
    charts: list[tuple[metrics.Chart, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    empty_children: list[Unit] = field(default_factory=list)
    children_rows: str = ""  # the table body, rendered once in Python: a province has a hundred communes
    directives: list[DirectiveProgress] = field(default_factory=list)

    @property
    def child_count(self) -> int:
        return len(self.children) + len(self.empty_children)


def directives_for(unit: Unit) -> list[Directive]:
    """Active directives that apply in the unit: issued for it, above it, or for a unit inside it."""
    above = Q(unit__code__in=unit.ancestor_codes())
    inside = Q(unit__path__startswith=unit.path)
    return list(
        Directive.objects.filter(above | inside, withdrawn_at__isnull=True).select_related("unit").order_by("deadline")
    )


def directive_progress(directive: Directive, unit: Unit) -> DirectiveProgress:
    """Compliance in the unit's part of the directive from the daily snapshots: latest tally and % met over time."""
    scope = unit if unit.path.startswith(directive.unit.path) else directive.unit
    snapshots = ComplianceSnapshot.objects.filter(requirement__directive=directive)
    if scope.tier == Tier.COMMUNE:
        snapshots = snapshots.filter(commune=scope)
    elif scope.tier < Tier.COMMUNE:
        snapshots = snapshots.filter(commune__path__startswith=scope.path)
    per_day = list(
        snapshots.values("day").annotate(total=Sum("total"), met=Sum("met"), overdue=Sum("overdue")).order_by("day")
    )
    tally = Tally()
    if per_day:
        last = per_day[-1]
        tally = Tally(total=last["total"], met=last["met"], overdue=last["overdue"])
    series = [(row["day"], round(100 * row["met"] / row["total"], 1)) for row in per_day if row["total"]]
    return DirectiveProgress(directive, tally, series)


def children_rows(unit: Unit, rows: list[ChildRow]) -> SafeString:
    """`<tr>`s of the units below, a link each: one reverse() for the table, every text escaped
    with the standard library's `html.escape` (what Django's `escape` calls, without its lazy
    wrapper, which was most of the time of a province's thousand cells)."""
    view = "steering:dashboard" if unit.tier < Tier.COMMUNE else "coverage:unit"
    link = reverse(view, args=["CODE"])
    html = []
    for row in rows:
        cells = "".join(f"<td>{escape(str(shown(figure)))}</td>" for figure in row.figures)
        href = escape(link.replace("CODE", row.unit.code))
        html.append(f'<tr><td><a href="{href}">{escape(row.unit.name)}</a></td>{cells}</tr>')
    return mark_safe("".join(html))  # noqa: S308 — every text above is escaped


def build(unit: Unit) -> Dashboard:
    latest_day = Counter.objects.filter(unit=unit).aggregate(day=Max("day"))["day"]
    dashboard = Dashboard(unit=unit, day=latest_day, as_of=RollupRun.objects.filter(unit=province_of(unit)).first())
    providers = metrics.providers()
    latest: dict[str, int] = {}
    history = metrics.History([])
    if latest_day is not None:
        # Every metric of the latest day (cards, bars); the past days only of what is charted over time.
        over_time = {metric for provider in providers for metric in provider.history_metrics}
        past = Q(day__gte=latest_day - timedelta(days=HISTORY_DAYS), day__lt=latest_day, metric__in=over_time)
        rows = Counter.objects.filter(Q(day=latest_day) | past, unit=unit).values_list("day", "metric", "value")
        history = metrics.History(rows, over_time)
        latest = {metric: values[latest_day] for metric, values in history.by_metric.items() if latest_day in values}
    for provider in providers:
        dashboard.cards += provider.summary(latest)
        dashboard.timings += provider.timings(latest)
        dashboard.notices += provider.notices(unit)
        for chart in provider.charts(history, latest):
            dashboard.charts.append((chart, charts.render(chart)))

    children = list(unit.children.order_by("name")) if unit.tier < Tier.HAMLET else []
    per_child: dict[int, dict[str, int]] = defaultdict(dict)
    shown = {metric for provider in providers for metric in provider.summary_metrics}
    if children and latest_day is not None:
        # Only what the table shows: a province's hundred communes have some 60 metrics each.
        counters = Counter.objects.filter(unit__parent=unit, day=latest_day, metric__in=shown)
        for unit_id, metric, value in counters.values_list("unit_id", "metric", "value"):
            per_child[unit_id][metric] = value
    for child in children:
        if not per_child[child.pk]:  # a commune that has not started: named once, not a row of zeros
            dashboard.empty_children.append(child)
            continue
        values = metrics.Declared(per_child[child.pk], shown)
        figures = [figure for provider in providers for figure in provider.summary(values)]
        dashboard.children.append(ChildRow(child, figures))
    if dashboard.children:
        dashboard.columns = [figure.heading for figure in dashboard.children[0].figures]
        dashboard.children_rows = children_rows(unit, dashboard.children)

    for directive in directives_for(unit):
        progress = directive_progress(directive, unit)
        chart = metrics.Chart("directive", directive.title, "line", series=[("%", progress.series)], percent=True)
        progress.chart = charts.render(chart)
        dashboard.directives.append(progress)
    return dashboard
