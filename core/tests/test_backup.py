"""`manage.py backup` and `restore` as an operator runs them, on the database the suite runs on
(SQLite in the first pass of `make test`, PostgreSQL in the second)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from canhgiac.testing import build_world, create_report
from reports.models import Report, reports_made_by

ROOT = Path(settings.BASE_DIR)


def row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute("SELECT COUNT(*) FROM " + connection.ops.quote_name(table))  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def identity(receipt: str) -> list:
    """The plain and the sealed link to the reporter, whether their own list finds the report, and
    the typed identity."""
    report = Report.objects.get(receipt_code=receipt)
    found = Report.objects.filter(reports_made_by(report.reporter_pk or 0), pk=report.pk).exists()
    return [
        report.reporter_id,
        report.reporter_pk,
        found,
        report.reporter_name,
        report.reporter_phone,
        report.reporter_contact,
    ]


# The same two readings, made by a process working on the restored database.
SNAPSHOT = """
import json
from core.tests.test_backup import identity, row_counts
print(json.dumps({"counts": row_counts(), "identity": identity(RECEIPT)}))
"""


def url_of(name: str) -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    server = f"{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
    return f"postgres://{config.get('USER') or ''}{password}@{server}/{name}"


def manage(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="canhgiac.settings", DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def snapshot(database_url: str, receipt: str) -> dict:
    done = manage(database_url, "shell", "-c", SNAPSHOT.replace("RECEIPT", repr(receipt)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def filled(transactional_db):
    world = build_world()
    confidential = create_report(
        world.resident,
        world.rg,
        reporter_name="Nguyễn Thị Thanh",
        reporter_phone="0901234567",
        reporter_contact="Nhà số 5, tổ 1",
    ).report
    create_report(None, world.rg, visibility="anonymous", description="Người lạ dò xét nhà bên")
    return confidential


@pytest.fixture
def empty_database(tmp_path):
    """A second, empty database on the same server, as a new machine's would be."""
    if connection.vendor == "sqlite":
        yield url_of(str(tmp_path / "restored.sqlite3"))
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield url_of(name)
    connection.close()  # its own connection to the restored database is gone with the subprocesses
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_on_an_empty_database_has_every_row_and_the_reporters_identity(
    filled, empty_database, tmp_path
):
    source = url_of(connection.settings_dict["NAME"])
    before = {"counts": row_counts(), "identity": identity(filled.receipt_code)}
    resident = filled.reporter_pk
    assert before["identity"] == [None, resident, True, "Nguyễn Thị Thanh", "0901234567", "Nhà số 5, tổ 1"]

    made = manage(source, "backup", str(tmp_path))
    assert made.returncode == 0, made.stderr
    [backup_file] = [path for path in tmp_path.iterdir() if path.name.startswith("canhgiac-")]
    restored = manage(empty_database, "restore", str(backup_file))
    assert restored.returncode == 0, restored.stderr

    after = snapshot(empty_database, filled.receipt_code)
    assert after["identity"] == before["identity"]
    assert after["counts"] == before["counts"]
    assert after["counts"]["reports_report"] == 2 and after["counts"]["people_person"] > 5


def test_restore_refuses_a_database_that_holds_data_unless_forced(filled, tmp_path):
    source = url_of(connection.settings_dict["NAME"])
    backup_file = tmp_path / "before.bak"
    assert manage(source, "backup", str(backup_file)).returncode == 0
    at_backup = row_counts()
    create_report(None, filled.unit, visibility="anonymous", description="Báo cáo sau bản sao lưu")

    refused = manage(source, "restore", str(backup_file))
    assert refused.returncode != 0
    assert "không trống" in refused.stderr and "is not empty" in refused.stderr and "--force" in refused.stderr
    assert row_counts()["reports_report"] == 3, "nothing was touched"

    forced = manage(source, "restore", "--force", str(backup_file))
    assert forced.returncode == 0, forced.stderr
    connection.close()
    assert row_counts() == at_backup


def test_backup_and_restore_explain_their_errors_in_vietnamese_and_english(filled, tmp_path):
    source = url_of(connection.settings_dict["NAME"])
    missing = manage(source, "restore", str(tmp_path / "khong-co.bak"))
    assert missing.returncode != 0 and "không tồn tại" in missing.stderr and "does not exist" in missing.stderr

    not_a_backup = tmp_path / "ghi-chu.txt"
    not_a_backup.write_text("không phải bản sao lưu")
    wrong = manage(source, "restore", "--force", str(not_a_backup))
    assert wrong.returncode != 0 and "is not a backup made by this command" in wrong.stderr
    assert "không phải bản sao lưu do lệnh này tạo" in wrong.stderr

    taken = tmp_path / "taken.bak"
    taken.write_text("")
    again = manage(source, "backup", str(taken))
    assert again.returncode != 0 and "already exists" in again.stderr and "đã có" in again.stderr
