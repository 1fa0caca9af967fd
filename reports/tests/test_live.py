"""Live queue updates: the stream view, the in-process broker and the Redis broker."""

import json

import pytest
from django.urls import reverse

from canhgiac.testing import create_report, signed_in
from reports import live

REDIS_TEST_URL = "redis://127.0.0.1:6379/3"


def redis_up() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def test_a_new_report_reaches_an_open_queue_stream(world, client, django_capture_on_commit_callbacks):
    signed_in(client, world.officer)
    response = client.get(reverse("reports:queue_stream"))
    assert response["Content-Type"] == "text/event-stream"
    chunks = iter(response.streaming_content)
    assert next(chunks).startswith(b"retry:")
    with django_capture_on_commit_callbacks(execute=True):
        report = create_report(world.resident, world.rg).report
    event = next(chunks).decode()
    assert event.startswith("event: report")
    assert json.loads(event.split("data: ", 1)[1])["code"] == report.receipt_code
    response.close()


def test_the_stream_of_an_officer_elsewhere_carries_nothing_from_this_commune(
    world, client, django_capture_on_commit_callbacks
):
    signed_in(client, world.far_officer)
    response = client.get(reverse("reports:queue_stream"))
    chunks = iter(response.streaming_content)
    next(chunks)
    with django_capture_on_commit_callbacks(execute=True):
        create_report(world.resident, world.rg)
    live.publish("report.new", unit_path=world.far_commune.path, kind="crime", code="CG-TEST-0001")
    assert "CG-TEST-0001" in next(chunks).decode()
    response.close()


def test_residents_cannot_open_the_stream(world, client):
    signed_in(client, world.resident)
    assert client.get(reverse("reports:queue_stream")).status_code == 403


@pytest.mark.skipif(not redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_with_redis_events_cross_processes_through_pub_sub(settings):
    settings.REPORTS_LIVE_REDIS_URL = REDIS_TEST_URL
    broker = live.broker()
    assert isinstance(broker, live.RedisBroker)
    messages = broker.listen()
    live.publish("report.new", unit_path="80/", kind="crime", code="CG-REDI-S001")
    received = next(m for m in messages if m is not None)
    assert json.loads(received)["code"] == "CG-REDI-S001"
    messages.close()


@pytest.mark.skipif(not redis_up(), reason="Redis is not reachable on 127.0.0.1:6379")
def test_sites_sharing_a_redis_server_on_other_database_numbers_do_not_see_each_others_reports():
    import redis

    neighbour_url = "redis://127.0.0.1:6379/4"
    client = redis.Redis.from_url(neighbour_url)
    neighbour = client.pubsub(ignore_subscribe_messages=True)
    neighbour.subscribe(live.RedisBroker(neighbour_url).channel)
    ours = live.RedisBroker(REDIS_TEST_URL)
    messages = ours.listen()
    ours.publish(json.dumps({"code": "CG-OURS-0001"}))
    assert json.loads(next(m for m in messages if m is not None))["code"] == "CG-OURS-0001"
    assert neighbour.get_message(timeout=1) is None
    messages.close()
    neighbour.close()
    client.close()


def test_the_async_stream_used_under_uvicorn_delivers_events_published_from_another_thread():
    import asyncio
    import threading

    async def first_event():
        stream = live.asse_stream(lambda event: event["code"] == "CG-ASGI-0001")
        assert (await anext(stream)).startswith("retry:")
        threading.Thread(
            target=live.publish,
            args=("report.new",),
            kwargs={"unit_path": "80/", "kind": "crime", "code": "CG-ASGI-0001"},
        ).start()
        event = await asyncio.wait_for(anext(stream), 5)
        await stream.aclose()
        return event

    assert "CG-ASGI-0001" in asyncio.run(first_event())
