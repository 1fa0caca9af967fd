"""The sending side of the engine: claim ready deliveries atomically, send each through its
channel's one contract, record every attempt, retry with backoff, fall back along the member's
chain, and respect per-channel rate limits and quiet hours. docs/fanout.md explains the design.
"""

import logging
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from channels import sending
from channels.base import ReplyContext, TransportError
from channels.registry import get_type
from delivery.messages import render_message, render_reply
from delivery.models import (
    PRIORITY_RANK,
    Attempt,
    ChannelBudget,
    ChatReply,
    Delivery,
    DeliveryStatus,
    Endpoint,
    Priority,
    ReplyOutcome,
)
from delivery.routing import chain, do_disable_endpoint, next_channel
from delivery.signals import chat_reply_attempted

logger = logging.getLogger(__name__)


@dataclass
class DrainResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    deferred: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried + self.deferred


def new_worker_id() -> str:
    return uuid.uuid4().hex[:16]


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base · 2^(n-1), capped, ±20 %."""
    base, cap = settings.DELIVERY_RETRY_BASE_SECONDS, settings.DELIVERY_RETRY_MAX_SECONDS
    seconds = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 — jitter, not security


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
        .select_related("notice", "person", "relay", "chat_reply")
        .order_by("rank", "id")
    )


def _window(now: datetime) -> int:
    return int(now.timestamp() // 60)


def take_budget(channel_slug: str, wanted: int, now: datetime) -> int:
    """Reserve up to `wanted` sends on the channel in the current minute; return how many."""
    limit = get_type(channel_slug).effective_rate_per_minute()
    if limit is None:
        return wanted
    window = _window(now)
    with transaction.atomic():
        budget, _created = ChannelBudget.objects.select_for_update().get_or_create(channel=channel_slug)
        if budget.window != window:
            budget.window, budget.used = window, 0
        granted = max(0, min(wanted, limit - budget.used))
        budget.used += granted
        budget.save()
    return granted


def quiet_until(channel_slug: str, now: datetime) -> datetime | None:
    """The end of the channel's quiet hours when `now` falls inside them, else None."""
    hours = get_type(channel_slug).effective_quiet_hours()
    if hours is None:
        return None
    start, end = hours
    local = timezone.localtime(now)
    clock = local.time()
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until


def _release(deliveries: list[Delivery], until: datetime) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
        claimed_by=None, claimed_at=None, next_attempt_at=until
    )


def _addresses(deliveries: list[Delivery]) -> dict[tuple[int, str], Endpoint]:
    targets = {d.relay_id or d.person_id for d in deliveries}
    channels = {d.channel for d in deliveries}
    endpoints = Endpoint.objects.filter(person_id__in=targets, channel__in=channels, disabled_at__isnull=True)
    return {(e.person_id, e.channel): e for e in endpoints}


def _finish(delivery: Delivery, worker: str, **changes) -> None:
    """Write a delivery's outcome, but only while this worker still holds it."""
    changes.setdefault("claimed_by", None)
    changes.setdefault("claimed_at", None)
    Delivery.objects.filter(pk=delivery.pk, claimed_by=worker).update(**changes)


def pending_reply(delivery: Delivery) -> ChatReply | None:
    """The chat reply this delivery still carries, if any (none once it fell back)."""
    reply: ChatReply | None = getattr(delivery, "chat_reply", None)
    if reply is None or reply.outcome != ReplyOutcome.PENDING:
        return None
    return reply


def send_one(delivery: Delivery, endpoint: Endpoint | None, worker: str, result: DrainResult) -> None:
    now = timezone.now()
    reply = pending_reply(delivery)
    if reply is not None:
        endpoint = None  # a reply goes to the chat, not to the person's address
    try:
        if reply is not None:
            message = render_reply(delivery, reply.text, ReplyContext(reply.config_id, reply.user_id))
        elif get_type(delivery.channel).needs_address and endpoint is None:
            raise TransportError("no address on this channel", permanent=True)
        else:
            message = render_message(delivery, endpoint.address if endpoint else "")
        provider_id = sending.send(delivery.channel, message)
    except TransportError as error:
        _record_failure(delivery, endpoint, worker, error, result)
        return
    except Exception as error:  # a bug in a channel must not stop the worker; it is retried
        logger.exception("channel %s crashed on delivery %s", delivery.channel, delivery.pk)
        _record_failure(delivery, endpoint, worker, TransportError(f"internal error: {error!r}"[:300]), result)
        return
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery, channel=delivery.channel, ok=True, provider_id=provider_id, worker=worker
        )
        _finish(
            delivery, worker, status=DeliveryStatus.DELIVERED, delivered_at=now, error="", attempts=F("attempts") + 1
        )
        if reply is not None:
            ChatReply.objects.filter(pk=reply.pk).update(outcome=ReplyOutcome.SENT, error="")
            reply.outcome = ReplyOutcome.SENT
    if reply is not None:
        delivery.attempts += 1
        chat_reply_attempted.send(sender=Delivery, delivery=delivery, reply=reply, error=None, final=True)
    result.sent += 1
    result.by_channel[delivery.channel] += 1


