"""Slow down guessing of receipt code + secret (docs/security.md, finding 2).

Failures are counted per client address and per its /24 (IPv4) or /64 (IPv6) in Django's cache
(per process unless a shared cache is configured). Past REPORT_FOLLOW_MAX_FAILURES from one
address (five times as many from its network) following pauses, and every further failure while
paused doubles the pause, from 15 minutes up to a day. The secret's size (22^12 combinations) is
the real protection; this keeps logs and load quiet. The address is REMOTE_ADDR as
core.middleware.ClientAddressMiddleware set it, so a forged X-Forwarded-For changes nothing.
"""

from django.conf import settings
from django.core.cache import cache

from core.http import client_network

WINDOW_SECONDS = 15 * 60
MAX_PAUSE_SECONDS = 24 * 3600
NETWORK_FACTOR = 5


def _keys(ip: str | None) -> list[tuple[str, int]]:
    limit = settings.REPORT_FOLLOW_MAX_FAILURES
    keys = [(f"reports:follow-failures:ip:{ip or 'unknown'}", limit)]
    if network := client_network(ip):
        keys.append((f"reports:follow-failures:net:{network}", limit * NETWORK_FACTOR))
    return keys


def follow_blocked(ip: str | None) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(ip))


def note_follow_failure(ip: str | None) -> None:
    for key, limit in _keys(ip):
        if cache.add(key, 1, WINDOW_SECONDS):
            continue
        try:
            failures = cache.incr(key)
        except ValueError:
            cache.set(key, 1, WINDOW_SECONDS)
            continue
        if failures > limit:
            cache.touch(key, min(WINDOW_SECONDS * 2 ** min(failures - limit, 10), MAX_PAUSE_SECONDS))
