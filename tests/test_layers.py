"""The house: one core and three doors over it. Every import points from a door to core, never back, never sideways.

core/              rules, data and I/O; imports none of the doors (nor Textual or Rich, which only the app needs)
tui/               the terminal app; imports core only
fortnox_sandbox/   the Fortnox stand-in; imports core only (its demo data)
cli/               the `bokslut` command and the composition root: it may start the app and the sandbox
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "cli", "tui", "fortnox_sandbox")

# What each package must never import (the first component of the module name).
FORBIDDEN = {
    "core": {"cli", "tui", "fortnox_sandbox", "textual", "rich"},
    "tui": {"cli", "fortnox_sandbox"},
    "fortnox_sandbox": {"cli", "tui", "textual"},
    "cli": set(),
}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_what_its_layer_may(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] in FORBIDDEN[package]
        )
        for path in (ROOT / package).rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_relative_imports_slip_past_the_guard():
    """The guard reads absolute imports only; a relative one could reach a door unseen."""
    relative = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


def test_core_holds_no_door():
    """core prints nothing and parses no arguments: it returns results and raises BokslutErrors for the doors."""
    doors = {
        str(path.relative_to(ROOT)): sorted(_imported_modules(path) & {"argparse"}) + _prints(path)
        for path in (ROOT / "core").rglob("*.py")
    }
    assert {path: names for path, names in doors.items() if names} == {}


def _prints(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"print() on line {node.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_the_guard_sees_each_package(package):
    """Guards the guard: an empty glob would make the tests above pass vacuously."""
    assert len(list((ROOT / package).rglob("*.py"))) > 3
