"""Workers killed with SIGKILL in the middle of a fan-out, on both queues a deployment can run
(the `deliver` loop on the database; RQ workers on Redis) and on the database the suite runs on
(SQLite in the first pass of `make test`, PostgreSQL in the second): every recipient gets exactly
one SMS, counted at the fake SMS gateway, and the rows the dead workers held are taken over by a
surviving worker once their lease expires, not before (docs/fanout.md, "Crashes")."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Min

from channels.actions import check_add_channel
from channels.fake_providers import FakeProviders
from core.processes import descendants
from coverage.actions import check_add_household_member
from delivery.actions import check_set_channels
from delivery.models import Attempt, Delivery, DeliveryStatus
from delivery.notify import notify
from delivery.tests.processes import ROOT, wait_for, worker_env

RECIPIENTS = 50  # under the SMS gateway's 60 a minute, so no send waits for the next minute
LEASE_SECONDS = 4
# After a lease expires the survivor takes the rows at its next claim: within one batch of sends
# (5 × the provider's latency) plus a poll, here well under a second; the rest is a loaded machine.
TAKEOVER_SLACK_SECONDS = 5
REDIS_URL = os.environ.get("TEST_CRASH_REDIS_URL", "redis://127.0.0.1:6379/5")
IN_FLIGHT = 4  # sends each worker keeps in flight (docs/fanout.md): what a kill can leave unanswered
ENV = {
    "DELIVERY_CONCURRENCY": str(IN_FLIGHT),
    "DELIVERY_CONCURRENCY_PER_CREDENTIAL": str(IN_FLIGHT),
    "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
    "DELIVERY_BATCH_SIZE": "5",
    "DELIVERY_DRAIN_SECONDS": "60",
    "PYTHONUNBUFFERED": "1",
}


def start_worker(args: list[str], **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=worker_env(**ENV, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill_worker(process: subprocess.Popen) -> None:
    """SIGKILL to the worker and everything it started, as when its machine dies."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop_worker(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        kill_worker(process)
        return process.communicate()[0]


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} (set TEST_CRASH_REDIS_URL): the RQ crash test needs it")
    return client


@pytest.fixture
def sms_gateway(world):
    fake = FakeProviders()
    fake.start()
    fake.latency = 0.2  # each SMS takes a fifth of a second, so the kill lands mid-run
    check_add_channel(None, world.commune, "sms_gateway", {"url": f"{fake.url}/sms/send", "phone_format": "84"})
    yield fake
    fake.stop()


@pytest.fixture
def recipients(world):
    people = []
    for index in range(RECIPIENTS):
        person = check_add_household_member(
            world.officer, world.household, full_name=f"Người nhận {index}", phone=f"090500{index:04d}"
        )
        check_set_channels(person, person, [("sms_gateway", f"090500{index:04d}")])
        people.append(person)
    return people


def enqueue_on_redis(jobs: int) -> None:
    """What a publish on a Redis deployment does (`delivery.tasks.enqueue_after_commit`), once per worker."""
    code = f"from delivery.tasks import send_deliveries\nfor _ in range({jobs}): send_deliveries.enqueue()"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=worker_env(REDIS_URL=REDIS_URL),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("queue", ["database", "redis"])
