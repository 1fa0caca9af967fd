import pytest

from core.errors import ActionError, PermissionDenied
from coverage.actions import check_create_unit, check_set_neighbours
from places.models import Tier, UnitKind


def test_an_officer_creates_hamlets_and_residential_groups_with_generated_codes(world):
    hamlet = check_create_unit(world.officer, world.commune, name="  Ấp  Phước Long ", kind=UnitKind.HAMLET)
    group = check_create_unit(world.officer, hamlet, name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP)
    assert hamlet.name == "Ấp Phước Long" and hamlet.code == "25573.03" and hamlet.tier == Tier.HAMLET
    assert group.code == "25573.03.01" and group.path == "80/25573/25573.03/25573.03.01/"


def test_a_residential_group_may_sit_directly_under_a_commune(world):
    group = check_create_unit(world.officer, world.commune, name="Tổ 9", kind=UnitKind.RESIDENTIAL_GROUP)
    assert group.parent == world.commune


def test_a_hamlet_cannot_be_created_inside_a_residential_group(world):
    with pytest.raises(ActionError, match="cannot be created under"):
        check_create_unit(world.officer, world.rg, name="Ấp X", kind=UnitKind.HAMLET)


def test_two_units_with_the_same_name_under_one_parent_are_refused(world):
    with pytest.raises(ActionError, match="already has a unit named"):
        check_create_unit(world.officer, world.commune, name="ấp phuoc hoi", kind=UnitKind.HAMLET)


def test_an_officer_of_another_commune_cannot_add_units_here(world):
    with pytest.raises(PermissionDenied):
        check_create_unit(world.far_officer, world.commune, name="Ấp Lạ", kind=UnitKind.HAMLET)
    with pytest.raises(PermissionDenied):
        check_create_unit(world.resident, world.commune, name="Ấp Lạ", kind=UnitKind.HAMLET)


def test_the_province_officer_manages_every_commune_of_the_province(world):
    hamlet = check_create_unit(world.province_officer, world.neighbour, name="Ấp Phước Lợi", kind=UnitKind.HAMLET)
    assert hamlet.is_within(world.province)


def test_neighbouring_communes_are_recorded_both_ways(world):
    assert list(world.neighbour.neighbours.all()) == [world.commune]
    with pytest.raises(ActionError, match="same level"):
        check_set_neighbours(world.officer, world.commune, [world.hamlet])
