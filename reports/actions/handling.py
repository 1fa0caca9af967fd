"""The police workflow: access, identity, transitions, assignment, deadlines, messages, merges."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit.actions import record
from core.errors import ActionError, PermissionDenied
from core.hashing import keyed_hash
from groups.models import CommunityGroup, GroupKind
from people.models import Person
from reports import live
from reports.actions.chat.replies import chat_answer
from reports.actions.dispatch import do_send_dispatch
from reports.actions.intake import secret_matches
from reports.alerting import alert_follow_up
from reports.helpers import normalize_code
from reports.models import ChatStatus, Report, ReportMessage, Side, Visibility
from reports.notifications import notify_reporter
from reports.permissions import (
    assignable_police,
    can_merge,
    can_message,
    can_transition,
    can_view_report,
    can_work_report,
    is_handling_police,
    is_own_report,
)
from reports.workflow import REASON_REQUIRED, Status, extended_decision_due, is_allowed, is_reopen


def access_report(person: Person, code: str) -> Report:
    report = (
        Report.objects.select_related(
            "unit",
            "assignee",
            "patrol",
            "merged_into",
            "dispatched_by",
            "dispatch_acknowledged_by",
            "on_scene_by",
            "outcome_by",
        )
        .filter(receipt_code=normalize_code(code))
        .first()
    )
    if report is None:
        raise Http404
    if not can_view_report(person, report):
        raise PermissionDenied
    return report


def access_report_by_secret(code: str, secret: str) -> Report | None:
    """The anonymous reporter's way in: receipt code + secret. None when either is wrong."""
    report = Report.objects.select_related("unit", "merged_into").filter(receipt_code=normalize_code(code)).first()
    if report is None:
        keyed_hash(secret)  # the same work as for a known code: the time does not tell codes apart
        return None
    return report if secret_matches(report, secret) else None


def recorded_actor(actor: Person, report: Report) -> Person | None:
    """Who the audit log names for a change: not a confidential report's reporter (or the relative
    who filed it), or the log would be the link the report keeps sealed."""
    if report.visibility != Visibility.NAMED and is_own_report(actor, report):
        return None
    return actor


@dataclass
class Identity:
    name: str
    phone: str
    contact: str
    filed_by: str
    intake_channel: str


# What an officer may reveal one at a time (docs/privacy.md): each reveal is its own audit event.
IDENTITY_FIELDS = ("name", "phone", "contact")


def identity_of(report: Report, fields: tuple[str, ...] = IDENTITY_FIELDS) -> Identity | None:
    if report.visibility == Visibility.ANONYMOUS:
        return None
    # A confidential report's accounts are sealed (Report.set_links): opened here, and only here for people.
    reporter_pk, filer_pk = report.reporter_pk, report.filer_pk
    person = Person.objects.select_related("household").filter(pk=reporter_pk).first() if reporter_pk else None
    filer = Person.objects.filter(pk=filer_pk).first() if filer_pk and filer_pk != reporter_pk else None
    return Identity(
        name=((person.full_name if person else "") or report.reporter_name) if "name" in fields else "",
        phone=((person.display_phone if person else "") or report.reporter_phone) if "phone" in fields else "",
        contact=(report.reporter_contact or (person.household.address if person and person.household else ""))
        if "contact" in fields
        else "",
        filed_by=filer.full_name if filer else "",
        intake_channel=report.get_intake_channel_display(),
    )


def access_identity(
    person: Person, report: Report, *, reason: str = "", fields: tuple[str, ...] = IDENTITY_FIELDS
) -> Identity | None:
    """Who reported, the fields asked for. Only the handling police (or the reporter); every staff
    view is audited with the fields it showed."""
    if report.visibility == Visibility.ANONYMOUS:
        return None
    if is_own_report(person, report):
        return identity_of(report)
    from reports.permissions import can_see_identity

    if not can_see_identity(person, report):
        raise PermissionDenied
    fields = tuple(field for field in IDENTITY_FIELDS if field in fields)
    record(
        person,
        "report.identity_viewed",
        report,
        unit=report.unit,
        reason=reason,
        visibility=report.visibility,
        fields=list(fields),
    )
    return identity_of(report, fields)


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("unit").get(pk=report.pk)


def check_transition(
    actor: Person,
    report: Report,
    target: str,
    *,
    reason: str = "",
    forwarded_to: str = "",
    returned_to: str = "",
    assignee: Person | None = None,
    patrol: CommunityGroup | None = None,
) -> Report:
    if not can_transition(actor, report):
        raise PermissionDenied
    return do_transition(
        actor,
        report,
        target,
        reason=reason,
        forwarded_to=forwarded_to,
        returned_to=returned_to,
        assignee=assignee,
        patrol=patrol,
    )


