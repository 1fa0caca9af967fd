"""What the delivery engine tells a confidential reporter about their report is sealed
(docs/privacy.md, "What a database dump shows"): the notice's subject, text, link and source are
encrypted, so the notice and delivery rows do not tie the person to the report in a dump, while
the reporter reads the same messages in their inbox and on their channels."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from canhgiac.testing import create_report, signed_in
from core import crypto
from delivery.engine import drain
from delivery.models import Delivery, Notice
from reports.actions import check_merge, check_post_message, check_transition
from reports.models import Report, ReportMessage, Side
from reports.tests.test_chat import RESIDENT_ZALO_ID, file_theft, officer_writes

POLICE_TEXT = "Chúng tôi đã cử người đến xác minh."


def rows(sql: str, params: list) -> list[dict]:
    """Rows as a database dump holds them: raw SQL, nothing decrypted."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def stored_notices_to(person) -> list[dict]:
    notices = rows(
        "SELECT * FROM delivery_notice WHERE id IN (SELECT notice_id FROM delivery_delivery WHERE person_id = %s)",
        [person.pk],
    )
    deliveries = rows("SELECT * FROM delivery_delivery WHERE person_id = %s", [person.pk])
    return notices + deliveries


def report_text_of(report: Report) -> list[str]:
    """What in a row would name the report: its receipt code, its page, its id as a source."""
    return [report.receipt_code, f"/reports/{report.receipt_code}/", f'"reports.report", "{report.pk}"']


def zalo_texts(fake) -> list[str]:
    return [
        c.json["message"]["text"]
        for c in fake.calls("oa.message")
        if c.json["recipient"]["user_id"] == RESIDENT_ZALO_ID
    ]


def test_the_notice_and_delivery_rows_of_a_confidential_reporter_do_not_name_their_report(world):
    report = create_report(world.resident, world.rg).report
    duplicate = create_report(world.resident, world.rg, description="Mất trộm chó nhà bên cạnh").report
    check_transition(world.officer, report, "acknowledged")
    check_post_message(report, "Anh ra công an xã làm việc nhé", actor=world.officer, as_reporter=False)
    check_merge(world.officer, duplicate, report, "trùng vụ")

    stored = stored_notices_to(world.resident)
    notices = [row for row in stored if "sealed" in row]
    assert len(notices) >= 5  # two receipts, a status change, a message, a merge (and its closing)
    dump = json.dumps(stored, default=str, ensure_ascii=False)
    for named in (*report_text_of(report), *report_text_of(duplicate), "Anh ra công an xã"):
        assert named not in dump
    for notice in notices:
        assert notice["sealed"].startswith(crypto.TOKEN_PREFIX)
        assert (notice["subject"], notice["body"], notice["url"], notice["source_type"], notice["source_id"]) == (
            ("", "", "", "", "")
        )


def test_the_reporter_reads_the_whole_notice_in_their_inbox_and_opens_their_report(world, client):
    report = create_report(world.resident, world.rg).report
    check_transition(world.officer, report, "acknowledged")
    status_text = report.updates.latest("id").text

    signed_in(client, world.resident)
    inbox = client.get(reverse("delivery:inbox")).content.decode()
    assert f"Tin báo {report.receipt_code} của bạn" in inbox and status_text[:40] in inbox
    newest = Delivery.objects.filter(person=world.resident).latest("id")
    opened = client.get(reverse("delivery:open", args=[newest.pk]))
    assert opened.status_code == 302 and opened.url == reverse("reports:detail", args=[report.receipt_code])
    assert report.receipt_code in client.get(opened.url).content.decode()


def test_a_named_reporters_notices_are_stored_as_before(world):
    report = create_report(world.resident, world.rg, visibility="named").report
    check_transition(world.officer, report, "acknowledged")
    [*_, latest] = [row for row in stored_notices_to(world.resident) if "sealed" in row]
    assert report.receipt_code in latest["subject"] and latest["url"] == f"/reports/{report.receipt_code}/"
    assert (latest["source_type"], latest["source_id"], latest["sealed"]) == ("reports.report", str(report.pk), "")


def test_a_chat_reporter_gets_the_text_on_zalo_and_the_answer_is_stored_sealed(
    linked, fake, world, django_capture_on_commit_callbacks
):
    file_theft(linked)
    report = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        check_transition(world.officer, report, "acknowledged")
    officer_writes(world, report, POLICE_TEXT, django_capture_on_commit_callbacks)
    drain(budget_seconds=10)

    texts = zalo_texts(fake)
    status_text = report.updates.filter(event="status:acknowledged").get().text
    assert any(status_text in text for text in texts), texts[-2:]
    assert any(report.receipt_code in text and POLICE_TEXT in text for text in texts), texts[-2:]
    # The officer's view follows the chat answer, though the message holds its notice sealed.
    message = ReportMessage.objects.get(side=Side.POLICE)
    assert message.chat_status == "sent" and message.held_notice_id is None
    dump = json.dumps(
        [
            *stored_notices_to(world.resident),
            *rows("SELECT * FROM delivery_chatreply", []),
            *rows("SELECT * FROM reports_reportmessage WHERE id = %s", [message.pk]),
        ],
        default=str,
        ensure_ascii=False,
    )
    assert report.receipt_code not in dump and f'"held_notice_id": {message.held_notice_pk}' not in dump


