"""The docs stay true: settings, commands and apps are all documented, and nothing stale is."""

import ast
import os
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = ROOT / "docs"
ENV_READ = re.compile(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z0-9_]+)"')
DOCUMENTED_VARIABLE = re.compile(r"^\| `([A-Z0-9_]+)` \|", re.MULTILINE)
ENV_HELPERS = ROOT / "core" / "env.py"
NOT_PROJECT_CODE = {"tests", "migrations", "var", "node_modules", "__pycache__"}


def project_apps():
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT) and ".venv" not in Path(config.path).relative_to(ROOT).parts
    ]


def all_docs() -> str:
    return "\n".join(path.read_text() for path in [*DOCS.glob("*.md"), ROOT / "README.md"])


def project_python_files() -> list[Path]:
    """Every Python file the project runs, tests and test settings left out."""
    files = []
    for folder, subfolders, names in os.walk(ROOT):
        subfolders[:] = [name for name in subfolders if not name.startswith(".") and name not in NOT_PROJECT_CODE]
        files += [Path(folder, name) for name in names if name.endswith(".py") and name != "conftest.py"]
    return [path for path in files if path != ROOT / "canhgiac" / "test_settings.py"]


def is_os_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and ast.unparse(node.value) == "os"


def reads_a_variable(node: ast.AST) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (node.func.attr == "get" and is_os_environ(node.func.value)) or ast.unparse(node.func) == "os.getenv"
    if isinstance(node, ast.Subscript):
        return isinstance(node.ctx, ast.Load) and is_os_environ(node.value)
    if isinstance(node, ast.Compare):
        return any(is_os_environ(side) for side in node.comparators)
    return False


def environment_reads(tree: ast.Module) -> list[str]:
    """Where a module reads a variable straight from os.environ: get(), getenv(), [name] or `in`.

    Writes (setdefault, assignment, pop) and handing the whole environment to a child process are not reads.
    """
    reads = [ast.unparse(node) for node in ast.walk(tree) if reads_a_variable(node)]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            reads += [f"from os import {alias.name}" for alias in node.names if alias.name in ("environ", "getenv")]
    return reads


def test_the_environment_is_read_only_through_the_typed_helpers():
    files = project_python_files()
    assert ROOT / "core" / "browser.py" in files and ROOT / "bench" / "setup.py" in files
    direct = {
        f"{path.relative_to(ROOT)}: {read}"
        for path in files
        if path != ENV_HELPERS
        for read in environment_reads(ast.parse(path.read_text()))
    }
    assert direct == set(), "read these through core/env.py so docs/configuration.md can list them"


def test_the_read_check_sees_every_way_of_reading_a_variable():
    code = 'os.environ.get("A"); os.getenv("B"); os.environ["C"]; "D" in os.environ; from os import getenv'
    assert len(environment_reads(ast.parse(code))) == 5
    writes = 'os.environ.setdefault("A", "1"); os.environ["B"] = "1"; os.environ.pop("C"); dict(os.environ)'
    assert environment_reads(ast.parse(writes)) == []


def test_every_environment_variable_read_anywhere_is_documented_and_vice_versa():
    read = {name for path in project_python_files() for name in ENV_READ.findall(path.read_text())}
    assert {"SECRET_KEY", "HOST", "PORT", "CHROMIUM_PATH"} <= read, "the test is looking in the wrong place"
    documented = set(DOCUMENTED_VARIABLE.findall((DOCS / "configuration.md").read_text()))
    assert read - documented == set(), "undocumented environment variables"
    assert documented - read == set(), "documented environment variables nobody reads"


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
