"""Closed reports lose personal data and photos after REPORT_RETENTION_DAYS; a daily job does it."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent
from canhgiac.testing import create_report, photo_upload
from core.scheduler import configured_jobs
from reports.actions.handling import do_transition
from reports.models import Report, ReportMessage, ReportPhoto
from reports.tasks import remove_expired_personal_data


def closed_days_ago(world, days: int, **fields) -> Report:
    report = create_report(world.resident, world.rg, photos=[photo_upload()], **fields).report
    do_transition(world.officer, report, "acknowledged")
    do_transition(world.officer, report, "resolved", reason="đã xử lý")
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=days))
    return report


def test_the_daily_sweep_strips_old_closed_reports_and_counts_them(world, settings, caplog):
    settings.REPORT_RETENTION_DAYS = 30
    old = closed_days_ago(world, 31, place_text="Nhà ông Tư, số 9")
    recent = closed_days_ago(world, 29)
    still_open = create_report(world.resident, world.rg).report
    Report.objects.filter(pk=still_open.pk).update(received_at=timezone.now() - timedelta(days=400))
    ReportMessage.objects.create(report=old, side="reporter", author=world.resident, body="Số nhà tôi là 9")
    photo_name = ReportPhoto.objects.get(report=old).image.name or ""
    storage = ReportPhoto._meta.get_field("image").storage
    assert storage.exists(photo_name)

    with caplog.at_level("INFO", logger="reports.tasks"):
        counts = remove_expired_personal_data.call()
    assert counts == {"reports": 1, "photos": 1, "messages": 1}
    assert "retention: personal data removed from 1 reports" in caplog.text
    event = AuditEvent.objects.get(verb="reports.retention_sweep")
    assert event.data["reports"] == 1 and event.data["days"] == 30

    old.refresh_from_db()
    assert (old.reporter_pk, old.description, old.place_text, old.latitude) == (None, "", "", None)
    assert old.personal_data_removed_at is not None and old.category == "theft"
    assert not storage.exists(photo_name)
    assert Report.objects.get(pk=recent.pk).reporter_pk == world.resident.pk
    assert Report.objects.get(pk=still_open.pk).reporter_pk == world.resident.pk
    assert remove_expired_personal_data.call() == {"reports": 0, "photos": 0, "messages": 0}


def test_a_report_forwarded_for_investigation_is_kept(world, settings):
    settings.REPORT_RETENTION_DAYS = 1
    report = create_report(world.resident, world.rg).report
    do_transition(world.officer, report, "acknowledged")
    do_transition(world.officer, report, "forwarded", forwarded_to="Cơ quan CSĐT huyện", reason="có dấu hiệu tội phạm")
    Report.objects.filter(pk=report.pk).update(closed_at=timezone.now() - timedelta(days=10))
    assert remove_expired_personal_data.call()["reports"] == 0


def test_the_sweep_is_a_daily_scheduled_job():
    job = next(job for job in configured_jobs() if job.name == "reports.retention")
    assert job.task == "reports.tasks.remove_expired_personal_data" and job.at is not None
    assert settings.REPORT_RETENTION_DAYS == 365
