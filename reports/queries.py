"""What the report pages and APIs read: the police queue, a case's history, duplicates, lost &
found matches, what a group's feed shows. Writes are in reports/actions/."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.actions import history
from core.text import fold
from groups.models import CommunityGroup
from people.models import Person
from places.models import Tier, Unit
from reports.forms import QueueFilterForm
from reports.helpers import area_path, similarity
from reports.history import describe, reason_text
from reports.matching import COMPATIBLE, Post, match_score
from reports.models import Reminder, Report, UrgentAlert, reports_filed_by, reports_made_by
from reports.permissions import queue_q
from reports.workflow import OPEN_STATUSES, Status

QUEUE_SHOWN = 200
REMINDERS_SHOWN = 20


# -- the police queue and a case -----------------------------------------------------------


def filtered_queue(person: Person, params) -> tuple[QueueFilterForm, list[Report]]:
    form = QueueFilterForm(params or None)
    reports = Report.objects.filter(queue_q(person), merged_into__isnull=True).select_related(
        "unit__parent", "assignee"
    )
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    if status == "":
        reports = reports.filter(status__in=list(OPEN_STATUSES))
    elif status != "all":
        reports = reports.filter(status=status)
    if data.get("category"):
        reports = reports.filter(category=data["category"])
    now = timezone.now()
    if data.get("due") == "overdue":
        reports = reports.filter(
            Q(decision_due_at__lt=now) | Q(forward_due_at__lt=now, forwarded_at__isnull=True),
            status__in=list(OPEN_STATUSES),
        )
    elif data.get("due") == "soon":
        soon = now + timedelta(days=3)
        reports = reports.filter(
            Q(decision_due_at__lt=soon) | Q(forward_due_at__lt=soon, forwarded_at__isnull=True),
            status__in=list(OPEN_STATUSES),
        )
    if data.get("assignee") == "me":
        reports = reports.filter(assignee=person)
    elif data.get("assignee") == "none":
        reports = reports.filter(assignee__isnull=True, patrol__isnull=True)
    for word in fold(data.get("q", "")).split():
        reports = reports.filter(search_text__contains=word)
    return form, list(reports.order_by("-received_at")[:QUEUE_SHOWN])


def queue_reminders(person: Person) -> QuerySet[Reminder]:
    """Open reminders on the person's queue: theirs, and those for nobody in particular."""
    return Reminder.objects.filter(
        Q(recipient=person) | Q(recipient__isnull=True, report__in=Report.objects.filter(queue_q(person))),
        dismissed_at__isnull=True,
        report__status__in=list(OPEN_STATUSES),
    ).select_related("report")[:REMINDERS_SHOWN]


def case_history(report: Report) -> list[dict]:
    """The case history; the reporter appears as "reporter", never by name (the name is behind
    the audited identity view)."""
    reporter_side = {report.reporter_pk} | ({report.filer_pk} if report.intake_channel == "relay" else set())
    rows = list(history(report).select_related("actor")[:100])
    assignees = {row.data.get("assignee") for row in rows if row.verb == "report.assigned"} - {None}
    names = dict(Person.objects.filter(pk__in=assignees).values_list("pk", "full_name")) if assignees else {}
    events = []
    for event in rows:
        # A confidential or anonymous reporter's messages are recorded without an actor, by side.
        by_reporter = (event.actor_id is not None and event.actor_id in reporter_side) or (
            event.actor_id is None and (event.data or {}).get("side") == "reporter"
        )
        actor = _("Reporter") if by_reporter else (event.actor.full_name if event.actor else "")
        events.append(
            {
                "at": event.at,
                "verb": event.verb,
                "text": describe(event.verb, event.data or {}, names),
                "actor": actor,
                "reason": reason_text(event.reason),
            }
        )
    return events


def own_reports(person: Person) -> QuerySet[Report]:
    """Reports the person made, or filed for a relative, newest first, each with its unseen updates."""
    made = reports_made_by(person.pk)
    has_reporter = Q(reporter__isnull=False) | ~Q(reporter_key="")
    reports = Report.objects.filter(made | (reports_filed_by(person.pk) & has_reporter)).select_related(
        "unit", "merged_into"
    )
    reports = reports.distinct().annotate(unseen=Count("updates", filter=Q(updates__seen_at__isnull=True)))
    return reports.order_by("-received_at")


def case_of(report: Report) -> Report:
    """The case a reporter follows: the report itself, or the case it was merged into."""
    return report.merged_into or report


# -- duplicates -------------------------------------------------------------------------------

DUPLICATE_WINDOW_DAYS = 3
DUPLICATE_THRESHOLD = 0.3


def suggest_duplicates(report: Report, limit: int = 5) -> list[tuple[Report, float]]:
    """Likely duplicates: same area and category, received within a few days, similar text."""
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        Report.objects.filter(
            category=report.category,
            unit__path__startswith=area_path(report.unit),
            received_at__gte=report.received_at - window,
            received_at__lte=report.received_at + window,
            merged_into__isnull=True,
        )
        .exclude(pk=report.pk)
        .select_related("unit")[:200]
    )
    text = f"{report.description} {report.behaviour} {report.place_text}"
    scored = [(c, similarity(text, f"{c.description} {c.behaviour} {c.place_text}")) for c in candidates]
    return sorted([(c, s) for c, s in scored if s >= DUPLICATE_THRESHOLD], key=lambda pair: -pair[1])[:limit]


