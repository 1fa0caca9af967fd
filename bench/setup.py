"""A throwaway benchmark database, set up before Django is, and filled set-based in SQL."""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from core.env import env_str

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def bench_database_url(database: str, name: str) -> str:
    """A fresh database just for the benchmark: never the one DATABASE_URL points at."""
    if database == "sqlite":
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    base = env_str("BENCH_POSTGRES_URL") or env_str("DATABASE_URL") or DEFAULT_POSTGRES
    if not base.startswith("postgres"):
        base = DEFAULT_POSTGRES
    parts = urlsplit(base)
    # BENCH_DATABASE_SUFFIX keeps two checkouts' runs of one benchmark apart on a shared server.
    suffix = env_str("BENCH_DATABASE_SUFFIX")
    db_name = f"cg_bench_{name}{suffix}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db_name}"')
    return urlunsplit(parts._replace(path=f"/{db_name}"))


def configure_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "canhgiac.settings"
    os.environ.pop("REDIS_URL", None)
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_members(size: int) -> dict:
    """`size` members in groups of 25 under one commune; one in ten also in a second group
    (the dedup case), one in twenty without a smartphone and reached through a relay, one in
    ten preferring email. Everything in SQL: the benchmark process holds no list of members."""
    from django.db import connection, transaction
    from django.utils import timezone

    from groups.models import CommunityGroup, GroupKind
    from people.models import Person
    from places.models import Unit, UnitKind

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic():
        province = Unit.objects.create(code="80", name="Tỉnh Tây Ninh", kind=UnitKind.PROVINCE)
        commune = Unit.objects.create(code="25573", name="Xã Phước Ninh", kind=UnitKind.COMMUNE, parent=province)
        admin = Person.objects.create_superuser("0909999999", "Quản trị")
        group_count = (size + 24) // 25
        CommunityGroup.objects.bulk_create(
            (
                CommunityGroup(unit=commune, kind=GroupKind.RESIDENTIAL_GROUP, name=f"Tổ {i}")
                for i in range(group_count)
            ),
            batch_size=5000,
        )
        first_group = CommunityGroup.objects.order_by("pk").values_list("pk", flat=True)[0]
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < %s)
                INSERT INTO people_person (password, is_superuser, full_name, has_smartphone, language,
                                           is_staff, is_active, date_joined, search_name)
                SELECT '!', false, 'Thanh vien ' || i, true, 'vi', false, true, %s, 'thanh vien ' || i FROM seq
                """,
                [size, now],
            )
            cursor.execute("SELECT MIN(id) FROM people_person WHERE full_name LIKE 'Thanh vien %%'")
            first_person = cursor.fetchone()[0]
            cursor.execute(
                "UPDATE people_person SET has_smartphone = false, relay_id = id - 1 "
                "WHERE id > %s AND (id - %s) %% 20 = 0",
                [first_person, first_person],
            )
            cursor.execute(
                """
                INSERT INTO groups_membership (group_id, person_id, role, status, joined_at)
                SELECT %s + (id - %s) / 25, id, 'member', 'active', %s FROM people_person WHERE id >= %s
                """,
                [first_group, first_person, now, first_person],
            )
            cursor.execute(
                """
                INSERT INTO groups_membership (group_id, person_id, role, status, joined_at)
                SELECT %s + ((id - %s) / 25 + 1) %% %s, id, 'member', 'active', %s
                FROM people_person WHERE id >= %s AND (id - %s) %% 10 = 0
                """,
                [first_group, first_person, group_count, now, first_person, first_person],
            )
            cursor.execute(
                "INSERT INTO delivery_route (person_id, first_channel) "
                "SELECT id, 'email' FROM people_person WHERE id >= %s AND (id - %s) %% 10 = 3",
                [first_person, first_person],
            )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {"admin": admin, "commune": commune, "groups": group_count}
