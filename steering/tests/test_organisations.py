"""Responsibilities assigned to organisations (Hội Phụ nữ, Đoàn Thanh niên…) as the steering
committee of the article assigns them: its contact person sees and is reminded of them, and every
list, directive page and periodic report names the organisation."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from canhgiac.testing import create_directive, query_counts_for_2_and_50_rows, signed_in
from core.errors import ActionError, PermissionDenied
from coverage.actions import check_create_unit
from groups.actions import check_save_organisation
from groups.models import GroupKind
from places.models import UnitKind
from steering.actions import check_assign_responsibility, check_end_responsibility, do_send_reminders
from steering.models import Reminder, Responsibility, TargetLevel


def women_union(world, **fields):
    """The commune's women's union; its contact is the residential group's leader, a resident."""
    return check_save_organisation(
        world.steering,
        world.commune,
        name=fields.pop("name", "Hội Liên hiệp Phụ nữ xã Cầu Khởi"),
        kind="women",
        contact_phone=world.leader.phone,
        **fields,
    )


def this_month() -> dict:
    today = timezone.localdate()
    return {"kind": "month", "year": today.year, "number": today.month}


def test_the_committee_assigns_a_hamlet_to_an_organisation_on_the_page_and_its_contact_is_told(world, client):
    organisation = women_union(world)
    signed_in(client, world.steering)
    url = reverse("steering:responsibilities", args=[world.commune.code])
    form = client.get(url).content.decode()
    assert "hoặc một tổ chức, đoàn thể" in form and "Hội Liên hiệp Phụ nữ xã Cầu Khởi · Xã Cầu Khởi" in form
    response = client.post(
        url,
        {"organisation": organisation.pk, "target": f"unit:{world.hamlet.pk}", "duty": "Vận động hội viên vào nhóm"},
    )
    assert response.status_code == 302
    responsibility = Responsibility.objects.get()
    assert (responsibility.person, responsibility.organisation) == (None, organisation)
    assert AuditEvent.objects.get(verb="responsibility.assigned").data["organisation"] == organisation.pk
    page = client.get(url).content.decode()
    assert "Hội Liên hiệp Phụ nữ xã Cầu Khởi" in page and "liên hệ: Lê Hoàng Tâm" in page
    reminder = Reminder.objects.get(recipient=world.leader)
    assert reminder.subject == "Hội Liên hiệp Phụ nữ xã Cầu Khởi được phân công: Ấp Phước Hội"
    assert reminder.url == reverse("steering:mine")


def test_the_contact_person_sees_the_organisations_responsibilities_in_their_list(world, client):
    organisation = women_union(world)
    check_assign_responsibility(world.steering, organisation=organisation, unit=world.other_hamlet, duty="Lập nhóm")
    create_directive(world.steering, world.commune, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)])
    page = signed_in(client, world.leader).get(reverse("steering:mine")).content.decode()
    assert "Nhiệm vụ của tôi" in page and "Ấp Phước Lễ" in page and "Lập nhóm" in page
    assert "Thay mặt Hội Liên hiệp Phụ nữ xã Cầu Khởi, với tư cách người liên hệ" in page
    # What is lagging under the hamlet, as a person assignee sees it: its Tổ 1 has no group.
    assert "1 đơn vị chưa lập nhóm theo yêu cầu" in page or "Tổ 1 — Tổ dân cư" in page


def test_an_inactive_organisation_no_longer_gives_its_contact_the_list(world, client):
    organisation = women_union(world)
    check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet)
    check_save_organisation(
        world.steering, world.commune, organisation=organisation, name=organisation.name, kind="women", is_active=False
    )
    assert signed_in(client, world.leader).get(reverse("steering:mine")).status_code == 403
    assert signed_in(client, world.resident).get(reverse("steering:mine")).status_code == 403


def test_a_form_naming_both_a_person_and_an_organisation_is_refused(world, client):
    organisation = women_union(world)
    response = signed_in(client, world.steering).post(
        reverse("steering:responsibilities", args=[world.commune.code]),
        {"person": world.officer.pk, "organisation": organisation.pk, "target": f"unit:{world.hamlet.pk}"},
    )
    assert "Chọn một người hoặc một tổ chức." in response.content.decode()
    assert not Responsibility.objects.exists()


def test_an_organisation_of_another_commune_cannot_take_a_responsibility_here(world):
    elsewhere = check_save_organisation(
        world.province_officer, world.neighbour, name="Đoàn Thanh niên xã Dương Minh Châu", kind="youth"
    )
    with pytest.raises(ActionError, match="not an active organisation"):
        check_assign_responsibility(world.steering, organisation=elsewhere, unit=world.hamlet)
    with pytest.raises(PermissionDenied):  # the far officer may assign nothing in this commune
        check_assign_responsibility(world.far_officer, organisation=women_union(world), unit=world.hamlet)


