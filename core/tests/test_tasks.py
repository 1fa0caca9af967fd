"""Background tasks run through the real queues: the database queue (embedded default) and Redis."""

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from canhgiac.settings import TASK_QUEUES
from people.actions import do_request_signin_code
from people.senders import MemorySender

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
RQ_TASKS = {"default": {"BACKEND": "core.taskqueue.RQBackend", "QUEUES": TASK_QUEUES}}
TEST_REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@override_settings(TASKS=DB_TASKS)
def test_a_sign_in_code_waits_in_the_database_queue_until_the_worker_sends_it(transactional_db):
    # transactional: the worker closes and reopens connections between tasks, as in production.
    do_request_signin_code("0901000001")
    assert MemorySender.outbox == []
    assert DBTaskResult.objects.filter(status="READY", queue_name="signin").count() == 1

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-reload", verbosity=0)

    assert MemorySender.last_code_for("+84901000001")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.skipif(not redis_reachable(), reason=f"Redis is not reachable at {TEST_REDIS_URL}")
def test_with_redis_configured_a_task_goes_through_rq_and_a_real_rq_worker(db, django_capture_on_commit_callbacks):
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    queues = {name: {"URL": TEST_REDIS_URL} for name in TASK_QUEUES}
    with override_settings(TASKS=RQ_TASKS, RQ_QUEUES=queues):
        with django_capture_on_commit_callbacks(execute=True):
            do_request_signin_code("0901000002")
        assert client.llen("rq:queue:signin") == 1 and MemorySender.outbox == []
        call_command(
            "rqworker",
            "signin",
            burst=True,
            job_class="django_tasks_rq.backend.Job",
            worker_class="rq.worker.SimpleWorker",
            verbosity=0,
        )
    assert MemorySender.last_code_for("+84901000002")
    client.flushdb()
