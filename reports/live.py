"""Live updates for open queue pages: publish after commit, stream as server-sent events.

In one process (the embedded default) an in-memory broker hands each event to every open
stream; with REDIS_URL set, events go through Redis pub/sub so every web process sees them
(docs/reports.md). Streams work under ASGI (uvicorn, async) and WSGI (threads, tests).
"""

import asyncio
import json
import queue
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator

from django.conf import settings

CHANNEL = "canhgiac:reports"  # followed by ":<database number>" of the Redis URL
HEARTBEAT_SECONDS = 15
STREAM_SECONDS = 300  # browsers reconnect on their own; this bounds a stream's lifetime


class InProcessBroker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sync: set[queue.Queue] = set()
        self._async: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()

    def publish(self, message: str) -> None:
        with self._lock:
            sync_subscribers, async_subscribers = list(self._sync), list(self._async)
        for q in sync_subscribers:
            q.put(message)
        for loop, aq in async_subscribers:
            loop.call_soon_threadsafe(aq.put_nowait, message)

    def listen(self) -> Generator[str | None, None, None]:
        """Subscribe now (so nothing published after this call is missed), then iterate."""
        q: queue.Queue = queue.Queue()
        with self._lock:
            self._sync.add(q)

        def messages() -> Generator[str | None, None, None]:
            try:
                while True:
                    try:
                        yield q.get(timeout=HEARTBEAT_SECONDS)
                    except queue.Empty:
                        yield None
            finally:
                with self._lock:
                    self._sync.discard(q)

        return messages()

    async def asubscribe(self) -> AsyncIterator[str | None]:
        """Subscribe now, on the running event loop, then iterate."""
        entry: tuple[asyncio.AbstractEventLoop, asyncio.Queue] = (asyncio.get_running_loop(), asyncio.Queue())
        with self._lock:
            self._async.add(entry)

        async def messages() -> AsyncIterator[str | None]:
            try:
                while True:
                    try:
                        yield await asyncio.wait_for(entry[1].get(), HEARTBEAT_SECONDS)
                    except TimeoutError:
                        yield None
            finally:
                with self._lock:
                    self._async.discard(entry)

        return messages()


class RedisBroker:
    def __init__(self, url: str) -> None:
        from redis.connection import parse_url

        self.url = url
        # Pub/sub channels are server-wide, not per database number: sites that share one Redis
        # server on different database numbers (as their task queues do) must not see each other's.
        self.channel = f"{CHANNEL}:{parse_url(url).get('db', 0)}"

    def publish(self, message: str) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        try:
            client.publish(self.channel, message)
        finally:
            client.close()

    def listen(self) -> Generator[str | None, None, None]:
        import redis

        client = redis.Redis.from_url(self.url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)

        def messages() -> Generator[str | None, None, None]:
            try:
                while True:
                    message = pubsub.get_message(timeout=HEARTBEAT_SECONDS)
                    yield message["data"].decode() if message else None
            finally:
                pubsub.close()
                client.close()

        return messages()

    async def asubscribe(self) -> AsyncIterator[str | None]:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self.url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.channel)

        async def messages() -> AsyncIterator[str | None]:
            try:
                while True:
                    message = await pubsub.get_message(timeout=HEARTBEAT_SECONDS)
                    yield message["data"].decode() if message else None
            finally:
                await pubsub.aclose()
                await client.aclose()

        return messages()


_in_process = InProcessBroker()


def broker() -> InProcessBroker | RedisBroker:
    url = getattr(settings, "REPORTS_LIVE_REDIS_URL", "") or settings.REDIS_URL
    return RedisBroker(url) if url else _in_process


def publish(event: str, *, unit_path: str, kind: str, code: str, urgent: bool = False) -> None:
    broker().publish(json.dumps({"event": event, "unit_path": unit_path, "kind": kind, "code": code, "urgent": urgent}))


def _visible(raw: str, allowed) -> str | None:
    data = json.loads(raw)
    return raw if allowed(data) else None


def sse_stream(allowed) -> Iterator[str]:
    """Server-sent events for a WSGI worker thread; `allowed(event)` scopes what is sent."""
    messages = broker().listen()
    return _sse(messages, allowed)


def _sse(messages: Iterator[str | None], allowed) -> Iterator[str]:
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + STREAM_SECONDS
    for raw in messages:
        if time.monotonic() > deadline:
            return
        if raw is None:
            yield ": keep-alive\n\n"
        elif (visible := _visible(raw, allowed)) is not None:
            yield f"event: report\ndata: {visible}\n\n"


async def asse_stream(allowed) -> AsyncGenerator[str, None]:
    """The same under ASGI; subscribed before the first chunk, so nothing after it is missed."""
    messages = await broker().asubscribe()
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + STREAM_SECONDS
    async for raw in messages:
        if time.monotonic() > deadline:
            return
        if raw is None:
            yield ": keep-alive\n\n"
        elif (visible := _visible(raw, allowed)) is not None:
            yield f"event: report\ndata: {visible}\n\n"
