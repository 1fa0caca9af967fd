from canhgiac.testing import signed_in
from groups.actions import check_create_invite


def test_a_member_sees_members_but_not_their_phone_numbers(world, client):
    signed_in(client, world.resident)
    page = client.get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert "Lê Hoàng Tâm" in page
    assert "0901 000 003" not in page  # the leader's number
    assert "0901 000 002" in page  # the relay lives in the resident's own household
    assert "Invite people" not in page and "Mời" not in page


def test_the_leader_sees_phones_invites_and_the_invite_qr(world, client):
    check_create_invite(world.leader, world.rg_group)
    signed_in(client, world.leader)
    page = client.get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert "0901 000 001" in page
    assert "/groups/join/" in page and "<svg" in page


def test_an_outsider_cannot_read_the_member_list(world, client):
    signed_in(client, world.stranger)
    response = client.get(f"/groups/{world.rg_group.pk}/")
    assert response.status_code == 200
    assert "Nguyễn Văn Thanh" not in response.content.decode()


def test_an_elder_shows_who_reads_for_them(world, client):
    signed_in(client, world.leader)
    page = client.get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert "Trần Thị Sáu" in page and "Trần Thị Mai" in page


def test_the_household_page_is_private_to_the_household_and_those_who_manage_it(world, client):
    url = f"/households/{world.household.pk}/"
    signed_in(client, world.resident)
    assert client.get(url).status_code == 200
    signed_in(client, world.stranger)
    assert client.get(url).status_code == 403
    signed_in(client, world.leader)
    assert "Trần Thị Sáu" in client.get(url).content.decode()


def test_members_are_found_by_name_with_or_without_diacritics(world, client):
    signed_in(client, world.leader)
    page = client.get(f"/groups/{world.rg_group.pk}/", {"q": "tran thi"}).content.decode()
    assert "Trần Thị Mai" in page and "Trần Thị Sáu" in page
    assert "Nguyễn Văn Thanh" not in page


def test_the_group_page_costs_the_same_queries_for_5_or_50_members(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from groups.actions import do_add_member
    from people.models import Person

    signed_in(client, world.resident)
    url = f"/groups/{world.rg_group.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(45):
        do_add_member(None, world.rg_group, Person.objects.create_user(f"09060{number:05d}", f"Thành viên {number}"))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_officers_and_the_leader_are_listed_before_members(world, client):
    from groups.actions import check_add_member

    check_add_member(world.officer, world.rg_group, world.officer, "police")
    signed_in(client, world.resident)
    page = client.get(f"/groups/{world.rg_group.pk}/").content.decode()
    assert page.index("Đỗ Tuấn Kiệt") < page.index("Lê Hoàng Tâm") < page.index("Nguyễn Văn Thanh")


def test_a_resident_is_offered_the_groups_where_they_live_and_can_ask_to_join(world, client):
    signed_in(client, world.resident)
    page = client.get("/groups/").content.decode()
    assert "Nhóm ấp Phước Hội" in page  # the hamlet group, not yet joined
    assert "Nhóm Tổ 2 ấp Phước Hội" not in page  # another residential group's group
    client.post(f"/groups/{world.hamlet_group.pk}/join-requests/", {"message": ""})
    signed_in(client, world.officer)
    assert "Nguyễn Văn Thanh" in client.get(f"/groups/{world.hamlet_group.pk}/").content.decode()
