"""Start the web server (ASGI, uvicorn) and a task worker together, and stop both together."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

from core.env import env_int, env_str


def worker_command() -> list[str]:
    if settings.REDIS_URL:
        from core.taskqueue import JOB_CLASS

        # TASK_QUEUES is ordered urgent first: RQ workers drain queues in the order given.
        return [
            sys.executable,
            "manage.py",
            "rqworker",
            *settings.TASK_QUEUES,
            "--job-class",
            JOB_CLASS,
            "--with-scheduler",
        ]
    return [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"]


def web_command(host: str, port: int) -> list[str]:
    """uvicorn ignores forwarding headers: the app decides whom to believe (TRUSTED_PROXIES)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "canhgiac.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--no-proxy-headers",
    ]


@dataclass(eq=False)
class SideShow:
    """A process that runs beside the app but is not part of it: if it stops, the app goes on."""

    command: list[str]
    started: str  # said when it starts
    stopped: str  # said if it stops while the app runs


class Command(BaseCommand):
    """Commands that serve something more (the demo's fake providers: `serve_demo`) extend this one."""

    help = "Run the web server and the task worker together (the embedded default: one command)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--workers", type=int, default=1, help="Task worker processes")

    def side_shows(self, env: dict[str, str], *, port: int, **options) -> list[SideShow]:
        """Processes to run beside the app; may point the app at them by updating `env`. None here."""
        return []

    def handle(self, *args, host, port, workers, **options):
        env = dict(os.environ)
        shows = self.side_shows(env, port=port, **options)
        beside = [subprocess.Popen(show.command, env=env) for show in shows]
        web = web_command(host, port)
        processes = [subprocess.Popen(web, env=env)]
        processes += [subprocess.Popen(worker_command(), env=env) for _ in range(workers)]
        # The delivery sweeper: retries due, crashed workers' leases, scheduled bulletins.
        processes.append(subprocess.Popen([sys.executable, "manage.py", "deliver"], env=env))
        self.stdout.write(f"Cảnh Giác is serving at http://{host}:{port}/ with {workers} task worker(s). Ctrl+C stops.")
        for show in shows:
            self.stdout.write(show.started)

        def stop(*_args):
            for process in processes + beside:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        told: set[SideShow] = set()
        try:
            while all(process.poll() is None for process in processes):
                for show, process in zip(shows, beside, strict=True):
                    if show not in told and process.poll() is not None:
                        told.add(show)
                        self.stderr.write(show.stopped)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes + beside:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            sys.exit(1)
