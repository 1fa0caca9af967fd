"""The docs stay true: settings, commands and apps are all documented, and nothing stale is."""

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
ENV_READ = re.compile(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z0-9_]+)"')
DOCUMENTED_VARIABLE = re.compile(r"^\| `([A-Z0-9_]+)` \|", re.MULTILINE)


def project_apps():
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).relative_to(ROOT).parts
    ]


def all_docs() -> str:
    return "\n".join(path.read_text() for path in [*DOCS.glob("*.md"), ROOT / "README.md"])


def test_every_environment_variable_read_by_the_settings_is_documented_and_vice_versa():
    read = set(ENV_READ.findall((ROOT / "canhgiac" / "settings.py").read_text()))
    documented = set(DOCUMENTED_VARIABLE.findall((DOCS / "configuration.md").read_text()))
    assert read - documented == set(), "undocumented settings"
    assert documented - read == set(), "documented settings nobody reads"


def test_every_management_command_of_the_project_is_documented():
    text = all_docs()
    commands = {
        path.stem for config in project_apps() for path in Path(config.path).glob("management/commands/*.py")
    } - {"__init__"}
    assert commands, "no commands found: the test is looking in the wrong place"
    assert {command for command in commands if command not in text} == set()


def test_every_project_app_is_named_in_the_architecture_page():
    text = (DOCS / "architecture.md").read_text()
    assert {config.name for config in project_apps() if f"`{config.name}`" not in text} == set()


def test_the_readme_gives_the_two_commands_a_newcomer_needs():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(r"^test:", makefile, re.MULTILINE)
