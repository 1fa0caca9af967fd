"""Every write about channels: configuration, inbound events, identities and linking (docs/channels.md)."""

import hashlib
import hmac
import logging
import re
import secrets
import time
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import record
from channels.base import DeliveryReceipt, FollowChange, IncomingMessage, ParsedWebhook, SeenReceipt, TransportError
from channels.models import ChannelConfig, ChannelIdentity, EventStatus, InboundEvent, LinkCode
from channels.registry import ChannelType, get_type, normalize_slug
from channels.signals import (
    delivery_receipt_received,
    identity_linked,
    identity_reachability_changed,
    message_received,
    messages_seen,
)
from core.errors import ActionError
from people.models import Person
from places.models import Tier, Unit

logger = logging.getLogger(__name__)

LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LINK_ATTEMPTS_PER_HOUR = 5
OK_REFRESH = timedelta(seconds=5)
LINK_CODE = re.compile(r"(?<![A-Z0-9])CG[\s-]?([A-HJ-NP-Z2-9]{6})(?![A-Z0-9])")


# Configuration ---------------------------------------------------------------------------------


def values_form(channel_type: ChannelType, data: dict) -> forms.Form:
    form = forms.Form(data)
    form.fields.update(channel_type.setting_fields())
    form.fields.update(channel_type.limit_fields())
    form.fields.update(channel_type.secret_fields())
    return form


def check_channel_values(slug: str, values: dict) -> tuple[dict, dict[str, str]]:
    """Validate a channel's settings and credentials as its type defines them; return (settings, secrets).

    The admin and the `channel add` command both go through here.
    """
    try:
        channel_type = get_type(slug)
        if not channel_type.needs_config:
            raise LookupError(slug)
    except LookupError:
        raise ActionError(_("Unknown channel type “%(slug)s”."), code="unknown_type", params={"slug": slug}) from None
    setting_names = set(channel_type.setting_fields()) | set(channel_type.limit_fields())
    secret_names = set(channel_type.secret_fields())
    unknown = sorted(set(values) - setting_names - secret_names)
    if unknown:
        raise ActionError(
            _("Unknown settings for %(slug)s: %(names)s. Known: %(known)s."),
            code="unknown_setting",
            params={
                "slug": slug,
                "names": ", ".join(unknown),
                "known": ", ".join(sorted(setting_names | secret_names)),
            },
        )
    form = values_form(channel_type, values)
    if not form.is_valid():
        raise ActionError(
            [f"{name}: {message}" for name, messages in form.errors.items() for message in messages], code="invalid"
        )
    cleaned = {name: value for name, value in form.cleaned_data.items() if value not in (None, "", {}, [])}
    try:
        channel_type.clean(cleaned)
    except ValidationError as error:
        raise ActionError(error.messages, code="invalid") from None
    channel_settings = {name: value for name, value in cleaned.items() if name in setting_names}
    channel_secrets = {name: str(value) for name, value in cleaned.items() if name in secret_names}
    return channel_settings, channel_secrets


def do_save_channel(
    actor: Person | None,
    config: ChannelConfig,
    channel_settings: dict,
    channel_secrets: dict[str, str],
) -> ChannelConfig:
    creating = config.pk is None
    config.settings = channel_settings
    config.secrets = channel_secrets
    with transaction.atomic():
        config.save()
        record(
            actor,
            "channel.added" if creating else "channel.changed",
            config,
            unit=config.unit,
            slug=config.slug,
            settings=sorted(channel_settings),
            secrets=sorted(channel_secrets),
        )
    return config


def check_add_channel(
    actor: Person | None, unit: Unit, slug: str, values: dict, *, enabled: bool = True
) -> ChannelConfig:
    if unit.tier not in (Tier.PROVINCE, Tier.COMMUNE):
        raise ActionError(_("Channels are configured for a province or a commune."), code="not_province_or_commune")
    slug = normalize_slug(slug)
    channel_settings, channel_secrets = check_channel_values(slug, values)
    if ChannelConfig.objects.filter(unit=unit, slug=slug).exists():
        raise ActionError(
            _("%(unit)s already has a %(slug)s channel."), code="duplicate", params={"unit": unit, "slug": slug}
        )
    return do_save_channel(
        actor, ChannelConfig(unit=unit, slug=slug, enabled=enabled), channel_settings, channel_secrets
    )


