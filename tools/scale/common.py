"""Processes, the throwaway database and the Redis lock of the multi-process test, and the phase
the run is in (said when it fails)."""

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from core.processes import descendants

ROOT = Path(__file__).resolve().parent.parent.parent

DATABASE_NAME = "canhgiac_test_scale"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"
LOCK_KEY = "canhgiac:test-scale:lock"
LOG_DIR = ROOT / "var" / "scale"
GROUPS_FILE = LOG_DIR / "groups.json"  # the children's process groups, for the next run if this one is killed
IN_FLIGHT = 8  # DELIVERY_CONCURRENCY of each worker: what one SIGKILL can leave unanswered
LEASE_SECONDS = 15
PROVIDER_LATENCY = 0.1


class Failed(Exception):
    """The run found something wrong; the message says what."""


class Phase:
    name = "starting"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# Processes ----------------------------------------------------------------------------------


def die_with_parent() -> None:
    """In the child before exec: SIGKILL it if this runner dies, so nothing outlives a killed run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Children:
    """The processes of the run, by name; each logs to var/scale/<name>.log (appended on restart)."""

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.running: dict[str, subprocess.Popen] = {}
        self.groups: list[int] = []
        self.lock = threading.Lock()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        for old in LOG_DIR.glob("*.log"):
            old.unlink()

    def log_path(self, name: str) -> Path:
        return LOG_DIR / f"{name}.log"

    def start(self, name: str, args: list[str]) -> subprocess.Popen:
        with open(self.log_path(name), "a") as out:
            process = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        with self.lock:
            self.running[name] = process
            self.groups.append(process.pid)  # its own session: the group the process leads
            GROUPS_FILE.write_text(json.dumps({"runner": os.getpid(), "groups": self.groups}))
        return process

    def kill(self, name: str) -> None:
        """SIGKILL to the process and everything it started, as when its machine dies."""
        process = self.running[name]
        for pid in [process.pid, *descendants(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, name: str, timeout: float = 30) -> float:
        """SIGTERM, as systemd stops a unit; SIGKILL after `timeout`. Returns the seconds it took."""
        process = self.running[name]
        started = time.monotonic()
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(name)
        return time.monotonic() - started

    def kill_all(self) -> None:
        with self.lock:
            processes = list(self.running.values())
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.terminate()
        deadline = time.monotonic() + 10
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in processes:
            for pid in [process.pid, *descendants(process.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)

    def tail(self, name: str, lines: int = 15) -> str:
        path = self.log_path(name)
        text = path.read_text(errors="replace").splitlines() if path.exists() else []
        return "\n".join(f"    {line}" for line in text[-lines:])


def reap_stale() -> None:
    """Kill what a previous run left when it was itself killed with SIGKILL: its children died with
    it (PR_SET_PDEATHSIG), but not what they forked (an RQ worker's scheduler), which stays in
    their process groups. Only groups whose processes run this checkout's code are touched."""
    try:
        stale = json.loads(GROUPS_FILE.read_text())
    except (OSError, ValueError):
        return
    if alive(stale.get("runner", 0)):
        return
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            group = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
            ours = str(ROOT) in (entry / "cmdline").read_bytes().decode(errors="replace") or str(ROOT) in str(
                (entry / "cwd").resolve()
            )
        except (OSError, IndexError, ValueError):
            continue
        if group in stale.get("groups", []) and ours:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry.name), signal.SIGKILL)
    GROUPS_FILE.unlink(missing_ok=True)


def wait_for(condition, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise Failed(f"timed out after {timeout:.0f} s waiting for {what}")


def ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


# Database and Redis -------------------------------------------------------------------------


def admin_url(base: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path="/postgres"))


def database_url(base: str) -> str:
    return urlunsplit(urlsplit(base)._replace(path=f"/{DATABASE_NAME}"))


def drop_database(base: str) -> None:
    import psycopg

    with psycopg.connect(admin_url(base).replace("postgres://", "postgresql://", 1), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE_NAME}" WITH (FORCE)')


def create_database(base: str) -> str:
    import psycopg

    drop_database(base)
    with psycopg.connect(admin_url(base).replace("postgres://", "postgresql://", 1), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return database_url(base)


def take_redis(url: str, seconds: float):
    """The Redis database of the run, emptied; refused while another run holds its lock."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    client.ping()
    if not client.set(LOCK_KEY, str(os.getpid()), nx=True, ex=int(seconds) + 120):
        holder = int(client.get(LOCK_KEY) or 0)
        if holder and alive(holder):
            raise Failed(f"another test-scale run (pid {holder}) is using {url}; try again after it")
        client.set(LOCK_KEY, str(os.getpid()), ex=int(seconds) + 120)  # left by a run that was killed
    for key in client.scan_iter(count=1000):
        if key != LOCK_KEY.encode():
            client.delete(key)
    return client


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_redis(client) -> None:
    with contextlib.suppress(Exception):
        client.flushdb()