def do_transition(
    actor: Person,
    report: Report,
    target: str,
    *,
    reason: str = "",
    forwarded_to: str = "",
    returned_to: str = "",
    assignee: Person | None = None,
    patrol: CommunityGroup | None = None,
) -> Report:
    """Move a report along the state machine; the caller has checked the actor's permission."""
    if target not in Status.values:
        raise ActionError(_("Unknown status."), code="unknown_status")
    reason = reason.strip()
    with transaction.atomic():
        report = _locked(report)
        current = report.status
        if not is_allowed(report.kind, current, target):
            raise ActionError(
                _("A report that is “%(current)s” cannot become “%(target)s”.")
                % {"current": Status(current).label, "target": Status(target).label},
                code="transition_not_allowed",
            )
        reporter_only = not is_handling_police(actor, report) and is_own_report(actor, report)
        if reporter_only and target not in (Status.RETURNED, Status.CLOSED):
            raise PermissionDenied
        reopening = is_reopen(current, target)
        if (target in REASON_REQUIRED or reopening) and not reason:
            raise ActionError({"reason": [_("Give a reason: it is kept in the record and shown to the reporter.")]})
        now = timezone.now()
        sent = target == Status.DISPATCHED and _assign(actor, report, assignee, patrol)
        if target == Status.FORWARDED:
            if not forwarded_to.strip():
                raise ActionError({"forwarded_to": [_("Name the investigation agency it is forwarded to.")]})
            report.forwarded_to, report.forwarded_at = forwarded_to.strip()[:200], now
        if target == Status.ACKNOWLEDGED and not report.acknowledged_at:
            report.acknowledged_at = now
        if target == Status.RETURNED:
            report.returned_at, report.returned_to = now, returned_to.strip()[:200]
        if target in (Status.CLOSED, Status.RESOLVED, Status.UNFOUNDED, Status.RETURNED):
            report.closed_at = report.closed_at or now
        if reopening:
            report.closed_at = None
        report.status = target
        report.save()
        if sent:
            do_send_dispatch(actor, report)
        record(
            recorded_actor(actor, report),
            "report.reopened" if reopening else "report.status_changed",
            report,
            unit=report.unit,
            reason=reason,
            **{"from": current, "to": target},
            forwarded_to=report.forwarded_to if target == Status.FORWARDED else "",
            assignee=report.assignee_id if target == Status.DISPATCHED else None,
            patrol=report.patrol_id if target == Status.DISPATCHED else None,
        )
        detail = reason
        if target == Status.FORWARDED:
            detail = _("Forwarded to %(agency)s.") % {"agency": report.forwarded_to}
        notify_reporter(report, f"status:{target}", detail)
        transaction.on_commit(lambda: _publish(report, "report.updated"))
    return report


def _assign(actor: Person, report: Report, assignee: Person | None, patrol: CommunityGroup | None) -> bool:
    """Set who is sent; True when that changed (they are then sent the case, reports/actions/dispatch.py)."""
    if assignee is None and patrol is None:
        raise ActionError({"assignee": [_("Choose an officer or a patrol to send.")]}, code="no_assignee")
    if assignee is not None and not assignable_police(report).filter(pk=assignee.pk).exists():
        raise ActionError({"assignee": [_("%(name)s is not a police officer of this area.") % {"name": assignee}]})
    if patrol is not None and not (
        patrol.kind == GroupKind.PATROL and patrol.is_active and patrol_serves(patrol, report)
    ):
        raise ActionError({"patrol": [_("%(name)s is not a patrol of this area.") % {"name": patrol}]})
    before = (report.assignee_id, report.patrol_id)
    report.assignee, report.patrol = assignee, patrol
    return (report.assignee_id, report.patrol_id) != before


def patrol_serves(patrol: CommunityGroup, report: Report) -> bool:
    commune = report.unit.commune()
    return commune is not None and patrol.unit.path.startswith(commune.path)


def check_assign(actor: Person, report: Report, *, assignee: Person | None, patrol: CommunityGroup | None = None):
    if not is_handling_police(actor, report):
        raise PermissionDenied
    with transaction.atomic():
        report = _locked(report)
        sent = _assign(actor, report, assignee, patrol)
        report.save(update_fields=["assignee", "patrol", "updated_at"])
        record(actor, "report.assigned", report, unit=report.unit, assignee=report.assignee_id, patrol=report.patrol_id)
        if sent:
            do_send_dispatch(actor, report)
    return report


