"""Sending at the provider's pace: one budget per credential (each commune's OA), many sends in
flight per worker, nothing above a provider's limit. Sender threads use their own database
connections, so these tests commit their data (transactional_db)."""

import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from canhgiac.testing import extend_with_neighbour
from channels.actions import check_link_identity, do_create_link_code
from channels.conftest import add_zalo_oa, fake  # noqa: F401 — the fake providers fixture
from channels.models import ChannelIdentity
from channels.registry import RateLimit, get_type
from core.errors import ActionError
from coverage.actions import check_add_household_member
from delivery import pace
from delivery.engine import claim, drain
from delivery.models import Attempt, ChannelBudget, Delivery, DeliveryStatus
from delivery.notify import notify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def queued_not_sent(settings):
    """The database queue: a publish only enqueues, and the drain below sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}


def followers(officer, household, config, count: int, first_user: int) -> list:
    people = []
    for index in range(count):
        person = check_add_household_member(
            officer, household, full_name=f"Người theo dõi {first_user + index}", phone=f"0907{first_user + index:06d}"
        )
        identity = ChannelIdentity.objects.create(config=config, provider_user_id=str(first_user + index))
        check_link_identity(identity, do_create_link_code(person)[3:])
        people.append(person)
    return people


def send_what_is_due(concurrency: int, timeout: float = 120) -> None:
    """Drain as the `deliver` loop does, until nothing is due within a few seconds (a loaded
    machine may need more than one drain's time budget)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        drain(concurrency=concurrency, budget_seconds=20)
        soon = timezone.now() + timedelta(seconds=3)
        if not Delivery.objects.filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=soon).exists():
            return


def received_by_user(fake) -> Counter:  # noqa: F811
    return Counter(call.json["recipient"]["user_id"] for call in fake.calls("oa.message"))


def test_each_communes_oa_has_its_own_budget_and_none_goes_above_its_limit(world, fake):  # noqa: F811
    neighbour = extend_with_neighbour(world)
    home_oa = add_zalo_oa(fake, world.commune, rate_per_second=3)
    neighbour_oa = add_zalo_oa(fake, world.neighbour, rate_per_second=3)
    home = followers(world.officer, world.household, home_oa, 6, 1000)
    away = followers(world.admin, neighbour.neighbour_resident.household, neighbour_oa, 6, 2000)
    fake.pace(latency=0.05, rate=3, per_seconds=1)

    notice = notify([p.pk for p in home + away], subject="Cảnh báo", body="Khóa cửa cẩn thận.")
    send_what_is_due(concurrency=8)

    rows = Delivery.objects.filter(notice=notice)
    # Each OA has its own budget row, and the two sent in the same windows: neither waited for
    # the other's budget.
    assert set(ChannelBudget.objects.values_list("channel", flat=True)) == {
        f"zalo_oa:{home_oa.pk}",
        f"zalo_oa:{neighbour_oa.pk}",
    }
    windows: dict[str, set[int]] = {}
    for credential, window in fake.window_counts:
        windows.setdefault(credential, set()).add(window)
    assert len(windows) == 2 and set.intersection(*windows.values())
    # Nothing lost, nothing twice: each row delivered once, or waiting for the time the
    # provider named when a send reached it late (on a loaded machine a send granted at the
    # end of one window can arrive in the next; docs/benchmarks.md counts these).
    delivered = rows.filter(status=DeliveryStatus.DELIVERED)
    assert delivered.count() + fake.refused_for_rate == 12
    assert set(rows.exclude(status=DeliveryStatus.DELIVERED).values_list("error", flat=True)) <= {
        "zalo_oa -32: The application has exceeded the rate limit"
    }
    assert set(received_by_user(fake).values()) == {1} and len(received_by_user(fake)) == 12
    records = Counter(Attempt.objects.filter(delivery__notice=notice, ok=True).values_list("delivery", flat=True))
    assert set(records.values()) == {1} and len(records) == delivered.count()


