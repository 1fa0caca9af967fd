"""Each provider credential's send budget, shared by every worker on every machine.

A credential is one configured channel (one Zalo OA, one ZNS account, one bot, one SMS account):
providers meter each on its own, so each has its own counter per window of the clock, keyed
`<slug>:<config id>` (a type without configurations, such as email, has one key: its slug).
Reserving is atomic: a row locked with SELECT … FOR UPDATE in the database (the write lock on
SQLite), or one Lua script in Redis when the engine is told to use it (DELIVERY_RATE_STORE).
docs/fanout.md, "Sending at the provider's pace", explains the windows and the guard.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.db import transaction

from channels.registry import RateLimit
from delivery.models import ChannelBudget

# Nothing is granted in the last moments of a window: a send granted then would reach the
# provider in the next window, on top of that window's full budget.
GUARD_SECONDS = 0.2
# A granted send that reaches its last step (the provider call) this close to its window's end
# or later is put back instead (engine.WindowMissed): what is left of the window must cover the
# way to the provider.
LATE_SECONDS = 0.1


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


@cache
def _redis():
    from redis import Redis

    client = Redis.from_url(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
    return client, client.register_script(_RESERVE)


def _redis_take(key: str, limit: RateLimit, window: int, wanted: int) -> int:
    _client, reserve = _redis()
    name = f"canhgiac:budget:{key}:{limit.seconds}:{window}"
    return int(reserve(keys=[name], args=[wanted, limit.count, limit.seconds * 2 + 1]))
