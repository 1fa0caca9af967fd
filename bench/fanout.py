"""Publish one bulletin to every member of a commune, against a raw INSERT … SELECT floor."""

import resource
import statistics
import time

from bench.setup import bench_database_url, configure_django, seed_members
from core.env import env_str

DEFAULT_SIZES = {"sqlite": 100_000, "postgres": 1_000_000}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def floor_insert(notice_id: int, group_filter_sql: str, params: list) -> tuple[float, int]:
    """The same rows, written by the simplest possible INSERT … SELECT on the same table."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO delivery_delivery (notice_id, person_id, relay_id, channel, status, rank, attempts,
                                           next_attempt_at, created_at, delivered_at, error)
            SELECT %s, p.id, NULL, 'web', 'delivered', 1, 0, %s, %s, %s, ''
            FROM people_person p
            WHERE p.id IN (SELECT m.person_id FROM groups_membership m WHERE m.status = 'active'
                           AND m.group_id IN ({group_filter_sql}))
            """,
            [notice_id, now, now, now, *params],
        )
        rows = cursor.rowcount
    return time.perf_counter() - started, rows


def remove(notice_id: int) -> None:
    """Empty the delivery table for the next round (it holds only this notice's rows: the database
    is the benchmark's own). On PostgreSQL a `DELETE` of a million rows queues two million
    foreign-key checks (from attempts and chat replies) for its commit, which twice ran for 8 and 12
    minutes (29 Nov, cause not found); `TRUNCATE` is instant and leaves the same empty table."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE delivery_delivery, delivery_attempt, delivery_chatreply")
        else:
            cursor.execute("DELETE FROM delivery_delivery WHERE notice_id = %s", [notice_id])


def add_arguments(parser) -> None:
    parser.add_argument(
        "--size", type=int, default=None, help="members (default 100,000 on SQLite, 1,000,000 on PostgreSQL)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default=default_database())


def default_database() -> str:
    return "postgres" if env_str("DATABASE_URL").startswith("postgres") else "sqlite"


def run(options) -> dict:
    return measure(options.database, options.size, options.rounds)


def measure(database: str, size: int | None, rounds: int = 3) -> dict:
    size = size or DEFAULT_SIZES[database]
    configure_django(bench_database_url(database, "fanout"))
    from django.db import connection
    from django.db.models import Count

    from bulletins.actions import check_publish_bulletin
    from bulletins.audience import Audience
    from bulletins.models import Category
    from delivery.models import Delivery, Notice

    world = seed_members(size)
    audience = Audience(unit=world["commune"])
    with connection.cursor() as cursor:  # warm the caches for both runs alike
        cursor.execute("SELECT COUNT(*) FROM groups_membership")
        cursor.execute("SELECT COUNT(*) FROM people_person")

    floor_runs: list[float] = []
    publish_runs: list[float] = []
    rss_before = peak_rss_mb()
    for _round in range(rounds):
        # Alternate floor and publish on a table of the same size each time; the noise of a
        # shared two-core machine is why the median of several rounds is reported.
        floor_notice = Notice.objects.create(subject="floor")
        group_sql, group_params = audience.resolve().values("pk").query.sql_with_params()
        floor_seconds, floor_rows = floor_insert(floor_notice.pk, group_sql, list(group_params))
        floor_runs.append(floor_seconds)
        remove(floor_notice.pk)

        started = time.perf_counter()
        bulletin = check_publish_bulletin(
            world["admin"],
            title="Cảnh giác tín dụng đen",
            body_html="<p>Không vay tiền qua tờ rơi.</p>",
            category=Category.USURY,
            audience=audience,
        )
        publish_runs.append(time.perf_counter() - started)
        assert bulletin.notice is not None
        rows = Delivery.objects.filter(notice=bulletin.notice).count()
        assert rows == floor_rows, (rows, floor_rows)
        by_status = dict(Delivery.objects.filter(notice=bulletin.notice).values_list("status").annotate(n=Count("id")))
        remove(bulletin.notice.pk)
    seconds, floor_seconds = statistics.median(publish_runs), statistics.median(floor_runs)
    return {
        "benchmark": "fanout",
        "size": size,
        "database": connection.vendor,
        "recipients": rows,
        "groups": world["groups"],
        "statuses": by_status,
        "rounds": rounds,
        "seconds": round(seconds, 3),
        "seconds_runs": [round(x, 3) for x in publish_runs],
        "floor_runs": [round(x, 3) for x in floor_runs],
        "floor_seconds": round(floor_seconds, 3),
        "ratio": round(floor_seconds / seconds, 3),
        "rows_per_second": round(rows / seconds),
        "peak_rss_mb": peak_rss_mb(),
        "rss_growth_during_publish_mb": round(peak_rss_mb() - rss_before, 1),
    }
