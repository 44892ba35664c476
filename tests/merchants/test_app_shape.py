"""The merchants app keeps the shape every app shares: no view module imports another, and no import is hidden
inside a function (where it would hide a circular import)."""

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "merchants"
MODULES = sorted(path for path in APP.rglob("*.py") if "migrations" not in path.parts)


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(APP)))
def test_no_import_inside_a_function(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    hidden = [
        node.lineno
        for function in functions
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert hidden == []


@pytest.mark.parametrize(
    "path", [path for path in MODULES if "views" in path.parts], ids=lambda path: str(path.relative_to(APP))
)
def test_no_view_module_imports_another(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [name for name in imported_modules(tree) if name.startswith("merchants.views")] == []
