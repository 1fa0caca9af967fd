"""Who may see and manage a community group, and the rules on units, households and phone numbers
that depend on a role in a group (docs/permissions.md)."""

from groups.models import MANAGING_ROLES, CommunityGroup, GroupRole, Membership, MembershipStatus, Organisation
from people.models import Household, Person
from people.permissions import holds_mandate_over, managed_units_q, manages_unit
from places.models import Unit


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


def can_moderate_conversation(person: Person, group: CommunityGroup) -> bool:
    """Hide, remove and mute in the group's conversation: its leaders (and police or steering in
    it) and the unit's officers; not an administrator without a role there, who manages through
    the admin site (docs/permissions.md)."""
    if holds_mandate_over(person, group.unit):
        return True
    membership = active_membership(person, group)
    return membership is not None and membership.role in MANAGING_ROLES


# Only officers of the group's unit hand out or take away these roles.
OFFICER_ROLES = {GroupRole.POLICE, GroupRole.STEERING}


def grantable_roles(person: Person, group: CommunityGroup) -> list[str]:
    """The roles the person may give in the group: none unless they manage it; a group leader
    gives member and leader, the unit's officers every role."""
    if not can_manage_group(person, group):
        return []
    if manages_unit(person, group.unit):
        return list(GroupRole.values)
    return [role for role in GroupRole.values if role not in OFFICER_ROLES]


def can_set_role(person: Person, membership: Membership, role: str) -> bool:
    grantable = grantable_roles(person, membership.group)
    return role in grantable and membership.role in grantable


def can_request_to_join(person: Person, group: CommunityGroup) -> bool:
    """Anyone signed in may ask to join an active group they are not in; a leader decides."""
    return person.is_authenticated and group.is_active and active_membership(person, group) is None


def leads_residential_group(person: Person, unit: Unit) -> bool:
    return (
        person.is_authenticated
        and person.memberships.filter(
            group__unit=unit, group__is_active=True, status=MembershipStatus.ACTIVE, role__in=MANAGING_ROLES
        ).exists()
    )


def can_view_unit(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit) or leads_residential_group(person, unit)


def can_view_household(person: Person, household: Household) -> bool:
    if not person.is_authenticated:
        return False
    if person.household_id == household.pk:
        return True
    return can_manage_household(person, household)


def can_manage_household(person: Person, household: Household) -> bool:
    unit = household.residential_group
    return manages_unit(person, unit) or leads_residential_group(person, unit)


def phone_visible_ids(viewer: Person, people: list[Person]) -> set[int]:
    """Ids of the people whose phone number the viewer may see, in at most one query.

    Numbers are shown to the person themself, their household, officers over the household,
    the leaders of the residential group and of any group the person belongs to. For lists,
    select_related("household__residential_group") keeps this free of per-person queries.
    """
    if not viewer.is_authenticated:
        return set()
    visible = set()
    for person in people:
        household = person.household
        own_household = household is not None and household.pk == viewer.household_id
        officer_over = household is not None and manages_unit(viewer, household.residential_group)
        if person.pk == viewer.pk or own_household or officer_over:
            visible.add(person.pk)
    rest = [person.pk for person in people if person.pk not in visible]
    if rest:
        led_groups = Membership.objects.filter(
            person=viewer, status=MembershipStatus.ACTIVE, role__in=MANAGING_ROLES
        ).values("group")
        visible.update(
            Membership.objects.filter(group__in=led_groups, status=MembershipStatus.ACTIVE, person__in=rest)
            .values_list("person_id", flat=True)
            .distinct()
        )
    return visible


def can_see_phone_of(viewer: Person, subject: Person) -> bool:
    return subject.pk in phone_visible_ids(viewer, [subject])


# -- organisations -------------------------------------------------------------------------------


def can_manage_organisations(person: Person, unit: Unit) -> bool:
    """The steering committee and police of a unit, or of a unit above it, keep its organisations."""
    return manages_unit(person, unit)


def can_change_organisation(person: Person, organisation: Organisation) -> bool:
    return manages_unit(person, organisation.unit)


def can_view_organisation(person: Person, organisation: Organisation) -> bool:
    """Its unit's officers, and officers of a unit where one of its groups sits (an employer's
    workforce groups spread over communes: each commune sees the employer, and its own groups)."""
    if can_change_organisation(person, organisation):
        return True
    return organisation.groups.filter(managed_units_q(person, "unit__")).exists()


def belongs_to_unit(person: Person, unit: Unit) -> bool:
    """A person of the unit: living in it, holding a mandate over it, or a member of one of its groups."""
    household = person.household
    if household is not None and household.residential_group.path.startswith(unit.path):
        return True
    if manages_unit(person, unit) and not person.is_superuser:
        return True
    return person.memberships.filter(status=MembershipStatus.ACTIVE, group__unit__path__startswith=unit.path).exists()


def can_link_organisation(person: Person, group: CommunityGroup, organisation: Organisation | None) -> bool:
    """The group's officers link it to an organisation of the group's unit or a unit above it."""
    if not manages_unit(person, group.unit):
        return False
    return organisation is None or group.unit.path.startswith(organisation.unit.path)
