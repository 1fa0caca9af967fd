"""What the delivery app does when the channels app reports an event (docs/channels.md).

The channels app never imports delivery: it sends signals. A linked or unlinked chat account
(`identity_linked`) puts its address first in the person's chain or removes it; an unfollow or a
block (`identity_reachability_changed`) disables the address, a new message enables it again; a
provider receipt or "seen" event marks the matching deliveries delivered or read.

A member or notice deleted through the ORM (the admin, a queryset) takes the fan-out lock and
removes the deliveries its deletion had not collected (delivery/integrity.py).
"""

from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone

from channels.base import DeliveryReceipt, SeenReceipt
from channels.models import ChannelConfig, ChannelIdentity
from channels.registry import get_type
from channels.signals import (
    delivery_receipt_received,
    identity_linked,
    identity_reachability_changed,
    messages_seen,
)
from delivery.integrity import lock_out_fan_outs
from delivery.models import Attempt, Delivery, DeliveryStatus, Endpoint, Notice
from delivery.routing import refresh_route
from people.models import Person


def sent_as(slug: str, provider_message_ids: list[str] | tuple[str, ...]) -> QuerySet[Delivery]:
    """The deliveries whose successful send the provider knows by these ids, on this channel type
    or on one its receipts cover (Zalo: OA and ZNS)."""
    channels = {slug, *get_type(slug).receipts_cover}
    sent = Attempt.objects.filter(provider_id__in=provider_message_ids, ok=True, channel__in=channels)
    return Delivery.objects.filter(pk__in=sent.values("delivery_id"))


@receiver(identity_linked, dispatch_uid="delivery.receivers.identity_linked")
def sync_identity_endpoint(sender, identity: ChannelIdentity, person: Person | None, **kwargs) -> None:
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


@receiver(identity_reachability_changed, dispatch_uid="delivery.receivers.reachability")
def sync_identity_reachable(sender, identity: ChannelIdentity, **kwargs) -> None:
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


@receiver(delivery_receipt_received, dispatch_uid="delivery.receivers.receipt")
def mark_delivered_on_receipt(sender, config: ChannelConfig, receipt: DeliveryReceipt, **kwargs) -> None:
    """A provider receipt (ZNS) sets when the message reached the phone on the matching delivery."""
    if not receipt.provider_message_id:
        return
    sent_as(receipt.channel, [receipt.provider_message_id]).update(
        status=DeliveryStatus.DELIVERED, delivered_at=receipt.delivered_at or timezone.now()
    )


@receiver(messages_seen, dispatch_uid="delivery.receivers.seen")
def mark_read_on_seen(sender, config: ChannelConfig, seen: SeenReceipt, **kwargs) -> None:
    """A "seen" event sets when the message was read (and, if no receipt came first, delivered).

    Only the first reading counts: a message opened again keeps its first `read_at`."""
    if not seen.provider_message_ids:
        return
    deliveries = sent_as(seen.channel, seen.provider_message_ids)
    at = seen.seen_at or timezone.now()
    deliveries.filter(read_at__isnull=True).update(read_at=at)
    deliveries.exclude(status=DeliveryStatus.DELIVERED).update(status=DeliveryStatus.DELIVERED, delivered_at=at)


@receiver(pre_delete, sender=Person, dispatch_uid="delivery.receivers.person_deleted")
@receiver(pre_delete, sender=Notice, dispatch_uid="delivery.receivers.notice_deleted")
def keep_no_deliveries_of_deleted_rows(sender, instance: Person | Notice, **kwargs) -> None:
    """Deliveries have no foreign-key constraint (docs/fanout.md): Django's collector cascades to
    the rows it read before the deletion started, and a fan-out may have committed more since.
    Once the fan-outs in flight are done, remove the rest, in the deletion's transaction."""
    lock_out_fan_outs()
    if isinstance(instance, Person):
        Delivery.objects.filter(person_id=instance.pk).delete()
        Delivery.objects.filter(relay_id=instance.pk).update(relay=None)
    else:
        Delivery.objects.filter(notice_id=instance.pk).delete()
