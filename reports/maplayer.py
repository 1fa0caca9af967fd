"""The reports layer of the steering map (docs/steering.md, "Map").

A point is a located report the viewer could open from their queue (`queue_q`: police see every
kind in their units, the steering committee lost & found posts), so the map never shows a case to
someone the case page would refuse. A point says what kind of report it is, its receipt code and
status, and links to the case page; never who reported it or what they wrote.
"""

from collections.abc import Mapping
from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Person
from places.models import Unit
from reports.categories import BY_CODE, Kind
from reports.metrics import decision_overdue_q, forward_overdue_q
from reports.models import Report
from reports.permissions import queue_q
from reports.workflow import OPEN_STATUSES, Status
from steering.mapdata import LegendEntry, MapFilter, MapLayer, Point, Points

# The most recent reports drawn; the map says how many matched in all. Enough for a province's
# quarter, few enough for a phone to cluster quickly.
MAX_POINTS = 5000

PERIOD_DAYS = {"30": 30, "90": 90, "365": 365, "all": None}

COLOURS = {
    Kind.CRIME: "#c62828",
    Kind.SUSPICIOUS: "#ef6c00",
    Kind.PUBLIC_ORDER: "#6a1b9a",
    Kind.LOST: "#1565c0",
    Kind.FOUND: "#2e7d32",
}


class ReportsLayer(MapLayer):
    key = "reports"
    title = _("Reports")

    def filters(self) -> list[MapFilter]:
        return [
            MapFilter(
                "period",
                _("Received"),
                [
                    ("30", _("in the last 30 days")),
                    ("90", _("in the last 90 days")),
                    ("365", _("in the last 12 months")),
                    ("all", _("at any time")),
                ],
                default="90",
            ),
            MapFilter("kind", _("Kind"), [("", _("All kinds")), *Kind.choices]),
            MapFilter(
                "status",
                _("Status"),
                [("", _("Any status")), ("open", _("Still open")), ("overdue", _("Overdue")), *Status.choices],
            ),
        ]

    def legend(self) -> list[LegendEntry]:
        return [LegendEntry(kind, label, COLOURS[Kind(kind)]) for kind, label in Kind.choices]

    def matching(self, unit: Unit, viewer: Person, params: Mapping[str, str]):
        chosen = {f.name: f.value(params) for f in self.filters()}
        now = timezone.now()
        reports = Report.objects.filter(queue_q(viewer), unit__path__startswith=unit.path, merged_into__isnull=True)
        days = PERIOD_DAYS[chosen["period"]]
        if days is not None:
            reports = reports.filter(received_at__gte=now - timedelta(days=days))
        if chosen["kind"]:
            reports = reports.filter(kind=chosen["kind"])
        status = chosen["status"]
        if status == "open":
            reports = reports.filter(status__in=list(OPEN_STATUSES))
        elif status == "overdue":
            reports = reports.filter(forward_overdue_q(now) | decision_overdue_q(now), status__in=list(OPEN_STATUSES))
        elif status:
            reports = reports.filter(status=status)
        return reports

    def points(self, unit: Unit, viewer: Person, params: Mapping[str, str]) -> Points:
        reports = self.matching(unit, viewer, params)
        located = Q(latitude__isnull=False, longitude__isnull=False)
        counts = reports.aggregate(total=Count("id", filter=located), unlocated=Count("id", filter=~located))
        if not counts["total"]:
            return Points([], 0, counts["unlocated"])
        rows = (
            reports.filter(located)
            .order_by("-received_at", "-id")
            .values_list("receipt_code", "kind", "category", "status", "latitude", "longitude")[:MAX_POINTS]
        )
        # Labels translated and the link reversed once, not per point: a province shows thousands.
        names = {code: str(category.name) for code, category in BY_CODE.items()}
        statuses = {value: str(label) for value, label in Status.choices}
        case_url = reverse("reports:staff_detail", args=["CODE"])
        items = [
            Point(
                float(latitude),
                float(longitude),
                f"{names.get(category, category)} · {code} · {statuses.get(status, status)}",
                case_url.replace("CODE", code),
                kind,
            )
            for code, kind, category, status, latitude, longitude in rows
        ]
        return Points(items, counts["total"], counts["unlocated"])
