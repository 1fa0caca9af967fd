"""`manage.py scheduler`: the periodic jobs (SCHEDULED_JOBS), each enqueued once per period however
many schedulers run on however many machines (core/scheduler.py, docs/tasks.md)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from core.scheduler import tick


class Command(BaseCommand):
    help = "Enqueue the periodic jobs of SCHEDULED_JOBS, each once per period across all schedulers."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Check once and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between checks (30).")

    def handle(self, *args, once: bool, interval: float, **options):
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            for name in tick():
                self.stdout.write(f"enqueued {name}")
            if once:
                break
            time.sleep(interval)
