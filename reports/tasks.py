"""Deadline reminders (docs/reports.md).

Each receipt or extension schedules one sweep at "deadline minus lead time" on the task queue
(the database queue and RQ both run deferred tasks); the sweep is idempotent, so a sweep
scheduled twice, or run by `manage.py send_report_reminders` from cron, never reminds twice.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.tasks import default_task_backend, task
from django.utils import timezone

from audit.actions import record
from reports.models import Reminder, Report
from reports.workflow import OPEN_STATUSES


def reminder_lead() -> timedelta:
    return timedelta(hours=settings.REPORT_REMINDER_LEAD_HOURS)


def due_reminders(now=None) -> list[Reminder]:
    """Reminders owed now: open reports whose forward or decision deadline falls within the lead."""
    now = now or timezone.now()
    horizon = now + reminder_lead()
    reports = Report.objects.filter(status__in=list(OPEN_STATUSES), merged_into__isnull=True).filter(
        Q(forward_due_at__lte=horizon, forwarded_at__isnull=True) | Q(decision_due_at__lte=horizon)
    )
    owed = []
    for report in reports.only("pk", "forward_due_at", "forwarded_at", "decision_due_at", "assignee_id"):
        if report.forward_due_at and not report.forwarded_at and report.forward_due_at <= horizon:
            owed.append(
                Reminder(
                    report=report, deadline="forward", due_at=report.forward_due_at, recipient_id=report.assignee_id
                )
            )
        if report.decision_due_at and report.decision_due_at <= horizon:
            owed.append(
                Reminder(
                    report=report, deadline="decision", due_at=report.decision_due_at, recipient_id=report.assignee_id
                )
            )
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
        record(
            None,
            "report.reminder_created",
            reminder.report,
            deadline=reminder.deadline,
            due_at=reminder.due_at.isoformat(),
        )
    return len(new)


def schedule_reminders(report: Report) -> None:
    if not default_task_backend.supports_defer:
        return
    lead = reminder_lead()
    for due in (report.forward_due_at, report.decision_due_at):
        if due:
            send_deadline_reminders.using(run_after=max(due - lead, timezone.now())).enqueue()
