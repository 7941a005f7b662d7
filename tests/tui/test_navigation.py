"""The app owns the navigation: a screen goes to another by its place's name (tui.navigation), never by importing it,
so the screens import no circle. Read from the source with ast, so a new import or a wrong context fails here, not
on the key that opens the screen."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from textual.screen import Screen

from tui.navigation import SCREENS, Place, screen_class

TUI = Path(__file__).resolve().parents[2] / "tui"
SCREEN_MODULES = sorted((TUI / "screens").glob("*.py"))
# Leaves every screen may import: what all screens are (base) and the yes/no question any screen asks (confirm).
# Both import no screen themselves; test_the_allowed_leaves_are_leaves holds them to it.
LEAVES = {"tui.screens.base", "tui.screens.confirm"}


def module_name(path: Path) -> str:
    parts = path.relative_to(TUI.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function (a late import is an import too); `from
    tui.screens import x` names the module tui.screens.x."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def tui_graph() -> dict[str, set[str]]:
    """Each tui module and the tui modules it imports."""
    paths = {module_name(path): path for path in TUI.rglob("*.py")}
    return {name: {other for other in imported(path) if other in paths and other != name} for name, path in paths.items()}


def screens_imported(path: Path) -> list[str]:
    """The screen modules `path` imports (`from tui.screens.base import X` names tui.screens.base.X too: not one)."""
    screens = {module_name(screen) for screen in SCREEN_MODULES}
    return sorted(name for name in imported(path) if name in screens)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles, each as the path that closes it (depth first; one per back edge found)."""
    found, state = [], {}  # state: 1 while on the current path, 2 when done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for other in sorted(graph[node]):
            if state.get(other) == 1:
                found.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_the_guard_sees_the_screens_and_an_import():
    """Guards the guard: an empty glob, or a reader that misses imports, would pass everything below."""
    assert len(SCREEN_MODULES) >= 20
    assert {"tui.screens.base", "tui.navigation"} <= imported(TUI / "screens" / "overview.py")
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_screen_imports_another_screen():
    """Only the leaves; every other screen is reached through app.go(Place..., ...)."""
    offenders = {path.name: sorted(set(screens_imported(path)) - LEAVES) for path in SCREEN_MODULES}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_allowed_leaves_are_leaves():
    for leaf in LEAVES:
        path = TUI / "screens" / f"{leaf.rsplit('.', 1)[1]}.py"
        assert screens_imported(path) == []


def test_tui_modules_import_no_circle():
    assert cycles(tui_graph()) == []


def test_every_place_has_a_screen_in_the_screens_package():
    assert set(SCREENS) == set(Place)
    for place in Place:
        made = screen_class(place)
        assert issubclass(made, Screen) and made.__module__.startswith("tui.screens."), place


def go_calls() -> list[tuple[str, int, Place, list[str]]]:
    """Every `....go(Place.X, ..., name=...)` in tui: where, the place, and the context's names."""
    calls = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "go"
                and node.args and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name) and node.args[0].value.id == "Place"
            ):  # fmt: skip
                context = [keyword.arg for keyword in node.keywords if keyword.arg != "callback"]
                calls.append((path.name, node.lineno, Place[node.args[0].attr], context))
    return calls


def test_every_way_to_a_place_gives_what_its_screen_takes():
    """A misspelt or missing context would fail only when the key is pressed: here it fails at once."""
    calls = go_calls()
    assert len(calls) >= 20  # the guard sees them
    wrong = []
    for file, line, place, context in calls:
        try:
            inspect.signature(screen_class(place)).bind(**dict.fromkeys(context))
        except TypeError as error:
            wrong.append(f"{file}:{line} {place}: {error}")
    assert wrong == []
