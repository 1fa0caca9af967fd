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


def _send_after_commit() -> None:
    _enqueue(send_deliveries)


def _send_urgent_after_commit() -> None:
    _enqueue(send_urgent_deliveries)


def enqueue_after_commit(urgent: bool) -> None:
    """Start sending once the deliveries are committed: a rolled-back publish sends nothing.

    Once per transaction (a filing creates the reporter's notice and the officer's alert): each
    task sends everything due. A hook registered in a savepoint still open here is dropped only
    with the savepoint, and with it the deliveries it would have sent."""
    hook = _send_urgent_after_commit if urgent else _send_after_commit
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(func is hook for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(hook)
