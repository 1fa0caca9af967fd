"""The reports metric provider: reports received, their status, deadlines and handling times.

Counts are one grouped query each over the root's reports. Medians and 90th percentiles are computed
by PostgreSQL (percentile_cont, one grouped query per level of units); on SQLite they stream the handling
timestamps of the root's reports once (one query, only the columns needed) and keep one compact
array of seconds per unit and measure. The reporter's identity never enters a counter.
"""

from array import array
from collections.abc import Mapping
from datetime import date, datetime
from itertools import pairwise
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from duty.queries import units_without_duty
from places.models import Tier, Unit
from reports.categories import CASE_KINDS, CATEGORIES, LOST_FOUND_KINDS, Kind
from reports.models import Report, UrgentAlert
from reports.workflow import OPEN_STATUSES, Status
from steering.metrics import (
    Chart,
    Figure,
    History,
    Listing,
    MetricProvider,
    Notice,
    Timing,
    Values,
    add_to_ancestors,
    prefixes,
)

# Notable cases listed in a periodic report; the rest are counted ("and N more").
NOTABLE_LIMIT = 20

# Durations, stored in seconds: (metric, start field, end field, kinds it applies to, percentile).
# The response times of dispatch (tip → the people sent acknowledge, are on scene, record the
# outcome) keep the median and the 90th percentile: a few slow answers matter there.
DURATIONS = (
    ("reports.ack_median_s", "received_at", "acknowledged_at", None, 0.5),
    ("reports.resolve_median_s", "received_at", "closed_at", CASE_KINDS, 0.5),
    ("reports.forward_median_s", "received_at", "forwarded_at", CASE_KINDS, 0.5),
    ("reports.lost_found.return_median_s", "received_at", "returned_at", LOST_FOUND_KINDS, 0.5),
    ("reports.response.ack_median_s", "received_at", "dispatch_acknowledged_at", None, 0.5),
    ("reports.response.ack_p90_s", "received_at", "dispatch_acknowledged_at", None, 0.9),
    ("reports.response.on_scene_median_s", "received_at", "on_scene_at", None, 0.5),
    ("reports.response.on_scene_p90_s", "received_at", "on_scene_at", None, 0.9),
    ("reports.response.outcome_median_s", "received_at", "outcome_at", None, 0.5),
    ("reports.response.outcome_p90_s", "received_at", "outcome_at", None, 0.9),
)

# (label, metric prefix) of the response times shown on dashboards, in minutes.
RESPONSES = (
    (_("Tip → dispatch acknowledged"), "reports.response.ack"),
    (_("Tip → on scene"), "reports.response.on_scene"),
    (_("Tip → outcome recorded"), "reports.response.outcome"),
)

STAMPS = (
    "received_at",
    "acknowledged_at",
    "closed_at",
    "forwarded_at",
    "returned_at",
    "dispatch_acknowledged_at",
    "on_scene_at",
    "outcome_at",
)

# The filtered counts of measure(), in the order of its annotations.
COUNTED = (
    "reports.open",
    "reports.overdue",
    "reports.overdue.forward",
    "reports.overdue.decision",
    "reports.forwarded",
    "reports.lost_found.returned",
    "reports.dispatched",
)


def open_at_q(moment: datetime | None) -> Q:
    """Reports still open: by their status now, by their timestamps at a past moment."""
    if moment is None:
        return Q(status__in=OPEN_STATUSES)
    return (
        Q(received_at__lte=moment)
        & (Q(closed_at__isnull=True) | Q(closed_at__gt=moment))
        & (Q(forwarded_at__isnull=True) | Q(forwarded_at__gt=moment))
    )


def forward_overdue_q(moment: datetime) -> Q:
    return Q(forward_due_at__lt=moment) & (Q(forwarded_at__isnull=True) | Q(forwarded_at__gt=moment))


def decision_overdue_q(moment: datetime) -> Q:
    return Q(decision_due_at__lt=moment)


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: at 0.5 the median, interpolated between the two middle values as
    statistics.median does; `percentile` below computes the same on SQLite."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def percentile(values: array, fraction: float) -> float:
    """percentile_cont over the values: linear interpolation between the two nearest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Seconds(Func):
    """Whole seconds from start to end, never negative (as the streamed medians count them)."""

    template = "GREATEST(0, ROUND(EXTRACT(EPOCH FROM (%(expressions)s))))"
    arg_joiner = " - "
    output_field = FloatField()


class PathPrefix(Func):
    """The path of a unit's ancestor `depth` levels from the top; NULL for a unit above that level."""

    output_field = CharField()

    def __init__(self, path, depth: int):
        super().__init__(path, Value(rf"^(([^/]+/){{{int(depth)}}})"))

    template = "(regexp_match(%(expressions)s))[1]"


