"""What reaches the groups: lost & found posts, their re-sharing and return, urgent alerts.
What the groups read of them (matches, feeds, active alerts) is in reports/queries.py."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from delivery.notify import notify
from groups.models import MembershipStatus
from people.models import Person
from places.models import Unit
from reports.actions.handling import check_transition, do_transition
from reports.actions.intake import Submission, WarningsNeedConfirmation, check_submit_report
from reports.categories import BY_CODE, LOST_FOUND_KINDS, category_choices
from reports.checks import sensitive_findings
from reports.models import AlertTrust, LostFoundShare, Report, UrgentAlert, Visibility
from reports.notifications import notify_reporter
from reports.permissions import (
    can_grant_alert_trust,
    can_raise_alert,
    can_share,
    can_transition,
    can_work_report,
    is_handling_police,
)
from reports.queries import LOST_FOUND_OPEN, commune_of, find_matches, share_choices
from reports.workflow import Status


def check_share(actor: Person, report: Report, units: list[Unit]) -> list[LostFoundShare]:
    """The police handling a lost & found post, or the steering committee, share it to every group
    of chosen communes; the reporter is told which of them did."""
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
            by_police = is_handling_police(actor, report)
            notify_reporter(report, "shared_by_police" if by_police else "shared", names)
            send_share(report, [s.unit for s in created], actor)
    return created


def share_audience(units: list[Unit]):
    """Active members of every active group under the communes, as one set (a person in several
    of those groups, or in two of the communes, is in it once)."""
    under = Q()
    for unit in units:
        under |= Q(memberships__group__unit__path__startswith=unit.path)
    return Person.objects.filter(
        under, memberships__status=MembershipStatus.ACTIVE, memberships__group__is_active=True
    ).distinct()


def send_share(report: Report, units: list[Unit], actor: Person) -> None:
    """The shared post reaches every member of those communes' groups through their channels,
    as a bulletin would: one notice, fanned out set-based, relays for members without a smartphone.
    Members of a commune it was shared to before are in the audience of that earlier share."""
    earlier = [s.unit for s in report.shares.exclude(unit__in=units).select_related("unit")]
    members = share_audience(units)
    if earlier:
        members = members.exclude(pk__in=share_audience(earlier).values("pk"))
    if reporter_pk := report.reporter_pk:
        members = members.exclude(pk=reporter_pk)
    parent = report.unit.parent
    place = f"{report.unit.name}, {parent.name}" if parent is not None else report.unit.name
    with translation.override("vi"):
        found = report.kind == "found"
        subject = (_("Found in %(place)s: %(what)s") if found else _("Lost in %(place)s: %(what)s")) % {
            "place": place,
            "what": report.category_name,
        }
    notify(
        members,
        subject=subject,
        body=report.description,
        url=reverse("reports:post", args=[report.receipt_code]),
        source=report,
        sender=actor,
    )


def check_confirm_match(actor: Person, report: Report, counterpart: Report) -> Report:
    """An officer confirms a suggested lost ↔ found match; only now are both reporters told."""
    if not (can_transition(actor, report) and can_work_report(actor, report)):
        raise PermissionDenied
    if counterpart not in [m for m, _score in find_matches(report, limit=50)]:
        raise ActionError(_("These two posts do not match."), code="not_a_match")
    now = timezone.now()
    with transaction.atomic():
        for one, other in ((report, counterpart), (counterpart, report)):
            one.match, one.match_confirmed_at, one.match_confirmed_by = other, now, actor
            one.save(update_fields=["match", "match_confirmed_at", "match_confirmed_by"])
        record(actor, "report.match_confirmed", report, unit=report.unit, counterpart=counterpart.receipt_code)
        notify_reporter(report, "match", counterpart.receipt_code)
        notify_reporter(counterpart, "match", report.receipt_code)
    return report


class ReportsDesk:
    """The lost & found post behind a member's group post (groups/lostfound.py)."""

    def file_from_post(
        self, actor: Person, *, author: Person, unit: Unit, text: str, kind: str, category: str, post_id: int
    ) -> str:
        existing = Report.objects.filter(group_post_id=post_id).first()
        if existing is not None:
            return existing.receipt_code
        if kind not in LOST_FOUND_KINDS or BY_CODE.get(category) is None or BY_CODE[category].kind != kind:
            raise ActionError({"category": [_("Choose what kind of thing was lost or found.")]})
        # The member posted it by name in their group: the post is theirs, filed as they wrote it.
        filed = check_submit_report(
            author,
            Submission(
                kind=kind,
                category=category,
                description=text,
                unit=unit,
                visibility=Visibility.NAMED,
                confirm_warnings=True,
                idempotency_key=f"group-post-{post_id}",
            ),
        )
        Report.objects.filter(pk=filed.report.pk).update(group_post_id=post_id)
        record(actor, "report.filed_from_post", filed.report, unit=unit, post=post_id)
        return filed.report.receipt_code

    def share(self, actor: Person, code: str, units: list[Unit]) -> int:
        report = Report.objects.select_related("unit__parent").get(receipt_code=code)
        already = set(report.shares.values_list("unit_id", flat=True))
        new = [u for u in units if u.pk not in already]
        return len(check_share(actor, report, new)) if new else 0

    def share_choices(self, unit: Unit) -> list[Unit]:
        commune = commune_of(unit)
        return [commune, *commune.neighbours.order_by("name")] if commune else []

    def categories(self, kind: str) -> list[tuple[str, str]]:
        return [(code, str(name)) for code, name in category_choices(kind)]


def check_mark_returned(
    actor: Person, report: Report, *, returned_to: str, counterpart: Report | None = None
) -> Report:
    """Closes the post on every group it reached, and the matching post too, even in the
    neighbouring commune (the owner's lost post), provided the two really match."""
    matched = counterpart is not None and (
        report.match_id == counterpart.pk or counterpart in [m for m, _score in find_matches(report, limit=50)]
    )
    if counterpart is not None and not matched:
        raise ActionError(_("These two posts do not match."), code="not_a_match")
    with transaction.atomic():
        report = check_transition(actor, report, Status.RETURNED, returned_to=returned_to)
        if counterpart is not None:
            do_transition(actor, counterpart, Status.RETURNED, returned_to=returned_to)
    return report


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
