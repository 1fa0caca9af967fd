"""A person downloads their data (JSON, PDF) and has it deleted; what the law keeps is kept."""

import io
import json

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from delivery.models import Delivery
from delivery.notify import notify
from groups.models import Membership
from people.models import Person
from privacy.actions import do_erase_person
from reports.actions.handling import do_transition
from reports.models import Report


def test_a_resident_downloads_their_data_as_json_with_their_reports_and_groups(world, client):
    report = create_report(world.resident, world.rg).report
    response = signed_in(client, world.resident).get(reverse("privacy:json"))
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Nguyễn Văn Thanh"
    assert data["profile"]["household"] == "Số 12 đường Phước Ninh"
    assert [r["receipt_code"] for r in data["reports"]] == [report.receipt_code]
    assert "Nhóm Tổ 1 ấp Phước Hội" in [g["group"] for g in data["groups"]]
    assert AuditEvent.objects.filter(verb="person.data_downloaded", actor=world.resident).exists()


def test_the_pdf_is_readable_vietnamese(world, client):
    response = signed_in(client, world.resident).get(reverse("privacy:pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "DỮ LIỆU CÁ NHÂN" in text and "Nguyễn Văn Thanh" in text


def test_an_anonymous_report_is_not_in_anyones_download(world, client):
    create_report(None, world.rg, visibility="anonymous")
    data = json.loads(signed_in(client, world.resident).get(reverse("privacy:json")).content)
    assert data["reports"] == []


def test_deleting_keeps_open_reports_and_the_audit_log_and_clears_the_rest(world, client):
    open_report = create_report(world.resident, world.rg).report
    # By name: its filing is in the audit log under the resident (a confidential one's has no actor).
    closed = create_report(world.resident, world.rg, description="Trộm gà đêm qua", visibility="named").report
    do_transition(world.officer, closed, "acknowledged")
    do_transition(world.officer, closed, "resolved", reason="đã xử lý")
    phone = signed_in(Client(), world.resident)  # the same person signed in on another device
    signed_in(client, world.resident)
    page = client.get(reverse("privacy:delete"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "1 tin báo" in page and "Nhật ký" in page
    response = client.post(reverse("privacy:delete"), {"confirm": "yes"})
    assert response.status_code == 302
    person = Person.objects.get(pk=world.resident.pk)
    assert (person.full_name, person.phone, person.household, person.is_active) == ("", None, None, False)
    assert not person.memberships.exists()
    assert Report.objects.get(pk=open_report.pk).reporter_pk == person.pk  # under handling: kept
    assert Report.objects.get(pk=closed.pk).reporter_pk is None
    assert AuditEvent.objects.filter(verb="person.erased", actor=person).exists()
    assert AuditEvent.objects.filter(actor=person).count() > 1  # the earlier history is kept
    assert client.get(reverse("privacy:mine")).status_code == 302  # signed out
    assert phone.get(reverse("privacy:mine")).status_code == 302  # and on every other device


def test_erasing_a_relay_keeps_the_elders_notices_and_no_longer_names_the_relay(world):
    members = Membership.objects.filter(group=world.rg_group, status="active").values("person_id")
    notice = notify(members, subject="Cảnh giác trộm chó", body="Khuya có người lạ, nhớ khóa cổng.")
    assert Delivery.objects.get(notice=notice, person=world.elder).relay_id == world.relay.pk
    do_erase_person(world.relay)
    elders = Delivery.objects.get(notice=notice, person=world.elder)
    assert elders.relay_id is None
    assert not Delivery.objects.filter(relay=world.relay).exists()
    assert Person.objects.get(pk=world.elder.pk).relay_id is None


def test_an_officer_cannot_erase_their_account_themselves(world, client):
    signed_in(client, world.officer)
    client.post(reverse("privacy:delete"), {"confirm": "yes"})
    assert Person.objects.get(pk=world.officer.pk).full_name == "Đỗ Tuấn Kiệt"


def test_the_data_page_is_only_ones_own(world, client):
    data = json.loads(signed_in(client, world.relay).get(reverse("privacy:json")).content)
    assert data["profile"]["full_name"] == "Trần Thị Mai"
    assert data["profile"]["relays_for"] == ["Trần Thị Sáu"]
    assert client.get(reverse("privacy:json")).status_code == 200
    client.logout()
    assert client.get(reverse("privacy:json")).status_code == 302