def _record_failure(
    delivery: Delivery, endpoint: Endpoint | None, worker: str, error: TransportError, result: DrainResult
) -> None:
    now = timezone.now()
    attempts = delivery.attempts + 1
    reply = pending_reply(delivery)
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            channel=delivery.channel,
            ok=False,
            permanent=error.permanent,
            error=error.message[:500],
            worker=worker,
        )
        if error.permanent and endpoint is not None:
            do_disable_endpoint(endpoint, error.message)
        if not error.permanent and attempts < settings.DELIVERY_MAX_ATTEMPTS:
            retry_at = now + backoff(attempts)
            if error.retry_after is not None and error.retry_after > retry_at:
                retry_at = error.retry_after
            _finish(delivery, worker, attempts=attempts, next_attempt_at=retry_at, error=error.message[:300])
            result.retried += 1
            _tell_reply(delivery, reply, error, attempts, final=False)
            return
        if reply is not None:
            # The chat could not take the answer: the notice goes down the person's chain from its start.
            ChatReply.objects.filter(pk=reply.pk).update(outcome=ReplyOutcome.FAILED, error=error.message[:300])
            reply.outcome = ReplyOutcome.FAILED
            fallback: str | None = chain(delivery.relay_id or delivery.person_id)[0]
        elif delivery.notice.parallel_of_id is not None:
            fallback = None  # a copy on one more channel: the original notice walks the chain
        else:
            fallback = next_channel(delivery.relay_id or delivery.person_id, delivery.channel)
        if fallback == "web":
            _finish(
                delivery,
                worker,
                channel="web",
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                attempts=0,
                error=error.message[:300],
            )
            result.sent += 1
            result.by_channel["web"] += 1
        elif fallback:
            _finish(delivery, worker, channel=fallback, attempts=0, next_attempt_at=now, error=error.message[:300])
            result.retried += 1
        else:
            _finish(delivery, worker, status=DeliveryStatus.FAILED, attempts=attempts, error=error.message[:300])
            result.failed += 1
    _tell_reply(delivery, reply, error, attempts, final=True)


def _tell_reply(delivery: Delivery, reply: ChatReply | None, error: TransportError, attempts: int, *, final: bool):
    if reply is not None:
        delivery.attempts = attempts
        chat_reply_attempted.send(sender=Delivery, delivery=delivery, reply=reply, error=error, final=final)


def process_batch(batch: list[Delivery], worker: str, result: DrainResult) -> None:
    now = timezone.now()
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for delivery in batch:
        by_channel[delivery.channel].append(delivery)
    addresses = _addresses(batch)
    for slug, deliveries in by_channel.items():
        quiet_end = quiet_until(slug, now)
        if quiet_end is not None:
            held = [d for d in deliveries if d.notice.priority != Priority.URGENT]
            deliveries = [d for d in deliveries if d.notice.priority == Priority.URGENT]
            if held:
                _release(held, quiet_end)
                result.deferred += len(held)
        granted = take_budget(slug, len(deliveries), now)
        if granted < len(deliveries):
            next_minute = datetime.fromtimestamp((_window(now) + 1) * 60, tz=now.tzinfo)
            _release(deliveries[granted:], next_minute)
            result.deferred += len(deliveries) - granted
        for delivery in deliveries[:granted]:
            send_one(delivery, addresses.get((delivery.relay_id or delivery.person_id, slug)), worker, result)


def drain(
    *, worker: str | None = None, budget_seconds: float | None = None, batch_size: int | None = None
) -> DrainResult:
    """Send ready deliveries until none is left or the time budget is spent.

    Each batch is small and re-claimed most-urgent-first, so an urgent alert published while a
    large bulletin is being sent goes out at the next batch, ahead of the bulletin's remainder.
    """
    worker = worker or new_worker_id()
    budget_seconds = settings.DELIVERY_DRAIN_SECONDS if budget_seconds is None else budget_seconds
    batch_size = batch_size or settings.DELIVERY_BATCH_SIZE
    result = DrainResult()
    deadline = monotonic() + budget_seconds
    while monotonic() < deadline:
        batch = claim(worker, batch_size)
        if not batch:
            break
        process_batch(batch, worker, result)
    return result


def next_due() -> datetime | None:
    """When the earliest waiting delivery becomes due (for scheduling the next drain)."""
    return Delivery.objects.filter(status=DeliveryStatus.QUEUED).aggregate(due=Min("next_attempt_at"))["due"]


__all__ = ["PRIORITY_RANK", "DrainResult", "backoff", "claim", "drain", "next_due", "quiet_until", "take_budget"]