def test_an_organisation_holds_a_unit_once_and_may_take_it_again_after_it_ends(world):
    organisation = women_union(world)
    first = check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet)
    with pytest.raises(ActionError, match="already has this responsibility"):
        check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet)
    check_end_responsibility(world.steering, first)
    check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet)


def test_the_directive_page_names_the_organisation_and_reminders_reach_its_contact(world, client):
    organisation = women_union(world)
    check_assign_responsibility(world.steering, organisation=organisation, unit=world.other_hamlet)
    Reminder.objects.all().delete()
    directive = create_directive(
        world.province_officer, world.province, [(TargetLevel.RESIDENTIAL_GROUP, GroupKind.RESIDENTIAL_GROUP)], days=7
    )
    page = signed_in(client, world.officer).get(reverse("steering:directive", args=[directive.pk])).content.decode()
    assert "Hội Liên hiệp Phụ nữ xã Cầu Khởi" in page  # Ấp Phước Lễ's Tổ 1 lags, the union answers for it
    do_send_reminders()
    assert Reminder.objects.filter(recipient=world.leader, subject__startswith="Còn 7 ngày").exists()


def test_the_periodic_report_names_the_organisation_in_every_format(world, client):
    organisation = women_union(world)
    check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet, duty="Vận động hội viên")
    check_assign_responsibility(world.steering, world.steering, unit=world.other_hamlet)
    signed_in(client, world.officer)
    url = f"/steering/u/{world.commune.code}/report."
    book = load_workbook(BytesIO(client.get(url + "xlsx", this_month()).content))
    sheet = [row for row in book["Phân công nhiệm vụ"].iter_rows(values_only=True)]
    assert ("Hội Liên hiệp Phụ nữ xã Cầu Khởi", "Lê Hoàng Tâm", "Ấp Phước Hội", "Vận động hội viên") in sheet
    assert ("Võ Thị Hồng", "thành viên Ban Chỉ đạo hoặc cán bộ", "Ấp Phước Lễ", None) in sheet
    document = Document(BytesIO(client.get(url + "docx", this_month()).content))
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Hội Liên hiệp Phụ nữ xã Cầu Khởi", "Lê Hoàng Tâm", "Ấp Phước Hội", "Vận động hội viên"] in cells
    pdf = " ".join(
        page.extract_text() for page in PdfReader(BytesIO(client.get(url + "pdf", this_month()).content)).pages
    )
    assert "Hội Liên hiệp Phụ nữ xã Cầu Khởi" in " ".join(pdf.split())


def test_the_responsibilities_page_costs_the_same_for_50_organisations_as_for_2(world, client):
    def assign(number: int) -> None:
        hamlet = check_create_unit(world.officer, world.commune, name=f"Ấp mới {number}", kind=UnitKind.HAMLET)
        organisation = women_union(world, name=f"Chi hội phụ nữ {number}")
        check_assign_responsibility(world.steering, organisation=organisation, unit=hamlet, duty=f"Ấp {number}")

    signed_in(client, world.steering)

    def read():
        response = client.get(reverse("steering:responsibilities", args=[world.commune.code]))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(assign, read)
    assert "Chi hội phụ nữ 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 responsibilities, {large} for 50"


def test_the_contacts_list_costs_the_same_for_50_responsibilities_as_for_2(world, client):
    create_directive(world.officer, world.commune, [(TargetLevel.HAMLET, GroupKind.HAMLET)])
    organisation = women_union(world)

    def assign(number: int) -> None:
        hamlet = check_create_unit(world.officer, world.commune, name=f"Ấp mới {number}", kind=UnitKind.HAMLET)
        check_assign_responsibility(world.steering, organisation=organisation, unit=hamlet)

    signed_in(client, world.leader)

    def read():
        response = client.get(reverse("steering:mine"))
        assert response.status_code == 200
        return response

    small, large = query_counts_for_2_and_50_rows(assign, read)
    assert "Ấp mới 49" in read().content.decode()
    assert small == large, f"{small} queries for 2 responsibilities, {large} for 50"


def test_ending_an_organisations_responsibility_takes_it_off_the_contacts_list(world, client):
    organisation = women_union(world)
    responsibility = check_assign_responsibility(world.steering, organisation=organisation, unit=world.hamlet)
    signed_in(client, world.steering).post(reverse("steering:responsibility_end", args=[responsibility.pk]))
    page = signed_in(client, world.leader).get(reverse("steering:mine")).content.decode()
    assert "Bạn chưa được phân công nhiệm vụ nào." in page or "Ấp Phước Hội" not in page
    ended_at = Responsibility.objects.get().ended_at
    assert ended_at is not None and timezone.now() - ended_at < timedelta(minutes=1)