def config_for_unit(unit: Unit, slug: str) -> ChannelConfig | None:
    """The enabled channel of that type nearest up the unit's path (a commune's own OA before the province's)."""
    return (
        ChannelConfig.objects.filter(slug=slug, enabled=True, unit__code__in=unit.ancestor_codes())
        .select_related("unit")
        .order_by(Length("unit__path").desc())
        .first()
    )


def home_unit(person: Person) -> Unit | None:
    """Where a person is reached from: their household's residential group or, for an officer
    without a household, the unit of their most local mandate."""
    if person.household_id is not None:
        return person.household.residential_group  # type: ignore[union-attr]
    mandate = person.mandates.select_related("unit").order_by(Length("unit__path").desc()).first()
    return mandate.unit if mandate else None


def webhook_url(config: ChannelConfig) -> str:
    path = get_type(config.slug).webhook_path
    return f"{settings.SITE_URL.rstrip('/')}/hooks/{path}/" if path else ""


def do_record_channel_outcome(config: ChannelConfig, error: TransportError | None = None) -> None:
    """Keep the channel's health visible in `channel list` and the admin."""
    now = timezone.now()
    if error is None:
        # Many sends a second go through one channel: refresh its timestamp at most every few
        # seconds, so concurrent senders do not queue on its row. The engine hands every send
        # of a claim the same config instance: once it holds a fresh time, so does the row
        # (it only moves forward), and the send skips the write altogether.
        if config.last_ok_at is not None and config.last_ok_at >= now - OK_REFRESH:
            return
        stale = Q(last_ok_at__isnull=True) | Q(last_ok_at__lt=now - OK_REFRESH)
        if ChannelConfig.objects.filter(stale, pk=config.pk).update(last_ok_at=now):
            config.last_ok_at = now
    else:
        ChannelConfig.objects.filter(pk=config.pk).update(last_error=str(error)[:500], last_error_at=now)


# Inbound ---------------------------------------------------------------------------------------


def do_store_inbound_event(config: ChannelConfig, parsed: ParsedWebhook, payload: dict) -> tuple[InboundEvent, bool]:
    """Store a verified webhook once (providers retry) and queue its processing after commit."""
    from channels.tasks import process_inbound_event

    understood = bool(parsed.events)
    if not understood:
        logger.info("channel %s: ignoring %r event", config.pk, parsed.event_name or "unnamed")
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                config=config,
                event_key=parsed.event_key[:200],
                event_name=parsed.event_name[:100],
                payload=payload,
                status=EventStatus.PENDING if understood else EventStatus.IGNORED,
            )
            if understood:
                transaction.on_commit(lambda: process_inbound_event.enqueue(event.pk))
    except IntegrityError:
        return InboundEvent.objects.get(config=config, event_key=parsed.event_key[:200]), False
    return event, True


def do_process_inbound_event(event_id: int) -> None:
    claimed = InboundEvent.objects.filter(pk=event_id, status=EventStatus.PENDING).update(status=EventStatus.PROCESSING)
    if not claimed:
        return
    event = InboundEvent.objects.select_related("config__unit").get(pk=event_id)
    config = event.config
    status, error = EventStatus.DONE, ""
    try:
        for item in get_type(config.slug).parse(event.payload).events:
            if isinstance(item, IncomingMessage):
                do_handle_incoming_message(config, item)
            elif isinstance(item, FollowChange):
                do_record_follow_change(config, item)
            elif isinstance(item, DeliveryReceipt):
                do_record_delivery_receipt(event, item)
            elif isinstance(item, SeenReceipt):
                do_record_seen(event, item)
    except TransportError as failure:
        do_record_channel_outcome(config, failure)
        status, error = EventStatus.FAILED, str(failure)
    except Exception as failure:
        logger.exception("inbound event %s failed", event_id)
        status, error = EventStatus.FAILED, f"{type(failure).__name__}: {failure}"
    InboundEvent.objects.filter(pk=event_id).update(status=status, error=error[:500], processed_at=timezone.now())


PURGE_BATCH = 5000
PURGE_EVERY_SECONDS = 3600
_last_purge: float | None = None


