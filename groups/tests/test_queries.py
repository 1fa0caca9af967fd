"""A group's members page costs the same queries for 2 members as for 50, for its leader and for a member."""

from django.urls import reverse

from canhgiac.testing import query_counts_for_2_and_50_rows, signed_in
from coverage.actions import check_add_household_member, check_register_household, check_set_relay
from groups.actions import check_add_member


def add_member(world, number: int) -> None:
    """A new household's member joins; every third one has no smartphone and is reached through the relay."""
    household = check_register_household(world.officer, world.rg, f"Số {number + 100} đường Phước Ninh")
    smartphone = number % 3 != 0
    person = check_add_household_member(
        world.officer,
        household,
        full_name=f"Thành viên {number}",
        phone=f"09061{number:05d}" if smartphone else "",
        has_smartphone=smartphone,
    )
    if not smartphone:
        check_set_relay(world.officer, person, world.relay)
    check_add_member(world.leader, world.rg_group, person)


def read_members(world, client):
    def read():
        response = client.get(reverse("groups:detail", args=[world.rg_group.pk]))
        assert response.status_code == 200
        return response

    return read


def test_the_members_page_makes_as_many_queries_for_50_members_as_for_2_for_the_leader(world, client):
    signed_in(client, world.leader)
    read = read_members(world, client)
    small, large = query_counts_for_2_and_50_rows(lambda n: add_member(world, n), read)
    assert "Thành viên 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 members, {large} for 50"


def test_the_members_page_makes_as_many_queries_for_50_members_as_for_2_for_a_member(world, client):
    signed_in(client, world.resident)
    read = read_members(world, client)
    small, large = query_counts_for_2_and_50_rows(lambda n: add_member(world, n), read)
    assert "Thành viên 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 members, {large} for 50"
