"""A group leader is offered only the roles they may give; the unit's officers every role."""

import re

from canhgiac.testing import signed_in
from groups.models import GroupRole, Membership
from groups.permissions import grantable_roles


def role_options(page: str) -> set[str]:
    menus = re.findall(r'<select name="role".*?</select>', page, re.S)
    return {value for menu in menus for value in re.findall(r'<option value="(\w+)"', menu)}


def test_a_leader_is_offered_member_and_leader_only(world, client):
    page = signed_in(client, world.leader).get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert role_options(page) == {"member", "leader"}
    assert "Cán bộ công an" not in page.split('id="members"')[1]


def test_the_commune_officer_is_offered_every_role(world, client):
    page = signed_in(client, world.officer).get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert role_options(page) == set(GroupRole.values)


def test_a_leader_sees_no_role_menu_for_a_police_member_and_cannot_change_it(world, client):
    police = Membership.objects.get(group=world.hamlet_group, person=world.officer)
    from groups.actions import check_add_member

    check_add_member(world.officer, world.hamlet_group, world.leader, GroupRole.LEADER)
    page = signed_in(client, world.leader).get(f"/groups/{world.hamlet_group.pk}/").content.decode()
    assert f"/members/{police.pk}/role/" not in page
    response = client.post(f"/groups/{world.hamlet_group.pk}/members/{police.pk}/role/", {"role": "member"})
    police.refresh_from_db()
    assert police.role == GroupRole.POLICE and response.status_code in (302, 403)


def test_grantable_roles_follow_who_asks(world):
    assert grantable_roles(world.resident, world.rg_group) == []
    assert grantable_roles(world.leader, world.rg_group) == ["member", "leader"]
    assert set(grantable_roles(world.officer, world.rg_group)) == set(GroupRole.values)


def test_the_unit_officer_sees_every_member_phone_and_an_ordinary_member_only_their_household(world, client):
    officer_page = signed_in(client, world.officer).get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert "0901 000 003" in officer_page and "0901 000 001" in officer_page
    member_page = signed_in(client, world.relay).get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert "0901 000 003" not in member_page and "0901 000 001" in member_page
