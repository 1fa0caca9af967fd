"""Identity protection, field by field, in the database, the pages, the API and Open311.

A confidential reporter's name, phone and address reach only the handling police, and only
through the audited identity view; an anonymous reporter's identity is not stored at all."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from reports.actions import check_post_message, check_transition
from reports.models import Report, ReportMessage

PERSONAS = ["resident", "relay", "leader", "officer", "steering", "province_officer", "far_officer", "stranger"]


def secrets_of(world):
    person = world.resident
    return [person.full_name, person.display_phone, person.phone, world.household.address]


def pages_for(report):
    code = report.receipt_code
    return [
        reverse("reports:detail", args=[code]),
        reverse("reports:staff_detail", args=[code]),
        reverse("reports:queue"),
        reverse("reports:mine"),
        f"/api/reports/{code}",
        "/api/reports",
        f"/api/reports/{code}/messages",
        f"/open311/v2/requests/{code}.json",
        f"/open311/v2/requests/{code}.xml",
        "/open311/v2/requests.json",
    ]


def visible_text(client, url) -> str:
    response = client.get(url, follow=True)
    return response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_confidential_reporter_never_appears_on_any_page_without_the_audited_view(world, client, persona):
    report = create_report(world.resident, world.rg, description="Bán ma túy ở quán cuối hẻm").report
    check_transition(world.officer, report, "acknowledged")
    check_post_message(report, "Cho hỏi thêm", actor=world.officer, as_reporter=False)
    check_post_message(report, "Dạ tối nay", actor=world.resident, as_reporter=True)
    viewer = getattr(world, persona)
    signed_in(client, viewer)
    for url in pages_for(report):
        text = visible_text(client, url)
        if persona == "resident":
            continue  # the reporter sees their own name on their own pages
        for secret in secrets_of(world):
            assert secret not in text, (persona, url, secret)
    assert not AuditEvent.objects.filter(verb="report.identity_viewed").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_anonymous_reporter_appears_nowhere_not_even_to_themself_by_account(world, client, persona):
    report = create_report(world.resident, world.rg, visibility="anonymous", description="Bán ma túy").report
    check_post_message(report, "Cho hỏi thêm", actor=world.officer, as_reporter=False)
    check_post_message(report, "Dạ tối nay", actor=None, as_reporter=True)
    signed_in(client, getattr(world, persona))
    for url in pages_for(report):
        text = visible_text(client, url)
        for secret in secrets_of(world):
            if persona == "resident" and secret == world.resident.full_name:
                continue  # their own name is in the navigation bar
            assert secret not in text, (persona, url, secret)
    assert client.post(reverse("reports:identity", args=[report.receipt_code])).status_code in (200, 403, 404)


def test_an_anonymous_report_holds_no_field_that_points_to_an_account(world):
    report = create_report(world.resident, world.rg, visibility="anonymous").report
    check_post_message(report, "Thêm thông tin", actor=None, as_reporter=True)
    report = Report.objects.get(pk=report.pk)
    for field in Report._meta.concrete_fields:
        value = getattr(report, field.attname)
        if field.is_relation and field.attname not in ("unit_id",):
            assert value is None, field.name
        if isinstance(value, str):
            for secret in secrets_of(world):
                assert secret not in value, (field.name, secret)
    assert all(m.author_id is None for m in ReportMessage.objects.filter(report=report, side="reporter"))
    for event in AuditEvent.objects.filter(target_type="reports.report", target_id=str(report.pk)):
        assert event.actor_id is None
        assert str(world.resident.pk) not in str(event.data.values())


def test_only_the_handling_police_reveal_a_confidential_reporter_and_each_view_is_audited(world, client):
    report = create_report(world.resident, world.rg).report
    for persona in ("steering", "leader", "far_officer", "stranger", "relay"):
        signed_in(client, getattr(world, persona))
        response = client.post(reverse("reports:identity", args=[report.receipt_code]))
        assert response.status_code == 403, persona
        assert world.resident.full_name not in response.content.decode()
    signed_in(client, world.officer)
    for _ in range(2):
        assert (
            world.resident.full_name
            in client.post(reverse("reports:identity", args=[report.receipt_code])).content.decode()
        )
    assert AuditEvent.objects.filter(verb="report.identity_viewed", actor=world.officer).count() == 2


def test_the_receipt_pdf_carries_identity_only_for_the_reporter_or_an_audited_police_view(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    client.get(reverse("reports:receipt", args=[report.receipt_code]))
    assert not AuditEvent.objects.filter(verb="report.identity_viewed").exists()
    client.get(reverse("reports:receipt", args=[report.receipt_code]) + "?identity=1")
    assert AuditEvent.objects.filter(verb="report.identity_viewed", reason="receipt record").count() == 1
