import pytest

from canhgiac.testing import signed_in


def test_the_commune_page_shows_coverage_of_each_hamlet(world, client):
    signed_in(client, world.officer)
    page = client.get(f"/units/{world.commune.code}/").content.decode()
    assert "Ấp Phước Hội" in page and "Ấp Phước Lễ" in page
    assert 'data-testid="coverage">100,0%' in page  # Vietnamese writes a decimal comma


@pytest.mark.parametrize("persona", ["resident", "relay", "stranger", "far_officer"])
def test_people_without_a_mandate_here_cannot_open_the_commune_page(world, client, persona):
    signed_in(client, getattr(world, persona))
    assert client.get(f"/units/{world.commune.code}/").status_code == 403


def test_a_group_leader_sees_the_page_of_their_residential_group_but_not_the_commune(world, client):
    signed_in(client, world.leader)
    assert client.get(f"/units/{world.rg.code}/").status_code == 200
    assert client.get(f"/units/{world.commune.code}/").status_code == 403


def test_an_officer_creates_a_hamlet_from_the_unit_page(world, client):
    signed_in(client, world.officer)
    client.post(f"/units/{world.commune.code}/children/", {"name": "Ấp Phước Bình", "kind": "hamlet"})
    assert "Ấp Phước Bình" in client.get(f"/units/{world.commune.code}/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(f"/units/{world.commune.code}/")
    assert response.status_code == 302 and response.url.startswith("/signin/")


def test_households_not_yet_reached_are_listed_first_and_marked(world, client):
    from coverage.actions import check_register_household

    check_register_household(world.officer, world.rg, "Số 99 hẻm 7")
    signed_in(client, world.leader)
    page = client.get(f"/units/{world.rg.code}/").content.decode()
    assert page.count("chưa tiếp cận") == 1
    assert page.index("Số 99 hẻm 7") < page.index("Số 12 đường Phước Ninh")


def test_a_local_unit_is_renamed_but_an_official_one_is_not(world, client):
    signed_in(client, world.officer)
    client.post(f"/units/{world.hamlet.code}/rename/", {"name": "Ấp Phước Hội A"})
    world.hamlet.refresh_from_db()
    assert world.hamlet.name == "Ấp Phước Hội A"
    client.post(f"/units/{world.commune.code}/rename/", {"name": "Xã Khác"})
    world.commune.refresh_from_db()
    assert world.commune.name == "Xã Cầu Khởi"


def test_a_leader_types_the_household_total_and_the_page_counts_coverage_against_it(world, client):
    signed_in(client, world.leader)
    page = client.get(f"/units/{world.rg.code}/").content.decode()
    assert 'data-testid="declare-form"' in page and 'data-testid="coverage">100,0%' in page
    client.post(f"/units/{world.rg.code}/households-declared/", {"declared_households": "8"})
    page = client.get(f"/units/{world.rg.code}/").content.decode()
    assert 'data-testid="declared">8<' in page and 'data-testid="coverage">25,0%' in page


def test_a_group_that_has_not_declared_says_so_instead_of_a_percentage(world, client):
    signed_in(client, world.officer)
    page = client.get(f"/units/{world.rg2.code}/").content.decode()
    assert 'data-testid="coverage" class="missing">chưa khai báo<' in page
    commune = client.get(f"/units/{world.commune.code}/").content.decode()
    assert 'data-testid="undeclared-groups"' in commune and "2 tổ dân cư chưa khai báo" in commune
    assert 'data-testid="not-declared"' in commune  # Ấp Phước Lễ: its only group has not declared


def test_a_resident_cannot_declare_the_household_total(world, client):
    signed_in(client, world.resident)
    response = client.post(f"/units/{world.rg.code}/households-declared/", {"declared_households": "8"})
    assert response.status_code == 403
    world.rg.refresh_from_db()
    assert world.rg.declared_households == 2
