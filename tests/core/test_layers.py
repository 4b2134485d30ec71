"""The layers hold for what import-linter cannot see: foreign keys named by string, and raw SQL.

`make lint` runs import-linter over imports (inside functions included). A model can still reach upwards
through `ForeignKey("app.Model")`, and a service through SQL naming another app's table; these tests read
the same layer list from pyproject.toml and hold both to it.
"""

import ast
import tomllib
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "anlan"


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    layered = next(c for c in config["contracts"] if c["type"] == "layers")
    return [[m.strip().removeprefix("anlan.") for m in layer.split("|")] for layer in layered["layers"]]


LAYERS = _layers()
RANK = {app: len(LAYERS) - i for i, layer in enumerate(LAYERS) for app in layer}


def _may_depend(source: str, target: str) -> bool:
    """Same app, or a lower layer (siblings in one layer are independent)."""
    return source == target or RANK[target] < RANK[source]


def _anlan_models():
    return [m for m in apps.get_models() if m.__module__.startswith("anlan.")]


def test_every_app_has_a_layer():
    labels = {m._meta.app_label for m in _anlan_models()}
    assert labels <= set(RANK), f"apps missing from the layers in pyproject.toml: {labels - set(RANK)}"


@pytest.mark.parametrize("model", _anlan_models(), ids=lambda m: m._meta.label)
def test_relations_point_downwards(model):
    source = model._meta.app_label
    upward = [
        f"{model._meta.label}.{field.name} → {field.related_model._meta.label}"
        for field in model._meta.get_fields(include_hidden=False)
        if field.is_relation
        and field.concrete
        and field.related_model is not None
        and field.related_model._meta.app_label in RANK
        and not _may_depend(source, field.related_model._meta.app_label)
    ]
    assert not upward, "relations to a higher layer or a sibling: " + "; ".join(upward)


def _table_owners() -> dict[str, str]:
    return {m._meta.db_table: m._meta.app_label for m in _anlan_models()}


def _imported_models(tree: ast.AST) -> dict[str, str]:
    """Names bound by `from anlan.<app>.models import X` → app label."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("anlan."):
            parts = node.module.split(".")
            if len(parts) >= 3 and parts[2] == "models":
                for alias in node.names:
                    names[alias.asname or alias.name] = parts[1]
    return names


def _foreign_sql(path: Path, app: str, owners: dict[str, str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imported_models(tree)
    found = []
    for node in ast.walk(tree):
        # Model._meta.db_table of another app's model: that table is about to be written into SQL.
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "db_table"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "_meta"
            and isinstance(node.value.value, ast.Name)
            and imported.get(node.value.value.id, app) != app
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value.value.id}._meta.db_table")
        # A literal table name of another app inside a string (SQL text).
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
            for word in node.value.replace(",", " ").replace("(", " ").split():
                owner = owners.get(word)
                if owner and owner != app:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {word}")
    return found


def test_no_app_reads_another_apps_tables_in_raw_sql():
    owners = _table_owners()
    found = []
    for app in RANK:
        folder = PACKAGE / app
        if not folder.is_dir() or app in ("demo", "bench"):  # orchestration loads and measures every app
            continue
        for path in folder.rglob("*.py"):
            if "migrations" not in path.parts:
                found += _foreign_sql(path, app, owners)
    assert not found, "raw SQL over another app's tables: " + "; ".join(found)
