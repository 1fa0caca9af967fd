"""What reaches the groups: lost & found posts, their re-sharing and return, urgent alerts."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from delivery.notify import notify
from groups.models import CommunityGroup, MembershipStatus
from people.models import Person
from places.models import Tier, Unit
from reports.actions.handling import check_transition, do_transition
from reports.actions.intake import WarningsNeedConfirmation
from reports.categories import MATCHING_CATEGORY
from reports.checks import sensitive_findings
from reports.helpers import area_path, report_area_path, similarity
from reports.models import AlertTrust, LostFoundShare, Report, UrgentAlert
from reports.notifications import notify_reporter
from reports.permissions import can_grant_alert_trust, can_raise_alert, can_share
from reports.workflow import Status

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


def reach_paths(report: Report) -> list[str]:
    """Unit paths whose groups see the post: its hamlet, plus every commune it was shared to."""
    return [report_area_path(report), *(s.unit.path for s in report.shares.select_related("unit"))]


def find_matches(report: Report, limit: int = 5) -> list[tuple[Report, float]]:
    """Lost ↔ found posts of the same kind of thing, in the same or a neighbouring commune,
    within two weeks of each other, ranked by how alike their descriptions are."""
    other = MATCHING_CATEGORY.get(report.category)
    if other is None:
        return []
    communes = share_choices(report)
    if not communes:
        return []
    area = Q()
    for commune in communes:
        area |= Q(unit__path__startswith=commune.path)
    window = timedelta(days=MATCH_WINDOW_DAYS)
    candidates = Report.objects.filter(
        area,
        category=other,
        status__in=LOST_FOUND_OPEN,
        received_at__gte=report.received_at - window,
        received_at__lte=report.received_at + window,
    ).select_related("unit")[:100]
    scored = [(c, similarity(report.description, c.description)) for c in candidates]
    return sorted(scored, key=lambda pair: -pair[1])[:limit]


def check_share(actor: Person, report: Report, units: list[Unit]) -> list[LostFoundShare]:
    """The steering committee shares a post to every group of chosen communes."""
    if not can_share(actor, report):
        raise PermissionDenied
    if report.status not in LOST_FOUND_OPEN:
        raise ActionError(_("Only open posts can be shared."), code="not_open")
    allowed = {u.pk for u in share_choices(report)}
    if not units:
        raise ActionError({"units": [_("Choose at least one commune.")]})
    if any(u.pk not in allowed for u in units):
        raise ActionError({"units": [_("A post can be shared only to its commune and the neighbouring communes.")]})
    created = []
    with transaction.atomic():
        for unit in units:
            share, new = LostFoundShare.objects.get_or_create(report=report, unit=unit, defaults={"shared_by": actor})
            if new:
                created.append(share)
        if created:
            names = ", ".join(s.unit.name for s in created)
            record(actor, "report.shared", report, unit=report.unit, units=[s.unit.code for s in created])
            notify_reporter(report, "shared", names)
    return created


def check_mark_returned(
    actor: Person, report: Report, *, returned_to: str, counterpart: Report | None = None
) -> Report:
    """Closes the post on every group it reached, and the matching post too, even in the
    neighbouring commune (the owner's lost post), provided the two really match."""
    matched = counterpart is not None and counterpart in [m for m, _score in find_matches(report, limit=50)]
    if counterpart is not None and not matched:
        raise ActionError(_("These two posts do not match."), code="not_a_match")
    with transaction.atomic():
        report = check_transition(actor, report, Status.RETURNED, returned_to=returned_to)
        if counterpart is not None:
            do_transition(actor, counterpart, Status.RETURNED, returned_to=returned_to)
    return report


def time_to_return(report: Report) -> timedelta | None:
    return report.returned_at - report.received_at if report.returned_at else None


# -- urgent alerts ---------------------------------------------------------------------------

ALERT_HOURS_DEFAULT = 6
ALERT_HOURS_MAX = 72


def check_raise_alert(
    actor: Person,
    unit: Unit,
    text: str,
    *,
    hours: int = ALERT_HOURS_DEFAULT,
    confirm_warnings: bool = False,
    report: Report | None = None,
) -> UrgentAlert:
    if not can_raise_alert(actor, unit):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ActionError({"text": [_("Write the alert.")]})
    if len(text) > 500:
        raise ActionError({"text": [_("Keep the alert under 500 characters.")]})
    if not 1 <= hours <= ALERT_HOURS_MAX:
        raise ActionError({"hours": [_("Show the alert for 1 to %(n)d hours.") % {"n": ALERT_HOURS_MAX}]})
    if not confirm_warnings and (codes := sensitive_findings(text)):
        raise WarningsNeedConfirmation(codes)
    with transaction.atomic():
        alert = UrgentAlert.objects.create(
            unit=unit, text=text, raised_by=actor, expires_at=timezone.now() + timedelta(hours=hours), report=report
        )
        record(actor, "alert.raised", alert, unit=unit, hours=hours, report=report.pk if report else None)
        send_alert(alert)
    return alert


def send_alert(alert: UrgentAlert) -> None:
    """Every member of every group under the alerted unit, once each, on the urgent lane."""
    members = Person.objects.filter(
        memberships__status=MembershipStatus.ACTIVE,
        memberships__group__is_active=True,
        memberships__group__unit__path__startswith=alert.unit.path,
    )
    with translation.override("vi"):
        subject = _("Urgent alert: %(unit)s") % {"unit": alert.unit.name}
    notify(
        members,
        subject=subject,
        body=alert.text,
        url=reverse("groups:mine"),
        priority="urgent",
        source=alert,
        sender=alert.raised_by,
    )


def check_cancel_alert(actor: Person, alert: UrgentAlert) -> UrgentAlert:
    if not (alert.raised_by_id == actor.pk or can_grant_alert_trust(actor, alert.unit)):
        raise PermissionDenied
    with transaction.atomic():
        alert.cancelled_at, alert.cancelled_by = timezone.now(), actor
        alert.save(update_fields=["cancelled_at", "cancelled_by"])
        record(actor, "alert.cancelled", alert, unit=alert.unit)
    return alert


def check_grant_alert_trust(actor: Person, person: Person, unit: Unit) -> AlertTrust:
    if not can_grant_alert_trust(actor, unit):
        raise PermissionDenied
    with transaction.atomic():
        trust, _created = AlertTrust.objects.get_or_create(person=person, unit=unit, defaults={"granted_by": actor})
        record(actor, "alert.trust_granted", trust, unit=unit, person=person.pk)
    return trust


def check_revoke_alert_trust(actor: Person, trust: AlertTrust) -> None:
    if not can_grant_alert_trust(actor, trust.unit):
        raise PermissionDenied
    with transaction.atomic():
        record(actor, "alert.trust_revoked", trust, unit=trust.unit, person=trust.person_id)
        trust.delete()


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
