"""When a retry makes sense, in the providers' clock (Vietnam time)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def next_vietnam_time(hour: int, now: datetime | None = None) -> datetime:
    """The next moment the clock in Vietnam shows `hour`:00 (today if still ahead, else tomorrow)."""
    local = (now or timezone.now()).astimezone(VIETNAM)
    candidate = datetime.combine(local.date(), time(hour), tzinfo=VIETNAM)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def after_seconds(seconds: int) -> datetime:
    return timezone.now() + timedelta(seconds=seconds)
