"""Who may see and change what, by role and administrative unit.

Every view, API call and export asks one of these functions; they are the only place the rules
live (docs/permissions.md). An officer's mandate on a unit covers everything under it.
"""

from django.db.models import Q

from people.models import Household, MandateRole, Person
from places.models import Unit


def mandate_paths(person: Person, roles: set[str] | None = None) -> list[str]:
    """Paths of the units the person holds a mandate on, cached on the person for the request."""
    if not person.is_authenticated:
        return []
    cache = person.__dict__.setdefault("_mandate_paths", {})
    key = frozenset(roles) if roles else None
    if key not in cache:
        mandates = person.mandates.select_related("unit")
        if roles:
            mandates = mandates.filter(role__in=roles)
        cache[key] = [m.unit.path for m in mandates]
    return cache[key]


def is_officer(person: Person) -> bool:
    return bool(mandate_paths(person))


def needs_strong_auth(person: Person) -> bool:
    """Officers and back-office staff also sign in with a password and an authenticator code."""
    return person.is_authenticated and (person.is_staff or person.is_superuser or is_officer(person))


def manages_unit(person: Person, unit: Unit, roles: set[str] | None = None) -> bool:
    if person.is_authenticated and person.is_superuser:
        return True
    return any(unit.path.startswith(path) for path in mandate_paths(person, roles))


def is_police_for(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit, {MandateRole.POLICE})


def managed_units_q(person: Person, prefix: str = "", roles: set[str] | None = None) -> Q:
    """A filter for rows whose unit lies under one of the person's mandates.

    `prefix` names the relation to the unit, e.g. "residential_group__" for households.
    Returns a filter matching nothing when the person holds no mandate.
    """
    if person.is_authenticated and person.is_superuser:
        return Q()
    query = Q(pk__in=[])
    for path in mandate_paths(person, roles):
        query |= Q(**{f"{prefix}path__startswith": path})
    return query


def leads_residential_group(person: Person, unit: Unit) -> bool:
    from groups.models import MANAGING_ROLES, MembershipStatus

    return (
        person.is_authenticated
        and person.memberships.filter(
            group__unit=unit, group__is_active=True, status=MembershipStatus.ACTIVE, role__in=MANAGING_ROLES
        ).exists()
    )


def can_view_unit(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit) or leads_residential_group(person, unit)


def can_manage_unit(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit)


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
    from groups.models import MANAGING_ROLES, Membership, MembershipStatus

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
