"""Who may see and change what, by role and administrative unit.

Every view, API call and export asks one of these functions; they are the only place the rules
live (docs/permissions.md). An officer's mandate on a unit covers everything under it.
Rules that also depend on a role in a community group are in groups/permissions.py.
"""

from django.db.models import Q

from people.models import MandateRole, Person
from places.models import Unit


def mandate_paths(person: Person, roles: set[str] | None = None) -> list[str]:
    """Paths of the units the person holds a mandate on, cached on the person for the request."""
    if not person.is_authenticated:
        return []
    held = person.__dict__.get("_mandates")
    if held is None:  # one query per request, whichever roles are asked about
        held = person.__dict__["_mandates"] = list(person.mandates.values_list("role", "unit__path"))
    return [path for role, path in held if not roles or role in roles]


def is_officer(person: Person) -> bool:
    return bool(mandate_paths(person))


def needs_strong_auth(person: Person) -> bool:
    """Officers and back-office staff also sign in with a password and an authenticator code."""
    return person.is_authenticated and (person.is_staff or person.is_superuser or is_officer(person))


def manages_unit(person: Person, unit: Unit, roles: set[str] | None = None) -> bool:
    if person.is_authenticated and person.is_superuser:
        return True
    return any(unit.path.startswith(path) for path in mandate_paths(person, roles))


def holds_mandate_over(person: Person, unit: Unit, roles: set[str] | None = None) -> bool:
    """A mandate over the unit, the superuser flag not counting: what acting inside a community's
    own conversation takes besides membership (posting, replying, moderating a group). The
    administrator manages through the admin site, not as a member (docs/permissions.md)."""
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


def can_manage_unit(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit)
