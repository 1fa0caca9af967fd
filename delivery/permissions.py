"""Who may see a notice's reach and a group's relay follow-up (docs/permissions.md)."""

from delivery.models import Notice
from groups.models import CommunityGroup
from groups.permissions import can_manage_group
from people.models import Person
from people.permissions import manages_unit


def can_view_reach(person: Person, notice: Notice) -> bool:
    """The sender, and officers with a mandate over the unit of the notice's source bulletin."""
    if not person.is_authenticated:
        return False
    if person.is_superuser or notice.sender_id == person.pk:
        return True
    bulletin = getattr(notice, "bulletin", None)
    return bulletin is not None and manages_unit(person, bulletin.unit)


def can_follow_relays(person: Person, group: CommunityGroup) -> bool:
    """Group leaders (and the officers above them) see which relays have not read out yet."""
    return can_manage_group(person, group)