def do_purge_inbound_events(*, days: int | None = None, now: datetime | None = None) -> int:
    """Delete processed webhook events older than the retention period; return how many went.

    Pending and in-process events stay whatever their age. Deleted in batches, so a first purge
    of a large backlog never holds a long lock."""
    days = settings.CHANNEL_EVENT_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = InboundEvent.objects.filter(
        received_at__lt=cutoff, status__in=[EventStatus.DONE, EventStatus.IGNORED, EventStatus.FAILED]
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:PURGE_BATCH]):
        deleted += InboundEvent.objects.filter(pk__in=batch).delete()[0]
    if deleted:
        logger.info("deleted %d webhook events older than %d days", deleted, days)
    return deleted


def purge_inbound_events_hourly() -> None:
    """For the `deliver` loop (DELIVERY_PERIODIC), which runs every few seconds: purge once an hour."""
    global _last_purge
    now = time.monotonic()
    if _last_purge is not None and now - _last_purge < PURGE_EVERY_SECONDS:
        return
    _last_purge = now
    do_purge_inbound_events()


def _identity(config: ChannelConfig, user_id: str, display_name: str = "") -> ChannelIdentity:
    identity, created = ChannelIdentity.objects.get_or_create(
        config=config, provider_user_id=user_id, defaults={"display_name": display_name[:150]}
    )
    if display_name and not created and identity.display_name != display_name:
        identity.display_name = display_name[:150]
        identity.save(update_fields=["display_name"])
    return identity


def do_record_follow_change(config: ChannelConfig, change: FollowChange) -> ChannelIdentity:
    identity = _identity(config, change.user_id)
    identity.reachable = change.following
    identity.save(update_fields=["reachable"])
    sync_identity_reachable(identity)
    return identity


def do_record_delivery_receipt(event: InboundEvent, receipt: DeliveryReceipt) -> None:
    InboundEvent.objects.filter(pk=event.pk).update(
        delivered_message_id=receipt.provider_message_id[:100], delivered_at=receipt.delivered_at
    )
    delivery_receipt_received.send(sender=InboundEvent, config=event.config, receipt=receipt)


def do_record_seen(event: InboundEvent, seen: SeenReceipt) -> None:
    """The recipient opened these messages: the delivery engine counts them as read."""
    messages_seen.send(sender=InboundEvent, config=event.config, seen=seen)


def delivery_receipts(provider_message_ids: list[str]) -> dict[str, datetime]:
    """When each of these sent messages reached the phone, for those with a receipt (ZNS)."""
    found = InboundEvent.objects.filter(delivered_message_id__in=provider_message_ids, delivered_at__isnull=False)
    return {message_id: at for message_id, at in found.values_list("delivered_message_id", "delivered_at") if at}


def do_handle_incoming_message(config: ChannelConfig, message: IncomingMessage) -> None:
    identity = _identity(config, message.sender_id, message.sender_name)
    identity.last_seen_at, identity.reachable = message.received_at, True
    identity.save(update_fields=["last_seen_at", "reachable"])
    sync_identity_reachable(identity)
    answer = _answer(config, identity, message)
    if answer:
        get_type(config.slug).reply(config, identity.provider_user_id, answer)
        do_record_channel_outcome(config)


def _answer(config: ChannelConfig, identity: ChannelIdentity, message: IncomingMessage) -> str:
    """A link confirmation, instructions for a stranger, or nothing when a conversation took the message."""
    match = LINK_CODE.search(message.text.upper())
    with translation.override(identity.person.language if identity.person else "vi"):
        if match:
            try:
                person = check_link_identity(identity, match.group(1))
            except ActionError as refusal:
                return " ".join(refusal.messages)
            with translation.override(person.language):
                return gettext("Linked. You will receive news from Cảnh Giác here, %(name)s.") % {
                    "name": person.full_name
                }
        if identity.person is None:
            return unlinked_instructions()
        answers = message_received.send(sender=ChannelIdentity, config=config, identity=identity, message=message)
        if any(handled for _receiver, handled in answers):
            return ""
        return gettext("We received your message. To report an incident, use %(url)s or call your commune police.") % {
            "url": settings.SITE_URL
        }


