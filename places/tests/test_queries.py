from canhgiac.testing import queries_of
from places.queries import communes_of


def test_communes_of_many_units_are_read_in_one_query(world):
    units = [world.rg, world.other_rg, world.hamlet, world.commune, world.neighbour, world.province]
    found: dict = {}
    assert queries_of(lambda: found.update(communes_of(units))) == 1
    assert found == {
        world.rg.pk: world.commune,
        world.other_rg.pk: world.commune,
        world.hamlet.pk: world.commune,
        world.commune.pk: world.commune,
        world.neighbour.pk: world.neighbour,
    }
    assert all(found[unit.pk] == unit.commune() for unit in units if unit.pk in found)
