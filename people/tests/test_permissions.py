"""The scoping rules, persona by persona (docs/permissions.md)."""

import pytest

from groups.permissions import (
    can_manage_group,
    can_manage_household,
    can_see_phone_of,
    can_view_group,
    can_view_household,
    can_view_unit,
)
from people.permissions import can_manage_unit, is_police_for, needs_strong_auth

PERSONAS = ["resident", "relay", "leader", "officer", "steering", "province_officer", "far_officer", "stranger"]

# persona -> (view commune, manage commune, view Tổ 1, manage Tổ 1, view neighbour commune)
UNIT_RULES = {
    "resident": (False, False, False, False, False),
    "relay": (False, False, False, False, False),
    "leader": (False, False, True, False, False),
    "officer": (True, True, True, True, False),
    "steering": (True, True, True, True, False),
    "province_officer": (True, True, True, True, True),
    "far_officer": (False, False, False, False, False),
    "stranger": (False, False, False, False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_unit_access_follows_mandates_and_leadership(world, persona):
    person = getattr(world, persona)
    actual = (
        can_view_unit(person, world.commune),
        can_manage_unit(person, world.commune),
        can_view_unit(person, world.rg),
        can_manage_unit(person, world.rg),
        can_view_unit(person, world.neighbour),
    )
    assert actual == UNIT_RULES[persona]


# persona -> (view household, manage household)
HOUSEHOLD_RULES = {
    "resident": (True, False),
    "relay": (True, False),
    "leader": (True, True),
    "officer": (True, True),
    "steering": (True, True),
    "province_officer": (True, True),
    "far_officer": (False, False),
    "stranger": (False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_household_is_seen_by_its_members_and_managed_by_its_leader_and_officers(world, persona):
    person = getattr(world, persona)
    assert (can_view_household(person, world.household), can_manage_household(person, world.household)) == (
        HOUSEHOLD_RULES[persona]
    )


# persona -> (view Tổ 1 group, manage Tổ 1 group)
GROUP_RULES = {
    "resident": (True, False),
    "relay": (True, False),
    "leader": (True, True),
    "officer": (True, True),
    "steering": (True, True),
    "province_officer": (True, True),
    "far_officer": (False, False),
    "stranger": (False, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_group_is_seen_by_members_and_managed_by_leaders_and_officers(world, persona):
    person = getattr(world, persona)
    assert (can_view_group(person, world.rg_group), can_manage_group(person, world.rg_group)) == GROUP_RULES[persona]


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("resident", True),  # own number
        ("relay", True),  # same household
        ("leader", True),  # leads the resident's group
        ("officer", True),
        ("far_officer", False),
        ("stranger", False),
    ],
)
def test_the_residents_phone_number_is_shown_only_to_those_who_need_it(world, viewer, expected):
    assert can_see_phone_of(getattr(world, viewer), world.resident) is expected


def test_a_member_of_the_same_group_does_not_see_other_members_numbers(world):
    assert not can_see_phone_of(world.resident, world.leader)


def test_only_police_mandates_count_as_police(world):
    assert is_police_for(world.officer, world.rg)
    assert not is_police_for(world.steering, world.rg)
    assert is_police_for(world.province_officer, world.rg)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("resident", False), ("leader", False), ("officer", True), ("steering", True), ("admin", True)],
)
def test_officers_and_staff_need_the_strong_sign_in(world, persona, expected):
    assert needs_strong_auth(getattr(world, persona)) is expected
