import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from canhgiac.settings import TASK_QUEUES
from core.tests.test_tasks import TEST_REDIS_URL, redis_reachable

RQ_TASKS = {"default": {"BACKEND": "core.taskqueue.RQBackend", "QUEUES": TASK_QUEUES}}


def test_healthz_reports_database_and_queue(db, client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["ok"] is True and body["database"]["ok"] is True and body["queue"]["ok"] is True


@override_settings(TASKS=RQ_TASKS, REDIS_URL="redis://127.0.0.1:1/0")
def test_with_the_redis_queue_healthz_and_readyz_answer_503_while_redis_is_down(db, client):
    # What compose and a load balancer see when the Redis container or server stops.
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.json()["queue"] == {"ok": False}


@pytest.mark.skipif(not redis_reachable(), reason=f"Redis is not reachable at {TEST_REDIS_URL}")
@override_settings(TASKS=RQ_TASKS, REDIS_URL=TEST_REDIS_URL)
def test_with_the_redis_queue_healthz_counts_the_waiting_tasks(db, client):
    body = client.get("/healthz").json()
    assert body["queue"]["ok"] is True and body["queue"]["backend"] == "redis"
    assert isinstance(body["queue"]["waiting"], int)


def test_stats_prints_counts_for_a_unit(world):
    out = StringIO()
    call_command("stats", "--json", "--unit", world.commune.code, stdout=out)
    stats = json.loads(out.getvalue())
    assert stats["units"] == {"commune": 1, "hamlet": 2, "residential_group": 3}
    assert stats["groups"] == {"total": 3, "by_kind": {"hamlet": 1, "residential_group": 2}}
    assert stats["households"] == 2 and stats["coverage_percent"] == 100.0
    assert stats["members"] == 5  # four in Tổ 1 plus the officer in the hamlet group


def test_the_interface_speaks_vietnamese_by_default_and_english_on_request(db, client):
    assert "Đăng nhập" in client.get("/signin/").content.decode()
    # A phone whose system language is English still gets the commune's language.
    assert "Đăng nhập" in client.get("/signin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/signin/"})
    assert "Sign in" in client.get("/signin/").content.decode()


def test_a_person_who_chose_english_in_their_profile_gets_english(world, client):
    from canhgiac.testing import signed_in

    world.resident.language = "en"
    world.resident.save()
    signed_in(client, world.resident)
    assert "My groups" in client.get("/groups/").content.decode()
