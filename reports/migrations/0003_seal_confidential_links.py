"""Seal the links of confidential reports filed before they were sealed (docs/privacy.md).

Each confidential report's reporter, relative who filed it and chat account move into
`sealed_links` (encrypted with the identity keys), with keyed hashes of the two accounts, and
the plain foreign keys are emptied; the reporter's own messages lose their author, and a chat
conversation following a confidential report keeps its id encrypted. Row by row through the
ORM, so the same code runs on SQLite and PostgreSQL. Its own migration: on
PostgreSQL the constraint that follows (0004) cannot be added in the transaction that updated
these rows.
"""

import json

from django.db import migrations

from core.hashing import keyed_hash


def seal(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ReportMessage = apps.get_model("reports", "ReportMessage")
    rows = (
        Report.objects.filter(visibility="confidential")
        .exclude(reporter__isnull=True, chat_identity__isnull=True, filed_by__isnull=True)
        .values_list("pk", "reporter_id", "filed_by_id", "chat_identity_id", "intake_channel")
    )
    for pk, reporter_id, filed_by_id, chat_identity_id, intake_channel in rows.iterator(chunk_size=500):
        relay = intake_channel == "relay"
        links = {"reporter": reporter_id, "filed_by": filed_by_id if relay else None, "chat_identity": chat_identity_id}
        links = {name: value for name, value in links.items() if value}
        Report.objects.filter(pk=pk).update(
            sealed_links=json.dumps(links) if links else "",
            reporter_key=keyed_hash(f"person:{reporter_id}") if reporter_id else "",
            filer_key=keyed_hash(f"person:{filed_by_id}") if relay and filed_by_id else "",
            reporter=None,
            chat_identity=None,
            filed_by=None if relay else filed_by_id,
        )
    ReportMessage.objects.filter(report__visibility="confidential", side="reporter").update(author=None)
    ReportConversation = apps.get_model("reports", "ReportConversation")
    following = ReportConversation.objects.filter(report__visibility="confidential").values_list("pk", "report_id")
    for pk, report_id in list(following):
        ReportConversation.objects.filter(pk=pk).update(report=None, sealed_report=str(report_id))


def unseal(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    ReportConversation = apps.get_model("reports", "ReportConversation")
    for pk, sealed in list(ReportConversation.objects.exclude(sealed_report="").values_list("pk", "sealed_report")):
        ReportConversation.objects.filter(pk=pk).update(report=int(sealed), sealed_report="")
    rows = Report.objects.exclude(sealed_links="").values_list("pk", "sealed_links", "filed_by_id")
    for pk, sealed, filed_by_id in rows.iterator(chunk_size=500):
        links = json.loads(sealed)
        Report.objects.filter(pk=pk).update(
            reporter=links.get("reporter"),
            filed_by=links.get("filed_by") or filed_by_id,
            chat_identity=links.get("chat_identity"),
            sealed_links="",
            reporter_key="",
            filer_key="",
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_sealed_links")]

    operations = [migrations.RunPython(seal, unseal)]
