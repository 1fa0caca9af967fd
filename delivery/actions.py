"""Every write of the delivery app: notices and their fan-out, reading, relay confirmation,
channel preferences."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from channels.base import ReplyContext
from channels.models import ChannelConfig, PushSubscription
from channels.registry import channel_types
from channels.types.webpush.actions import do_forget_subscription, do_save_subscription
from core.errors import ActionError, PermissionDenied
from delivery import fanout
from delivery.models import ChatReply, Delivery, DeliveryStatus, Endpoint, Notice, Priority, Route
from delivery.queries import inbox_q
from delivery.routing import refresh_route
from delivery.tasks import enqueue_after_commit
from people.models import Person


def do_create_notice(
    recipients: models.QuerySet | Iterable[int],
    *,
    subject: str,
    body: str,
    body_html: str = "",
    url: str = "",
    priority: str = Priority.NORMAL,
    source: models.Model | None = None,
    sender: Person | None = None,
    inbox_only: bool = False,
    reply_to: ReplyContext | None = None,
    reply_text: str = "",
    channel: str = "",
    parallel_of: Notice | None = None,
    ack_url: str = "",
    sealed: bool = False,
) -> Notice:
    """Write the notice and every recipient's delivery in one transaction, then start sending.

    `sealed`: its subject, text, links and source are stored encrypted (`Notice.sealed`), for a
    notice that would otherwise tie its recipient to something they must stay unlinked from.
    `inbox_only`: the recipients' inboxes show it, their channels are not used (they were told
    another way); `do_release_notice` sends it after all if that other way failed.
    `reply_to`: the recipient's delivery first answers them in the chat they wrote from, with
    `reply_text` (a `ChatReply`); should the chat not take it, the notice goes down their chain."""
    if priority not in Priority.values:
        raise ValueError(f"priority must be one of {Priority.values}, got {priority!r}")
    subject = " ".join(subject.split())
    if not subject:
        raise ActionError(_("Enter a subject."), code="required")
    with transaction.atomic():
        notice = Notice(
            subject=subject[:300],
            body=body,
            body_html=body_html,
            url=url,
            priority=priority,
            sender=sender,
            source_type=source._meta.label_lower if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
            inbox_only=inbox_only,
            channel=channel,
            parallel_of=parallel_of,
            ack_url=ack_url,
        )
        if sealed:
            notice.seal()
        notice.save(force_insert=True)
        do_fan_out(notice, recipients, first=True)
        if reply_to is not None:
            do_reply_in_chat(notice, reply_to, reply_text)
    return notice


def do_reply_in_chat(notice: Notice, reply_to: ReplyContext, text: str) -> None:
    """Send the notice's delivery (its one recipient's) as a reply in the chat first."""
    config = ChannelConfig.objects.only("slug").get(pk=reply_to.config_id)
    deliveries = Delivery.objects.filter(notice=notice, relay__isnull=True).exclude(status=DeliveryStatus.FAILED)
    with transaction.atomic():
        ids = list(deliveries.values_list("pk", flat=True))
        deliveries.filter(pk__in=ids).update(
            channel=config.slug,
            status=DeliveryStatus.QUEUED,
            delivered_at=None,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        ChatReply.objects.bulk_create(
            ChatReply(delivery_id=pk, config_id=config.pk, user_id=reply_to.user_id, text=text) for pk in ids
        )
        enqueue_after_commit(urgent=notice.priority == Priority.URGENT)


def do_fan_out(notice: Notice, recipients: models.QuerySet | Iterable[int], *, first: bool = False) -> int:
    """Add deliveries for the recipients (idempotent: existing ones are kept) and start sending.
    `first`: the notice was created in this transaction, so it has no deliveries to keep yet."""
    with transaction.atomic():
        if isinstance(recipients, models.QuerySet):
            added = fanout.fan_out_query(notice, recipients, first=first)
        else:
            added = fanout.fan_out_ids(notice, recipients, first=first)
        if added:
            Notice.objects.filter(pk=notice.pk).update(recipient_count=models.F("recipient_count") + added)
            notice.recipient_count += added
            enqueue_after_commit(urgent=notice.priority == Priority.URGENT)
    return added


def do_release_notice(notice: Notice) -> int:
    """Send an inbox-only notice through its recipients' channels after all; return how many go out.

    Each delivery moves to its recipient's first channel (the relay's, for a relayed one) and is
    queued there, from where the engine's chain, retries and fallbacks take over. Deliveries whose
    recipient has only the web inbox stay as they are."""
    with transaction.atomic():
        if not Notice.objects.filter(pk=notice.pk, inbox_only=True).update(inbox_only=False):
            return 0
        notice.inbox_only = False
        # The first channel of whoever receives it: the relay of a relayed delivery, else the person.
        first_channel = Subquery(
            Route.objects.filter(person_id=Coalesce(OuterRef("relay_id"), OuterRef("person_id"))).values(
                "first_channel"
            )[:1]
        )
        held = (
            Delivery.objects.filter(notice=notice, channel="web", status=DeliveryStatus.DELIVERED)
            .annotate(first_channel=first_channel)
            .exclude(Q(first_channel__isnull=True) | Q(first_channel__in=("", "web")))
        )
        released = held.update(
            channel=first_channel,
            status=DeliveryStatus.QUEUED,
            delivered_at=None,
            next_attempt_at=timezone.now(),
            attempts=0,
        )
        if released:
            enqueue_after_commit(urgent=notice.priority == Priority.URGENT)
    return released


def access_delivery(person: Person, delivery_id: int) -> Delivery:
    delivery = get_object_or_404(Delivery.objects.select_related("notice", "person", "relay"), pk=delivery_id)
    if not person.is_authenticated or person.pk not in (delivery.relay_id or delivery.person_id,):
        raise PermissionDenied
    return delivery


def do_mark_notice_read(person: Person, notice: Notice) -> None:
    """Opening the notice's page (e.g. a bulletin) counts as reading it."""
    Delivery.objects.filter(inbox_q(person), notice=notice, read_at__isnull=True).update(read_at=timezone.now())


