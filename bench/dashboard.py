"""Province dashboard render time at scale, against a baseline that counts live.

Generates (once per size, then reused) a province of `--size` members: communes of 10 hamlets ×
10 residential groups, three people per household, everyone in their residential group's group
and one in three also in the hamlet group, plus three thematic groups per commune. Counters are
computed by the real rollup; `--history-days` copies of them stand for the half year of nightly
rollups a live site would hold. Then it renders the province dashboard through the full Django
stack (middleware, sign-in, templates) and, as the baseline, the unit page of the same province,
which counts members and coverage live (coverage:unit).

Alongside the members, `--reports` reports (default: as many as members) are spread over the
residential groups, every category, the statuses of the workflow and two years of receipts, four
in five with a position; the reports provider's own rollup time is measured apart, and so is the
province map's JSON (the last 90 days, and every report, capped).
"""

import contextlib
import math
import os
import statistics
import time
from datetime import UTC

from django.db import connection, transaction
from django.test import Client
from django.test.utils import setup_test_environment
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from canhgiac.testing import signed_in
from groups.models import CommunityGroup, GroupKind, Membership
from people.models import Mandate, MandateRole, Person
from places.models import Unit, UnitKind
from reports.categories import CATEGORIES, LOST_FOUND_KINDS
from reports.metrics import ReportsProvider
from reports.models import Report
from reports.workflow import compute_deadlines
from steering.actions import do_rollup, rollup_units
from steering.models import Counter

HAMLETS_PER_COMMUNE = 10
GROUPS_PER_HAMLET = 10
PEOPLE_PER_HOUSEHOLD = 3
MEMBERS_PER_COMMUNE = 10_000


def add_arguments(parser) -> None:
    parser.add_argument("--size", type=int, default=1_000_000, help="members in the province (default 1,000,000)")
    parser.add_argument(
        "--reports", type=int, default=None, help="reports in the province (default: as many as --size)"
    )
    parser.add_argument("--requests", type=int, default=50, help="dashboard renders measured")
    parser.add_argument("--map-requests", type=int, default=10, help="map.json requests measured per filter")
    parser.add_argument("--baseline-requests", type=int, default=5, help="renders of the live-count baseline")
    parser.add_argument("--history-days", type=int, default=180, help="days of stored counters")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="keep the database connection, as behind a real server"
    )
    parser.add_argument(
        "--rollup-only",
        action="store_true",
        help="time only the nightly rollup (every provider; the reports provider also alone), no history or pages",
    )


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def seq_cte(count: int) -> str:
    """Rows n = 1..count, in SQL both SQLite and PostgreSQL run."""
    return f"seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {int(count)})"


