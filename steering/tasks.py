"""Background work of steering: counters, compliance snapshots and reminders (docs/steering.md).

`daily` is what the scheduler runs once a day (`manage.py steering_daily` from cron or a
systemd timer); `rollup_province` is enqueued when an officer asks for fresh figures.
"""

from django.tasks import task

from places.models import Unit
from steering.actions import do_daily, do_refresh_province


@task(queue_name="default")
def rollup_province(unit_id: int) -> dict[str, int]:
    return do_refresh_province(Unit.objects.get(pk=unit_id))


@task(queue_name="default")
def daily() -> dict[str, int]:
    return do_daily()
