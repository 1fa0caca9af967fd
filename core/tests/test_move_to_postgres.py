"""`manage.py move_to_postgres`: an embedded site's data moves to PostgreSQL whole, with its ids
and sequences, and a database already in use is refused."""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from core.env import env_str
from people.models import Person
from places.models import Unit

# The command runs as its own process, as an IT officer runs it, on the committed test database.
pytestmark = pytest.mark.django_db(transaction=True)
SERVER = env_str("BENCH_POSTGRES_URL") or "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def empty_postgres():
    psycopg = pytest.importorskip("psycopg")
    if connection.vendor != "sqlite":
        pytest.skip("the move starts from an SQLite site")
    parts = urlsplit(SERVER)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable")
    admin.execute('DROP DATABASE IF EXISTS "cg_test_move" WITH (FORCE)')
    admin.execute('CREATE DATABASE "cg_test_move"')
    url = urlunsplit(parts._replace(path="/cg_test_move"))
    yield url, psycopg
    admin.execute('DROP DATABASE IF EXISTS "cg_test_move" WITH (FORCE)')
    admin.close()


def move(url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(DJANGO_SETTINGS_MODULE="canhgiac.settings", DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}")
    return subprocess.run(
        [sys.executable, "manage.py", "move_to_postgres", "--to", url],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_an_embedded_site_moves_to_postgres_with_its_ids_and_sequences(world, empty_postgres):
    url, psycopg = empty_postgres
    done = move(url)

    assert done.returncode == 0, done.stderr
    assert "counts match" in done.stdout
    with psycopg.connect(url) as moved:
        names = moved.execute("SELECT id, full_name FROM people_person ORDER BY id").fetchall()
        assert names == list(Person.objects.order_by("id").values_list("id", "full_name"))
        assert moved.execute("SELECT COUNT(*) FROM places_unit").fetchone()[0] == Unit.objects.count()
        # The next id continues after the moved ones: a new row does not collide.
        next_id = moved.execute("SELECT nextval(pg_get_serial_sequence('people_person', 'id'))").fetchone()[0]
        assert next_id > max(pk for pk, _ in names)


def test_a_target_already_in_use_is_refused(world, empty_postgres):
    url, _psycopg = empty_postgres
    assert move(url).returncode == 0
    again = move(url)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_only_a_postgres_target_is_accepted(world):
    with pytest.raises(CommandError):
        call_command("move_to_postgres", to="mysql://somewhere/site")
