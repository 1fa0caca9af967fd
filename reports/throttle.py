"""Slow down guessing of receipt code + secret: a few failures per client address, then a pause.

Uses Django's cache (per process unless a shared cache is configured); the secret's size
(22^12 combinations) is the real protection, this only keeps logs and load quiet."""

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _key(ip: str | None) -> str:
    return f"reports:follow-failures:{ip or 'unknown'}"


def follow_blocked(ip: str | None) -> bool:
    return cache.get(_key(ip), 0) >= settings.REPORT_FOLLOW_MAX_FAILURES


def note_follow_failure(ip: str | None) -> None:
    key = _key(ip)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
