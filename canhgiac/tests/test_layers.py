"""The apps stack in the order docs/architecture.md draws: every import points down, never up or sideways.

The test reads the diagram itself, so the doc and the code cannot drift apart. It reads only source
files (ast), so it imports nothing of the project and may live anywhere.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def project_apps() -> set[str]:
    return {path.parent.name for path in ROOT.glob("*/__init__.py") if not path.parent.name.startswith(".")}


def diagram() -> list[list[str]]:
    """The layers, top first; each a list of the apps drawn on that line."""
    text = ARCHITECTURE.read_text()
    block = re.search(r"^## Layers\n.*?^```text\n(.*?)^```", text, re.S | re.M)
    assert block, "docs/architecture.md has no ```text diagram under “## Layers”"
    return [names for line in block.group(1).splitlines() if (names := re.findall(r"\w+", line))]


def documented_exceptions() -> set[tuple[str, str]]:
    text = ARCHITECTURE.read_text().split("Allowed exceptions", 1)[1]
    return set(re.findall(r"^- `(\w+) -> (\w+)`", text, re.M))


def documented_model_exceptions() -> set[tuple[str, str]]:
    return set(re.findall(r"model `(\w+) -> (\w+)`", ARCHITECTURE.read_text()))


def layer_of() -> dict[str, int]:
    """Each app's height: 0 for the bottom line of the diagram."""
    layers = list(reversed(diagram()))
    return {app: height for height, names in enumerate(layers) for app in names}


def is_app_code(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "tests" not in parts and "migrations" not in parts and path.name != "conftest.py"


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) of every absolute import; ast.walk reaches those inside functions and under
    `if TYPE_CHECKING:` too. Relative imports stay inside their app."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return sorted(found)


def imports_between_apps() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) -> where, for every import of one app by another."""
    apps = project_apps()
    edges = defaultdict(list)
    for app in sorted(apps):
        for path in sorted((ROOT / app).rglob("*.py")):
            if not is_app_code(path):
                continue
            for line, module in imported_modules(path.read_text()):
                imported = module.split(".")[0]
                if imported in apps and imported != app:
                    edges[app, imported].append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return edges


def points_down(importer: str, imported: str) -> bool:
    height = layer_of()
    return height[imported] < height[importer]


def test_every_app_is_drawn_once_in_the_layer_diagram():
    drawn = [app for names in diagram() for app in names]
    assert sorted(drawn) == sorted(set(drawn)), "an app is drawn twice"
    assert set(drawn) == project_apps()


def test_every_import_between_apps_points_down_the_layers():
    allowed = documented_exceptions()
    wrong = [
        where
        for (importer, imported), places in imports_between_apps().items()
        if not points_down(importer, imported) and (importer, imported) not in allowed
        for where in places
    ]
    assert wrong == []


def test_every_allowed_exception_is_still_needed():
    against_the_order = {edge for edge in imports_between_apps() if not points_down(*edge)}
    assert documented_exceptions() - against_the_order == set()


def test_imports_up_or_sideways_are_caught_wherever_they_hide():
    source = (
        "from typing import TYPE_CHECKING\n"
        "from . import models\n"
        "if TYPE_CHECKING:\n"
        "    from people.models import Person\n"
        "def leads(person):\n"
        "    import groups.models\n"
    )
    assert imported_modules(source) == [(1, "typing"), (4, "people.models"), (6, "groups.models")]
    assert not points_down("core", "people") and not points_down("people", "groups")
    assert not points_down("reports", "bulletins") and not points_down("bulletins", "reports")
    assert points_down("coverage", "groups") and points_down("canhgiac", "reports")


def relations_between_apps() -> set[tuple[str, str, str]]:
    """(app, related app, "Model.field -> Model") for every foreign key from one app to another."""
    from django.apps import apps

    here = project_apps()
    return {
        (model._meta.app_label, target, f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")
        for model in apps.get_models()
        if model._meta.app_label in here
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is not None
        if (target := field.related_model._meta.app_label) in here and target != model._meta.app_label
    }


def test_every_relation_between_models_points_down_the_layers():
    """Foreign keys follow the imports: a model refers only to models of its own app or below, so
    every app's schema is one initial migration that depends only on the apps below it."""
    allowed = documented_model_exceptions()
    against = [(app, target, where) for app, target, where in relations_between_apps() if not points_down(app, target)]
    assert [where for app, target, where in against if (app, target) not in allowed] == []
    assert allowed - {(app, target) for app, target, _ in against} == set(), "an exception is no longer needed"


def migration_dependencies(path: Path) -> list[str]:
    """The apps named in a migration file's `dependencies` (swappable ones are Django's)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "dependencies" for t in node.targets):
            for item in getattr(node.value, "elts", []):
                if isinstance(item, ast.Tuple) and isinstance(app := getattr(item.elts[0], "value", None), str):
                    found.append(app)
    return found


def test_migrations_depend_only_on_their_own_app_and_the_apps_below():
    """Each app's schema starts with one `0001_initial`; later migrations add to it (installations
    upgrade in place), and none may come to depend on an app above."""
    allowed = documented_model_exceptions()
    apps = project_apps()
    migrations = sorted(ROOT.glob("*/migrations/0*.py"))
    assert migrations
    for app in {path.parent.parent.name for path in migrations}:
        assert (ROOT / app / "migrations" / "0001_initial.py").exists(), app
    against = [
        (path.relative_to(ROOT).as_posix(), target)
        for path in migrations
        for target in migration_dependencies(path)
        if target in apps
        and (app := path.parent.parent.name) != target
        and not points_down(app, target)
        and (app, target) not in allowed
    ]
    assert against == []
