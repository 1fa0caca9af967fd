"""The scale-out path: Django's tasks on Redis (django-tasks-rq), run by a real rq worker."""

import os

import pytest

from canhgiac.testing import give_email
from core.taskqueue import JOB_CLASS
from delivery.models import Delivery, DeliveryStatus, Notice
from delivery.tests.processes import start

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


PUBLISH = """
import people.tasks  # a task with a priority: the Redis backend must accept it
from delivery.notify import notify
from groups.models import Membership
members = Membership.objects.filter(group__name="Nhóm Tổ 1 ấp Phước Hội", status="active").values("person_id")
print(notify(members, subject="Tin qua Redis", body="Xin chào").pk)
"""


@pytest.mark.django_db(transaction=True)
def test_a_publish_on_redis_is_sent_by_a_real_rq_worker(world, smtp_server):
    from rq import Queue

    client = redis_or_skip()
    for name in ("default", "urgent"):
        Queue(name, connection=client).empty()
    give_email(world.resident, "thanh@example.vn")
    env = {"REDIS_URL": REDIS_URL, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port)}

    publisher = start(["shell", "-c", PUBLISH], **env)
    output = publisher.communicate(timeout=60)[0]
    assert publisher.returncode == 0, output
    notice = Notice.objects.get(pk=int(output.strip().splitlines()[-1]))
    assert Queue("default", connection=client).count == 1
    assert Delivery.objects.get(notice=notice, person=world.resident).status == DeliveryStatus.QUEUED

    worker = start(["rqworker", "urgent", "default", "--burst", "--job-class", JOB_CLASS], **env)
    log = worker.communicate(timeout=120)[0]
    assert worker.returncode == 0, log

    assert "delivery.tasks.send_deliveries" in log and "state=SUCCESSFUL" in log, log
    assert Delivery.objects.get(notice=notice, person=world.resident).status == DeliveryStatus.DELIVERED
    [message] = smtp_server.to("thanh@example.vn")
    assert message["Subject"] == "Tin qua Redis"


SIGNIN = """
from people.tasks import send_signin_code
send_signin_code.enqueue("0912345678", "482913", "vi")
"""


@pytest.mark.django_db(transaction=True)
def test_a_worker_started_as_the_docs_say_runs_jobs_and_logs_no_phone_or_code(world, settings):
    """`manage.py rqworker …` alone: settings.RQ gives the job class every task needs and a worker
    that names jobs by id, not by their call with its arguments (a phone and a sign-in code here)."""
    from rq import Queue

    client = redis_or_skip()
    Queue("signin", connection=client).empty()
    env = {"REDIS_URL": REDIS_URL, "SIGNIN_CODE_SENDER": "people.senders.MemorySender"}
    publisher = start(["shell", "-c", SIGNIN], **env)
    output = publisher.communicate(timeout=60)[0]
    assert publisher.returncode == 0, output
    assert Queue("signin", connection=client).count == 1

    worker = start(["rqworker", "signin", "--burst"], **env)
    log = worker.communicate(timeout=120)[0]
    assert worker.returncode == 0, log
    assert "people.tasks.send_signin_code" in log and "state=SUCCESSFUL" in log, log
    assert "0912345678" not in log and "482913" not in log, log
