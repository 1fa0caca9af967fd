"""The deployment files name commands that exist, and the ASGI app and settings they rely on."""

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_FILES = [*sorted((ROOT / "deploy").rglob("*.service")), ROOT / "compose.yaml", ROOT / "Dockerfile"]


def commands_named(text: str) -> set[str]:
    """`manage.py deliver` in a unit's ExecStart, or `"manage.py", "deliver"` in compose's lists."""
    return set(re.findall(r'manage\.py"?,?\s+"?([a-z_]+)', text))


def test_every_command_the_deployment_files_run_exists():
    named = set().union(*(commands_named(path.read_text()) for path in DEPLOY_FILES))

    assert {"rqworker", "deliver", "scheduler", "migrate", "seed_demo"} <= named
    assert named - set(get_commands()) == set()


def test_web_processes_serve_the_asgi_app_and_trust_only_the_local_proxy():
    unit = (ROOT / "deploy" / "systemd" / "canhgiac-web.service").read_text()

    assert "canhgiac.asgi:application" in unit and "--no-proxy-headers" in unit
    assert "proxy_set_header X-Forwarded-For" in (ROOT / "deploy" / "nginx" / "canhgiac.conf").read_text()
    assert '"--no-proxy-headers"' in (ROOT / "Dockerfile").read_text()