def test_what_a_spent_oa_cannot_send_waits_at_its_pace_so_each_window_serves_every_oa(world, fake, settings):  # noqa: F811
    settings.DELIVERY_WAIT_FOR_DUE_SECONDS = 0  # the drain ends once this minute's budget is spent
    neighbour = extend_with_neighbour(world)
    busy_oa = add_zalo_oa(fake, world.commune, rate_per_minute=2)
    other_oa = add_zalo_oa(fake, world.neighbour, rate_per_minute=2)
    busy = followers(world.officer, world.household, busy_oa, 7, 7000)
    other = followers(world.admin, neighbour.neighbour_resident.household, other_oa, 3, 8000)
    # A province's alert meets them commune after commune: the busy OA's block comes first.
    notice = notify([p.pk for p in busy + other], subject="Cảnh báo", body="Khóa cửa cẩn thận.")
    if timezone.now().second >= 40:  # the budget is per clock minute: start well inside one
        time.sleep(60.5 - timezone.now().second)
    minute = timedelta(minutes=1)
    next_minute = timezone.now().replace(second=0, microsecond=0) + minute

    drain(concurrency=4, budget_seconds=15)

    # Both OAs sent their two in this minute, and what they could not send waits at their own
    # pace: two of the busy OA's in each minute to come, not all five at the next one.
    assert len(received_by_user(fake)) == 4
    waiting = Delivery.objects.filter(notice=notice, status=DeliveryStatus.QUEUED)
    busy_due = list(
        waiting.filter(person__in=busy).order_by("next_attempt_at").values_list("next_attempt_at", flat=True)
    )
    assert busy_due == [next_minute] * 2 + [next_minute + minute] * 2 + [next_minute + 2 * minute]
    assert list(waiting.filter(person__in=other).values_list("next_attempt_at", flat=True)) == [next_minute]
    # So the next minute's claim brings what each OA can send then, and nothing to put back.
    taken = claim("next-worker", 50, now=next_minute + timedelta(seconds=1))
    assert sorted(d.person_id in {p.pk for p in busy} for d in taken) == [False, True, True]


def test_a_worker_keeps_many_sends_in_flight(world, fake):  # noqa: F811
    oa = add_zalo_oa(fake, world.commune)
    people = followers(world.officer, world.household, oa, 8, 3000)
    fake.pace(latency=0.4)
    notify([p.pk for p in people], subject="Tin", body="Xin chào")

    started = time.monotonic()
    result = drain(concurrency=8, budget_seconds=30)
    elapsed = time.monotonic() - started

    assert result.sent == 8
    assert elapsed < 8 * 0.4 / 2, "one after another would take 3.2 s"
    assert len(received_by_user(fake)) == 8


def test_a_provider_refusing_for_its_limit_is_retried_when_it_says(world, fake):  # noqa: F811
    oa = add_zalo_oa(fake, world.commune, rate_per_second=100)  # we believe the OA allows more than it does
    people = followers(world.officer, world.household, oa, 3, 4000)
    fake.pace(rate=1, per_seconds=60)
    notice = notify([p.pk for p in people], subject="Tin", body="Xin chào")

    send_what_is_due(concurrency=4)

    rows = Delivery.objects.filter(notice=notice)
    assert rows.filter(status=DeliveryStatus.DELIVERED).count() == 1
    waiting = rows.filter(status=DeliveryStatus.QUEUED)
    assert waiting.count() == 2 and all("-32" in d.error for d in waiting)
    assert fake.refused_for_rate == 2


def test_a_channels_own_limit_overrides_its_types(world, fake, settings):  # noqa: F811
    oa = add_zalo_oa(fake, world.commune, rate_per_minute=120, quiet_hours="21:00-06:00")
    zalo = get_type("zalo_oa")
    assert zalo.rate_limit(oa) == RateLimit(120, 60)
    assert zalo.rate_limit(None) == RateLimit(1000, 60)
    settings.CHANNEL_LIMITS = {"zalo_oa": {"rate_per_second": 50}}
    assert zalo.rate_limit(None) == RateLimit(50, 1)
    assert zalo.rate_limit(oa) == RateLimit(120, 60)
    hours = zalo.effective_quiet_hours(oa)
    assert hours is not None and [t.strftime("%H:%M") for t in hours] == ["21:00", "06:00"]
    with pytest.raises(ActionError):
        add_zalo_oa(fake, world.neighbour, rate_per_minute="many")


def test_the_budget_is_shared_atomically_and_opens_again_in_the_next_window():
    limit = RateLimit(5, 60)
    from datetime import UTC, datetime

    start = datetime(2026, 11, 28, 10, 0, 1, tzinfo=UTC)
    assert pace.take("zalo_oa:1", limit, 3, start).granted == 3
    assert pace.take("zalo_oa:1", limit, 3, start).granted == 2
    assert pace.take("zalo_oa:2", limit, 3, start).granted == 3
    spent = pace.take("zalo_oa:1", limit, 1, start)
    assert spent.granted == 0 and spent.window_end == datetime(2026, 11, 28, 10, 1, tzinfo=UTC)
    assert pace.take("zalo_oa:1", limit, 3, spent.window_end).granted == 3
    late = datetime(2026, 11, 28, 10, 0, 59, 990000, tzinfo=UTC)
    assert pace.take("zalo_oa:3", limit, 1, late).granted == 0, "nothing is granted at a window's very end"


