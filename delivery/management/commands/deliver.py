"""The delivery loop (like healthchecks' `sendalerts`): send what is due, pick up work whose
worker died (its lease expired), run periodic jobs such as scheduled bulletins. Any number of
these may run on any number of machines: claims are atomic (docs/fanout.md)."""

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

from delivery.engine import drain, new_worker_id


class Command(BaseCommand):
    help = "Send due deliveries in a loop, recover crashed workers' deliveries, run periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Drain once and exit.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds to sleep when idle.")

    def handle(self, *args, once: bool, interval: float, **options):
        worker = new_worker_id()
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"delivery worker {worker} started")
        while not stopping:
            close_old_connections()
            for path in settings.DELIVERY_PERIODIC:
                import_string(path)()
            result = drain(worker=worker, budget_seconds=settings.DELIVERY_DRAIN_SECONDS)
            if result.handled:
                self.stdout.write(
                    f"sent={result.sent} retried={result.retried} deferred={result.deferred} failed={result.failed}"
                )
            if once:
                break
            if not result.handled:
                time.sleep(interval)
        self.stdout.write(f"delivery worker {worker} stopped")
