"""Who may publish, re-share and watch bulletins (docs/permissions.md).

Police and steering officers publish to audiences under their mandate, and may add communes
that neighbour a commune they manage (the buffalo found in Phước Ninh was returned to its owner
in neighbouring Suối Đá). Only police posts carry the "official" badge.
"""

from bulletins.models import Bulletin, Post
from groups.models import CommunityGroup, GroupRole, Membership
from groups.permissions import active_membership, can_moderate_conversation, can_view_group
from people.models import MandateRole, Person
from people.permissions import holds_mandate_over, is_police_for, manages_unit, mandate_paths
from places.models import Tier, Unit

PUBLISHING_ROLES: set[str] = {MandateRole.POLICE, MandateRole.STEERING}


def can_publish(person: Person) -> bool:
    return person.is_authenticated and (person.is_superuser or bool(mandate_paths(person, PUBLISHING_ROLES)))


def can_publish_to_unit(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit, PUBLISHING_ROLES)


def can_publish_to_group(person: Person, group: CommunityGroup) -> bool:
    return can_publish_to_unit(person, group.unit)


def can_add_neighbour(person: Person, neighbour: Unit) -> bool:
    """A neighbouring commune of a commune the person publishes for."""
    if neighbour.tier != Tier.COMMUNE:
        return False
    return any(can_publish_to_unit(person, unit) for unit in neighbour.neighbours.all())


def publishes_as_police(person: Person, unit: Unit) -> bool:
    return is_police_for(person, unit)


def can_manage_bulletin(person: Person, bulletin: Bulletin) -> bool:
    return bulletin.author_id == person.pk or can_publish_to_unit(person, bulletin.unit)


def can_reshare(person: Person, post: Post) -> bool:
    return manages_unit(person, post.group.unit, PUBLISHING_ROLES)


def can_post_to_group(person: Person, group: CommunityGroup) -> bool:
    """Members and the unit's officers post; a member a leader has muted waits until the mute ends.
    An administrator without a role there does not: they manage through the admin site."""
    if not (group.is_active and person.is_authenticated):
        return False
    membership = active_membership(person, group)
    if membership is not None:
        return not membership.is_muted
    return holds_mandate_over(person, group.unit)


def can_moderate(person: Person, group: CommunityGroup) -> bool:
    """The group's leaders (and police or steering in it) and the unit's officers; not an
    administrator without a role there."""
    return can_moderate_conversation(person, group)


def can_see_post(person: Person, post: Post) -> bool:
    """A hidden post stays readable to its author and to those who moderate the group."""
    if not (can_view_group(person, post.group) or can_reshare(person, post)):
        return False
    return post.is_visible or post.author_id == person.pk or can_moderate(person, post.group)


def can_reply(person: Person, post: Post) -> bool:
    return post.is_visible and can_post_to_group(person, post.group)


def can_mute(person: Person, membership: Membership) -> bool:
    """A group leader mutes ordinary members; the unit's officers also mute leaders. Nobody mutes
    themself, and police or steering members are muted by nobody from the group."""
    group = membership.group
    if membership.person_id == person.pk or not can_moderate(person, group):
        return False
    if membership.role == GroupRole.MEMBER:
        return True
    return membership.role == GroupRole.LEADER and holds_mandate_over(person, group.unit)