def generate(code: str, size: int) -> Unit:
    communes = max(2, round(size / MEMBERS_PER_COMMUNE))
    residential_groups = communes * HAMLETS_PER_COMMUNE * GROUPS_PER_HAMLET
    # One household in ten is not enrolled (a third of its people are still in the hamlet group), so
    # there are more people than members; size the households so that members reach `size`.
    enrolled_share = 0.9 + 0.1 / 3
    households_per_group = max(1, math.ceil(size / enrolled_share / (residential_groups * PEOPLE_PER_HOUSEHOLD)))
    now = timezone.now()
    with transaction.atomic():
        province = Unit.objects.create(
            code=code, name=f"Tỉnh Benchmark {size:,}".replace(",", "."), kind=UnitKind.PROVINCE
        )
        # bulk_create skips save(), which fills tier, path and search_name: they are set here.
        commune_units = []
        for c in range(1, communes + 1):
            commune = Unit(code=f"{code}.{c:03d}", name=f"Xã Benchmark {c}", kind=UnitKind.COMMUNE, parent=province)
            commune.tier, commune.path, commune.search_name = 2, f"{province.path}{commune.code}/", f"xa benchmark {c}"
            commune_units.append(commune)
        Unit.objects.bulk_create(commune_units)
        hamlets = []
        for commune in commune_units:
            for h in range(1, HAMLETS_PER_COMMUNE + 1):
                hamlet = Unit(code=f"{commune.code}.{h:02d}", name=f"Ấp {h}", kind=UnitKind.HAMLET, parent=commune)
                hamlet.tier, hamlet.path, hamlet.search_name = 3, f"{commune.path}{hamlet.code}/", f"ap {h}"
                hamlets.append(hamlet)
        Unit.objects.bulk_create(hamlets, batch_size=2000)
        rgs = []
        for hamlet in hamlets:
            for g in range(1, GROUPS_PER_HAMLET + 1):
                rg = Unit(code=f"{hamlet.code}.{g:02d}", name=f"Tổ {g}", kind=UnitKind.RESIDENTIAL_GROUP, parent=hamlet)
                rg.tier, rg.path, rg.search_name = 4, f"{hamlet.path}{rg.code}/", f"to {g}"
                rgs.append(rg)
        Unit.objects.bulk_create(rgs, batch_size=5000)
        groups = [CommunityGroup(unit=rg, kind=GroupKind.RESIDENTIAL_GROUP, name=f"Nhóm {rg.code}") for rg in rgs]
        groups += [CommunityGroup(unit=h, kind=GroupKind.HAMLET, name=f"Nhóm {h.code}") for h in hamlets]
        for commune in commune_units:
            for kind in (GroupKind.PATROL, GroupKind.MASS_ORGANISATION, GroupKind.WORKFORCE):
                groups.append(CommunityGroup(unit=commune, kind=kind, name=f"{kind} {commune.code}"))
        CommunityGroup.objects.bulk_create(groups, batch_size=5000)

        like = f"{province.path}%"
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE {seq_cte(households_per_group)} "
                "INSERT INTO people_household (residential_group_id, address, note, registered_at) "
                "SELECT u.id, 'Số ' || seq.n, '', %s FROM places_unit u CROSS JOIN seq "
                "WHERE u.tier = 4 AND u.path LIKE %s",
                [now, like],
            )
            cursor.execute(
                f"WITH RECURSIVE {seq_cte(PEOPLE_PER_HOUSEHOLD)} "
                "INSERT INTO people_person (password, is_superuser, phone, full_name, household_id, has_smartphone, "
                "language, is_staff, is_active, date_joined, search_name) "
                "SELECT '!', %s, '+84800' || (h.id * 4 + seq.n), 'Thành viên ' || (h.id * 4 + seq.n), h.id, "
                "(h.id + seq.n) %% 5 <> 0, 'vi', %s, %s, %s, 'thanh vien ' || (h.id * 4 + seq.n) "
                "FROM people_household h JOIN places_unit u ON u.id = h.residential_group_id CROSS JOIN seq "
                "WHERE u.path LIKE %s",
                [False, False, True, now, like],
            )
            member_columns = "(group_id, person_id, role, status, joined_at)"
            people_of_province = (
                "FROM people_person p JOIN people_household h ON h.id = p.household_id "
                "JOIN places_unit u ON u.id = h.residential_group_id "
            )
            cursor.execute(
                f"INSERT INTO groups_membership {member_columns} SELECT g.id, p.id, 'member', 'active', %s "
                f"{people_of_province} JOIN groups_communitygroup g ON g.unit_id = u.id "
                "WHERE u.path LIKE %s AND h.id %% 10 <> 0",  # one household in ten not enrolled yet
                [now, like],
            )
            cursor.execute(
                f"INSERT INTO groups_membership {member_columns} SELECT g.id, p.id, 'member', 'active', %s "
                f"{people_of_province} JOIN groups_communitygroup g ON g.unit_id = u.parent_id "
                "WHERE u.path LIKE %s AND p.id %% 3 = 0",
                [now, like],
            )
    return province


REPORT_YEARS = 2  # receipts spread evenly over this many years up to now
RECENT_SHARE = 50  # the most recent 1/50 of the reports (about two weeks) are still being handled

