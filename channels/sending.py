"""Sending one message through its channel type: the one path every outbound message takes
(docs/channels.md, "Sending").

The delivery engine calls `send(slug, message)` and gets the provider's message id back, or a
`TransportError`. For a type that needs a configuration, the config is the enabled one nearest
up the recipient's unit (their household's residential group); a linked-account address must
still be linked and reachable. A message carrying a `ReplyContext` goes back to the chat the
person wrote from with the type's `reply()` (the police's answer to a chat reporter).
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.utils import timezone

from channels.actions import config_for_unit, do_record_channel_outcome, home_unit
from channels.base import OutboundMessage, ReplyContext, SendResult, TransportError
from channels.models import ChannelConfig, ChannelIdentity
from channels.registry import ChannelType, get_type
from people.models import Person
from places.models import Unit


def send(
    slug: str,
    message: OutboundMessage,
    *,
    config: ChannelConfig | None = None,
    gate: Callable[[], None] | None = None,
    address_checked: bool = False,
) -> str:
    """Send or raise TransportError; return the provider's message id (or "").

    `config`, when the caller already looked it up with `configs_for_recipients` (the engine, to
    meter each credential), saves finding it again; `address_checked`, when it also checked the
    recipient's linked account with `address_problems` for its whole claim, saves checking it
    again. `gate` is called last thing before the provider is: the engine raises from it when
    the rate window its send was granted in has passed, so nothing reaches the provider outside
    the window it was counted in."""
    try:
        channel_type = get_type(slug)
    except LookupError:
        raise TransportError(f"channel type {slug} is disabled", permanent=True) from None
    if not channel_type.needs_config:
        if gate is not None:
            gate()
        return channel_type.send(None, message).provider_message_id
    if message.reply_to is not None:
        config = reply_config(channel_type, message.reply_to, message.recipient_id)
    else:
        config = config or config_for_recipient(slug, message)
        if not address_checked:
            check_address(channel_type, config, message)
    if gate is not None:
        gate()
    try:
        result = _send(channel_type, config, message)
    except TransportError as error:
        do_record_channel_outcome(config, error)
        raise
    except ValidationError as error:  # an address the type cannot use
        raise TransportError("; ".join(error.messages), permanent=True) from error
    do_record_channel_outcome(config)
    return result.provider_message_id


def _send(channel_type: ChannelType, config: ChannelConfig, message: OutboundMessage) -> SendResult:
    if message.reply_to is not None:
        return channel_type.reply(config, message.reply_to.user_id, message.text)
    return channel_type.send(config, message)


def configs_for_recipients(slug: str, person_ids: Iterable[int]) -> dict[int, ChannelConfig]:
    """The configuration each recipient's messages on `slug` go out with (their unit's nearest),
    for many recipients at once: one query for the people, one per distinct home unit. A
    recipient without one is left out (sending to them fails as `send` says)."""
    channel_type = get_type(slug)
    if not channel_type.needs_config:
        return {}
    # Three columns a person rather than whole people: the engine asks this for every claim.
    rows = list(
        Person.objects.filter(pk__in=set(person_ids)).values_list("pk", "household_id", "household__residential_group")
    )
    groups = Unit.objects.in_bulk({group for _pk, household, group in rows if household is not None})
    homes: dict[int, Unit | None] = {
        pk: groups.get(group) for pk, household, group in rows if household is not None and group is not None
    }
    # An officer without a household is reached from their most local mandate (`home_unit`).
    for person in Person.objects.filter(pk__in=[pk for pk, household, _group in rows if household is None]):
        homes[person.pk] = home_unit(person)
    by_unit: dict[int, ChannelConfig | None] = {}
    found: dict[int, ChannelConfig] = {}
    for pk, unit in homes.items():
        if unit is None:
            continue
        if unit.pk not in by_unit:
            by_unit[unit.pk] = config_for_unit(unit, slug)
        config = by_unit[unit.pk]
        if config is not None:
            found[pk] = config
    return found


def config_for_recipient(slug: str, message: OutboundMessage) -> ChannelConfig:
    person = (
        Person.objects.select_related("household__residential_group").filter(pk=message.recipient_id).first()
        if message.recipient_id
        else None
    )
    unit = home_unit(person) if person else None
    config = config_for_unit(unit, slug) if unit else None
    if config is None:
        raise TransportError(f"no {slug} channel configured for the recipient's unit", permanent=True)
    return config


def check_address(channel_type: ChannelType, config: ChannelConfig, message: OutboundMessage) -> None:
    if not channel_type.address_is_linked_account or message.recipient_id is None:
        return
    key = (config.pk, message.recipient_id, message.address)
    problem = address_problems(channel_type, [key]).get(key)
    if problem is not None:
        raise problem


def address_problems(
    channel_type: ChannelType, recipients: Iterable[tuple[int, int, str]]
) -> dict[tuple[int, int, str], TransportError]:
    """For a type whose address is a linked account (a Zalo follower), why each of the
    (config id, recipient id, address) cannot be sent to: not linked to that person on that
    configuration, or unfollowed/blocked. One query for all of them; those fine are left out."""
    wanted = set(recipients)
    if not channel_type.address_is_linked_account or not wanted:
        return {}
    identities = ChannelIdentity.objects.filter(
        config_id__in={config_id for config_id, _person, _address in wanted},
        person_id__in={person for _config, person, _address in wanted},
        provider_user_id__in={address for _config, _person, address in wanted},
    ).values_list("config_id", "person_id", "provider_user_id", "reachable")
    reachable = {(config_id, person, address): ok for config_id, person, address, ok in identities}
    problems: dict[tuple[int, int, str], TransportError] = {}
    for key in wanted:
        address = key[2]
        if key not in reachable:
            problems[key] = TransportError(
                f"{address} is not linked on this unit's {channel_type.slug} channel", permanent=True
            )
        elif not reachable[key]:
            problems[key] = TransportError(
                f"{address} unfollowed or blocked the {channel_type.slug} channel", permanent=True
            )
    return problems


def reply_config(channel_type: ChannelType, context: ReplyContext, recipient_id: int | None) -> ChannelConfig:
    """The chat to answer on, while it can still be answered: the account is still linked to the
    recipient, the channel enabled, and the type's reply window since the person last wrote
    still open (Zalo OA: 7 days)."""
    identity = (
        ChannelIdentity.objects.select_related("config__unit")
        .filter(config_id=context.config_id, provider_user_id=context.user_id)
        .first()
    )
    if identity is None or identity.person_id is None or identity.person_id != recipient_id:
        raise TransportError("the chat account is no longer linked to the recipient", permanent=True, code="unlinked")
    config = identity.config
    if not config.enabled:
        raise TransportError("the channel is disabled", permanent=True, code="disabled")
    window = channel_type.reply_window
    if window is not None and (identity.last_seen_at is None or identity.last_seen_at < timezone.now() - window):
        raise TransportError("outside the reply window", permanent=True, code="outside_window")
    return config
