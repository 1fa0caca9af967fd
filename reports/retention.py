"""Closed reports lose their personal data and photos after REPORT_RETENTION_DAYS (docs/privacy.md).

What stays is what the statistics and dashboards count: kind, category, unit, status and times.
Reports still open, or forwarded to an investigation agency, are never touched: the law requires
the police to keep them. The sweep is idempotent (`personal_data_removed_at` marks what is done)
and runs daily from the scheduler (SCHEDULED_JOBS "reports.retention").
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from reports.models import Report, ReportMessage, ReportPhoto, Side
from reports.workflow import OPEN_STATUSES, Status

logger = logging.getLogger(__name__)

# Statuses the police must keep as they are: open, or handed to an investigation agency.
KEPT_STATUSES = {*OPEN_STATUSES, Status.FORWARDED}
BATCH = 200


def unlink_reporters(reports: QuerySet[Report]) -> int:
    """Cut every link from these reports to who filed them (account, chat, typed identity)."""
    reports = reports.exclude(status__in=KEPT_STATUSES)
    ids = list(reports.values_list("pk", flat=True))
    ReportMessage.objects.filter(report_id__in=ids, side=Side.REPORTER).update(author=None)
    return Report.objects.filter(pk__in=ids).update(
        reporter=None,
        filed_by=None,
        chat_identity=None,
        sealed_links="",
        reporter_key="",
        filer_key="",
        reporter_name="",
        reporter_phone="",
        reporter_contact="",
    )


@dataclass
class Sweep:
    reports: int = 0
    photos: int = 0
    messages: int = 0


def due_for_removal(now=None) -> QuerySet[Report]:
    cutoff = (now or timezone.now()) - timedelta(days=settings.REPORT_RETENTION_DAYS)
    return Report.objects.filter(
        closed_at__lt=cutoff, personal_data_removed_at__isnull=True, merged_into__isnull=True
    ).exclude(status__in=KEPT_STATUSES)


def remove_personal_data(now=None) -> Sweep:
    """Strip the closed reports past the retention period, in batches; what was removed."""
    now = now or timezone.now()
    sweep = Sweep()
    while ids := list(due_for_removal(now).values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            batch = Report.objects.filter(pk__in=ids)
            unlink_reporters(batch)
            photos = list(ReportPhoto.objects.filter(report_id__in=ids))
            for photo in photos:
                photo.image.delete(save=False)
            sweep.photos += ReportPhoto.objects.filter(report_id__in=ids).delete()[0]
            sweep.messages += ReportMessage.objects.filter(report_id__in=ids, side=Side.REPORTER).delete()[0]
            sweep.reports += batch.update(
                description="",
                behaviour="",
                search_text="",
                place_text="",
                latitude=None,
                longitude=None,
                evidence_links=[],
                outcome_text="",
                returned_to="",
                triage_reasons=[],
                personal_data_removed_at=now,
            )
    return sweep