@pytest.mark.parametrize("store", ["database", "redis"])
def test_a_credentials_queue_is_booked_at_its_limit_by_every_worker_in_each_lane(settings, store):
    from datetime import UTC, datetime

    if store == "redis":
        from delivery.tests.test_redis_queue import REDIS_URL, redis_or_skip

        client = redis_or_skip()
        settings.REDIS_URL = REDIS_URL
        pace._redis.cache_clear()
        for key in client.scan_iter("canhgiac:booked:test-*"):
            client.delete(key)
    settings.DELIVERY_RATE_STORE = store
    limit, normal, urgent = RateLimit(3, 60), 1, 0
    start = datetime(2026, 11, 28, 10, 1, tzinfo=UTC)
    minute = timedelta(minutes=1)

    def book(key, rank, wanted, queued_later, first_due=start):
        return [(slot.due, slot.count) for slot in pace.book(key, limit, rank, wanted, first_due, queued_later)]

    try:
        # Two workers put back four each of one OA's deliveries: one schedule, three a minute.
        assert book("test-oa-1", normal, 4, queued_later=0) == [(start, 3), (start + minute, 1)]
        assert book("test-oa-1", normal, 4, queued_later=4) == [(start + minute, 2), (start + 2 * minute, 2)]
        # Another OA, and the urgent lane of the same OA, are not behind that queue.
        assert book("test-oa-2", normal, 2, queued_later=8) == [(start, 2)]
        assert book("test-oa-1", urgent, 1, queued_later=0) == [(start, 1)]
        # Once its deliveries are gone (a bulletin withdrawn), an old booking holds nothing back.
        assert book("test-oa-1", normal, 1, queued_later=2) == [(start, 1)]
        # A schedule that has fallen behind the clock starts again at the first window due.
        later = start + 10 * minute
        assert book("test-oa-2", normal, 4, queued_later=0, first_due=later) == [(later, 3), (later + minute, 1)]
        assert ChannelBudget.objects.count() == 0
    finally:
        pace._redis.cache_clear()


def test_the_redis_budget_is_shared_like_the_database_one(settings):
    from delivery.tests.test_redis_queue import REDIS_URL, redis_or_skip

    client = redis_or_skip()
    settings.REDIS_URL, settings.DELIVERY_RATE_STORE = REDIS_URL, "redis"
    pace._redis.cache_clear()
    for key in client.scan_iter("canhgiac:budget:test-*"):
        client.delete(key)
    try:
        limit = RateLimit(4, 3600)
        now = pace.datetime.now(pace.UTC)
        assert [pace.take("test-oa", limit, 3, now).granted for _ in range(3)] == [3, 1, 0]
        assert ChannelBudget.objects.count() == 0
    finally:
        pace._redis.cache_clear()


def test_metrics_count_the_sends_of_each_credential(world, fake, live_server):  # noqa: F811
    neighbour = extend_with_neighbour(world)
    home_oa = add_zalo_oa(fake, world.commune, rate_per_second=100)
    neighbour_oa = add_zalo_oa(fake, world.neighbour, rate_per_second=100)
    home = followers(world.officer, world.household, home_oa, 3, 5000)
    away = followers(world.admin, neighbour.neighbour_resident.household, neighbour_oa, 2, 6000)
    notify([p.pk for p in home + away], subject="Cảnh báo", body="Khóa cửa cẩn thận.")
    send_what_is_due(concurrency=4)

    text = httpx.get(f"{live_server.url}/metrics", timeout=30).text

    assert len(received_by_user(fake)) == 5
    assert f'canhgiac_sends_per_credential_last_5_minutes{{credential="zalo_oa:{home_oa.pk}",outcome="ok"}} 3.0' in text
    assert (
        f'canhgiac_sends_per_credential_last_5_minutes{{credential="zalo_oa:{neighbour_oa.pk}",outcome="ok"}} 2.0'
        in text
    )
    assert 'canhgiac_sends_last_5_minutes{channel="zalo_oa",outcome="ok"} 5.0' in text
