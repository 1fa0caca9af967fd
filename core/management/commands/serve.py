"""Start the web server (ASGI, uvicorn) and a task worker together, and stop both together."""

import argparse
import http.client
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

from core.env import env_int, env_str


def worker_command(*, quiet: bool = False) -> list[str]:
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
    # db_worker logs every task at INFO whatever LOG_LEVEL says; verbosity 0 is its only quiet setting.
    return [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--no-reload"] + (
        ["--verbosity", "0"] if quiet else []
    )


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


ANY_ADDRESS = ("0.0.0.0", "::", "")  # noqa: S104 — names of "every interface", to reach them at loopback


def local_address(host: str) -> str:
    return "127.0.0.1" if host in ANY_ADDRESS else host


def wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float = 90.0) -> bool:
    """True once the web server answers an HTTP request on host:port; False if it ends or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        connection = http.client.HTTPConnection(local_address(host), port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse()
            return True
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    return False


def child_environment(env: dict[str, str], *, host: str, port: int, quiet: bool) -> dict[str, str]:
    """The environment of the web server and workers: links in messages point at the port really
    served unless SITE_URL says otherwise, and a quiet run keeps the task log to warnings."""
    env = dict(env)
    if not env.get("SITE_URL"):
        env["SITE_URL"] = f"http://{local_address(host)}:{port}"
    if quiet and not env.get("LOG_LEVEL"):
        env["LOG_LEVEL"] = "WARNING"
    return env


class Command(BaseCommand):
    """Commands that serve something more (the demo's fake providers: `serve_demo`) extend this one."""

    quiet_by_default = False

    help = "Run the web server and the task worker together (the embedded default: one command)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000))
        parser.add_argument("--workers", type=int, default=1, help="Task worker processes")
        parser.add_argument(
            "--quiet",
            action=argparse.BooleanOptionalAction,
            default=self.quiet_by_default,
            help="Log only warnings from the web server and workers (sign-in codes still print)",
        )

    def side_shows(self, env: dict[str, str], *, port: int, **options) -> list[SideShow]:
        """Processes to run beside the app; may point the app at them by updating `env`. None here."""
        return []

    def handle(self, *args, host, port, workers, quiet, **options):
        env = child_environment(dict(os.environ), host=host, port=port, quiet=quiet)
        shows = self.side_shows(env, port=port, **options)
        beside = [subprocess.Popen(show.command, env=env) for show in shows]
        web = web_command(host, port)
        if quiet:
            web += ["--no-access-log", "--log-level", "warning"]
        processes = [subprocess.Popen(web, env=env)]
        processes += [subprocess.Popen(worker_command(quiet=quiet), env=env) for _ in range(workers)]
        # The delivery sweeper: retries due, crashed workers' leases, scheduled bulletins.
        processes.append(subprocess.Popen([sys.executable, "manage.py", "deliver"], env=env))

        def stop(*_args):
            for process in processes + beside:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        told: set[SideShow] = set()
        try:
            # Said once the port answers, so the address printed can be opened at once.
            if wait_for_port(host, port, processes[0]):
                self.stdout.write(
                    f"Cảnh Giác is serving at http://{host}:{port}/ with {workers} task worker(s). Ctrl+C stops."
                )
                self.stdout.flush()
                for show in shows:
                    self.stdout.write(show.started)
                self.stdout.flush()
            elif processes[0].poll() is not None:
                self.stderr.write(f"The web server did not start on port {port} (is it taken?).")
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