@pytest.mark.django_db(transaction=True)
def test_killing_two_of_three_workers_mid_fanout_sends_every_sms_once_and_the_survivor_takes_over_after_the_lease(
    queue, world, recipients, sms_gateway, settings
):
    # The publish enqueues on the embedded queue, which nothing here runs: only the workers below send.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    if queue == "redis":
        from rq import Queue

        from core.taskqueue import JOB_CLASS

        client = redis_or_skip()
        for name in settings.TASK_QUEUES:
            Queue(name, connection=client).empty()
        command = ["rqworker", "default", "--job-class", JOB_CLASS]
        # As deployed (deploy/systemd, compose.yaml): with RQ's scheduler, which runs the drain a
        # finishing task defers to the moment the dead workers' leases run out.
        workers = [
            start_worker(command + (["--with-scheduler"] if n == 2 else []), REDIS_URL=REDIS_URL) for n in range(3)
        ]
    else:
        workers = [start_worker(["deliver", "--interval", "0.1"]) for _ in range(3)]
    *victims, _survivor = workers
    try:
        if queue == "database":  # each loop says so once it polls
            assert all("started" in (worker.stdout.readline() if worker.stdout else "") for worker in workers)
        else:  # each RQ worker registers itself before it listens: on a loaded machine one can start late
            from rq import Worker

            registered = wait_for(lambda: len(Worker.all(connection=client)) >= len(workers), timeout=60, interval=0.1)
            assert registered, "the three RQ workers did not start"
        notice = notify([p.pk for p in recipients], subject="Cảnh báo", body="Trộm chó ở ấp Phước Hội.")
        if queue == "redis":
            enqueue_on_redis(len(workers))

        # Every worker has sent something (each holds a batch), and most of the run is still ahead.
        busy = wait_for(
            lambda: (
                Attempt.objects.filter(delivery__notice=notice, ok=True).values("worker").distinct().count() >= 3
                and len(sms_gateway.sent) >= 10
            ),
            timeout=40,
            interval=0.02,
        )
        assert busy, "the three workers did not all start sending"
        for victim in victims:
            kill_worker(victim)
        killed_at = time.time()
        held = {
            pk: (worker, claimed_at)
            for pk, worker, claimed_at in Delivery.objects.filter(
                notice=notice, status=DeliveryStatus.QUEUED, claimed_by__isnull=False
            ).values_list("pk", "claimed_by", "claimed_at")
            if claimed_at is not None
        }

        done = wait_for(
            lambda: not Delivery.objects.filter(notice=notice).exclude(status=DeliveryStatus.DELIVERED).exists(),
            timeout=45,
            interval=0.1,
        )
        finished_at = time.time()
    finally:
        output = "\n".join(stop_worker(worker) for worker in workers if worker.poll() is None)
    assert done, output

    # 0 lost, 0 duplicated: every phone got one SMS, counted at the gateway.
    phones = Counter(message["body"]["to"] for message in sms_gateway.sent.values())
    assert phones == Counter({f"8490500{index:04d}": 1 for index in range(RECIPIENTS)})
    # The database agrees: one successful attempt per delivery.
    successes = Attempt.objects.filter(delivery__notice=notice, ok=True)
    assert sorted(Counter(successes.values_list("delivery", flat=True)).values()) == [1] * RECIPIENTS
    # Requests repeated after the kill: at most the ones each dead worker had in flight, absorbed by
    # the gateway's idempotency key.
    repeated = len(sms_gateway.calls("sms")) - RECIPIENTS
    assert 0 <= repeated <= len(victims) * IN_FLIGHT

    # Taken over: rows the dead workers held were sent by another worker, after their lease expired
    # (never while it was running) and promptly then.
    sent_by = dict(successes.values_list("delivery", "worker"))
    sent_at = dict(successes.values("delivery").annotate(at=Min("at")).values_list("delivery", "at"))
    taken_over = {pk: claim for pk, claim in held.items() if sent_by[pk] != claim[0]}
    assert taken_over, "the dead workers held no rows when they were killed"
    lease = timedelta(seconds=LEASE_SECONDS)
    for pk, (_worker, claimed_at) in taken_over.items():
        assert claimed_at + lease <= sent_at[pk] <= claimed_at + lease + timedelta(seconds=TAKEOVER_SLACK_SECONDS)
    worst = max((sent_at[pk] - claimed_at - lease).total_seconds() for pk, (_w, claimed_at) in taken_over.items())
    print(  # the figures docs/benchmarks.md quotes
        f"queue={queue} taken_over={len(taken_over)} repeated_requests={repeated} "
        f"worst_takeover_after_lease={worst:.2f}s kill_to_done={finished_at - killed_at:.1f}s"
    )
