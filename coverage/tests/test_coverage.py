from coverage.actions import check_add_household_member, check_register_household, check_set_relay
from coverage.reach import children_coverage, coverage_of
from groups.actions import check_leave_group


def percent(world, unit):
    return coverage_of(unit)[0]


def test_a_household_counts_as_reached_when_one_member_is_in_a_group(world):
    # world: two households in Tổ 1; the resident's household has members in the group, the
    # leader's household has the leader.
    cov = coverage_of(world.rg)[0]
    assert (cov.households, cov.covered, cov.percent) == (2, 2, 100.0)


def test_a_household_with_nobody_enrolled_lowers_coverage(world):
    home = check_register_household(world.officer, world.rg, "Số 99 đường liên ấp")
    check_add_household_member(world.officer, home, full_name="Chưa Tham Gia", phone="0907000100")
    cov = coverage_of(world.rg)[0]
    assert (cov.households, cov.covered, cov.percent) == (3, 2, 66.7)


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
    assert (province.households, province.covered, province.percent) == (4, 2, 50.0)
    rows = {row.unit.name: (row.households, row.covered) for row in children_coverage(world.commune)}
    assert rows == {"Ấp Phước Hội": (3, 2), "Ấp Phước Lễ": (1, 0)}


def test_a_unit_without_households_has_no_percentage(world):
    assert coverage_of(world.neighbour)[0].percent is None
