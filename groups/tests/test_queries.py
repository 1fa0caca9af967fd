"""A group's members page costs the same queries for 2 members as for 50, for its leader and for a member."""

from django.urls import reverse

from canhgiac.testing import query_counts_for_2_and_50_rows, signed_in
from coverage.actions import check_add_household_member, check_register_household, check_set_relay
from groups.actions import check_add_member, check_create_group, check_link_organisation, check_save_organisation
from groups.models import GroupKind


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


def add_organisation_and_group(world, employer):
    def add(number: int) -> None:
        check_save_organisation(
            world.steering, world.commune, name=f"Chi hội {number}", kind="women", contact_phone=world.leader.phone
        )
        group = check_create_group(world.officer, world.commune, name=f"Công nhân {number}", kind=GroupKind.WORKFORCE)
        check_link_organisation(world.officer, group, employer)
        check_add_member(world.officer, group, world.resident)

    return add


def read_url(client, url: str):
    def read():
        response = client.get(url)
        assert response.status_code == 200
        return response

    return read


def test_the_organisations_list_costs_the_same_for_50_as_for_2(world, client):
    employer = check_save_organisation(world.province_officer, world.province, name="Công ty CP", kind="employer")
    read = read_url(signed_in(client, world.officer), reverse("groups:organisations", args=[world.commune.code]))
    small, large = query_counts_for_2_and_50_rows(add_organisation_and_group(world, employer), read)
    assert "Chi hội 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 organisations, {large} for 50"


def test_an_employers_page_costs_the_same_for_50_groups_as_for_2(world, client):
    employer = check_save_organisation(world.province_officer, world.province, name="Công ty CP", kind="employer")
    read = read_url(signed_in(client, world.officer), reverse("groups:organisation", args=[employer.pk]))
    small, large = query_counts_for_2_and_50_rows(add_organisation_and_group(world, employer), read)
    assert "Công nhân 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 groups, {large} for 50"
