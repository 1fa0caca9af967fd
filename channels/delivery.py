"""The delivery engine's channels for the provider channel types (docs/channels.md, "Delivery adapter").

One engine `Channel` per type. The config is the enabled one nearest up the recipient's unit
(their household's residential group); the address is the Endpoint's: a linked Zalo/bot user id
(kept in step by `sync_identity_endpoint` when a resident links or unlinks an account) or a
phone number. Provider errors become `TransportError`s: permanent ones make the engine disable
the address and fall back along the member's chain; `retry_after` defers the retry.
"""

from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.dispatch import receiver
from django.utils import timezone

from channels.actions import config_for_unit, do_record_channel_outcome, home_unit
from channels.base import DeliveryReceipt, ProviderError, SeenReceipt
from channels.models import ChannelConfig, ChannelIdentity
from channels.registry import get_type
from channels.signals import delivery_receipt_received, messages_seen
from delivery.channels.base import Channel, OutboundMessage, TransportError
from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint
from delivery.routing import refresh_route
from people.models import Person


def provider_channels() -> list["ProviderChannel"]:
    """The delivery channel of every enabled channel type (CHANNEL_TYPES), for DELIVERY_CHANNEL_TYPES.

    Adding a channel type therefore needs no class here: its folder and CHANNEL_TYPES suffice."""
    return [ProviderChannel(slug) for slug in settings.CHANNEL_TYPES]


def sent_as(slug: str, provider_message_ids: list[str] | tuple[str, ...]) -> QuerySet[Delivery]:
    """The deliveries whose successful send the provider knows by these ids, on this channel type
    or on one its receipts cover (Zalo: OA and ZNS)."""
    channels = {slug, *get_type(slug).receipts_cover}
    sent = Attempt.objects.filter(provider_id__in=provider_message_ids, ok=True, channel__in=channels)
    return Delivery.objects.filter(pk__in=sent.values("delivery_id"))


class ProviderChannel(Channel):
    """Sends through `channels.types.<slug>` with the recipient's unit's configuration."""

    def __init__(self, slug: str) -> None:
        channel_type = get_type(slug)
        self.slug, self.label = slug, channel_type.label
        self.rate_per_minute = channel_type.rate_per_minute
        if channel_type.quiet_hours:
            start, end = channel_type.quiet_hours
            self.quiet_hours = (time(start), time(end))

    def validate_address(self, address: str) -> str:
        return get_type(self.slug).validate_address(address)

    def config_for(self, message: OutboundMessage) -> ChannelConfig:
        person = (
            Person.objects.select_related("household__residential_group").filter(pk=message.recipient_id).first()
            if message.recipient_id
            else None
        )
        unit = home_unit(person) if person else None
        config = config_for_unit(unit, self.slug) if unit else None
        if config is None:
            raise TransportError(f"no {self.slug} channel configured for the recipient's unit", permanent=True)
        return config

    def check_address(self, config: ChannelConfig, message: OutboundMessage) -> None:
        if not get_type(self.slug).address_is_linked_account or message.recipient_id is None:
            return
        identity = ChannelIdentity.objects.filter(
            config=config, person_id=message.recipient_id, provider_user_id=message.address
        ).first()
        if identity is None:
            raise TransportError(f"{message.address} is not linked on this unit's {self.slug} channel", permanent=True)
        if not identity.reachable:
            raise TransportError(f"{message.address} unfollowed or blocked the {self.slug} channel", permanent=True)

    def send(self, message: OutboundMessage) -> str:
        config = self.config_for(message)
        self.check_address(config, message)
        try:
            result = get_type(self.slug).send(config, message)
        except ProviderError as error:
            do_record_channel_outcome(config, error)
            raise TransportError(error.message, permanent=error.permanent, retry_after=error.retry_after) from error
        except ValidationError as error:  # an address the type cannot use
            raise TransportError("; ".join(error.messages), permanent=True) from error
        do_record_channel_outcome(config)
        return result.provider_message_id


def sync_identity_endpoint(identity: ChannelIdentity, person: Person | None) -> None:
    """Keep the person's Endpoint for a linked channel in step with the link.

    Linking puts the account first in the person's chain (they just asked for it) and re-enables
    it; unlinking removes the address. Called inside the link/unlink transaction.
    """
    slug = identity.config.slug
    if not get_type(slug).address_is_linked_account:
        return
    if person is None:
        _drop_endpoints(slug, identity.provider_user_id)
        return
    # An account moved to another person stops reaching the previous one.
    _drop_endpoints(slug, identity.provider_user_id, exclude_person=person.pk)
    with transaction.atomic():
        Endpoint.objects.filter(person=person).exclude(channel=slug).update(position=F("position") + 1)
        Endpoint.objects.update_or_create(
            person=person,
            channel=slug,
            defaults={"address": identity.provider_user_id, "position": 0, "disabled_at": None, "disabled_reason": ""},
        )
        refresh_route(person.pk)


def sync_identity_reachable(identity: ChannelIdentity) -> None:
    """An unfollow or a blocked bot disables the linked person's address; a new message or a
    follow enables it again (a Zalo OA address disabled by -230 is usable once the resident
    writes to the OA: the 7-day window is open again)."""
    if identity.person_id is None or not get_type(identity.config.slug).address_is_linked_account:
        return
    endpoints = Endpoint.objects.filter(
        person_id=identity.person_id, channel=identity.config.slug, address=identity.provider_user_id
    )
    if identity.reachable:
        changed = endpoints.filter(disabled_at__isnull=False).update(disabled_at=None, disabled_reason="")
    else:
        changed = endpoints.filter(disabled_at__isnull=True).update(
            disabled_at=timezone.now(), disabled_reason=f"{identity.config.slug}: unfollowed or blocked"
        )
    if changed:
        refresh_route(identity.person_id)


def _drop_endpoints(slug: str, address: str, exclude_person: int | None = None) -> None:
    endpoints = Endpoint.objects.filter(channel=slug, address=address)
    if exclude_person is not None:
        endpoints = endpoints.exclude(person_id=exclude_person)
    owners = list(endpoints.values_list("person_id", flat=True))
    endpoints.delete()
    for owner in owners:
        refresh_route(owner)


@receiver(delivery_receipt_received, dispatch_uid="channels.delivery.receipt")
def mark_delivered_on_receipt(sender, config: ChannelConfig, receipt: DeliveryReceipt, **kwargs) -> None:
    """A provider receipt (ZNS) sets when the message reached the phone on the matching delivery."""
    if not receipt.provider_message_id:
        return
    sent_as(receipt.channel, [receipt.provider_message_id]).update(
        status=DeliveryStatus.DELIVERED, delivered_at=receipt.delivered_at or timezone.now()
    )


@receiver(messages_seen, dispatch_uid="channels.delivery.seen")
def mark_read_on_seen(sender, config: ChannelConfig, seen: SeenReceipt, **kwargs) -> None:
    """A "seen" event sets when the message was read (and, if no receipt came first, delivered).

    Only the first reading counts: a message opened again keeps its first `read_at`."""
    if not seen.provider_message_ids:
        return
    deliveries = sent_as(seen.channel, seen.provider_message_ids)
    at = seen.seen_at or timezone.now()
    deliveries.filter(read_at__isnull=True).update(read_at=at)
    deliveries.exclude(status=DeliveryStatus.DELIVERED).update(status=DeliveryStatus.DELIVERED, delivered_at=at)
