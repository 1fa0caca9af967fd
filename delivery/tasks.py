"""Background work for the engine. Both tasks run the same drain loop; the urgent one sits on
the `urgent` queue so a worker free for urgent work starts on it at once (docs/fanout.md)."""

import logging

from django.db import transaction
from django.tasks import default_task_backend, task
from django.utils import timezone

from delivery.engine import drain, next_due

logger = logging.getLogger(__name__)


@task(queue_name="default")
def send_deliveries() -> int:
    result = drain()
    _follow_up()
    return result.handled


@task(queue_name="urgent", priority=100)
def send_urgent_deliveries() -> int:
    result = drain()
    _follow_up()
    return result.handled


def _follow_up() -> None:
    """Come back when the next retry or deferred delivery falls due (where the queue can defer);
    the `deliver` command's loop covers queues that cannot, and crashed workers' leases."""
    due = next_due()
    if due is None:
        return
    if due <= timezone.now():
        _enqueue(send_deliveries)
    elif default_task_backend.supports_defer:
        _enqueue(send_deliveries.using(run_after=due))


def _enqueue(work) -> None:
    try:
        work.enqueue()
    except Exception:  # the queue being down must not fail a publish; `deliver` sweeps up
        logger.exception("could not enqueue %s", work.name)


def enqueue_after_commit(urgent: bool) -> None:
    """Start sending once the deliveries are committed: a rolled-back publish sends nothing.

    One task per notice: a filing (the reporter's receipt and the officer's alert) queues two,
    and the second finds little or nothing left. Queueing one per transaction was tried for
    intake's sake (docs/benchmarks.md, "intake") and did not move its figures; it also hid the
    hook from code that runs the callbacks of one part of a transaction (tests capturing them).
    """
    transaction.on_commit(lambda: _enqueue(send_urgent_deliveries if urgent else send_deliveries))


@task(queue_name="default")
def sweep_orphan_deliveries() -> dict[str, int]:
    """The daily backstop under delivery/integrity.py: it should find nothing, and logs an error if it does."""
    from delivery.integrity import sweep_orphans

    return sweep_orphans()