# -- lost & found and urgent alerts ------------------------------------------------------------

MATCH_WINDOW_DAYS = 14
LOST_FOUND_OPEN = (Status.RECEIVED, Status.ACKNOWLEDGED)


def commune_of(unit: Unit) -> Unit | None:
    return unit if unit.tier == Tier.COMMUNE else unit.commune()


def share_choices(report: Report) -> list[Unit]:
    """Where a post may be shared: its own commune and the communes next to it."""
    commune = commune_of(report.unit)
    if commune is None:
        return []
    return [commune, *commune.neighbours.order_by("name")]


def find_matches(report: Report, limit: int = 5) -> list[tuple[Report, float]]:
    """Suggested lost ↔ found matches for the police (reports/matching.py): compatible categories,
    posted within LOST_FOUND_MATCH_DAYS, near each other, descriptions alike; best first.
    Residents hear of a match only once an officer confirms it (check_confirm_match)."""
    others = {c for c, found in COMPATIBLE.items() if report.category in found} | COMPATIBLE.get(report.category, set())
    commune = commune_of(report.unit)
    if not others or commune is None:
        return []
    window = timedelta(days=settings.LOST_FOUND_MATCH_DAYS)
    near = Q()
    for unit in share_choices(report):
        near |= Q(unit__path__startswith=unit.path)
    if report.latitude is not None and report.longitude is not None:
        degrees = Decimal(settings.LOST_FOUND_MATCH_KM / 111 + 0.01)
        near |= Q(
            latitude__range=(report.latitude - degrees, report.latitude + degrees),
            longitude__range=(report.longitude - degrees * 2, report.longitude + degrees * 2),
        )
    candidates = (
        Report.objects.filter(
            near,
            category__in=others,
            status__in=LOST_FOUND_OPEN,
            merged_into__isnull=True,
            received_at__gte=report.received_at - window,
            received_at__lte=report.received_at + window,
        )
        .exclude(pk=report.pk)
        .select_related("unit")[:200]
    )
    mine = matching_post(report, neighbours=frozenset(u.code for u in share_choices(report)[1:]))
    scored = []
    for candidate in candidates:
        value = match_score(mine, matching_post(candidate))
        if value is not None:
            scored.append((candidate, value))
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def matching_post(report: Report, neighbours: frozenset[str] = frozenset()) -> Post:
    """What matching reads of a report; its commune read from the unit's path (no query)."""
    codes = report.unit.ancestor_codes()
    return Post(
        category=report.category,
        text=" ".join(filter(None, [report.description, report.place_text])),
        at=report.received_at,
        commune=codes[Tier.COMMUNE - 1] if len(codes) >= Tier.COMMUNE else codes[-1],
        neighbours=neighbours,
        latitude=float(report.latitude) if report.latitude is not None else None,
        longitude=float(report.longitude) if report.longitude is not None else None,
    )


def time_to_return(report: Report) -> timedelta | None:
    return report.returned_at - report.received_at if report.returned_at else None


def units_above(unit: Unit) -> list[str]:
    codes = unit.ancestor_codes()
    return ["/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def active_alerts_for(unit: Unit) -> QuerySet[UrgentAlert]:
    """Alerts on the unit or any unit above it: every group under an alerted hamlet sees it."""
    return (
        UrgentAlert.objects.filter(
            unit__path__in=units_above(unit), cancelled_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("unit", "raised_by")
        .order_by("-raised_at")
    )


def lost_found_for(unit: Unit) -> QuerySet[Report]:
    """Open lost & found posts a group of this unit sees: from its hamlet, or shared to its commune."""
    own_area = Q(unit__path__startswith=area_path(unit)) if unit.tier >= Tier.HAMLET else Q(unit=unit)
    return (
        Report.objects.filter(kind__in=["lost", "found"], status__in=LOST_FOUND_OPEN, merged_into__isnull=True)
        .filter(Q(shares__unit__path__in=units_above(unit)) | own_area)
        .distinct()
        .select_related("unit__parent")
        .prefetch_related("photos")
        .order_by("-received_at")
    )


@dataclass
class GroupFeed:
    alerts: list[UrgentAlert]
    posts: list[Report]


def group_feed(group: CommunityGroup) -> GroupFeed:
    return GroupFeed(alerts=list(active_alerts_for(group.unit)), posts=list(lost_found_for(group.unit)[:20]))


# -- dispatch ---------------------------------------------------------------------------------


def response_times(report: Report) -> list[dict]:
    """The dispatch steps of a report with the time each took from the tip (docs/reports.md, "Dispatch")."""
    steps = [
        ("dispatched", _("Sent"), report.dispatched_at, report.dispatched_by),
        ("acknowledged", _("Dispatch acknowledged"), report.dispatch_acknowledged_at, report.dispatch_acknowledged_by),
        ("on_scene", _("On scene"), report.on_scene_at, report.on_scene_by),
        ("outcome", _("Outcome recorded"), report.outcome_at, report.outcome_by),
    ]
    return [
        {"key": key, "label": label, "at": at, "by": by, "since_tip": at - report.received_at if at else None}
        for key, label, at, by in steps
    ]
