"""One delivery sent through its channel's one contract, and its outcome recorded: the attempt,
a retry with backoff, the fall back along the member's chain, a chat reply's outcome. Whichever
sender thread runs it (delivery/sender.py), it writes only while its worker still holds the
delivery. docs/fanout.md "Sending" explains the design.
"""

import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from channels import sending
from channels.base import ReplyContext, TransportError
from channels.models import ChannelConfig
from channels.registry import get_type
from delivery import pace
from delivery.messages import render_message, render_reply
from delivery.models import Attempt, ChatReply, Delivery, DeliveryStatus, Endpoint, ReplyOutcome
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


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base · 2^(n-1), capped, ±20 %."""
    base, cap = settings.DELIVERY_RETRY_BASE_SECONDS, settings.DELIVERY_RETRY_MAX_SECONDS
    seconds = min(cap, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 — jitter, not security


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
