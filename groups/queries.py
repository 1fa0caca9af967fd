"""What the group pages read: a person's memberships, a group's members, groups nearby to join."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When

from core.text import fold
from groups.models import CommunityGroup, GroupRole, JoinRequest, JoinRequestStatus, Membership, MembershipStatus
from people.models import Person

MEMBERS_PER_PAGE = 100
# Officers and leaders first, then members, as people expect to find them.
ROLE_ORDER = Case(
    When(role=GroupRole.POLICE, then=Value(0)),
    When(role=GroupRole.STEERING, then=Value(1)),
    When(role=GroupRole.LEADER, then=Value(2)),
    default=Value(3),
)


def active_memberships(person: Person) -> QuerySet[Membership]:
    """The person's memberships of groups that are still active."""
    return Membership.objects.filter(person=person, status=MembershipStatus.ACTIVE, group__is_active=True)


def my_memberships(person: Person) -> QuerySet[Membership]:
    """The "my groups" list: each group with its place and its number of active members."""
    return (
        active_memberships(person)
        .select_related("group__unit__parent")
        .annotate(
            member_count=Count("group__memberships", filter=Q(group__memberships__status=MembershipStatus.ACTIVE))
        )
        .order_by("group__unit__path", "group__name")
    )


def pending_join_requests(person: Person) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(person=person, status=JoinRequestStatus.PENDING).select_related("group")


def groups_nearby(person: Person, memberships, pending) -> QuerySet[CommunityGroup]:
    """Groups of the person's residential group, hamlet and commune that they could ask to join."""
    household = person.household
    if household is None:
        return CommunityGroup.objects.none()
    return (
        CommunityGroup.objects.filter(unit__in=household.residential_group.ancestors(), is_active=True)
        .exclude(pk__in=[m.group_id for m in memberships])
        .exclude(pk__in=[r.group_id for r in pending])
        .select_related("unit")
    )


@dataclass
class Members:
    shown: Sequence[Membership]  # the first MEMBERS_PER_PAGE, officers and leaders first
    total: int
    matching: int | None  # with a search: how many match


def group_members(group: CommunityGroup, query: str = "") -> Members:
    """A group's active members (those whose name matches `query`, when given), in three queries at most."""
    active = group.memberships.filter(status=MembershipStatus.ACTIVE)
    listed = active.filter(person__search_name__contains=fold(query)) if query else active
    shown = list(
        listed.select_related("person__household__residential_group", "person__relay")
        .annotate(rank=ROLE_ORDER)
        .order_by("rank", "person__full_name")[:MEMBERS_PER_PAGE]
    )
    return Members(shown=shown, total=active.count(), matching=listed.count() if query else None)