# (family, slot, status, hours to acknowledge, to close, to forward, to return); slots 0-9 for
# recent reports, 10-19 for older ones, chosen by the report's number modulo 10.
STATES = [
    *[
        ("case", i, *row)
        for i, row in enumerate(
            [
                ("received", None, None, None, None),
                ("received", None, None, None, None),
                ("acknowledged", 2, None, None, None),
                ("acknowledged", 5, None, None, None),
                ("verifying", 3, None, None, None),
                ("dispatched", 1, None, None, None),
                ("resolved", 2, 30, None, None),
                ("unfounded", 3, 48, None, None),
                ("forwarded", 2, None, 20, None),
                ("closed", 1, 72, None, None),
            ]
        )
    ],
    *[
        ("case", 10 + i, *row)
        for i, row in enumerate(
            [
                ("closed", 1, 72, None, None),
                ("closed", 2, 100, None, None),
                ("closed", 3, 200, None, None),
                ("resolved", 2, 40, None, None),
                ("unfounded", 4, 60, None, None),
                ("forwarded", 2, None, 22, None),
                ("forwarded", 1, None, 30, None),
                ("closed", 5, 300, None, None),
                ("closed", 2, 150, None, None),
                ("acknowledged", 3, None, None, None),  # one old case in ten left open: overdue
            ]
        )
    ],
    *[
        ("lost_found", i, *row)
        for i, row in enumerate(
            [
                ("received", None, None, None, None),
                ("acknowledged", 1, None, None, None),
                ("acknowledged", 3, None, None, None),
                ("returned", 1, 6, None, 6),
                ("returned", 2, 30, None, 30),
                ("closed", 2, 48, None, None),
                ("received", None, None, None, None),
                ("acknowledged", 2, None, None, None),
                ("returned", 1, 2, None, 2),
                ("closed", 4, 96, None, None),
            ]
        )
    ],
    *[
        ("lost_found", 10 + i, *row)
        for i, row in enumerate(
            [
                ("returned", 1, 6, None, 6),
                ("returned", 2, 30, None, 30),
                ("closed", 2, 48, None, None),
                ("closed", 4, 96, None, None),
                ("returned", 1, 2, None, 2),
                ("closed", 3, 200, None, None),
                ("returned", 3, 72, None, 72),
                ("closed", 2, 120, None, None),
                ("closed", 1, 300, None, None),
                ("returned", 2, 12, None, 12),
            ]
        )
    ],
]


def sql_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def values_cte(name: str, columns: tuple[str, ...], rows: list[tuple]) -> str:
    body = ", ".join("(" + ", ".join(sql_literal(v) for v in row) + ")" for row in rows)
    return f"{name}({', '.join(columns)}) AS (VALUES {body})"


def seconds_before(now_sql: str, seconds_sql: str, *, past: bool = True) -> str:
    """A timestamp `seconds_sql` seconds before now (NULL stays NULL); `past` keeps events out of the future."""
    clamped = f"(CASE WHEN ({seconds_sql}) < 0 THEN 0 ELSE ({seconds_sql}) END)" if past else f"({seconds_sql})"
    if connection.vendor == "postgresql":
        return f"({now_sql} - {clamped} * INTERVAL '1 second')"
    return f"datetime({now_sql}, '-' || {clamped} || ' seconds')"


