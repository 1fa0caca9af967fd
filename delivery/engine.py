"""The sending side of the engine: claim ready deliveries atomically, send each through its
channel's one contract, record every attempt, retry with backoff, fall back along the member's
chain, and respect each credential's rate limit and quiet hours. A worker keeps many sends in
flight (a pool of sender threads, bounded per credential), so waiting for one provider's answer
does not hold up the others. docs/fanout.md explains the design.
"""

import logging
import queue
import random
import threading
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic, sleep

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Case, DateTimeField, F, Min, Q, Value, When
from django.utils import timezone

from channels import http, sending
from channels.base import ReplyContext, TransportError
from channels.models import ChannelConfig
from channels.registry import ChannelType, RateLimit, get_type
from delivery import pace
from delivery.messages import render_message, render_reply
from delivery.models import (
    PRIORITY_RANK,
    Attempt,
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

    def add(self, other: "DrainResult") -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.deferred += other.deferred
        for channel, count in other.by_channel.items():
            self.by_channel[channel] += count


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
        .select_related("notice", "person", "relay", "chat_reply__config")
        .order_by("rank", "id")
    )


def quiet_until(channel_slug: str, now: datetime, config: ChannelConfig | None = None) -> datetime | None:
    """The end of the channel's quiet hours when `now` falls inside them, else None."""
    hours = get_type(channel_slug).effective_quiet_hours(config)
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


def _check_addresses(
    channel_type: ChannelType | None,
    deliveries: list[Delivery],
    configs: dict[int, ChannelConfig],
    addresses: dict[tuple[int, str], Endpoint],
) -> dict[int, "AddressCheck"]:
    """Check the linked accounts (Zalo followers) of a claim's deliveries on one channel in one
    query, rather than one query a send; a delivery left out is checked by `sending.send`."""
    if channel_type is None or not channel_type.address_is_linked_account:
        return {}
    keys: dict[int, tuple[int, int, str]] = {}
    for delivery in deliveries:
        target = delivery.relay_id or delivery.person_id
        config, endpoint = configs.get(target), addresses.get((target, delivery.channel))
        if config is not None and endpoint is not None and pending_reply(delivery) is None:
            keys[delivery.pk] = (config.pk, target, endpoint.address)
    problems = sending.address_problems(channel_type, keys.values())
    return {pk: AddressCheck(problems[key].message if key in problems else None) for pk, key in keys.items()}


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


class WindowMissed(Exception):
    """The send was granted in a rate window that ended before it could reach the provider."""


def send_one(
    delivery: Delivery,
    endpoint: Endpoint | None,
    worker: str,
    result: DrainResult,
    config: ChannelConfig | None = None,
    window_end: datetime | None = None,
    address: "AddressCheck | None" = None,
) -> None:
    """Send one delivery and record its outcome. `address`, when the caller checked the linked
    accounts of its whole claim at once (Sender.add), is what that check found."""
    now = timezone.now()
    reply = pending_reply(delivery)
    if reply is not None:
        endpoint = None  # a reply goes to the chat, not to the person's address
    credential = _credential(delivery, reply, config)
    try:
        if reply is not None:
            message = render_reply(delivery, reply.text, ReplyContext(reply.config_id, reply.user_id))
        elif get_type(delivery.channel).needs_address and endpoint is None:
            raise TransportError("no address on this channel", permanent=True)
        else:
            message = render_message(delivery, endpoint.address if endpoint else "")
        if address is not None and address.problem is not None:
            raise TransportError(address.problem, permanent=True)
        provider_id = sending.send(
            delivery.channel, message, config=config, gate=_gate(window_end), address_checked=address is not None
        )
    except WindowMissed:
        # Sent now it would count in the next window, on top of that window's whole budget: it
        # goes back to the queue, due at once, without an attempt.
        _finish(delivery, worker, next_attempt_at=timezone.now())
        result.deferred += 1
        return
    except TransportError as error:
        _record_failure(delivery, endpoint, worker, error, result, credential)
        return
    except Exception as error:  # a bug in a channel must not stop the worker; it is retried
        logger.exception("channel %s crashed on delivery %s", delivery.channel, delivery.pk)
        crash = TransportError(f"internal error: {error!r}"[:300])
        _record_failure(delivery, endpoint, worker, crash, result, credential)
        return
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            channel=delivery.channel,
            ok=True,
            provider_id=provider_id,
            worker=worker,
            credential=credential,
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