def flag(condition: Q) -> Case:
    """1 when the condition holds, else 0 (never NULL, so it sorts and sums the same on every database)."""
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def place_name(unit: Unit) -> str:
    """A residential group's name says little alone ("Tổ 1"): add its hamlet's."""
    if unit.tier > Tier.HAMLET and unit.parent is not None:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


def notable_cases(root: Unit, start: datetime, end: datetime | None) -> Listing:
    """Reports received in the period that, by its end, had an urgent alert raised on them, were forwarded
    to the investigation agency, or were still open past a legal deadline (docs/steering.md)."""
    moment = end or timezone.now()
    open_q = open_at_q(end)
    reports = (
        Report.objects.filter(
            unit__path__startswith=root.path, merged_into__isnull=True, received_at__gte=start, received_at__lte=moment
        )
        .annotate(
            alerted=Exists(UrgentAlert.objects.filter(report=OuterRef("pk"), raised_at__lte=moment)),
            forwarded=flag(Q(forwarded_at__lte=moment)),
            overdue=flag(open_q & (forward_overdue_q(moment) | decision_overdue_q(moment))),
        )
        .filter(Q(alerted=True) | Q(forwarded=1) | Q(overdue=1))
    )
    total = reports.count()
    rows = []
    statuses = dict(Status.choices)
    for report in reports.select_related("unit__parent").order_by(
        "-alerted", "-forwarded", "-overdue", "received_at", "id"
    )[:NOTABLE_LIMIT]:
        reasons = [
            label
            for present, label in (
                (report.alerted, str(_("urgent alert raised"))),
                (report.forwarded, str(_("forwarded for investigation"))),
                (report.overdue, str(_("overdue"))),
            )
            if present
        ]
        rows.append(
            [
                report.receipt_code,
                date_format(timezone.localtime(report.received_at), "SHORT_DATE_FORMAT"),
                f"{Kind(report.kind).label} — {report.category_name}",
                place_name(report.unit),
                str(statuses.get(report.status, report.status)),
                ", ".join(reasons),
                outcome(report, moment),
            ]
        )
    return Listing(
        str(_("Notable cases")),
        str(
            _(
                "Reports received in the period that had an urgent alert, were forwarded to the investigation agency "
                "or were overdue at the end of the period; the reporter is never named. Status as of today."
            )
        ),
        [
            str(_("Receipt code")),
            str(_("Received on")),
            str(_("Kind")),
            str(_("Place")),
            str(_("Status")),
            str(_("Why listed")),
            str(_("Outcome")),
        ],
        rows,
        total,
    )


def outcome(report: Report, moment: datetime) -> str:
    def day(at: datetime) -> str:
        return date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")

    if report.forwarded_at and report.forwarded_at <= moment:
        return str(_("Forwarded to %(agency)s on %(date)s")) % {
            "agency": report.forwarded_to or str(_("the investigation agency")),
            "date": day(report.forwarded_at),
        }
    if report.returned_at and report.returned_at <= moment:
        return str(_("Returned to its owner on %(date)s")) % {"date": day(report.returned_at)}
    if report.closed_at and report.closed_at <= moment:
        return str(_("Closed on %(date)s")) % {"date": day(report.closed_at)}
    dues = [due for due in (report.forward_due_at, report.decision_due_at) if due and due < moment]
    if dues:
        return str(_("Overdue since %(date)s")) % {"date": day(min(dues))}
    if report.acknowledged_at and report.acknowledged_at <= moment:
        return str(_("Being handled"))
    return str(_("Not acknowledged yet"))


def minutes(seconds: int | None) -> int | None:
    return None if seconds is None else round(seconds / 60)


def hours(seconds: int | None) -> float | None:
    return round(seconds / 3600, 1) if seconds else None


