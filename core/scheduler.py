"""The scheduler: enqueue each periodic job once per period, however many schedulers run.

Jobs are named in the SCHEDULED_JOBS setting (a task path and either a daily time or a number of
minutes). A run is claimed by inserting its (job, period) row; the unique constraint lets exactly one
scheduler win, and only the winner enqueues the task, after its claim has committed. Every job is an
idempotent sweep, so a run lost to a crash between the claim and the enqueue is made up by the next
period (docs/tasks.md).
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    task: str
    at: time | None = None  # daily at this local time
    every_minutes: int | None = None

    def period(self, now: datetime) -> str | None:
        """The period `now` falls in, or None while a daily job's time has not come yet today."""
        local = timezone.localtime(now)
        if self.every_minutes:
            minutes = int(local.timestamp() // 60)
            return f"{minutes - minutes % self.every_minutes}"
        assert self.at is not None
        if local.time() < self.at:
            return None
        return local.date().isoformat()


def configured_jobs() -> list[Job]:
    jobs = []
    specs: dict[str, dict[str, Any]] = settings.SCHEDULED_JOBS
    for name, spec in specs.items():
        at = time.fromisoformat(spec["at"]) if "at" in spec else None
        every = spec.get("every_minutes")
        if (at is None) == (every is None):
            raise ValueError(f"SCHEDULED_JOBS[{name!r}] needs exactly one of 'at' and 'every_minutes'")
        jobs.append(Job(name=name, task=spec["task"], at=at, every_minutes=every))
    return jobs


def claim(job: Job, period: str) -> bool:
    """True for the one scheduler that records this run first."""
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job.name, period=period)
    except IntegrityError:
        return False
    return True


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current period has no run yet; the names of those enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in configured_jobs():
        period = job.period(now)
        if period is None or not claim(job, period):
            continue
        result = import_string(job.task).enqueue()
        ScheduledRun.objects.filter(job=job.name, period=period).update(task_id=str(result.id))
        logger.info("scheduled %s for %s as task %s", job.name, period, result.id)
        enqueued.append(job.name)
    return enqueued
