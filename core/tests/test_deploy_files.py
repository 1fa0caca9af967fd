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


def dockerfile_runs() -> list[str]:
    """The Dockerfile's RUN instructions, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [line for line in text.splitlines() if line.startswith("RUN ")]


def test_the_image_holds_no_generated_secret_key_and_starts_from_compiled_bytecode():
    # Settings write var/secret_key when they start without SECRET_KEY: every image would carry one.
    starting_django = [run for run in dockerfile_runs() if "manage.py" in run]
    assert starting_django and all("SECRET_KEY=" in run for run in starting_django)
    # The processes cannot write /app: without bytecode compiled at build, each start compiles it all.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "UV_COMPILE_BYTECODE=1" in dockerfile and "compileall" in dockerfile


def test_compose_keeps_uploads_in_a_volume_the_app_user_can_write():
    compose = (ROOT / "compose.yaml").read_text()
    assert "media:/app/var/media" in compose and re.search(r"^volumes:\n(  \w+:\n)*  media:", compose, re.M)
    assert any("mkdir -p /app/var/media" in run and "chown canhgiac" in run for run in dockerfile_runs())
