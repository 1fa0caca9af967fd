"""A confidential report keeps no plain link to who filed it (docs/privacy.md, "What a database
dump shows"): its reporter's account, the relative who filed it and the chat account are sealed
with the identity keys, and keyed hashes of the accounts find the reporter's own reports."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import create_report, give_email, signed_in
from core import crypto
from core.hashing import is_keyed_hash
from delivery.engine import drain
from delivery.tests.conftest import smtp_server  # noqa: F401 (the local SMTP server fixture)
from reports.actions import check_post_message
from reports.models import Report, ReportMessage, reports_made_by

NAME, PHONE = "Nguyễn Văn Thanh", "0901000001"


def stored_row(report: Report) -> dict:
    """The report's row as a database dump holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reports_report WHERE id = %s", [report.pk])
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


def test_the_row_of_a_confidential_report_names_nobody_and_holds_no_account_id(world):
    report = create_report(world.relay, world.rg, on_behalf_of=world.elder).report
    check_post_message(report, "Tôi nhớ thêm biển số xe", actor=world.relay, as_reporter=True)
    row = stored_row(report)

    assert (row["reporter_id"], row["filed_by_id"], row["chat_identity_id"]) == (None, None, None)
    assert row["sealed_links"].startswith(crypto.TOKEN_PREFIX)
    assert is_keyed_hash(row["reporter_key"]) and is_keyed_hash(row["filer_key"])
    assert row["reporter_key"] != row["filer_key"]
    dump = json.dumps(row, default=str, ensure_ascii=False)
    for clear in ("Trần Thị Sáu", "Trần Thị Mai", world.relay.phone[-9:], f'"reporter": {world.elder.pk}'):
        assert clear not in dump
    # Neither the audit log nor the reporter's message is the link the row does not hold.
    received = AuditEvent.objects.get(verb="report.received", target_id=str(report.pk))
    message = ReportMessage.objects.get(report=report, side="reporter")
    assert (received.actor_id, message.author_id) == (None, None)


def test_a_named_report_keeps_its_plain_link(world):
    report = create_report(world.resident, world.rg, visibility="named").report
    row = stored_row(report)
    assert (row["reporter_id"], row["sealed_links"], row["reporter_key"]) == (world.resident.pk, "", "")


def test_the_reporter_finds_their_confidential_report_and_gets_the_police_message_by_email(
    world,
    client,
    smtp_server,  # noqa: F811 (the fixture imported above)
):
    give_email(world.resident, "thanh@example.vn")
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.resident)
    assert report.receipt_code in client.get(reverse("reports:mine")).content.decode()
    assert client.get(reverse("reports:detail", args=[report.receipt_code])).status_code == 200

    officer = signed_in(Client(), world.officer)
    officer.post(reverse("reports:message", args=[report.receipt_code]), {"body": "Anh ra công an xã làm việc nhé"})
    drain()

    [email] = smtp_server.to("thanh@example.vn")[-1:]
    assert report.receipt_code in email["Subject"]
    assert "Công an đã gửi cho bạn một tin nhắn." in email.get_body(preferencelist=("plain",)).get_content()
    page = client.get(reverse("reports:detail", args=[report.receipt_code])).content.decode()
    assert "Anh ra công an xã làm việc nhé" in page
    # The relative of the same household does not find it: the keyed hash is of the reporter's account.
    assert report.receipt_code not in signed_in(Client(), world.relay).get(reverse("reports:mine")).content.decode()


def test_the_handling_police_reveal_the_sealed_reporter_and_each_reveal_is_audited(world, client):
    report = create_report(world.resident, world.rg).report
    signed_in(client, world.officer)
    url = reverse("reports:identity", args=[report.receipt_code])
    name = client.post(url, {"field": "name", "reason": "xác minh"}).content.decode()
    phone = client.post(url, {"field": "phone"}).content.decode()
    assert NAME in name and world.resident.display_phone in phone
    events = AuditEvent.objects.filter(verb="report.identity_viewed", actor=world.officer, target_id=str(report.pk))
    assert [event.data["fields"] for event in events.order_by("id")] == [["name"], ["phone"]]


def test_another_communes_officer_cannot_reveal_the_sealed_reporter(world, client):
    report = create_report(world.resident, world.rg).report
    response = signed_in(client, world.far_officer).post(
        reverse("reports:identity", args=[report.receipt_code]), {"field": "name"}
    )
    assert response.status_code in (403, 404) and NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="report.identity_viewed").exists()


def test_after_a_key_rotation_the_sealed_link_opens_with_the_new_key_alone(world, settings, client, capsys):
    settings.IDENTITY_ENCRYPTION_KEYS = ["the old key"]
    report = create_report(world.resident, world.rg).report
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key", "the old key"]
    call_command("rotate_identity_key")
    assert "reports_report: 1 rows re-encrypted" in capsys.readouterr().out
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key"]

    assert Report.objects.get(pk=report.pk).reporter_pk == world.resident.pk
    name = signed_in(client, world.officer).post(reverse("reports:identity", args=[report.receipt_code]), {})
    assert NAME in name.content.decode()


def test_after_an_hmac_key_rotation_the_reporter_still_finds_their_reports(world, settings):
    report = create_report(world.resident, world.rg).report
    settings.HMAC_KEY_FALLBACKS = [settings.HMAC_KEY]
    settings.HMAC_KEY = "a new hmac key"
    assert list(Report.objects.filter(reports_made_by(world.resident.pk))) == [report]
    settings.HMAC_KEY_FALLBACKS = []
    assert not Report.objects.filter(reports_made_by(world.resident.pk)).exists()


def migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("reports", target)])


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_links_of_confidential_reports_filed_before(world):
    report = create_report(world.resident, world.rg).report
    named = create_report(world.resident, world.rg, visibility="named").report
    check_post_message(report, "Bổ sung thông tin", actor=world.resident, as_reporter=True)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("reports")[0][1]
    try:
        migrate("0002_sealed_links")  # back to before the sealing: the link is a plain key again
        assert stored_row(report)["reporter_id"] == world.resident.pk
        with connection.cursor() as cursor:  # an old-style message: the reporter as its author
            cursor.execute(
                "UPDATE reports_reportmessage SET author_id = %s WHERE report_id = %s", [world.resident.pk, report.pk]
            )
    finally:
        migrate(latest)

    row = stored_row(report)
    assert row["reporter_id"] is None and row["sealed_links"].startswith(crypto.TOKEN_PREFIX)
    assert Report.objects.get(pk=report.pk).reporter_pk == world.resident.pk
    assert stored_row(named)["reporter_id"] == world.resident.pk
    assert set(Report.objects.filter(reports_made_by(world.resident.pk))) == {report, named}
    assert ReportMessage.objects.get(report=report, side="reporter").author_id is None
