"""Each provider credential's send budget, shared by every worker on every machine.

A credential is one configured channel (one Zalo OA, one ZNS account, one bot, one SMS account):
providers meter each on its own, so each has its own counter per window of the clock, keyed
`<slug>:<config id>` (a type without configurations, such as email, has one key: its slug).
Reserving is atomic: a row locked with SELECT … FOR UPDATE in the database (the write lock on
SQLite), or one Lua script in Redis when the engine is told to use it (DELIVERY_RATE_STORE).
What a credential's budget cannot take in this window is booked into its coming windows
(`book`), so its queue comes due at its own pace rather than all at once at the next window.
docs/fanout.md, "Sending at the provider's pace", explains the windows and the guard.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import transaction

from channels.registry import RateLimit
from delivery.models import ChannelBudget, ChannelSchedule

# Nothing is granted in the last moments of a window: a send granted then would reach the
# provider in the next window, on top of that window's full budget.
GUARD_SECONDS = 0.2
# A granted send that reaches its last step (the provider call) this close to its window's end
# or later is put back instead (attempt.WindowMissed): what is left of the window must cover the
# way to the provider.
LATE_SECONDS = 0.1


@dataclass(frozen=True)
class Slot:
    due: datetime  # the start of the window booked
    count: int


@dataclass(frozen=True)
class Grant:
    granted: int
    window_end: datetime  # when the next window's budget opens


def credential_key(slug: str, config_id: int | None) -> str:
    return f"{slug}:{config_id}" if config_id is not None else slug


def take(key: str, limit: RateLimit | None, wanted: int, now: datetime) -> Grant:
    """Reserve up to `wanted` sends for the credential in the current window."""
    stamp = now.timestamp()
    window = int(stamp // limit.seconds) if limit else 0
    window_end = datetime.fromtimestamp((window + 1) * limit.seconds, tz=UTC) if limit else now
    if limit is None or wanted <= 0:
        return Grant(wanted if limit is None else 0, window_end)
    if window_end.timestamp() - stamp < min(GUARD_SECONDS, limit.seconds / 5):
        return Grant(0, window_end)
    if settings.DELIVERY_RATE_STORE == "redis":
        granted = _redis_take(key, limit, window, wanted)
    else:
        granted = _database_take(key, limit, window, wanted)
    return Grant(granted, window_end)


def book(key: str, limit: RateLimit, rank: int, wanted: int, first_due: datetime, queued_later: int) -> list[Slot]:
    """Book `wanted` deliveries of one credential and lane into its windows from the one
    starting at `first_due`: `limit.count` to a window, after those booked before by any
    worker. A booking only says when a delivery comes due; its send still takes the budget.

    `queued_later` (the lane's queued deliveries due from `first_due` on, every credential's)
    bounds how far the earlier bookings can reach: bookings of deliveries deleted since (a
    bulletin withdrawn while being sent) do not make the next ones wait for them.
    """
    if wanted <= 0:
        return []
    first = int(first_due.timestamp() // limit.seconds)
    if settings.DELIVERY_RATE_STORE == "redis":
        booked = _redis_book(key, limit, rank, wanted, first, queued_later)
    else:
        booked = _database_book(key, limit, rank, wanted, first, queued_later)
    return [Slot(datetime.fromtimestamp(window * limit.seconds, tz=UTC), count) for window, count in booked]


def _fill(
    window: int, booked: int, first: int, queued_later: int, per_window: int, wanted: int
) -> tuple[list[tuple[int, int]], int, int]:
    """(window, count) for `wanted` more after `booked` in `window`, no earlier than `first`
    nor later than `queued_later` deliveries allow; and the last window booked and its count."""
    if window < first:
        window, booked = first, 0
    if (window - first) * per_window + booked > queued_later:
        window, booked = first + queued_later // per_window, queued_later % per_window
    slots = []
    while wanted > 0:
        if booked >= per_window:
            window, booked = window + 1, 0
        count = min(per_window - booked, wanted)
        slots.append((window, count))
        booked, wanted = booked + count, wanted - count
    return slots, window, booked


def _database_book(
    key: str, limit: RateLimit, rank: int, wanted: int, first: int, queued_later: int
) -> list[tuple[int, int]]:
    with transaction.atomic():
        schedule, _created = ChannelSchedule.objects.select_for_update().get_or_create(channel=key, rank=rank)
        slots, schedule.window, schedule.booked = _fill(
            schedule.window, schedule.booked, first, queued_later, limit.count, wanted
        )
        schedule.save()
    return slots


def _database_take(key: str, limit: RateLimit, window: int, wanted: int) -> int:
    with transaction.atomic():
        budget, _created = ChannelBudget.objects.select_for_update().get_or_create(channel=key)
        if budget.window != window:
            budget.window, budget.used = window, 0
        granted = max(0, min(wanted, limit.count - budget.used))
        budget.used += granted
        budget.save()
    return granted


_RESERVE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if granted <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], granted)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return granted
"""


_BOOK = """
local window = tonumber(redis.call('HGET', KEYS[1], 'window')) or 0
local booked = tonumber(redis.call('HGET', KEYS[1], 'booked')) or 0
local first, per_window, wanted = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local queued_later = tonumber(ARGV[5])
if window < first then window, booked = first, 0 end
if (window - first) * per_window + booked > queued_later then
  window, booked = first + math.floor(queued_later / per_window), queued_later % per_window
end
local slots = {}
while wanted > 0 do
  if booked >= per_window then window, booked = window + 1, 0 end
  local count = math.min(per_window - booked, wanted)
  table.insert(slots, window)
  table.insert(slots, count)
  booked, wanted = booked + count, wanted - count
end
redis.call('HSET', KEYS[1], 'window', window, 'booked', booked)
redis.call('EXPIRE', KEYS[1], (window - first + 2) * tonumber(ARGV[4]))
return slots
"""


@cache
def _redis():
    from redis import Redis

    client = Redis.from_url(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
    return client, client.register_script(_RESERVE), client.register_script(_BOOK)


def _redis_take(key: str, limit: RateLimit, window: int, wanted: int) -> int:
    _client, reserve, _book = _redis()
    name = f"canhgiac:budget:{key}:{limit.seconds}:{window}"
    return int(reserve(keys=[name], args=[wanted, limit.count, limit.seconds * 2 + 1]))


def _redis_book(
    key: str, limit: RateLimit, rank: int, wanted: int, first: int, queued_later: int
) -> list[tuple[int, int]]:
    _client, _reserve, book_script = _redis()
    name = f"canhgiac:booked:{key}:{rank}:{limit.seconds}"
    args = [first, limit.count, wanted, limit.seconds, queued_later]
    flat = [int(n) for n in book_script(keys=[name], args=args)]
    return list(zip(flat[::2], flat[1::2], strict=True))
