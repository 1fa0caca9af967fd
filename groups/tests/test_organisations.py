"""Organisations: the mass organisations the steering committee assigns responsibilities to, and
employers whose workforce groups sit in several communes (the article: 5 groups in Tây Ninh city,
3 in Hòa Thành)."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import signed_in
from core.errors import ActionError, PermissionDenied
from groups.actions import check_create_group, check_link_organisation, check_save_organisation
from groups.models import GroupKind, Organisation


def women_union(world, **fields) -> Organisation:
    return check_save_organisation(
        world.steering,
        world.commune,
        name=fields.pop("name", "Hội Liên hiệp Phụ nữ xã Cầu Khởi"),
        kind=fields.pop("kind", "women"),
        **fields,
    )


def employer_with_groups(world) -> tuple[Organisation, list, list]:
    """A province employer with two workforce groups in the commune and one in the neighbour."""
    employer = check_save_organisation(
        world.province_officer, world.province, name="Công ty CP Công trình đô thị Tây Ninh", kind="employer"
    )
    here = [
        check_create_group(world.officer, world.commune, name=f"Công nhân đô thị — khu {n}", kind=GroupKind.WORKFORCE)
        for n in (1, 2)
    ]
    there = [
        check_create_group(
            world.province_officer, world.neighbour, name="Công nhân đô thị — Dương Minh Châu", kind=GroupKind.WORKFORCE
        )
    ]
    for group in here + there:
        check_link_organisation(world.province_officer, group, employer)
    return employer, here, there


def test_the_steering_committee_records_an_organisation_with_a_resident_as_its_contact(world):
    organisation = women_union(world, contact_phone="0901 000 003")
    assert organisation.contact == world.leader and organisation.contact_name == ""
    assert organisation.contact_label == "Lê Hoàng Tâm"
    event = AuditEvent.objects.get(verb="organisation.created")
    assert event.actor == world.steering and event.unit == world.commune and event.data["contact"] == world.leader.pk


def test_a_contact_not_in_the_system_is_kept_as_a_name_and_a_number(world):
    organisation = women_union(world, contact_name="Bà Nguyễn Thị Hoa", contact_phone="0912 345 678")
    assert organisation.contact is None
    assert organisation.contact_label == "Bà Nguyễn Thị Hoa · +84912345678"


def test_a_contact_from_another_place_is_refused(world):
    with pytest.raises(ActionError, match="does not live in Xã Cầu Khởi"):
        women_union(world, contact_phone=world.stranger.phone)


def test_an_officer_of_another_commune_cannot_record_an_organisation_here(world):
    with pytest.raises(PermissionDenied):
        check_save_organisation(world.far_officer, world.commune, name="Đoàn Thanh niên", kind="youth")


def test_two_organisations_of_one_unit_cannot_share_a_name(world):
    women_union(world)
    with pytest.raises(ActionError, match="already has an organisation"):
        women_union(world, name="hội liên hiệp phụ nữ xã cầu khởi")


def test_the_officer_adds_and_edits_an_organisation_on_the_pages(world, client):
    signed_in(client, world.officer)
    response = client.post(
        reverse("groups:organisation_new", args=[world.commune.code]),
        {"name": "Hội Cựu chiến binh xã", "kind": "veterans", "contact_phone": "0901000003", "is_active": "on"},
    )
    organisation = Organisation.objects.get(name="Hội Cựu chiến binh xã")
    assert response.status_code == 302 and response["Location"] == reverse(
        "groups:organisation", args=[organisation.pk]
    )
    edit = reverse("groups:organisation_edit", args=[organisation.pk])
    assert "0901 000 003" in client.get(edit).content.decode()
    client.post(edit, {"name": "Hội Cựu chiến binh xã Cầu Khởi", "kind": "veterans", "contact_name": "Ông Ba"})
    organisation.refresh_from_db()
    assert (organisation.name, organisation.contact, organisation.contact_name, organisation.is_active) == (
        "Hội Cựu chiến binh xã Cầu Khởi",
        None,
        "Ông Ba",
        False,
    )
    assert AuditEvent.objects.filter(verb="organisation.changed", target_id=str(organisation.pk)).exists()
    page = client.get(reverse("groups:organisations", args=[world.commune.code])).content.decode()
    assert "Tổ chức, đoàn thể" in page and "Hội Cựu chiến binh xã Cầu Khởi" in page and "ngừng hoạt động" in page


def test_a_form_with_a_phone_of_someone_elsewhere_says_why(world, client):
    signed_in(client, world.steering)
    response = client.post(
        reverse("groups:organisation_new", args=[world.commune.code]),
        {"name": "Đoàn Thanh niên xã", "kind": "youth", "contact_phone": world.stranger.phone},
    )
    assert response.status_code == 200 and "không sống ở Xã Cầu Khởi" in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize("persona", ["resident", "leader", "far_officer"])
def test_only_the_units_officers_reach_its_organisations(world, client, persona):
    organisation = women_union(world)
    signed_in(client, getattr(world, persona))
    for url in (
        reverse("groups:organisations", args=[world.commune.code]),
        reverse("groups:organisation_new", args=[world.commune.code]),
        reverse("groups:organisation", args=[organisation.pk]),
        reverse("groups:organisation_edit", args=[organisation.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url


def test_an_employer_page_lists_its_groups_across_communes_for_the_province(world, client):
    employer, here, there = employer_with_groups(world)
    signed_in(client, world.province_officer)
    page = client.get(reverse("groups:organisation", args=[employer.pk])).content.decode()
    for group in here + there:
        assert group.name in page
    assert "3 nhóm, 0 thành viên" in page and "Xã Cầu Khởi" in page and "Xã Dương Minh Châu" in page


def test_a_commune_officer_sees_the_employer_with_only_their_communes_groups(world, client):
    employer, here, there = employer_with_groups(world)
    signed_in(client, world.officer)
    page = client.get(reverse("groups:organisation", args=[employer.pk])).content.decode()
    assert all(group.name in page for group in here)
    assert there[0].name not in page and "những nhóm trong địa bàn của bạn" in page
    assert client.get(reverse("groups:organisation_edit", args=[employer.pk])).status_code == 403
    listed = client.get(reverse("groups:organisations", args=[world.commune.code])).content.decode()
    assert "Công ty CP Công trình đô thị Tây Ninh" in listed and "2 nhóm ở đây" in listed


def test_the_group_page_names_its_employer_and_links_officers_to_it(world, client):
    employer, here, _there = employer_with_groups(world)
    signed_in(client, world.officer)
    page = client.get(reverse("groups:detail", args=[here[0].pk])).content.decode()
    assert f'Đơn vị sử dụng lao động: <a href="{reverse("groups:organisation", args=[employer.pk])}">' in page


def test_a_member_sees_the_employers_name_without_a_link(world, client):
    organisation = women_union(world)
    check_link_organisation(world.officer, world.rg_group, organisation)
    signed_in(client, world.resident)
    page = client.get(reverse("groups:detail", args=[world.rg_group.pk])).content.decode()
    assert "Tổ chức: Hội Liên hiệp Phụ nữ xã Cầu Khởi" in page
    assert reverse("groups:organisation", args=[organisation.pk]) not in page


def test_a_group_links_only_to_an_organisation_of_its_unit_or_above(world):
    organisation = women_union(world)
    neighbour_group = check_create_group(
        world.province_officer, world.neighbour, name="Công nhân", kind=GroupKind.WORKFORCE
    )
    with pytest.raises(PermissionDenied):
        check_link_organisation(world.province_officer, neighbour_group, organisation)
    with pytest.raises(PermissionDenied):  # a group leader manages the group, not its links
        check_link_organisation(world.leader, world.rg_group, organisation)


def test_the_officer_links_a_group_on_its_page(world, client):
    organisation = women_union(world)
    signed_in(client, world.officer)
    url = reverse("groups:detail", args=[world.rg_group.pk])
    assert "Hội Liên hiệp Phụ nữ xã Cầu Khởi · Xã Cầu Khởi" in client.get(url).content.decode()
    client.post(reverse("groups:link_organisation", args=[world.rg_group.pk]), {"organisation": organisation.pk})
    world.rg_group.refresh_from_db()
    assert world.rg_group.organisation == organisation
    assert AuditEvent.objects.filter(verb="group.organisation_linked").exists()
