"""The duty sweep: escalate overdue acknowledgements, then run the sweepers other apps register
(reports registers the legal-deadline escalation), as the registry pattern keeps this app from
importing the apps above it (docs/architecture.md)."""

import logging
from collections.abc import Callable
from time import monotonic

from django.utils import timezone

from duty.actions import escalate_due

logger = logging.getLogger(__name__)

SWEEPERS: list[Callable[[], int]] = []
# Registered sweepers (a scan of overdue cases) run at most this often from the deliver loop.
SWEEPER_EVERY_SECONDS = 60
_last_run = {"at": -SWEEPER_EVERY_SECONDS * 1.0}


def register(sweeper: Callable[[], int]) -> None:
    if sweeper not in SWEEPERS:
        SWEEPERS.append(sweeper)


def run(*, force: bool = False) -> int:
    """Escalate what is due now; the registered sweepers once a minute (always with `force`)."""
    done = escalate_due(timezone.now())
    if force or monotonic() - _last_run["at"] >= SWEEPER_EVERY_SECONDS:
        _last_run["at"] = monotonic()
        for sweeper in SWEEPERS:
            try:
                done += sweeper()
            except Exception:  # one broken sweeper must not stop escalations
                logger.exception("duty sweeper %s failed", sweeper)
    return done
