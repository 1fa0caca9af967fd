"""Confidential reporters' names, phones and contacts are encrypted at rest (core/crypto.py), the
keys rotate, and the handling police see the identity one field at a time, each view audited."""

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection
from django.urls import reverse

from audit.models import AuditEvent
from canhgiac.testing import create_report, signed_in
from core import crypto
from reports.models import Report

NAME, PHONE, CONTACT = "Trần Văn Tố Giác", "0912345678", "Số 7 đường Bí Mật"


def walk_in(world) -> Report:
    return create_report(
        world.officer,
        world.rg,
        intake_channel="walk_in",
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_contact=CONTACT,
    ).report


def stored(report: Report) -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone, reporter_contact FROM reports_report WHERE id = %s", [report.pk]
        )
        return cursor.fetchone()


def test_the_database_holds_only_ciphertext_and_the_model_reads_plain_text(world):
    report = walk_in(world)
    raw = stored(report)
    assert all(value.startswith(crypto.TOKEN_PREFIX) for value in raw)
    assert not any(secret in value for value in raw for secret in (NAME, PHONE[1:], CONTACT, "Tố Giác"))
    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.reporter_name, fresh.reporter_phone, fresh.reporter_contact) == (NAME, PHONE, CONTACT)


def test_a_key_rotation_keeps_every_identity_readable_with_the_new_key_alone(world, settings, capsys):
    settings.IDENTITY_ENCRYPTION_KEYS = ["the old key"]
    report = walk_in(world)
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key", "the old key"]
    call_command("rotate_identity_key")
    assert "reports_report: 1 rows re-encrypted" in capsys.readouterr().out
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key"]
    assert Report.objects.get(pk=report.pk).reporter_name == NAME
    settings.IDENTITY_ENCRYPTION_KEYS = ["the old key"]
    with pytest.raises(crypto.UnreadableIdentity):
        Report.objects.get(pk=report.pk)


def test_a_rotation_without_the_old_key_stops_and_says_why(world, settings):
    settings.IDENTITY_ENCRYPTION_KEYS = ["the old key"]
    walk_in(world)
    settings.IDENTITY_ENCRYPTION_KEYS = ["the new key"]
    with pytest.raises(Exception, match="keep the old key"):
        call_command("rotate_identity_key")


def test_identities_filed_before_encryption_are_encrypted_in_place(world):
    report = walk_in(world)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_report SET reporter_name = %s, reporter_phone = '', reporter_contact = %s WHERE id = %s",
            [NAME, CONTACT, report.pk],
        )
    assert crypto.encrypt_plain_values("reports_report", ["reporter_name", "reporter_phone", "reporter_contact"]) == 1
    assert crypto.encrypt_plain_values("reports_report", ["reporter_name", "reporter_contact"]) == 0
    assert stored(report)[0].startswith(crypto.TOKEN_PREFIX)
    assert Report.objects.get(pk=report.pk).reporter_contact == CONTACT


def test_without_keys_the_demo_works_with_a_warning_and_deploy_checks_refuse(world, settings, caplog):
    settings.IDENTITY_ENCRYPTION_KEYS = []
    crypto._warn_development_key.cache_clear()
    with caplog.at_level(logging.WARNING, logger="core.crypto"):
        report = walk_in(world)
    assert "IDENTITY_ENCRYPTION_KEYS is not set" in caplog.text
    assert Report.objects.get(pk=report.pk).reporter_name == NAME
    with pytest.raises(SystemCheckError, match=r"canhgiac\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")
    settings.IDENTITY_ENCRYPTION_KEYS = ["a production key"]
    call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")


def test_the_handling_officer_reveals_one_field_at_a_time_and_each_is_audited(world, client):
    report = walk_in(world)
    signed_in(client, world.officer)
    url = reverse("reports:identity", args=[report.receipt_code])
    phone_only = client.post(url, {"field": "phone", "reason": "gọi lại"}).content.decode()
    assert PHONE in phone_only
    assert NAME not in phone_only and CONTACT not in phone_only
    name_only = client.post(url, {"field": "name"}).content.decode()
    assert NAME in name_only and CONTACT not in name_only
    events = AuditEvent.objects.filter(verb="report.identity_viewed", actor=world.officer).order_by("id")
    assert [event.data["fields"] for event in events] == [["phone"], ["name"]]
    assert events[0].reason == "gọi lại"


def test_no_one_but_the_handling_police_reveals_a_field(world, client):
    report = walk_in(world)
    url = reverse("reports:identity", args=[report.receipt_code])
    for persona in ("steering", "far_officer", "resident", "leader"):
        response = signed_in(client, getattr(world, persona)).post(url, {"field": "phone"})
        assert response.status_code in (403, 404), persona
        assert NAME not in response.content.decode()
    assert not AuditEvent.objects.filter(verb="report.identity_viewed").exists()
