"""A worker killed with SIGKILL in the middle of a large send loses nothing."""

import signal
from collections import Counter

import pytest

from canhgiac.testing import give_email
from coverage.actions import check_add_household_member
from delivery.models import Attempt, Delivery, DeliveryStatus
from delivery.notify import notify
from delivery.tests.processes import start, wait_for
from groups.actions import check_add_member

RECIPIENTS = 40
IN_FLIGHT = 4  # sends a worker keeps in flight


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_every_recipient_with_exactly_one_delivery(world, smtp_server, settings):
    # The embedded queue: the publish enqueues, and only the worker processes below send.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    smtp_server.delay = 0.03  # slow enough that the kill lands in the middle of the run
    people = []
    for index in range(RECIPIENTS):
        person = check_add_household_member(
            world.officer, world.household, full_name=f"Người {index}", phone=f"090400{index:04d}"
        )
        check_add_member(world.leader, world.rg_group, person)
        give_email(person, f"p{index}@example.vn")
        people.append(person)
    notice = notify([p.pk for p in people], subject="Tin quan trọng", body="…")
    env = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "DELIVERY_LEASE_SECONDS": "2",
        "DELIVERY_BATCH_SIZE": "5",
        "DELIVERY_CONCURRENCY": str(IN_FLIGHT),
        "DELIVERY_CONCURRENCY_PER_CREDENTIAL": str(IN_FLIGHT),
    }

    worker = start(["deliver", "--interval", "0.2"], **env)
    assert wait_for(lambda: len(smtp_server.messages) >= 8, timeout=60), worker.stdout
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    queued = Delivery.objects.filter(notice=notice, status=DeliveryStatus.QUEUED).count()
    assert queued > 0, "the worker should have been killed mid-run"

    restarted = start(["deliver", "--interval", "0.2"], **env)
    try:
        done = wait_for(
            lambda: not Delivery.objects.filter(notice=notice).exclude(status=DeliveryStatus.DELIVERED).exists(),
            timeout=90,
            interval=0.2,
        )
    finally:
        restarted.terminate()
        output = restarted.communicate(timeout=20)[0]
    assert done, output

    deliveries = Delivery.objects.filter(notice=notice)
    assert deliveries.count() == RECIPIENTS
    assert set(deliveries.values_list("channel", flat=True)) == {"email"}
    delivered_records = Counter(
        Attempt.objects.filter(delivery__notice=notice, ok=True).values_list("delivery", flat=True)
    )
    assert sorted(delivered_records.values()) == [1] * RECIPIENTS
    arrived = Counter(m["To"] for m in smtp_server.messages)
    assert set(arrived) == {f"p{index}@example.vn" for index in range(RECIPIENTS)}
    # At-least-once towards SMTP: only the messages in flight at the moment of the kill may repeat.
    assert sum(arrived.values()) - RECIPIENTS <= IN_FLIGHT
