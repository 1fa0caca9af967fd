"""The ASGI application: Django's handler, with a bound on how many requests run at once.

Under ASGI, Django runs each request's synchronous code (middleware, views, the ORM) in a thread
of its own. Left alone, 50 requests at once make 50 threads sharing one interpreter lock and, on
SQLite, 50 connections waiting for one write lock in SQLite's busy handler, which lets newcomers
overtake whoever has waited longest (docs/benchmarks.md, "intake"). Here at most
`REQUEST_CONCURRENCY` requests are inside Django at a time; the others wait in order of arrival
on the event loop, where waiting costs no thread. Only producing the response is bounded: reading
a slow upload happens before, and a streamed response (the live queue's server-sent events) is
sent after the slot is given back, so a page left open holds nothing.
"""

import asyncio

from django.core.handlers.asgi import ASGIHandler


class BoundedASGIHandler(ASGIHandler):
    def __init__(self, concurrency: int):
        super().__init__()
        self.concurrency = concurrency
        self._slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        # Made on first use, inside the server's event loop. asyncio's semaphore serves waiters in
        # order of arrival.
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        return self._slots

    async def run_get_response(self, request):
        if self.concurrency <= 0:
            return await super().run_get_response(request)
        async with self.slots():
            return await super().run_get_response(request)


def get_application() -> ASGIHandler:
    import django
    from django.conf import settings

    django.setup(set_prefix=False)
    return BoundedASGIHandler(settings.REQUEST_CONCURRENCY)
