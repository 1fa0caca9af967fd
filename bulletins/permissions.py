"""Who may publish, re-share and watch bulletins (docs/permissions.md).

Police and steering officers publish to audiences under their mandate, and may add communes
that neighbour a commune they manage (the buffalo found in Phước Ninh was returned to its owner
in neighbouring Suối Đá). Only police posts carry the "official" badge.
"""

from bulletins.models import Bulletin, Post
from groups.models import CommunityGroup
from groups.permissions import can_view_group
from people.models import MandateRole, Person
from people.permissions import is_police_for, manages_unit, mandate_paths
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
    return group.is_active and can_view_group(person, group)
