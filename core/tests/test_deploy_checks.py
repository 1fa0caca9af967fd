"""Issue 13, finding 7: `manage.py check --deploy` is clean with the production settings that
docs/deployment.md lists, and secure cookies need no setting outside DEBUG."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# What docs/deployment.md puts in /etc/canhgiac/env for HTTPS behind nginx.
PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "canhgiac.example.vn",
    "CSRF_TRUSTED_ORIGINS": "https://canhgiac.example.vn",
    "TRUSTED_PROXIES": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    # Not inherited: the suite's own switches (Playwright needs DJANGO_ALLOW_ASYNC_UNSAFE) are not production's.
    ignored = ("SECURE_COOKIES", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k not in ignored}
    clean.update(
        DJANGO_SETTINGS_MODULE="canhgiac.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        IDENTITY_ENCRYPTION_KEYS=secrets.token_urlsafe(50),
        **env,
    )
    return subprocess.run(
        [sys.executable, *command], cwd=settings.BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **PRODUCTION,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_cookies_are_https_only_outside_debug_unless_turned_off():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    assert run(["-c", script], DEBUG="false").stdout.split() == ["True", "True"]
    assert run(["-c", script], DEBUG="true").stdout.split() == ["False", "False"]
    assert run(["-c", script], DEBUG="false", SECURE_COOKIES="false").stdout.split() == ["False", "False"]


def test_hsts_is_sent_over_https_when_set(db, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/healthz")