def generate_reports(province: Unit, count: int) -> int:
    """`count` reports over the province's residential groups, set-based (docs/benchmarks.md)."""
    now = timezone.now().replace(microsecond=0)
    if connection.vendor == "postgresql":
        now_sql = f"TIMESTAMPTZ '{now.isoformat()}'"
    else:  # Django stores SQLite datetimes as UTC text
        now_sql = f"'{now.astimezone(UTC):%Y-%m-%d %H:%M:%S}'"
    step = REPORT_YEARS * 365 * 86400 / count  # seconds between two receipts
    sample = timezone.now()
    categories = []
    for i, category in enumerate(CATEGORIES):
        due = compute_deadlines(category.kind, sample)
        forward_h = round((due.forward_due_at - sample).total_seconds() / 3600) if due.forward_due_at else None
        decision_h = round((due.decision_due_at - sample).total_seconds() / 3600) if due.decision_due_at else None
        family = "lost_found" if category.kind in LOST_FOUND_KINDS else "case"
        categories.append((i, str(category.kind), category.code, family, forward_h, decision_h))
    residential_groups = Unit.objects.filter(tier=4, path__startswith=province.path).count()
    received = f"(seq.n * {step!r})"

    def dispatched(hours: str) -> str:
        return f"(CASE WHEN cats.family = 'case' AND states.ack_h IS NOT NULL AND seq.n %% 3 = 0 THEN {hours} END)"

    def after_receipt(hours_column: str, *, past: bool = True) -> str:
        return seconds_before(now_sql, f"{received} - {hours_column} * 3600", past=past)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE {seq_cte(count)}, "
            "rgs AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS i FROM places_unit "
            "WHERE tier = 4 AND path LIKE %s), "
            + values_cte("cats", ("i", "kind", "category", "family", "forward_h", "decision_h"), categories)
            + ", "
            + values_cte("states", ("family", "slot", "status", "ack_h", "close_h", "forward_h", "return_h"), STATES)
            + " INSERT INTO reports_report (receipt_code, kind, category, status, visibility, intake_channel, source, "
            "reporter_name, reporter_phone, reporter_contact, secret_hash, latitude, longitude, place_text, "
            "description, behaviour, search_text, received_at, updated_at, acknowledged_at, closed_at, "
            "returned_at, returned_to, forward_due_at, forwarded_at, forwarded_to, decision_due_at, unit_id, "
            "evidence_links, outcome, outcome_text, triage_urgency, triage_reasons, triage_category, "
            "dispatched_at, dispatch_acknowledged_at, on_scene_at, outcome_at) "
            "SELECT 'B' || %s || '-' || seq.n, cats.kind, cats.category, states.status, "
            "CASE seq.n %% 4 WHEN 0 THEN 'named' WHEN 3 THEN 'anonymous' ELSE 'confidential' END, "
            "'web', '', '', '', '', '', "
            # one in five without a position; each commune a square of 0.04 degrees
            "CASE WHEN seq.n %% 5 = 0 THEN NULL "
            "ELSE 10.9 + (rgs.i / 100 %% 10) * 0.05 + (seq.n %% 1000 * 7919 %% 1000) * 0.00004 END, "
            "CASE WHEN seq.n %% 5 = 0 THEN NULL "
            "ELSE 105.9 + (rgs.i / 1000) * 0.05 + (seq.n %% 1000 * 104729 %% 1000) * 0.00004 END, "
            "'', 'Tin báo thử nghiệm ' || seq.n, '', 'tin bao thu nghiem', "
            f"{seconds_before(now_sql, received)}, {seconds_before(now_sql, received)}, "
            f"{after_receipt('states.ack_h')}, {after_receipt('states.close_h')}, "
            f"{after_receipt('states.return_h')}, CASE WHEN states.return_h IS NULL THEN '' ELSE 'chủ sở hữu' END, "
            f"{after_receipt('cats.forward_h', past=False)}, {after_receipt('states.forward_h')}, "
            "CASE WHEN states.forward_h IS NULL THEN '' ELSE 'Cơ quan CSĐT' END, "
            f"{after_receipt('cats.decision_h', past=False)}, rgs.id, '[]', '', '', 'normal', '[]', cats.category, "
            # one handled case in three had an officer or patrol sent, who answered within minutes
            f"{after_receipt(dispatched('states.ack_h'))}, "
            f"{after_receipt(dispatched('states.ack_h + (seq.n %% 7) * 0.05'))}, "
            f"{after_receipt(dispatched('states.ack_h + 0.3 + (seq.n %% 11) * 0.05'))}, "
            f"{after_receipt(dispatched('states.ack_h + 1 + (seq.n %% 13) * 0.1'))} "
            "FROM seq JOIN rgs ON rgs.i = seq.n / 10 %% %s "
            f"JOIN cats ON cats.i = seq.n * 8 %% {len(categories)} "
            "JOIN states ON states.family = cats.family "
            "AND states.slot = seq.n %% 10 + CASE WHEN seq.n < %s THEN 0 ELSE 10 END",
            [f"{province.path}%", province.pk, residential_groups, count // RECENT_SHARE],
        )
        return cursor.rowcount


def analyze() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum would gather them on a live site.

    Without them PostgreSQL believes the new tables nearly empty and picks plans (e.g. for the map's
    most recent reports) that take seconds instead of milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def officer_for(province: Unit) -> Person:
    """A provincial police officer of this province (one per generated province: sizes share a database)."""
    phone = f"+8490{province.pk % 10_000_000:07d}"
    officer = Person.objects.filter(phone=phone).first()
    if officer is None:
        officer = Person.objects.create_user(phone, "Cán bộ tỉnh (benchmark)", password="bench-password-1")
        TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    Mandate.objects.get_or_create(person=officer, role=MandateRole.POLICE, unit=province)
    return officer


def store_history(province: Unit, days: int) -> None:
    """Copy today's counters to each of the `days` days before, in one INSERT … SELECT."""
    today = timezone.localdate()
    Counter.objects.filter(unit__path__startswith=province.path, day__lt=today).delete()
    past_day = "c.day - seq.n" if connection.vendor == "postgresql" else "date(c.day, '-' || seq.n || ' days')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE {seq_cte(days)} "
            "INSERT INTO steering_counter (unit_id, metric, day, value) "
            f"SELECT c.unit_id, c.metric, {past_day}, c.value FROM steering_counter c "
            "JOIN places_unit u ON u.id = c.unit_id CROSS JOIN seq WHERE c.day = %s AND u.path LIKE %s",
            [today, f"{province.path}%"],
        )


