"""plans sits below incidents: nothing in plans may reach up into incidents, not even a string foreign key
or an import inside a function (migrations are history and keep their old references)."""

import ast
from pathlib import Path

import anlan.plans

PLANS = Path(anlan.plans.__file__).parent


def _modules():
    return [p for p in PLANS.rglob("*.py") if "migrations" not in p.parts]


def test_plans_imports_nothing_from_incidents():
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                # "incidents.Model" as a lazy model reference
                names = [node.value] if node.value.startswith("incidents.") else []
            found += [f"{path.name}: {n}" for n in names if n.startswith(("anlan.incidents", "incidents."))]
    assert found == []