class ReportsProvider(MetricProvider):
    slug = "reports"
    title = _("Reports received and handled")
    history_metrics = ("reports.received", "reports.ack_median_s")
    summary_metrics = ("reports.received", "reports.open", "reports.overdue")

    def measure(self, root: Unit, units: list[Unit], as_of: datetime | None) -> Values:
        measured = {unit.path for unit in units}
        moment = as_of or timezone.now()
        reports = Report.objects.filter(unit__path__startswith=root.path)
        if as_of is not None:
            reports = reports.filter(received_at__lte=as_of)
        values: Values = {}
        open_q = open_at_q(as_of)
        rows = (
            reports.values_list("unit__path", "kind", "category", "status")
            .annotate(
                n=Count("id"),
                open=Count("id", filter=open_q),
                overdue=Count("id", filter=open_q & (forward_overdue_q(moment) | decision_overdue_q(moment))),
                overdue_forward=Count("id", filter=open_q & forward_overdue_q(moment)),
                overdue_decision=Count("id", filter=open_q & decision_overdue_q(moment)),
                forwarded=Count("id", filter=Q(forwarded_at__isnull=False, forwarded_at__lte=moment)),
                returned=Count("id", filter=Q(returned_at__isnull=False, returned_at__lte=moment)),
                dispatched=Count("id", filter=Q(dispatched_at__isnull=False, dispatched_at__lte=moment)),
            )
            .order_by()
        )
        for path, kind, category, status, n, *counts in rows:
            found = {
                "reports.received": n,
                f"reports.received.kind.{kind}": n,
                f"reports.received.category.{category}": n,
                f"reports.status.{status}": n,
                **dict(zip(COUNTED, counts, strict=True)),
            }
            for metric, amount in found.items():
                if amount:
                    add_to_ancestors(values, path, measured, metric, amount)
        values.update(self.medians(reports, measured, moment))
        return values

    def medians(self, reports, measured: set[str], moment: datetime) -> Values:
        if connection.vendor == "postgresql":
            return self.medians_in_database(reports, measured, moment)
        return self.streamed_medians(reports, measured, moment)

    def medians_in_database(self, reports, measured: set[str], moment: datetime) -> Values:
        """Seconds per unit and measure, by percentile_cont: one grouped query per level of units."""
        values: Values = {}
        depths = sorted({path.count("/") for path in measured})
        for depth in depths:
            aggregates = {}
            for metric, start_field, end_field, kinds, fraction in DURATIONS:
                condition = Q(**{f"{end_field}__lte": moment})
                if kinds is not None:
                    condition &= Q(kind__in=[str(kind) for kind in kinds])
                aggregates[metric] = Percentile(Seconds(F(end_field), F(start_field)), fraction, filter=condition)
            rows = (
                reports.annotate(level=PathPrefix(F("unit__path"), depth))
                .values("level")
                .annotate(**aggregates)
                .order_by()
            )
            for row in rows:
                if row["level"] not in measured:
                    continue
                for metric, *_fields in DURATIONS:
                    if row[metric] is not None:
                        values[(row["level"], metric)] = round(row[metric])
        return values

    def streamed_medians(self, reports, measured: set[str], moment: datetime) -> Values:
        """Seconds per unit and measure, from one streamed query over the handled reports.

        Samples are kept once per unit and end timestamp; the median and the 90th percentile of a
        measure are read from the same array."""
        samples: dict[tuple[str, str], array] = {}
        measures = {end_field: (start_field, kinds) for _metric, start_field, end_field, kinds, _f in DURATIONS}
        handled = reports.filter(
            Q(acknowledged_at__lte=moment)
            | Q(closed_at__lte=moment)
            | Q(forwarded_at__lte=moment)
            | Q(dispatch_acknowledged_at__lte=moment)
        ).values_list("unit__path", "kind", *STAMPS)
        for path, kind, *stamps in handled.order_by().iterator(chunk_size=20000):
            moments = dict(zip(STAMPS, stamps, strict=True))
            for end_field, (start_field, kinds) in measures.items():
                end, start = moments[end_field], moments[start_field]
                if end is None or end > moment or (kinds is not None and kind not in kinds):
                    continue
                seconds = max(0, round((end - start).total_seconds()))
                for prefix in prefixes(path):
                    if prefix in measured:
                        samples.setdefault((prefix, end_field), array("q")).append(seconds)
        values: Values = {}
        for (prefix, end_field), seconds in samples.items():
            for metric, _start, metric_end, _kinds, fraction in DURATIONS:
                if metric_end == end_field:
                    values[(prefix, metric)] = round(
                        median(seconds) if fraction == 0.5 else percentile(seconds, fraction)
                    )
        return values

    def summary(self, values: Mapping[str, int]) -> list[Figure]:
        return [
            Figure("reports.received", _("Reports received"), values.get("reports.received", 0), short=_("Reports")),
            Figure("reports.open", _("Reports open"), values.get("reports.open", 0), short=_("Still open")),
            Figure("reports.overdue", _("Reports overdue"), values.get("reports.overdue", 0), short=_("Overdue")),
        ]

    def notices(self, unit: Unit) -> list[Notice]:
        """Police units here keeping a roster with nobody on duty now: their reports go to the chief."""
        return [
            Notice(
                _("Nobody is on duty at %(name)s right now: new reports go straight to the chief.")
                % {"name": police_unit.name},
                reverse("duty:roster", args=[police_unit.code]),
                _("Duty roster"),
            )
            for police_unit in units_without_duty([unit.path])
        ]

    def timings(self, values: Mapping[str, int]) -> list[Timing]:
        if not values.get("reports.dispatched"):
            return []
        return [
            Timing(label, values.get(f"{metric}_median_s"), values.get(f"{metric}_p90_s"), metric)
            for label, metric in RESPONSES
        ]

    def details(self, values: Mapping[str, int]) -> list[Figure]:
        figures = [
            Figure(f"reports.received.kind.{kind}", label, values.get(f"reports.received.kind.{kind}", 0))
            for kind, label in Kind.choices
        ]
        figures += [
            Figure(f"reports.status.{status}", label, values.get(f"reports.status.{status}", 0))
            for status, label in Status.choices
        ]
        figures += [
            Figure(f"reports.received.category.{c.code}", c.name, values.get(f"reports.received.category.{c.code}", 0))
            for c in CATEGORIES
        ]
        figures += [
            Figure(
                "reports.ack_median_h",
                _("Median hours to acknowledge"),
                hours(values.get("reports.ack_median_s")),
            ),
            Figure("reports.forwarded", _("Forwarded to the investigation agency"), values.get("reports.forwarded", 0)),
            Figure(
                "reports.overdue.forward",
                _("Overdue for forwarding"),
                values.get("reports.overdue.forward", 0),
            ),
            Figure(
                "reports.overdue.decision",
                _("Overdue for the verification decision"),
                values.get("reports.overdue.decision", 0),
            ),
            Figure(
                "reports.resolve_median_h",
                _("Median hours to resolve"),
                hours(values.get("reports.resolve_median_s")),
            ),
            Figure(
                "reports.forward_median_h",
                _("Median hours to forward"),
                hours(values.get("reports.forward_median_s")),
            ),
            Figure(
                "reports.dispatched", _("Reports an officer or patrol was sent to"), values.get("reports.dispatched", 0)
            ),
            *(
                Figure(f"{metric}_{which}_min", f"{label} ({name})", minutes(values.get(f"{metric}_{which}_s")))
                for label, metric in RESPONSES
                for which, name in (("median", _("median, minutes")), ("p90", _("90th percentile, minutes")))
            ),
            Figure(
                "reports.lost_found.returned",
                _("Lost items returned to their owners"),
                values.get("reports.lost_found.returned", 0),
            ),
            Figure(
                "reports.lost_found.return_median_h",
                _("Median hours to return a lost item"),
                hours(values.get("reports.lost_found.return_median_s")),
            ),
        ]
        return figures

    def listings(self, root: Unit, start: datetime, end: datetime | None) -> list[Listing]:
        return [notable_cases(root, start, end)]

    def charts(self, history: History, latest: Mapping[str, int]) -> list[Chart]:
        by_kind = [(str(label), latest.get(f"reports.received.kind.{kind}", 0)) for kind, label in Kind.choices]
        by_status = [(str(label), latest.get(f"reports.status.{status}", 0)) for status, label in Status.choices]
        received = history.series("reports.received")
        per_day: list[tuple[date, float]] = [
            (day, max(0, value - previous)) for (_day, previous), (day, value) in pairwise(received)
        ]
        ack = [(day, round(value / 3600, 1)) for day, value in history.series("reports.ack_median_s") if value]
        return [
            Chart("reports_by_kind", str(_("Reports by kind")), "bars", bars=[bar for bar in by_kind if bar[1]]),
            Chart("reports_by_status", str(_("Reports by status")), "bars", bars=[bar for bar in by_status if bar[1]]),
            Chart("reports_per_day", str(_("Reports received per day")), "line", series=[(str(_("Reports")), per_day)]),
            Chart(
                "reports_ack",
                str(_("Median hours to acknowledge")),
                "line",
                series=[(str(_("Hours")), ack)],
            ),
        ]
