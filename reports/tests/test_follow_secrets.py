"""Issue 13, finding 5: an anonymous reporter's follow-up secret is kept as a keyed hash
(HMAC-SHA-256 with the server key), not a password hash that costs 0.6 s of CPU per filing."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings
from django.urls import reverse

from canhgiac.testing import create_report
from reports.models import Report

PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def follows(client, report: Report, secret: str) -> bool:
    response = client.post(reverse("reports:follow"), {"code": report.receipt_code, "secret": secret})
    return response.status_code == 200 and report.receipt_code in response.content.decode()


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_the_secret_is_stored_as_a_keyed_hash_and_opens_the_follow_page(world, client):
    filed = create_report(None, world.rg, visibility="anonymous")
    normalized = filed.secret.replace("-", "")
    expected = hmac.new(settings.HMAC_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()
    assert filed.report.secret_hash == f"hmac-sha256${expected}"
    assert follows(client, filed.report, filed.secret.lower())
    assert not follows(client, filed.report, "ACDE-FHJK-MNPR")


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_a_secret_hashed_before_the_change_still_works_and_is_rehashed(world, client):
    filed = create_report(None, world.rg, visibility="anonymous")
    legacy = make_password(filed.secret.replace("-", ""))  # as rows filed before the keyed hash hold it
    Report.objects.filter(pk=filed.report.pk).update(secret_hash=legacy)
    assert legacy.startswith("pbkdf2_sha256$")
    assert follows(client, filed.report, filed.secret)
    filed.report.refresh_from_db()
    assert filed.report.secret_hash.startswith("hmac-sha256$")
    assert follows(client, filed.report, filed.secret)


def test_after_a_key_rotation_the_old_key_in_the_fallbacks_keeps_secrets_working(world, client):
    filed = create_report(None, world.rg, visibility="anonymous")
    with override_settings(HMAC_KEY="a-new-key", HMAC_KEY_FALLBACKS=[]):
        assert not follows(client, filed.report, filed.secret)
    with override_settings(HMAC_KEY="a-new-key", HMAC_KEY_FALLBACKS=[settings.HMAC_KEY]):
        assert follows(client, filed.report, filed.secret)
