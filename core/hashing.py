"""Keyed hashes (HMAC-SHA-256) of high-entropy secrets handed to people, e.g. an anonymous
reporter's follow-up secret (docs/security.md, finding 5).

Such a secret is random with ~53 bits of entropy, so a slow password hash (PBKDF2, 0.6 s of CPU
each) adds nothing but a way to saturate intake: a keyed hash is enough, because without the
server key (`HMAC_KEY`) a stolen database gives nothing to guess against offline. Compared in
constant time. `HMAC_KEY_FALLBACKS` keeps hashes made with an earlier key valid after a rotation.
"""

import hashlib
import hmac

from django.conf import settings

PREFIX = "hmac-sha256$"


def _digest(key: str, value: str) -> str:
    return hmac.new(key.encode(), value.encode(), hashlib.sha256).hexdigest()


def keyed_hash(value: str) -> str:
    return PREFIX + _digest(settings.HMAC_KEY, value)


def keyed_hashes(value: str) -> list[str]:
    """The keyed hash of `value` under the current key and every fallback one, to look a stored
    hash up with `__in` (a keyed hash used as a lookup key, e.g. a sealed reporter's account)."""
    return [PREFIX + _digest(key, value) for key in [settings.HMAC_KEY, *settings.HMAC_KEY_FALLBACKS]]


def is_keyed_hash(stored: str) -> bool:
    return stored.startswith(PREFIX)


def keyed_hash_matches(value: str, stored: str) -> bool:
    """Whether `stored` is the keyed hash of `value` under the current key or a fallback one."""
    if not is_keyed_hash(stored):
        return False
    found = False
    for key in [settings.HMAC_KEY, *settings.HMAC_KEY_FALLBACKS]:
        # Every key is tried, so the time taken does not tell which one matched.
        found |= hmac.compare_digest(PREFIX + _digest(key, value), stored)
    return found
