"""Seal the notices sent to confidential reporters about their reports before notices were sealed
(docs/privacy.md, "What a database dump shows").

A notice whose source is a confidential report and whose delivery goes to its (sealed) reporter
moves its subject, text, links and source into `Notice.sealed`, encrypted with the identity keys,
and its own columns are emptied; a police message to a chat reporter keeps the id of its notice
encrypted (`ReportMessage.sealed_held_notice`). Row by row through the ORM, the same on SQLite and
PostgreSQL. Notices to the police about the report (reminders, dispatch) do not name the reporter
and stay as they are.
"""

import json

from django.db import migrations

# delivery.models.SEALED_FIELDS as of this migration.
SEALED_FIELDS = ("subject", "body", "body_html", "url", "source_type", "source_id")


def seal(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Notice = apps.get_model("delivery", "Notice")
    ReportMessage = apps.get_model("reports", "ReportMessage")
    reports = Report.objects.filter(visibility="confidential").exclude(sealed_links="")
    for pk, links in reports.values_list("pk", "sealed_links").iterator(chunk_size=500):
        reporter = json.loads(links).get("reporter")
        if reporter is None:
            continue
        notices = Notice.objects.filter(
            source_type="reports.report", source_id=str(pk), deliveries__person_id=reporter, sealed=""
        ).distinct()
        for notice in notices:
            content = {name: getattr(notice, name) for name in SEALED_FIELDS}
            Notice.objects.filter(pk=notice.pk).update(
                sealed=json.dumps(content), **dict.fromkeys(SEALED_FIELDS, "")
            )
    holding = ReportMessage.objects.filter(report__visibility="confidential", held_notice__isnull=False)
    for pk, notice_id in list(holding.values_list("pk", "held_notice_id")):
        ReportMessage.objects.filter(pk=pk).update(held_notice=None, sealed_held_notice=str(notice_id))


def unseal(apps, schema_editor):
    Notice = apps.get_model("delivery", "Notice")
    ReportMessage = apps.get_model("reports", "ReportMessage")
    for pk, sealed in list(Notice.objects.exclude(sealed="").values_list("pk", "sealed")):
        Notice.objects.filter(pk=pk).update(sealed="", **json.loads(sealed))
    holding = ReportMessage.objects.exclude(sealed_held_notice="")
    for pk, notice_id in list(holding.values_list("pk", "sealed_held_notice")):
        kept = Notice.objects.filter(pk=int(notice_id)).exists()  # not deleted with its reporter's data since
        ReportMessage.objects.filter(pk=pk).update(held_notice=int(notice_id) if kept else None, sealed_held_notice="")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_sealed_held_notice"),
        ("delivery", "0005_encrypt_chat_replies"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
