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
