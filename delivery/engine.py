"""The sending side of the engine: claim ready deliveries atomically, send each through its
channel's one contract, record every attempt, retry with backoff, fall back along the member's
chain, and respect each credential's rate limit and quiet hours. A worker keeps many sends in
flight (a pool of sender threads, bounded per credential), so waiting for one provider's answer
does not hold up the others. docs/fanout.md explains the design.

This module claims deliveries and drains the queue; the sends in flight are delivery/sender.py's,
one delivery's send and its recorded outcome delivery/attempt.py's.
"""

import uuid
from datetime import datetime, timedelta
from time import monotonic, sleep

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Min, Q
from django.utils import timezone

from delivery.attempt import DrainResult
from delivery.models import Delivery, DeliveryStatus
from delivery.sender import Sender


def new_worker_id() -> str:
    return uuid.uuid4().hex[:16]


def ready(now: datetime):
    """Deliveries a worker may take now: queued, due, and not held by a live worker."""
    lease_expired = now - timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    return Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_expired)
    )


def claim(worker: str, limit: int, *, now: datetime | None = None) -> list[Delivery]:
    """Take up to `limit` ready deliveries, most urgent first, so no other worker takes them.

    On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent workers
    take disjoint batches without waiting. SQLite serialises writers (IMMEDIATE transactions),
    and the UPDATE repeats the readiness condition, so a row is never claimed twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        candidates = ready(now).order_by("rank", "next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        ready(now).filter(pk__in=ids).update(claimed_by=worker, claimed_at=now)
    return list(
        Delivery.objects.filter(claimed_by=worker, claimed_at=now, status=DeliveryStatus.QUEUED)
        .select_related("notice", "person", "relay", "chat_reply__config")
        .order_by("rank", "id")
    )


def process_batch(batch: list[Delivery], worker: str, result: DrainResult) -> None:
    """Send one claimed batch to the end (as `drain` does, without claiming more)."""
    sender = Sender(worker, result)
    try:
        sender.add(batch)
        while not sender.idle:
            sender.dispatch()
            sender.wait(0.5)
    finally:
        sender.finish()


def drain(
    *,
    worker: str | None = None,
    budget_seconds: float | None = None,
    batch_size: int | None = None,
    concurrency: int | None = None,
) -> DrainResult:
    """Send ready deliveries until none is left or the time budget is spent.

    Batches are small and claimed most-urgent-first as senders free up, so an urgent alert
    published while a large bulletin is being sent goes out with the next claim, ahead of the
    bulletin's remainder.
    """
    worker = worker or new_worker_id()
    budget_seconds = settings.DELIVERY_DRAIN_SECONDS if budget_seconds is None else budget_seconds
    batch_size = batch_size or settings.DELIVERY_BATCH_SIZE
    result = DrainResult()
    deadline = monotonic() + budget_seconds
    sender = Sender(worker, result, concurrency=concurrency)
    claim_size = batch_size
    try:
        while monotonic() < deadline:
            found_nothing = False
            if sender.wants_more():
                batch = claim(worker, claim_size)
                if batch:
                    started = sender.started
                    sender.add(batch)
                    sender.dispatch()
                    # A batch whose credentials had all spent this window's budget went straight
                    # back: claim more at once, so one commune's long block of recipients does
                    # not take a claim per batch before the next commune's turn.
                    claim_size = batch_size if sender.started > started else min(2 * claim_size, 40 * batch_size)
                elif sender.idle:
                    # Deliveries put back until a credential's next window are due in a moment:
                    # wait for them rather than end (and have the loop sleep).
                    pause = _until_next_release(timezone.now())
                    if pause is None or monotonic() + pause > deadline:
                        break
                    sleep(pause)
                    continue
                else:
                    found_nothing = True
            sender.dispatch()
            sender.wait(0.5 if found_nothing or not sender.wants_more() else 0.05)
    finally:
        sender.finish()
    return result


def _until_next_release(now: datetime) -> float | None:
    """Seconds until the next unclaimed delivery falls due, when that is within a few seconds."""
    soon = now + timedelta(seconds=settings.DELIVERY_WAIT_FOR_DUE_SECONDS)
    due = Delivery.objects.filter(
        status=DeliveryStatus.QUEUED, claimed_at__isnull=True, next_attempt_at__gt=now, next_attempt_at__lte=soon
    ).aggregate(due=Min("next_attempt_at"))["due"]
    return None if due is None else max(0.0, (due - now).total_seconds()) + 0.01


def next_due(now: datetime | None = None) -> datetime | None:
    """When the earliest waiting delivery becomes due (for scheduling the next drain).

    A delivery held by a worker is not due before its lease runs out: counting it as due would
    make every finishing task enqueue another that finds nothing to take, over and over, while a
    live worker sends it (or a killed one's lease runs).
    """
    now = now or timezone.now()
    lease = timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease)
    found = Delivery.objects.filter(status=DeliveryStatus.QUEUED).aggregate(
        free=Min("next_attempt_at", filter=free), held=Min("claimed_at", filter=~free)
    )
    candidates = [found["free"], found["held"] and found["held"] + lease]
    return min((due for due in candidates if due is not None), default=None)