def check_extend_decision(actor: Person, report: Report, reason: str) -> Report:
    if not is_handling_police(actor, report):
        raise PermissionDenied
    if not reason.strip():
        raise ActionError({"reason": [_("Give a reason for the extension.")]})
    with transaction.atomic():
        report = _locked(report)
        latest = extended_decision_due(report.kind, report.received_at)
        if latest is None or not report.is_open:
            raise ActionError(_("This report's deadline cannot be extended."), code="no_extension")
        if report.decision_extended_at:
            raise ActionError(_("The deadline was already extended to the legal maximum."), code="already_extended")
        previous = report.decision_due_at
        report.decision_due_at, report.decision_extended_at = latest, timezone.now()
        report.save(update_fields=["decision_due_at", "decision_extended_at", "updated_at"])
        record(
            actor,
            "report.deadline_extended",
            report,
            unit=report.unit,
            reason=reason.strip(),
            previous=previous.isoformat() if previous else None,
            new=latest.isoformat(),
        )
        notify_reporter(report, "deadline_extended", formats.date_format(timezone.localtime(latest), "d/m/Y"))
        transaction.on_commit(lambda: _schedule(report))
    return report


def _schedule(report: Report) -> None:
    from reports.tasks import schedule_reminders

    schedule_reminders(report)


def check_post_message(report: Report, body: str, *, actor: Person | None, as_reporter: bool) -> ReportMessage:
    """A message on the report. `as_reporter` with no actor is the anonymous reporter (who came
    in with code + secret): the message stores no author."""
    body = body.strip()
    if not body:
        raise ActionError({"body": [_("Write a message.")]})
    if len(body) > 2000:
        raise ActionError({"body": [_("Keep the message under 2000 characters.")]})
    if as_reporter:
        side = Side.REPORTER
        if actor is not None and not is_own_report(actor, report):
            raise PermissionDenied
        # Only a named reporter's messages carry their account: nothing else links them to it.
        author = actor if report.visibility == Visibility.NAMED else None
    else:
        if actor is None or not can_message(actor, report):
            raise PermissionDenied
        if is_handling_police(actor, report):
            side = Side.POLICE
        elif can_work_report(actor, report):
            side = Side.STEERING
        else:
            side = Side.MEMBER
        author = actor
    target = report.merged_into or report
    # A reporter who filed in a Zalo or Telegram chat gets the answer there (reports/actions/chat/replies.py).
    by_chat = side != Side.REPORTER and report.chat_identity_pk is not None and not report.is_anonymous
    with transaction.atomic():
        message = ReportMessage.objects.create(
            report=report, side=side, author=author, body=body, chat_status=ChatStatus.QUEUED if by_chat else ""
        )
        record(author, "report.message", report, unit=report.unit, side=side)
        if side == Side.REPORTER:
            alert_follow_up(target)
        else:
            notice = notify_reporter(report, "message", chat_answer=chat_answer(report, body) if by_chat else None)
            if by_chat and notice is not None:
                message.hold(notice.pk)
                message.save(update_fields=["held_notice", "sealed_held_notice"])
        transaction.on_commit(lambda: _publish(target, "report.message"))
    return message


def _publish(report: Report, event: str) -> None:
    live.publish(event, unit_path=report.unit.path, kind=report.kind, code=report.receipt_code)


# -- duplicates -------------------------------------------------------------------------------


def check_merge(actor: Person, duplicate: Report, primary: Report, reason: str = "") -> Report:
    """Join a duplicate into the primary case; its reporter keeps following the primary."""
    if not can_merge(actor, duplicate, primary):
        raise PermissionDenied
    if duplicate.pk == primary.pk:
        raise ActionError(_("A report cannot be merged into itself."), code="merge_self")
    with transaction.atomic():
        duplicate, primary = _locked(duplicate), _locked(primary)
        if duplicate.merged_into_id or primary.merged_into_id:
            raise ActionError(_("One of these reports is already merged into another."), code="already_merged")
        previous = duplicate.status
        duplicate.merged_into, duplicate.status = primary, Status.CLOSED
        duplicate.closed_at = duplicate.closed_at or timezone.now()
        duplicate.save()
        moved = list(Report.objects.filter(merged_into=duplicate).values_list("pk", flat=True))
        Report.objects.filter(pk__in=moved).update(merged_into=primary)
        record(
            actor,
            "report.merged",
            duplicate,
            unit=duplicate.unit,
            reason=reason,
            into=primary.receipt_code,
            previous_status=previous,
        )
        record(actor, "report.merge_received", primary, unit=primary.unit, reason=reason, duplicate=duplicate.pk)
        notify_reporter(duplicate, "merged", primary.receipt_code)
    return primary


def merged_filter(report: Report) -> Q:
    return Q(pk=report.pk) | Q(merged_into=report)
