"""Start the web server (ASGI, uvicorn) and a task worker together, and stop both together."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from canhgiac.env import env_int, env_str


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


def fake_provider_urls(base: str) -> dict[str, str]:
    from channels.fake_providers import base_urls

    return base_urls(base)


class Command(BaseCommand):
    help = "Run the web server and the task worker together (the embedded default: one command)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--workers", type=int, default=1, help="Task worker processes")
        parser.add_argument(
            "--fake-providers",
            type=int,
            nargs="?",
            const=8025,
            metavar="PORT",
            help="Also run the fake Zalo/Telegram/SMS providers (demo; default port 8025) and send to them",
        )

    def handle(self, *args, host, port, workers, fake_providers, **options):
        env = dict(os.environ)
        # The demo's fake providers are a side show: if they stop (their port taken, say), the app
        # goes on, and messages to Zalo, Telegram and SMS are retried and fall back to the inbox.
        side_show = []
        if fake_providers:
            env.update(fake_provider_urls(f"http://127.0.0.1:{fake_providers}"))
            fake = [sys.executable, "manage.py", "fake_providers", "--port", str(fake_providers)]
            side_show.append(subprocess.Popen([*fake, "--app-url", f"http://127.0.0.1:{port}"], env=env))
        web = [sys.executable, "-m", "uvicorn", "canhgiac.asgi:application", "--host", host, "--port", str(port)]
        processes = [subprocess.Popen(web, env=env)]
        processes += [subprocess.Popen(worker_command(), env=env) for _ in range(workers)]
        # The delivery sweeper: retries due, crashed workers' leases, scheduled bulletins.
        processes.append(subprocess.Popen([sys.executable, "manage.py", "deliver"], env=env))
        self.stdout.write(f"Cảnh Giác is serving at http://{host}:{port}/ with {workers} task worker(s). Ctrl+C stops.")
        if fake_providers:
            self.stdout.write(
                f"Zalo, Telegram and SMS go to the fake providers at http://127.0.0.1:{fake_providers}/ "
                "(their requests are printed here; docs/channels.md)."
            )

        def stop(*_args):
            for process in processes + side_show:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        told = False
        try:
            while all(process.poll() is None for process in processes):
                if not told and any(process.poll() is not None for process in side_show):
                    told = True
                    self.stderr.write(
                        f"The fake providers stopped (is port {fake_providers} taken?); Cảnh Giác goes on without "
                        "them: Zalo, Telegram and SMS messages are retried, then fall back to the web inbox."
                    )
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes + side_show:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        failed = [p.returncode for p in processes if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            sys.exit(1)