def timed_get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def timings(samples: list[float]) -> dict:
    return {"p50": round(statistics.median(samples), 1), "p95": round(p95(samples), 1), "n": len(samples)}


def members_of(province: Unit) -> int:
    return Membership.objects.filter(group__unit__path__startswith=province.path).values("person").distinct().count()


def run(options) -> dict:
    with contextlib.suppress(RuntimeError):  # already done under pytest
        setup_test_environment()  # lets the test client's host name in
    # As deployed (docs/deployment.md): web processes keep their connection instead of reconnecting per request.
    connection.settings_dict["CONN_MAX_AGE"] = options.conn_max_age
    code = f"bench{options.size}"
    report_count = options.size if options.reports is None else options.reports
    generated_seconds = reports_generated_seconds = None
    province = Unit.objects.filter(code=code).first()
    if province is None:
        started = time.perf_counter()
        province = generate(code, options.size)
        generated_seconds = round(time.perf_counter() - started, 1)
    reports = Report.objects.filter(unit__path__startswith=province.path)
    if report_count and not reports.exists():
        started = time.perf_counter()
        generate_reports(province, report_count)
        reports_generated_seconds = round(time.perf_counter() - started, 1)
    if generated_seconds is not None or reports_generated_seconds is not None:
        analyze()
    started = time.perf_counter()
    ReportsProvider().measure(province, rollup_units(province), None)
    reports_rollup_seconds = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    do_rollup(province)
    rollup_seconds = round(time.perf_counter() - started, 2)
    if options.rollup_only:
        return {
            "database": connection.vendor,
            "load_average_1m": round(os.getloadavg()[0], 2),
            "size": options.size,
            "members": members_of(province),
            "reports": reports.count(),
            "communes": province.children.count(),
            "generated_seconds": generated_seconds,
            "reports_generated_seconds": reports_generated_seconds,
            "rollup_seconds": rollup_seconds,
            "reports_rollup_seconds": reports_rollup_seconds,
        }
    today = timezone.localdate()
    history_days = Counter.objects.filter(unit=province, metric="members.total", day__lt=today).count()
    if history_days < options.history_days or reports_generated_seconds is not None:
        store_history(province, options.history_days)
    members = members_of(province)

    client = signed_in(Client(), officer_for(province))
    dashboard_url, baseline_url = f"/steering/u/{province.code}/", f"/units/{province.code}/"
    for _ in range(3):
        timed_get(client, dashboard_url)
    dashboard = [timed_get(client, dashboard_url) for _ in range(options.requests)]
    timed_get(client, baseline_url)
    baseline = [timed_get(client, baseline_url) for _ in range(options.baseline_requests)]
    dashboard_queries: list[str] = []  # counted as executed (the debug query log is reset by each request)

    def count_query(execute, sql, *args):
        dashboard_queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count_query):
        timed_get(client, dashboard_url)
    map_url = f"/steering/u/{province.code}/map.json"
    map_points = {}
    map_ms = {}
    for period in ("90", "all"):
        url = f"{map_url}?period={period}"
        layer = next(layer for layer in client.get(url).json()["layers"] if layer["key"] == "reports")
        map_points[period] = {"shown": len(layer["points"]), "total": layer["total"]}
        map_ms[period] = timings([timed_get(client, url) for _ in range(options.map_requests)])
    return {
        "database": connection.vendor,
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine inflates every figure
        "size": options.size,
        "members": members,
        "reports": reports.count(),
        "communes": province.children.count(),
        "counter_rows": Counter.objects.filter(unit__path__startswith=province.path).count(),
        "generated_seconds": generated_seconds,
        "reports_generated_seconds": reports_generated_seconds,
        "rollup_seconds": rollup_seconds,
        "reports_rollup_seconds": reports_rollup_seconds,
        "dashboard_queries": len(dashboard_queries),
        "dashboard_ms": timings(dashboard),
        "baseline_live_count_ms": {"page": "coverage:unit", **timings(baseline)},
        "map_json_ms": {f"period={period}": {**map_ms[period], **map_points[period]} for period in ("90", "all")},
    }
