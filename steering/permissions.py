"""Who may see and do what in steering (docs/permissions.md, docs/steering.md).

Dashboards, compliance and periodic reports are for officers whose mandate covers the unit;
residents and group leaders see none of it. A directive is visible to the officers of the unit
it was issued for and to officers of any unit inside it (they must carry it out).
"""

from groups.models import CommunityGroup, Organisation
from people.models import Person
from people.permissions import manages_unit, mandate_paths
from places.models import Tier, Unit
from steering.models import Directive, Responsibility

DASHBOARD_TIERS = {Tier.PROVINCE, Tier.COMMUNE}


def can_view_dashboard(person: Person, unit: Unit) -> bool:
    return unit.tier in DASHBOARD_TIERS and manages_unit(person, unit)


def can_export_report(person: Person, unit: Unit) -> bool:
    """Periodic reports exist for any unit an officer's mandate covers."""
    return manages_unit(person, unit)


def can_issue_directive(person: Person, unit: Unit) -> bool:
    return unit.tier in DASHBOARD_TIERS and manages_unit(person, unit)


def can_view_directive(person: Person, directive: Directive) -> bool:
    if manages_unit(person, directive.unit):
        return True
    return any(path.startswith(directive.unit.path) for path in mandate_paths(person))


def can_change_directive(person: Person, directive: Directive) -> bool:
    return manages_unit(person, directive.unit)


def can_view_compliance(person: Person, directive: Directive, scope: Unit) -> bool:
    """Compliance inside `scope`: the person's mandate covers the scope, which lies in the directive's unit."""
    return can_view_directive(person, directive) and manages_unit(person, scope)


def can_assign_responsibility(person: Person, unit: Unit) -> bool:
    return manages_unit(person, unit)


def can_be_responsible(person: Person, unit: Unit) -> bool:
    """Only officers (steering committee or police) whose mandate covers the unit take a responsibility."""
    holds_mandate = any(unit.path.startswith(path) for path in mandate_paths(person))
    return person.is_active and bool(person.phone) and holds_mandate


def can_organisation_be_responsible(organisation: Organisation, unit: Unit) -> bool:
    """An active organisation of the unit, of a unit above it or of a unit inside it."""
    return organisation.is_active and (
        unit.path.startswith(organisation.unit.path) or organisation.unit.path.startswith(unit.path)
    )


def responsibility_unit(responsibility: Responsibility) -> Unit:
    target = responsibility.unit or responsibility.group
    return target.unit if isinstance(target, CommunityGroup) else target  # type: ignore[return-value]


def can_end_responsibility(person: Person, responsibility: Responsibility) -> bool:
    return manages_unit(person, responsibility_unit(responsibility))
