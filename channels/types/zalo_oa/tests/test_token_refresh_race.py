"""Two workers meeting an invalid token at once must not lose the single-use refresh token.

Real threads with their own database connections race against the local OAuth server, which
burns each refresh token on use, on SQLite and on PostgreSQL alike.
"""

import sqlite3
import threading
from contextlib import contextmanager

from django.db import connection, connections

from canhgiac.testing import create_divisions
from channels.conftest import add_zalo_oa
from channels.models import ChannelConfig
from channels.types.zalo_oa.client import ZaloOAClient
from places.models import Unit


@contextmanager
def database_for_workers(tmp_path):
    """Give each thread its own connection, as each worker process has.

    SQLite's in-memory test database is shared between connections through its shared cache, which
    reports a locked table at once instead of waiting for the write lock as a database file does.
    On SQLite the workers therefore use a file copy of the test database, as production does.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
        yield lambda: None
        return
    path = tmp_path / "workers.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    # Already in WAL, as the production database is: switching modes needs an exclusive lock, and
    # two workers switching at once could fail with "database is locked".
    copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    file_settings = {**connection.settings_dict, "NAME": str(path)}
    in_memory = connections["default"]

    def use_file():
        connections["default"] = in_memory.__class__(file_settings, "default")

    try:
        yield use_file
    finally:
        connections["default"] = in_memory


def send_from_two_workers_at_once(config_id: int, use_database) -> tuple[list, list]:
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        use_database()
        try:
            config = ChannelConfig.objects.get(pk=config_id)  # each worker reads the row itself
            barrier.wait(timeout=10)
            results.append(ZaloOAClient(config).send_text("1", "xin chào"))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_two_workers_refreshing_at_once_refresh_once_and_keep_a_live_refresh_token(fake, transactional_db, tmp_path):
    create_divisions()
    config = add_zalo_oa(fake, Unit.objects.get(code="25573"))
    fake.expired_access_tokens.add(config.secrets["access_token"])
    fake.refresh_delay = 0.3  # the second worker arrives while the first is refreshing

    with database_for_workers(tmp_path) as use_database:
        results, errors = send_from_two_workers_at_once(config.pk, use_database)
        use_database()
        stored = ChannelConfig.objects.get(pk=config.pk).secrets
        connections["default"].close()

    assert errors == [] and len(results) == 2
    assert len(fake.calls("oauth")) == 1
    assert stored["refresh_token"] in fake.live_refresh_tokens
    assert {call.headers["access_token"] for call in fake.calls("oa.message")[-2:]} == {stored["access_token"]}


def test_two_workers_finding_an_expired_token_refresh_it_once(fake, transactional_db, tmp_path):
    create_divisions()
    config = add_zalo_oa(fake, Unit.objects.get(code="25573"))
    secrets = config.secrets
    secrets["access_token_expires_at"] = "2020-01-01T00:00:00+00:00"
    config.secrets = secrets
    config.save()
    fake.refresh_delay = 0.3

    with database_for_workers(tmp_path) as use_database:
        results, errors = send_from_two_workers_at_once(config.pk, use_database)
        use_database()
        stored = ChannelConfig.objects.get(pk=config.pk).secrets
        connections["default"].close()

    assert errors == [] and len(results) == 2
    assert len(fake.calls("oauth")) == 1
    assert stored["refresh_token"] in fake.live_refresh_tokens
