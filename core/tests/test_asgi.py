"""The web process lets a bounded number of requests into Django at once, the rest waiting in
order of arrival, and a streamed response (the live queue's server-sent events) holds no slot."""

import asyncio
from collections.abc import Mapping
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from core.asgi import BoundedASGIHandler


def scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


class Request:
    """One client: sends its request, then waits (as a browser holding the connection would)."""

    def __init__(self) -> None:
        self.sent = False
        self.status: int | None = None
        self.body = b""
        self.finished = asyncio.Event()
        self.hang_up = asyncio.Event()

    async def receive(self) -> dict:
        if not self.sent:
            self.sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Mapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                self.finished.set()


class Answering(BoundedASGIHandler):
    """The real handler, answering every request with `respond(path)` instead of Django's view
    dispatch (which is Django's, not ours)."""

    def __init__(self, concurrency: int, respond) -> None:
        super().__init__(concurrency)
        self.respond = respond

    async def get_response_async(self, request):
        return await self.respond(request.path)


def bounded(concurrency: int, respond) -> BoundedASGIHandler:
    return Answering(concurrency, respond)


def test_at_most_the_bound_runs_at_once_and_the_rest_go_in_order_of_arrival():
    async def scenario():
        running, most, entered = 0, 0, []

        async def respond(path):
            nonlocal running, most
            running += 1
            most = max(most, running)
            entered.append(path)
            await asyncio.sleep(0.01)
            running -= 1
            return HttpResponse(path)

        handler = bounded(2, respond)
        clients = [Request() for _ in range(8)]
        tasks = []
        for index, client in enumerate(clients):
            tasks.append(asyncio.create_task(handler(scope(f"/r{index}"), client.receive, client.send)))
            await asyncio.sleep(0)  # arrive one after the other
        await asyncio.wait_for(asyncio.gather(*(c.finished.wait() for c in clients)), 10)
        for client in clients:
            client.hang_up.set()
        await asyncio.gather(*tasks)
        return most, entered, [(c.status, c.body) for c in clients]

    most, entered, answers = asyncio.run(scenario())
    assert most == 2
    assert entered == [f"/r{i}" for i in range(8)]
    assert answers == [(200, f"/r{i}".encode()) for i in range(8)]


def test_an_open_event_stream_holds_no_slot():
    async def scenario():
        stream_open = asyncio.Event()

        async def events():
            yield b"data: hello\n\n"
            stream_open.set()
            await asyncio.sleep(3600)  # a live queue left open on a desk all day

        async def respond(path):
            if path == "/stream":
                return StreamingHttpResponse(events(), content_type="text/event-stream")
            return HttpResponse("ok")

        handler = bounded(1, respond)
        watcher, other = Request(), Request()
        streaming = asyncio.create_task(handler(scope("/stream"), watcher.receive, watcher.send))
        await asyncio.wait_for(stream_open.wait(), 10)
        asking = asyncio.create_task(handler(scope("/page"), other.receive, other.send))
        await asyncio.wait_for(other.finished.wait(), 10)  # would wait an hour if the stream held the slot
        other.hang_up.set()
        await asking
        watcher.hang_up.set()  # the watcher closes the page
        await asyncio.wait_for(streaming, 10)
        return watcher.body, other.status

    first_event, status = asyncio.run(scenario())
    assert first_event.startswith(b"data: hello") and status == 200


def test_no_bound_is_djangos_own_behaviour(settings):
    async def scenario():
        running, most = 0, 0

        async def respond(path):
            nonlocal running, most
            running += 1
            most = max(most, running)
            await asyncio.sleep(0.01)
            running -= 1
            return HttpResponse("ok")

        handler = bounded(0, respond)
        clients = [Request() for _ in range(5)]
        tasks = [asyncio.create_task(handler(scope("/"), c.receive, c.send)) for c in clients]
        await asyncio.wait_for(asyncio.gather(*(c.finished.wait() for c in clients)), 10)
        for client in clients:
            client.hang_up.set()
        await asyncio.gather(*tasks)
        return most

    assert asyncio.run(scenario()) == 5


def test_the_site_is_served_through_the_bounded_handler_with_the_configured_bound(settings):
    from canhgiac.asgi import application

    assert isinstance(application, BoundedASGIHandler)
    assert application.concurrency == settings.REQUEST_CONCURRENCY > 0
