"""Deadline reminders (docs/reports.md).

Each receipt or extension schedules one sweep at "deadline minus lead time" on the task queue
(the database queue and RQ both run deferred tasks); the sweep is idempotent, so a sweep
scheduled twice, or run by `manage.py send_report_reminders` from cron, never reminds twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend, task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.actions import record, record_job
from delivery.notify import notify
from reports.models import Reminder, Report
from reports.permissions import handling_police
from reports.triage import report_is_urgent
from reports.workflow import OPEN_STATUSES

logger = logging.getLogger(__name__)


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.REPORT_REMINDER_LEAD_HOURS)


def lead_for(received_at, due) -> timedelta:
    """REPORT_REMINDER_LEAD_HOURS before the deadline, but never before half the time has run:
    a 24-hour forward deadline is reminded 12 hours before, a 20-day decision 48 hours before."""
    return min(reminder_lead(), (due - received_at) / 2)


def due_reminders(now=None) -> list[Reminder]:
    """Reminders owed now: open reports whose forward or decision deadline is within its lead."""
    now = now or timezone.now()
    horizon = now + reminder_lead()
    reports = Report.objects.filter(status__in=list(OPEN_STATUSES), merged_into__isnull=True).filter(
        Q(forward_due_at__lte=horizon, forwarded_at__isnull=True) | Q(decision_due_at__lte=horizon)
    )
    owed = []
    fields = ("pk", "received_at", "forward_due_at", "forwarded_at", "decision_due_at", "assignee_id")
    for report in reports.only(*fields):
        deadlines = [("decision", report.decision_due_at)]
        if not report.forwarded_at:
            deadlines.append(("forward", report.forward_due_at))
        for name, due in deadlines:
            if due and due - lead_for(report.received_at, due) <= now:
                owed.append(Reminder(report=report, deadline=name, due_at=due, recipient_id=report.assignee_id))
    return owed


@task(queue_name="default")
def send_deadline_reminders() -> int:
    """Create the reminders that are owed and not yet created; return how many were new."""
    owed = due_reminders()
    existing = set(
        Reminder.objects.filter(report_id__in=[r.report_id for r in owed]).values_list(
            "report_id", "deadline", "due_at"
        )
    )
    new = [r for r in owed if (r.report_id, r.deadline, r.due_at) not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    for reminder in new:
        send_reminder(reminder)
        record(
            None,
            "report.reminder_created",
            reminder.report,
            deadline=reminder.deadline,
            due_at=reminder.due_at.isoformat(),
        )
    return len(new)


def send_reminder(reminder: Reminder) -> None:
    """To the assignee, or to every police officer of the unit while nobody is assigned."""
    report = reminder.report
    recipients = [reminder.recipient_id] if reminder.recipient_id else handling_police(report)
    with translation.override("vi"):
        what = _("forward to the investigation agency") if reminder.deadline == "forward" else _("decide")
        subject = _("Deadline: %(code)s") % {"code": report.receipt_code}
        body = _("Report %(code)s: %(what)s by %(due)s.") % {
            "code": report.receipt_code,
            "what": what,
            "due": formats.date_format(timezone.localtime(reminder.due_at), "DATETIME_FORMAT"),
        }
    notify(
        recipients,
        subject=subject,
        body=body,
        url=reverse("reports:staff_detail", args=[report.receipt_code]),
        priority="urgent" if report_is_urgent(report) else "normal",
        source=report,
    )


def schedule_reminders(report: Report) -> None:
    if not default_task_backend.supports_defer:
        return
    with transaction.atomic():  # one write on the database queue, not one per deadline
        for due in (report.forward_due_at, report.decision_due_at):
            if due:
                run_after = max(due - lead_for(report.received_at, due), timezone.now())
                send_deadline_reminders.using(run_after=run_after).enqueue()


@task(queue_name="default")
def remove_expired_personal_data() -> dict[str, int]:
    """The daily retention sweep (reports/retention.py): counts in the log and the audit log."""
    from dataclasses import asdict

    from reports.retention import remove_personal_data

    sweep = remove_personal_data()
    counts = asdict(sweep)
    logger.info(
        "retention: personal data removed from %(reports)d reports, %(photos)d photos, %(messages)d messages", counts
    )
    if sweep.reports:
        record_job("reports.retention_sweep", days=settings.REPORT_RETENTION_DAYS, **counts)
    return counts
