import pytest

from core.errors import ActionError, PermissionDenied
from coverage.actions import (
    check_add_household_member,
    check_declare_households,
    check_register_household,
    check_set_relay,
)
from coverage.reach import children_coverage, coverage_of
from groups.actions import check_add_member, check_leave_group
from people.models import Person


def percent(world, unit):
    return coverage_of(unit)[0]


def test_a_household_counts_as_reached_when_one_member_is_in_a_group(world):
    # world: two households in Tổ 1; the resident's household has members in the group, the
    # leader's household has the leader.
    cov = coverage_of(world.rg)[0]
    assert (cov.households, cov.covered, cov.percent) == (2, 2, 100.0)


def test_a_household_with_nobody_enrolled_lowers_coverage(world):
    check_declare_households(world.officer, world.rg, 3)
    home = check_register_household(world.officer, world.rg, "Số 99 đường liên ấp")
    check_add_household_member(world.officer, home, full_name="Chưa Tham Gia", phone="0907000100")
    cov = coverage_of(world.rg)[0]
    assert (cov.households, cov.covered, cov.declared, cov.percent) == (3, 2, 3, 66.7)


def test_coverage_counts_against_the_declared_total_not_the_households_registered(world):
    # Tổ 1 registered 2 households, both reached; its own list says 8 live there.
    check_declare_households(world.officer, world.rg, 8)
    cov = coverage_of(world.rg)[0]
    assert (cov.households, cov.covered, cov.declared, cov.percent) == (2, 2, 8, 25.0)


def test_a_group_that_has_not_declared_has_no_coverage_and_is_counted_apart(world):
    home = check_register_household(world.officer, world.rg2, "Số 5 hẻm 3")
    check_add_household_member(world.officer, home, full_name="Võ Văn Hai", phone="0907000101")
    check_add_member(world.officer, world.rg2_group, Person.objects.get(phone="+84907000101"))
    rg2 = coverage_of(world.rg2)[0]
    assert (rg2.households, rg2.covered, rg2.percent, rg2.undeclared_groups) == (1, 1, None, 1)
    # The hamlet is 100% of what Tổ 1 declared; Tổ 2's reached household does not inflate it.
    hamlet = coverage_of(world.hamlet)[0]
    assert (hamlet.declared, hamlet.covered_declared, hamlet.percent, hamlet.undeclared_groups) == (2, 2, 100.0, 1)


def test_a_residential_group_leader_declares_their_group_but_not_another(world):
    check_declare_households(world.leader, world.rg, 40)
    world.rg.refresh_from_db()
    assert world.rg.declared_households == 40
    with pytest.raises(PermissionDenied):
        check_declare_households(world.leader, world.rg2, 10)
    with pytest.raises(PermissionDenied):
        check_declare_households(world.resident, world.rg, 10)


@pytest.mark.parametrize("total", [0, -1, 5001])
def test_a_declared_total_outside_the_plausible_range_is_refused(world, total):
    with pytest.raises(ActionError):
        check_declare_households(world.officer, world.rg, total)


def test_an_elder_without_a_smartphone_is_reached_only_through_an_enrolled_relay(world):
    home = check_register_household(world.officer, world.rg2, "Số 5 hẻm 3")
    elder = check_add_household_member(world.officer, home, full_name="Bà Năm", has_smartphone=False)
    assert coverage_of(world.rg2)[0].covered == 0
    check_set_relay(world.officer, elder, world.relay)  # the relay (Tổ 1 group member) lives elsewhere
    assert coverage_of(world.rg2)[0].covered == 1
    check_leave_group(world.relay, world.rg_group)
    assert coverage_of(world.rg2)[0].covered == 0


def test_coverage_rolls_up_from_residential_groups_to_province(world):
    check_register_household(world.officer, world.rg2, "Số 1")
    check_register_household(world.officer, world.other_rg, "Số 2")
    hamlet = coverage_of(world.hamlet)[0]
    commune = coverage_of(world.commune)[0]
    province = coverage_of(world.province)[0]
    assert (hamlet.households, hamlet.covered) == (3, 2)
    assert (commune.households, commune.covered) == (4, 2)
    assert (province.households, province.covered, province.percent) == (4, 2, 100.0)
    assert (province.declared, province.undeclared_groups) == (2, 2)
    rows = {row.unit.name: (row.households, row.covered) for row in children_coverage(world.commune)}
    assert rows == {"Ấp Phước Hội": (3, 2), "Ấp Phước Lễ": (1, 0)}


def test_a_unit_without_households_has_no_percentage(world):
    assert coverage_of(world.neighbour)[0].percent is None