def _credential(delivery: Delivery, reply: ChatReply | None, config: ChannelConfig | None) -> str:
    """The pacing key the send is metered on: a reply goes out on the chat's configuration."""
    config_id = reply.config_id if reply is not None else (config.pk if config is not None else None)
    return pace.credential_key(delivery.channel, config_id)


def _gate(window_end: datetime | None):
    if window_end is None:
        return None

    def gate() -> None:
        if timezone.now() >= window_end - timedelta(seconds=pace.LATE_SECONDS):
            raise WindowMissed

    return gate


def _record_failure(
    delivery: Delivery,
    endpoint: Endpoint | None,
    worker: str,
    error: TransportError,
    result: DrainResult,
    credential: str = "",
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
            credential=credential,
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


@dataclass(frozen=True)
class AddressCheck:
    """The recipient's linked account as checked for a whole claim (sending.address_problems):
    None when it can be sent to, else why not (a permanent failure)."""

    problem: str | None


@dataclass
class Job:
    delivery: Delivery
    endpoint: Endpoint | None
    key: str  # the credential it is metered on (delivery.pace)
    config: ChannelConfig | None
    window_end: datetime | None = None  # the end of the rate window its send was granted in
    address: AddressCheck | None = None  # checked with its claim; None: `sending.send` checks it


class Sender:
    """One worker's sends in flight: deliveries wait per credential, go out as that credential's
    budget and concurrency allow, and run on a pool of threads that each wait for a provider.

    With a concurrency of 1 everything runs in the calling thread, one send after another.
    Each thread has its own database connection, closed when the pool stops.
    """

    def __init__(self, worker: str, result: DrainResult, *, concurrency: int | None = None):
        self.worker, self.result = worker, result
        self.concurrency = max(1, settings.DELIVERY_CONCURRENCY if concurrency is None else concurrency)
        self.per_credential = max(1, min(settings.DELIVERY_CONCURRENCY_PER_CREDENTIAL, self.concurrency))
        self.waiting: dict[str, deque[Job]] = defaultdict(deque)
        self.limits: dict[str, RateLimit | None] = {}
        self.in_flight: dict[str, int] = defaultdict(int)
        self.busy = 0
        self.started = 0
        self.inbox: queue.Queue[Job | None] = queue.Queue()
        self.done: queue.Queue[str] = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()
        if self.concurrency > 1:
            http.warm()  # once a process, before its first notice comes

    def _start_pool(self) -> None:
        """The sender threads, started with the first send: a worker polling an empty queue
        several times a second does not start and stop a pool each time."""
        for index in range(self.concurrency):
            thread = threading.Thread(target=self._serve, name=f"sender-{index}", daemon=True)
            self.threads.append(thread)
            thread.start()

    # Taking work ---------------------------------------------------------------------------

    def add(self, batch: list[Delivery]) -> None:
        """Sort claimed deliveries by credential; hold those in their quiet hours."""
        now = timezone.now()
        addresses = _addresses(batch)
        by_channel: dict[str, list[Delivery]] = defaultdict(list)
        for delivery in batch:
            by_channel[delivery.channel].append(delivery)
        held: dict[datetime, list[Delivery]] = defaultdict(list)
        for slug, deliveries in by_channel.items():
            try:
                channel_type: ChannelType | None = get_type(slug)
            except LookupError:
                channel_type = None  # sending says why, and the delivery falls back
            configs = (
                sending.configs_for_recipients(
                    slug, [d.relay_id or d.person_id for d in deliveries if pending_reply(d) is None]
                )
                if channel_type is not None
                else {}
            )
            checks = _check_addresses(channel_type, deliveries, configs, addresses)
            for delivery in deliveries:
                reply = pending_reply(delivery)
                config = reply.config if reply is not None else configs.get(delivery.relay_id or delivery.person_id)
                key = pace.credential_key(slug, config.pk if config is not None else None)
                if channel_type is not None and delivery.notice.priority != Priority.URGENT:
                    quiet_end = quiet_until(slug, now, config)
                    if quiet_end is not None:
                        held[quiet_end].append(delivery)
                        continue
                if key not in self.limits:
                    self.limits[key] = channel_type.rate_limit(config) if channel_type is not None else None
                endpoint = addresses.get((delivery.relay_id or delivery.person_id, slug))
                job = Job(delivery, endpoint, key, None if reply is not None else config)
                job.address = checks.get(delivery.pk)
                self.waiting[key].append(job)
        for until, deliveries in held.items():
            _release(deliveries, until)
            self.result.deferred += len(deliveries)

    @property
    def waiting_count(self) -> int:
        return sum(len(jobs) for jobs in self.waiting.values())

    @property
    def idle(self) -> bool:
        return self.busy == 0 and self.waiting_count == 0

    def wants_more(self) -> bool:
        """Claim more while fewer deliveries could start than there are free senders (and not
        so many are held that their leases could run out before they are sent)."""
        ready = sum(len(jobs) for key, jobs in self.waiting.items() if self.in_flight[key] < self.per_credential)
        return ready < self.concurrency - self.busy and self.waiting_count < 10 * self.concurrency

    # Sending -------------------------------------------------------------------------------

    def dispatch(self) -> None:
        """Start what each credential's budget and concurrency allow; put back, for the next
        window, what its budget cannot take in this one."""
        for key in list(self.waiting):
            jobs = self.waiting[key]
            while jobs:
                room = min(len(jobs), self.per_credential - self.in_flight[key], self.concurrency - self.busy)
                if room <= 0:
                    break
                grant = pace.take(key, self.limits.get(key), room, timezone.now())
                for _ in range(grant.granted):
                    job = jobs.popleft()
                    job.window_end = grant.window_end if self.limits.get(key) else None
                    self._start(job)
                if grant.granted < room:
                    self._put_back(key, [job.delivery for job in jobs], grant.window_end)
                    self.result.deferred += len(jobs)
                    jobs.clear()
            if not jobs:
                del self.waiting[key]

    def _put_back(self, key: str, deliveries: list[Delivery], window_end: datetime) -> None:
        """Hand back what the credential's budget cannot take in this window, booked into its
        coming windows at its limit (pace.book): each window then brings every credential's
        share of the queue, rather than one credential's whole backlog that its budget sends
        a few of and the worker must put back again before reaching the next credential."""
        limit = self.limits.get(key)
        if limit is None:
            _release(deliveries, window_end)
            return
        lanes: dict[int, list[Delivery]] = defaultdict(list)
        for delivery in deliveries:
            lanes[delivery.rank].append(delivery)
        due: dict[datetime, list[int]] = defaultdict(list)
        for rank, waiting in lanes.items():
            later = Delivery.objects.filter(status=DeliveryStatus.QUEUED, rank=rank, next_attempt_at__gte=window_end)
            slots = pace.book(key, limit, rank, len(waiting), window_end, later.count())
            pending = iter(waiting)
            for slot in slots:
                due[slot.due].extend(next(pending).pk for _ in range(slot.count))
        booked = Case(*(When(pk__in=ids, then=Value(at)) for at, ids in due.items()), output_field=DateTimeField())
        Delivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(
            claimed_by=None, claimed_at=None, next_attempt_at=booked
        )

    def _start(self, job: Job) -> None:
        self.started += 1
        if self.concurrency == 1:
            self._send(job)
            return
        if not self.threads:
            self._start_pool()
        self.busy += 1
        self.in_flight[job.key] += 1
        self.inbox.put(job)

    def _send(self, job: Job) -> None:
        if self.concurrency == 1:
            send_one(job.delivery, job.endpoint, self.worker, self.result, job.config, job.window_end, job.address)
            return
        result = DrainResult()
        send_one(job.delivery, job.endpoint, self.worker, result, job.config, job.window_end, job.address)
        with self.lock:
            self.result.add(result)

    def _serve(self) -> None:
        try:
            while (job := self.inbox.get()) is not None:
                try:
                    self._send(job)
                except Exception:  # a database error on one delivery; its lease lets it be retried
                    logger.exception("sending delivery %s failed", job.delivery.pk)
                finally:
                    self.done.put(job.key)
        finally:
            connections.close_all()

    def wait(self, timeout: float) -> None:
        """Until at least one send in flight finishes (or `timeout`)."""
        if self.busy == 0:
            return
        try:
            key = self.done.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self.busy -= 1
            self.in_flight[key] -= 1
            try:
                key = self.done.get_nowait()
            except queue.Empty:
                return

    def finish(self) -> None:
        """Let the sends in flight end, hand back what was claimed but not started, stop the pool."""
        unsent = [job.delivery for jobs in self.waiting.values() for job in jobs]
        if unsent:
            Delivery.objects.filter(pk__in=[d.pk for d in unsent], claimed_by=self.worker).update(
                claimed_by=None, claimed_at=None
            )
        self.waiting.clear()
        while self.busy:
            self.wait(1.0)
        for _thread in self.threads:
            self.inbox.put(None)
        for thread in self.threads:
            thread.join()
        self.threads.clear()


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


__all__ = ["PRIORITY_RANK", "DrainResult", "Sender", "backoff", "claim", "drain", "next_due", "quiet_until"]
