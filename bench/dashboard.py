"""Province dashboard render time at scale, against a baseline that counts live.

Generates (once per size, then reused) a province of `--size` members: communes of 10 hamlets ×
10 residential groups, three people per household, everyone in their residential group's group
and one in three also in the hamlet group, plus three thematic groups per commune. Counters are
computed by the real rollup; `--history-days` copies of them stand for the half year of nightly
rollups a live site would hold. Then it renders the province dashboard through the full Django
stack (middleware, sign-in, templates) and, as the baseline, the unit page of the same province,
which counts members and coverage live (places:detail).
"""

import contextlib
import math
import os
import statistics
import time
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing import signed_in
from groups.models import CommunityGroup, GroupKind, Membership
from people.models import Mandate, MandateRole, Person
from places.models import Unit, UnitKind
from steering.actions import do_rollup
from steering.models import Counter

HAMLETS_PER_COMMUNE = 10
GROUPS_PER_HAMLET = 10
PEOPLE_PER_HOUSEHOLD = 3
MEMBERS_PER_COMMUNE = 10_000


def add_arguments(parser) -> None:
    parser.add_argument("--size", type=int, default=1_000_000, help="members in the province (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=50, help="dashboard renders measured")
    parser.add_argument("--baseline-requests", type=int, default=5, help="renders of the live-count baseline")
    parser.add_argument("--history-days", type=int, default=180, help="days of stored counters")
    parser.add_argument(
        "--conn-max-age", type=int, default=60, help="keep the database connection, as behind a real server"
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


def officer_for(province: Unit, size: int) -> Person:
    phone = f"+849098{size % 100_000:05d}"
    officer = Person.objects.filter(phone=phone).first()
    if officer is None:
        officer = Person.objects.create_user(phone, "Cán bộ tỉnh (benchmark)", password="bench-password-1")
        Mandate.objects.create(person=officer, role=MandateRole.POLICE, unit=province)
        TOTPDevice.objects.create(user=officer, name="bench", confirmed=True)
    return officer


def store_history(province: Unit, days: int) -> None:
    today = timezone.localdate()
    Counter.objects.filter(unit__path__startswith=province.path, day__lt=today).delete()
    current = list(Counter.objects.filter(unit__path__startswith=province.path, day=today))
    for back in range(1, days + 1):
        Counter.objects.bulk_create(
            [
                Counter(unit_id=c.unit_id, metric=c.metric, day=today - timedelta(days=back), value=c.value)
                for c in current
            ],
            batch_size=10_000,
        )


def timed_get(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed * 1000


def run(options) -> dict:
    with contextlib.suppress(RuntimeError):  # already done under pytest
        setup_test_environment()  # lets the test client's host name in
    # As deployed (docs/deployment.md): web processes keep their connection instead of reconnecting per request.
    connection.settings_dict["CONN_MAX_AGE"] = options.conn_max_age
    code = f"bench{options.size}"
    generated_seconds = rollup_seconds = None
    province = Unit.objects.filter(code=code).first()
    if province is None:
        started = time.perf_counter()
        province = generate(code, options.size)
        generated_seconds = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    do_rollup(province)
    rollup_seconds = round(time.perf_counter() - started, 2)
    today = timezone.localdate()
    history_present = (
        Counter.objects.filter(unit=province, metric="members.total", day__lt=today).count() >= options.history_days
    )
    if not history_present:
        store_history(province, options.history_days)
    members = Membership.objects.filter(group__unit__path__startswith=province.path).values("person").distinct().count()

    client = signed_in(Client(), officer_for(province, options.size))
    dashboard_url, baseline_url = f"/steering/u/{province.code}/", f"/units/{province.code}/"
    for _ in range(3):
        timed_get(client, dashboard_url)
    dashboard = [timed_get(client, dashboard_url) for _ in range(options.requests)]
    timed_get(client, baseline_url)
    baseline = [timed_get(client, baseline_url) for _ in range(options.baseline_requests)]
    with CaptureQueriesContext(connection) as dashboard_queries:
        timed_get(client, dashboard_url)
    return {
        "database": connection.vendor,
        "load_average_1m": round(os.getloadavg()[0], 2),  # other work on the machine inflates every figure
        "size": options.size,
        "members": members,
        "communes": province.children.count(),
        "counter_rows": Counter.objects.filter(unit__path__startswith=province.path).count(),
        "generated_seconds": generated_seconds,
        "rollup_seconds": rollup_seconds,
        "dashboard_queries": len(dashboard_queries.captured_queries),
        "dashboard_ms": {
            "p50": round(statistics.median(dashboard), 1),
            "p95": round(p95(dashboard), 1),
            "n": len(dashboard),
        },
        "baseline_live_count_ms": {
            "page": "places:detail",
            "p50": round(statistics.median(baseline), 1),
            "p95": round(p95(baseline), 1),
            "n": len(baseline),
        },
    }
