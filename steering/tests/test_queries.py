"""The steering tables — a dashboard's units, a directive's compliance, the responsibilities and an
officer's own list — cost the same queries for 2 rows as for 50."""

from django.urls import reverse

from canhgiac.testing import create_directive, create_officer, query_counts_for_2_and_50_rows, signed_in
from coverage.actions import check_create_unit
from groups.actions import check_create_group
from groups.models import GroupKind
from people.models import MandateRole
from places.models import UnitKind
from steering.actions import check_assign_responsibility, do_daily
from steering.models import TargetLevel


def add_hamlet(world, number: int):
    """A hamlet with a residential group; every other hamlet has its group."""
    hamlet = check_create_unit(world.officer, world.commune, name=f"Ấp mới {number}", kind=UnitKind.HAMLET)
    check_create_unit(world.officer, hamlet, name="Tổ 1", kind=UnitKind.RESIDENTIAL_GROUP)
    if number % 2:
        check_create_group(world.officer, hamlet, name=f"Nhóm ấp mới {number}", kind=GroupKind.HAMLET)
    if number in (1, 49):  # the figures are stored by the daily rollup, as in production
        do_daily()
    return hamlet


def reader(client, url: str):
    def read():
        response = client.get(url)
        assert response.status_code == 200
        return response

    return read


def test_the_dashboard_makes_as_many_queries_for_50_units_as_for_2(world, client):
    signed_in(client, world.officer)
    read = reader(client, reverse("steering:dashboard", args=[world.commune.code]))
    small, large = query_counts_for_2_and_50_rows(lambda n: add_hamlet(world, n), read)
    assert "Ấp mới 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 units, {large} for 50"


def test_a_directive_page_makes_as_many_queries_for_50_units_as_for_2(world, client):
    directive = create_directive(world.officer, world.commune, [(TargetLevel.HAMLET, GroupKind.HAMLET)])
    signed_in(client, world.officer)
    read = reader(client, reverse("steering:directive", args=[directive.pk]))
    small, large = query_counts_for_2_and_50_rows(lambda n: add_hamlet(world, n), read)
    assert "Ấp mới 48" in read().content.decode()
    assert small == large, f"{small} queries for 2 units, {large} for 50"


def test_the_responsibilities_page_makes_as_many_queries_for_50_responsibilities_as_for_2(world, client):
    def assign(number: int) -> None:
        hamlet = add_hamlet(world, number)
        officer = create_officer(world.admin, f"09062{number:05d}", f"Cán bộ {number}", MandateRole.STEERING, hamlet)
        check_assign_responsibility(world.officer, officer, unit=hamlet, duty=f"Phụ trách ấp {number}")

    signed_in(client, world.officer)
    read = reader(client, reverse("steering:responsibilities", args=[world.commune.code]))
    small, large = query_counts_for_2_and_50_rows(assign, read)
    assert "Cán bộ 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 responsibilities, {large} for 50"


def test_my_responsibilities_make_as_many_queries_for_50_as_for_2(world, client):
    create_directive(world.officer, world.commune, [(TargetLevel.HAMLET, GroupKind.HAMLET)])

    def assign(number: int) -> None:
        hamlet = add_hamlet(world, number)
        if number % 2:
            group = check_create_group(world.officer, hamlet, name=f"Nhóm tuần tra {number}", kind=GroupKind.PATROL)
            check_assign_responsibility(world.officer, world.steering, group=group)
        else:
            check_assign_responsibility(world.officer, world.steering, unit=hamlet)

    signed_in(client, world.steering)
    read = reader(client, reverse("steering:mine"))
    small, large = query_counts_for_2_and_50_rows(assign, read)
    assert "Ấp mới 48" in read().content.decode()
    assert small == large, f"{small} queries for 2 responsibilities, {large} for 50"


def test_what_lags_under_many_units_read_at_once_is_what_each_units_own_evaluation_finds(world):
    from steering import compliance, dashboards
    from steering.queries import lagging_under

    create_directive(world.officer, world.commune, [(TargetLevel.HAMLET, GroupKind.HAMLET)])
    create_directive(
        world.province_officer,
        world.province,
        [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP), (TargetLevel.COMMUNE, GroupKind.PATROL)],
    )
    units = [world.hamlet, world.other_hamlet, world.rg2, world.commune, world.neighbour]

    def key(items):
        return [(item.requirement.pk, item.unit.pk, item.status, item.due) for item in items]

    one_by_one = {
        unit.pk: key(
            item
            for directive in dashboards.directives_for(unit)
            for item in compliance.evaluate(directive, unit)
            if item.status != compliance.Status.MET
        )
        for unit in units
    }
    assert {pk: key(items) for pk, items in lagging_under(units).items()} == one_by_one
    assert one_by_one[world.other_hamlet.pk]  # something lags, so the comparison says something