def check_confirm_relay(person: Person, delivery: Delivery) -> Delivery:
    if delivery.relay_id != person.pk:
        raise PermissionDenied
    if delivery.relay_confirmed_at is None:
        now = timezone.now()
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk).update(relay_confirmed_at=now, read_at=delivery.read_at or now)
            record(person, "delivery.relay_confirmed", delivery.notice, person=delivery.person_id)
        delivery.relay_confirmed_at = now
    return delivery


def check_set_channels(actor: Person, person: Person, addresses: list[tuple[str, str]]) -> list[Endpoint]:
    """Replace the person's chain with `addresses` [(channel, address), …] in order of preference;
    the web inbox always follows. Invalid input saves nothing."""
    if actor.pk != person.pk:
        raise PermissionDenied
    registry = channel_types()
    cleaned: list[tuple[str, str]] = []
    for slug, address in addresses:
        channel = registry.get(slug)
        if channel is None or not channel.needs_address:
            raise ActionError(_("Unknown channel."), code="channel")
        try:
            cleaned.append((slug, channel.validate_address(address)))
        except ValidationError:
            raise ActionError(
                _("“%(address)s” is not a valid %(channel)s address."),
                code="address",
                params={"address": address, "channel": channel.label},
            ) from None
    if len({slug for slug, _a in cleaned}) != len(cleaned):
        raise ActionError(_("Each channel may appear only once."), code="duplicate")
    with transaction.atomic():
        existing = {e.channel: e for e in Endpoint.objects.filter(person=person)}
        kept = []
        for position, (slug, address) in enumerate(cleaned):
            endpoint = existing.pop(slug, None) or Endpoint(person=person, channel=slug)
            if endpoint.address != address:
                endpoint.disabled_at, endpoint.disabled_reason = None, ""
            endpoint.address, endpoint.position = address, position
            endpoint.save()
            kept.append(endpoint)
        Endpoint.objects.filter(pk__in=[e.pk for e in existing.values()]).delete()
        refresh_route(person.pk)
        record(actor, "delivery.channels_set", person, channels=[slug for slug, _a in cleaned])
    return kept


PUSH = "webpush"


def check_subscribe_push(actor: Person, person: Person, info: object, user_agent: str = "") -> Endpoint:
    """Turn on notifications on this device: store the browser's subscription and put it first
    in the person's chain (they just asked for it). The newest device is the one the Endpoint
    points at; an earlier device's subscription is kept for when this one is turned off."""
    if actor.pk != person.pk:
        raise PermissionDenied
    if PUSH not in channel_types():
        raise ActionError(_("Notifications on this device are not enabled on this server."), code="disabled")
    with transaction.atomic():
        subscription = do_save_subscription(person, info, user_agent)
        _drop_push_endpoints(subscription.key, exclude_person=person.pk)
        Endpoint.objects.filter(person=person).exclude(channel=PUSH).update(position=models.F("position") + 1)
        endpoint, _created = Endpoint.objects.update_or_create(
            person=person,
            channel=PUSH,
            defaults={"address": subscription.key, "position": 0, "disabled_at": None, "disabled_reason": ""},
        )
        refresh_route(person.pk)
    return endpoint


def check_unsubscribe_push(actor: Person, person: Person, endpoint_url: str) -> None:
    """Turn off notifications on this device; the person's chain falls back to another of their
    devices still subscribed, or loses its Web Push link."""
    if actor.pk != person.pk:
        raise PermissionDenied
    with transaction.atomic():
        forgotten = do_forget_subscription(person, endpoint_url)
        if forgotten is None:
            return
        other = PushSubscription.objects.filter(person=person, expired_at__isnull=True).order_by("-created_at").first()
        endpoints = Endpoint.objects.filter(person=person, channel=PUSH, address=forgotten.key)
        if other is not None:
            endpoints.update(address=other.key, disabled_at=None, disabled_reason="")
        else:
            endpoints.delete()
        refresh_route(person.pk)


def _drop_push_endpoints(key: str, exclude_person: int) -> None:
    """A browser taken over by another person stops reaching the previous one."""
    owners = list(
        Endpoint.objects.filter(channel=PUSH, address=key)
        .exclude(person_id=exclude_person)
        .values_list("person_id", flat=True)
    )
    Endpoint.objects.filter(channel=PUSH, address=key, person_id__in=owners).delete()
    for owner in owners:
        refresh_route(owner)
