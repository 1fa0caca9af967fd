"""Who may see and manage a community group (docs/permissions.md)."""

from groups.models import MANAGING_ROLES, CommunityGroup, Membership, MembershipStatus
from people.models import Person
from people.permissions import manages_unit


def active_membership(person: Person, group: CommunityGroup) -> Membership | None:
    if not person.is_authenticated:
        return None
    return Membership.objects.filter(group=group, person=person, status=MembershipStatus.ACTIVE).first()


def can_view_group(person: Person, group: CommunityGroup) -> bool:
    return active_membership(person, group) is not None or manages_unit(person, group.unit)


def can_manage_group(person: Person, group: CommunityGroup) -> bool:
    if manages_unit(person, group.unit):
        return True
    membership = active_membership(person, group)
    return membership is not None and membership.role in MANAGING_ROLES


def can_request_to_join(person: Person, group: CommunityGroup) -> bool:
    """Anyone signed in may ask to join an active group they are not in; a leader decides."""
    return person.is_authenticated and group.is_active and active_membership(person, group) is None