def do_forget_messages(identity: ChannelIdentity, since: datetime) -> int:
    """Blank the stored payloads of the messages this account sent since `since`; return how many.

    A resident who files anonymously in a chat must not stay traceable through the webhook log
    (docs/channels.md). Events still waiting to be processed are left alone."""
    channel_type = get_type(identity.config.slug)
    events = InboundEvent.objects.filter(config=identity.config, received_at__gte=since).exclude(
        status=EventStatus.PENDING
    )
    theirs = [
        event.pk
        for event in events.only("pk", "payload")
        if any(
            isinstance(item, IncomingMessage) and item.sender_id == identity.provider_user_id
            for item in channel_type.parse(event.payload).events
        )
    ]
    return InboundEvent.objects.filter(pk__in=theirs).update(payload={"forgotten": True})


def unlinked_instructions() -> str:
    return gettext(
        "Hello! This is Cảnh Giác. To receive news and send reports here, sign in at %(url)s, "
        "open “Link Zalo or Telegram” and send us the code shown there (it looks like CG-ABC234)."
    ) % {"url": f"{settings.SITE_URL.rstrip('/')}/channels/link/"}


# Linking ---------------------------------------------------------------------------------------


def _link_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"channel-link:{code}".encode(), hashlib.sha256).hexdigest()


def do_create_link_code(person: Person) -> str:
    """A new one-time code for the person (earlier unused codes stop working). Returned once, stored hashed."""
    code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(6))
    now = timezone.now()
    with transaction.atomic():
        LinkCode.objects.filter(person=person, used_at__isnull=True).update(expires_at=now)
        LinkCode.objects.create(
            person=person,
            code_hash=_link_hash(code),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.CHANNEL_LINK_CODE_TTL_SECONDS),
        )
    return f"CG-{code}"


def check_link_identity(identity: ChannelIdentity, code: str) -> Person:
    """Link the provider user to the person whose live code this is; the code is used up.

    Wrong codes are counted per chat account: after LINK_ATTEMPTS_PER_HOUR of them within an hour,
    further codes from that account are refused until the hour has passed.
    """
    now = timezone.now()
    recent_failures = (
        identity.link_failures if identity.link_failed_at and identity.link_failed_at > now - timedelta(hours=1) else 0
    )
    if recent_failures >= LINK_ATTEMPTS_PER_HOUR:
        raise ActionError(_("Too many wrong codes. Try again in an hour."), code="too_many_attempts")
    with transaction.atomic():
        link = (
            LinkCode.objects.select_for_update()
            .filter(code_hash=_link_hash(code.upper()), used_at__isnull=True, expires_at__gt=now)
            .select_related("person")
            .first()
        )
        if link is not None:
            person = link.person
            ChannelIdentity.objects.filter(config=identity.config, person=person).exclude(pk=identity.pk).update(
                person=None, linked_at=None
            )
            identity.person, identity.linked_at, identity.link_failures = person, now, 0
            identity.save(update_fields=["person", "linked_at", "link_failures"])
            link.used_at, link.used_by = now, identity
            link.save(update_fields=["used_at", "used_by"])
            sync_identity_endpoint(identity, person)
            record(person, "channel.linked", identity, unit=identity.config.unit, slug=identity.config.slug)
            return person
        identity.link_failures, identity.link_failed_at = recent_failures + 1, now
        identity.save(update_fields=["link_failures", "link_failed_at"])
    raise ActionError(
        _("This code is not valid or has expired. Get a new code in the Cảnh Giác web app."), code="bad_code"
    )


def sync_identity_endpoint(identity: ChannelIdentity, person: Person | None) -> None:
    """Tell the delivery app (which keeps the person's addresses) that the account was linked or unlinked."""
    identity_linked.send(sender=ChannelIdentity, identity=identity, person=person)


def sync_identity_reachable(identity: ChannelIdentity) -> None:
    identity_reachability_changed.send(sender=ChannelIdentity, identity=identity)


def linked_identities(person: Person) -> QuerySet[ChannelIdentity]:
    return ChannelIdentity.objects.filter(person=person).select_related("config__unit")


def check_unlink_identity(person: Person, identity_id: int) -> None:
    identity = linked_identities(person).filter(pk=identity_id).first()
    if identity is None:
        raise ActionError(_("This account is not linked to you."), code="not_linked")
    with transaction.atomic():
        ChannelIdentity.objects.filter(pk=identity.pk).update(person=None, linked_at=None)
        sync_identity_endpoint(identity, None)
        record(person, "channel.unlinked", identity, unit=identity.config.unit, slug=identity.config.slug)
