"""`manage.py serve_demo` (what `make demo` runs): it says "serving at" only once the port answers,
keeps the task log quiet, and links in messages use the port it really serves."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.management.commands.serve import child_environment

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_links_follow_the_port_served_unless_site_url_is_set():
    assert child_environment({}, host="127.0.0.1", port=8123, quiet=False)["SITE_URL"] == "http://127.0.0.1:8123"
    every_interface = "0.0.0.0"  # noqa: S104
    assert child_environment({}, host=every_interface, port=9000, quiet=False)["SITE_URL"] == "http://127.0.0.1:9000"
    kept = child_environment({"SITE_URL": "https://canhgiac.example.vn"}, host="127.0.0.1", port=8123, quiet=False)
    assert kept["SITE_URL"] == "https://canhgiac.example.vn"


def test_a_quiet_run_logs_warnings_only_unless_the_level_is_chosen():
    assert child_environment({}, host="127.0.0.1", port=1, quiet=True)["LOG_LEVEL"] == "WARNING"
    assert "LOG_LEVEL" not in child_environment({}, host="127.0.0.1", port=1, quiet=False)
    assert child_environment({"LOG_LEVEL": "DEBUG"}, host="127.0.0.1", port=1, quiet=True)["LOG_LEVEL"] == "DEBUG"


def test_serve_demo_says_serving_only_when_the_port_answers(tmp_path):
    port, fakes = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "canhgiac.settings",
    }
    env.pop("SITE_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve_demo", "--port", str(port), "--fake-providers", str(fakes)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 240  # the web server's first answer is slow on a loaded machine
        while time.monotonic() < deadline:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "serving at" in line:
                # Said only now: the port must already answer.
                assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
                break
        else:
            pytest.fail("no 'serving at' line: " + "".join(lines))
        assert f"serving at http://127.0.0.1:{port}/" in lines[-1]
        httpx.get(f"http://127.0.0.1:{port}/signin/", timeout=30)
        time.sleep(1)
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    log = "".join(lines) + output
    assert "GET /signin/" not in log and " INFO " not in log  # no access log, no task chatter