def test_after_a_key_rotation_sealed_notices_open_with_the_new_key_alone(world, settings, client, capsys):
    settings.IDENTITY_ENCRYPTION_KEYS = ["the old key"]
    report = create_report(world.resident, world.rg).report
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key", "the old key"]
    call_command("rotate_identity_key")
    out = capsys.readouterr().out
    assert "delivery_notice: 1 rows re-encrypted" in out and "delivery_chatreply: 0 rows re-encrypted" in out
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key"]

    inbox = signed_in(client, world.resident).get(reverse("delivery:inbox")).content.decode()
    assert report.receipt_code in inbox


def test_the_data_download_lists_the_sealed_notices_and_deletion_removes_them(world, client):
    report = create_report(world.resident, world.rg).report
    check_transition(world.officer, report, "acknowledged")
    check_transition(world.officer, report, "resolved", reason="đã xử lý")
    sealed = list(
        Notice.objects.filter(deliveries__person=world.resident).exclude(sealed="").values_list("pk", flat=True)
    )
    assert len(sealed) == 3

    signed_in(client, world.resident)
    data = json.loads(client.get(reverse("privacy:json")).content)
    subjects = [item["subject"] for item in data["messages_received"]["newest"]]
    assert subjects.count(f"Tin báo {report.receipt_code} của bạn") == 3
    assert client.post(reverse("privacy:delete"), {"confirm": "yes"}).status_code == 302
    assert not Notice.objects.filter(pk__in=sealed).exists()


def migrate(target: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(target)


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_notices_sent_to_confidential_reporters_before(world):
    report = create_report(world.resident, world.rg).report
    named = create_report(world.resident, world.rg, visibility="named").report
    check_transition(world.officer, report, "acknowledged")
    message = check_post_message(report, "Anh ra công an xã làm việc nhé", actor=world.officer, as_reporter=False)
    graph = MigrationExecutor(connection).loader.graph
    latest = [graph.leaf_nodes("reports")[0], graph.leaf_nodes("delivery")[0]]
    try:
        migrate([("reports", "0005_sealed_held_notice")])  # back to before: the notices are plain
        assert any(report.receipt_code in row.get("subject", "") for row in stored_notices_to(world.resident))
        with connection.cursor() as cursor:  # an old-style chat answer: the message holds its notice
            cursor.execute(
                "UPDATE reports_reportmessage SET held_notice_id = (SELECT MAX(id) FROM delivery_notice) WHERE id = %s",
                [message.pk],
            )
    finally:
        migrate(latest)

    stored = stored_notices_to(world.resident)
    notices = {row["id"]: row for row in stored if "sealed" in row}
    mine = [row for row in notices.values() if row["sealed"]]
    assert len(mine) == 3  # the receipt, the status change, the message
    dump = json.dumps(
        mine + [row for row in stored if row.get("notice_id") in {n["id"] for n in mine}],
        default=str,
        ensure_ascii=False,
    )
    assert report.receipt_code not in dump
    assert [Notice.objects.get(pk=row["id"]).source_id for row in mine] == [str(report.pk)] * 3
    named_rows = [row for row in notices.values() if not row["sealed"]]
    assert [row["source_id"] for row in named_rows] == [str(named.pk)]
    assert named.receipt_code in named_rows[0]["subject"]
    message.refresh_from_db()
    assert message.held_notice_id is None and message.held_notice_pk == max(notices)


def test_a_receipt_the_chat_could_not_take_goes_down_the_reporters_channels_though_sealed(linked, fake, world):
    for text in ("Xin chào", "1", "1", "Xe máy bị trộm trước cổng nhà lúc 2 giờ sáng", "Trước cổng số 12", "2"):
        linked(text)
    fake.answer("oa.message", error=-201, description="Parameters are invalid")
    linked("1")  # confirm: the chat refuses the answer that carries the receipt code
    drain(budget_seconds=10)

    report = Report.objects.get()
    receipt = Delivery.objects.filter(person=world.resident).select_related("notice").latest("id")
    assert receipt.notice.is_sealed and report.receipt_code in receipt.notice.subject
    assert (receipt.channel, receipt.status) == ("zalo_oa", "delivered")
    assert any(report.receipt_code in text for text in zalo_texts(fake))
