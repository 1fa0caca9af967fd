"""The reports docs stay true: every setting, command and endpoint they must name is there."""

from pathlib import Path

import pytest
from django.conf import settings

DOCS = Path(settings.BASE_DIR) / "docs"


@pytest.mark.parametrize(
    "name",
    [
        "REPORT_MAX_PHOTOS",
        "REPORT_MAX_PHOTO_BYTES",
        "REPORT_MAX_TEXT",
        "REPORT_REMINDER_LEAD_HOURS",
        "REPORT_DEADLINES",
        "REPORTS_LIVE_REDIS_URL",
        "OPEN311_CONTACT",
        "REPORT_MAP_TILE_URL",
        "OPEN311_KEY_SERVICE",
        "send_report_reminders",
        "create_api_key",
        "delivery.notify.notify",
    ],
)
def test_docs_reports_names_every_setting_and_command(name):
    assert name in (DOCS / "reports.md").read_text()


def test_every_report_setting_in_settings_is_documented():
    text = (DOCS / "reports.md").read_text()
    names = [n for n in dir(settings) if n.startswith(("REPORT_", "REPORTS_", "OPEN311_"))]
    assert names and all(n in text for n in names)


def test_every_management_command_of_these_apps_is_documented():
    text = "".join((DOCS / f).read_text() for f in ("reports.md", "open311.md", "api.md"))
    for app in ("reports", "api"):
        for command in (Path(settings.BASE_DIR) / app / "management" / "commands").glob("[!_]*.py"):
            assert command.stem in text


def test_every_api_path_is_in_docs_api(client, db):
    text = (DOCS / "api.md").read_text()
    for path in client.get("/api/openapi.json").json()["paths"]:
        assert path.split("/api", 1)[1].split("?")[0] in text, path
