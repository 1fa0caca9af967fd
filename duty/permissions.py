"""Who may see and change a unit's duty roster (docs/reports.md, "Duty and escalation").

The police of the unit or of a unit above it: the roster is theirs to keep, and the province
police may stand in for a commune. Nobody else, not even the steering committee."""

from people.models import MandateRole, Person
from people.permissions import mandate_paths
from places.models import Unit


def can_see_roster(person: Person, unit: Unit) -> bool:
    return person.is_authenticated and any(
        unit.path.startswith(path) for path in mandate_paths(person, {MandateRole.POLICE})
    )


def can_edit_roster(person: Person, unit: Unit) -> bool:
    return can_see_roster(person, unit)


def can_acknowledge(person: Person, alert_unit: Unit, recipient_ids: set[int]) -> bool:
    """An officer the alert was sent to, or any police of the alert's unit (they saw it on the queue)."""
    return person.is_authenticated and (person.pk in recipient_ids or can_see_roster(person, alert_unit))
