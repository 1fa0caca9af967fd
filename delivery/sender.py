"""One worker's sends in flight: claimed deliveries sorted by credential, held through their
quiet hours, started as each credential's budget and concurrency allow, on a pool of sender
threads that each wait for a provider, so waiting for one provider's answer does not hold up
the others. docs/fanout.md "Sending at the provider's pace" explains the design.
"""

import logging
import queue
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from channels import http, sending
from channels.models import ChannelConfig
from channels.registry import ChannelType, RateLimit, get_type
from delivery import pace
from delivery.attempt import AddressCheck, DrainResult, pending_reply, send_one
from delivery.models import Delivery, DeliveryStatus, Endpoint, Priority

logger = logging.getLogger(__name__)


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
