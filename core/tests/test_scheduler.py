"""The scheduler enqueues each periodic job once per period, however many schedulers run at once."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from core.models import ScheduledRun
from core.scheduler import Job, tick

VN = ZoneInfo("Asia/Ho_Chi_Minh")
JOBS = {
    "steering.daily": {"task": "steering.tasks.daily", "at": "00:15"},
    "reports.deadline_reminders": {"task": "reports.tasks.send_deadline_reminders", "every_minutes": 15},
}


def test_a_daily_job_waits_for_its_time_then_runs_once_that_day():
    job = Job(name="daily", task="x", at=datetime(2026, 1, 1, 0, 15).time())

    assert job.period(datetime(2026, 11, 28, 0, 10, tzinfo=VN)) is None
    assert job.period(datetime(2026, 11, 28, 0, 20, tzinfo=VN)) == "2026-11-28"
    assert job.period(datetime(2026, 11, 28, 23, 59, tzinfo=VN)) == "2026-11-28"


def test_a_job_every_15_minutes_has_one_period_per_quarter_hour():
    job = Job(name="often", task="x", every_minutes=15)

    first = job.period(datetime(2026, 11, 28, 9, 0, tzinfo=VN))
    assert job.period(datetime(2026, 11, 28, 9, 14, 59, tzinfo=VN)) == first
    assert job.period(datetime(2026, 11, 28, 9, 15, tzinfo=VN)) != first


def test_ticking_twice_in_a_period_enqueues_each_job_once(db, settings):
    settings.SCHEDULED_JOBS = JOBS
    morning = datetime(2026, 11, 28, 6, 0, tzinfo=VN)

    assert sorted(tick(morning)) == ["reports.deadline_reminders", "steering.daily"]
    assert tick(morning) == []
    assert ScheduledRun.objects.count() == 2 and all(run.task_id for run in ScheduledRun.objects.all())


def test_four_schedulers_at_once_enqueue_each_run_once(transactional_db, settings):
    settings.SCHEDULED_JOBS = JOBS
    morning = datetime(2026, 11, 28, 6, 0, tzinfo=VN)
    enqueued: list[str] = []
    start = threading.Barrier(4)

    def scheduler():
        start.wait()
        try:
            enqueued.extend(tick(morning))
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(enqueued) == ["reports.deadline_reminders", "steering.daily"]
    assert ScheduledRun.objects.count() == 2
