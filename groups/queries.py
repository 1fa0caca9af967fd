"""What the group pages read: a person's memberships, a group's members, groups nearby to join,
organisations and their groups."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Q, QuerySet, Value, When

from core.text import fold
from groups.models import (
    CommunityGroup,
    GroupRole,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    MembershipStatus,
    Organisation,
)
from groups.permissions import can_change_organisation
from people.models import Person
from people.permissions import managed_units_q
from places.models import Unit

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


ACTIVE_MEMBERS = Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))


def organisations_under(unit: Unit) -> QuerySet[Organisation]:
    """The organisations of the unit or a unit inside it, and those (an employer of the province)
    with a group inside it; each with the number of its active groups inside the unit."""
    inside = Q(groups__unit__path__startswith=unit.path, groups__is_active=True)
    here = Organisation.objects.filter(Q(unit__path__startswith=unit.path) | inside).values("pk")
    return (
        Organisation.objects.filter(pk__in=here)
        .select_related("unit", "contact")
        .annotate(group_count=Count("groups", filter=inside, distinct=True))
        .order_by("-is_active", "unit__path", "name")
    )


def organisations_for(unit: Unit) -> QuerySet[Organisation]:
    """Active organisations that may take a responsibility for the unit: those of the unit, of a
    unit above it (the province's youth union) or of a unit inside it (a hamlet's women's union)."""
    return (
        Organisation.objects.filter(
            Q(unit__code__in=unit.ancestor_codes()) | Q(unit__path__startswith=unit.path), is_active=True
        )
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def organisation_groups(organisation: Organisation, viewer: Person) -> QuerySet[CommunityGroup]:
    """The organisation's groups the viewer may see, with their active members: all of them for
    the officers of its unit, those inside their own units for the officers of a commune."""
    groups = organisation.groups.all()
    if not can_change_organisation(viewer, organisation):
        groups = groups.filter(managed_units_q(viewer, "unit__"))
    return (
        groups.select_related("unit__parent")
        .annotate(member_count=ACTIVE_MEMBERS)
        .order_by("-is_active", "unit__path", "name")
    )


def linkable_organisations(group: CommunityGroup) -> QuerySet[Organisation]:
    """Organisations a group may link to: active, of its unit or a unit above it."""
    return Organisation.objects.filter(unit__code__in=group.unit.ancestor_codes(), is_active=True).order_by(
        "unit__path", "name"
    )
