"""Door-to-door enrollment: a leader or officer registers a household member and, in the same
step, enrolls them in the groups of their residential group (docs/coverage.md)."""

from django.db import transaction

from groups.actions import do_add_member
from groups.models import CommunityGroup, GroupKind
from people.actions import check_add_household_member
from people.models import Household, Person


def residential_groups_of(household: Household):
    return CommunityGroup.objects.filter(
        unit=household.residential_group, kind=GroupKind.RESIDENTIAL_GROUP, is_active=True
    )


def check_enroll_member(
    actor: Person, household: Household, *, full_name: str, phone: str = "", has_smartphone: bool = True, enroll: bool
) -> Person:
    """Add a member to the household and, when asked, to its residential group's group(s).

    Members without a smartphone are enrolled too: they are reached through their relay.
    """
    with transaction.atomic():
        person = check_add_household_member(
            actor, household, full_name=full_name, phone=phone, has_smartphone=has_smartphone
        )
        if enroll:
            for group in residential_groups_of(household):
                do_add_member(actor, group, person)
    return person
