"""The checks package imports in one direction: the engine asks the registry, builtin and custom add themselves to
it, and no module of core/checks imports itself back through another (read from the source, so a lazy import
inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import core.checks

PACKAGE = "core.checks"


def _imports(path: Path) -> set[str]:
    """The core.checks modules a source file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith(PACKAGE + ".")}


def _graph() -> dict[str, set[str]]:
    folder = Path(core.checks.__file__).parent
    modules = {f"{PACKAGE}.{path.stem}": path for path in folder.glob("*.py") if path.stem != "__init__"}
    return {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path of modules, or None."""
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            if state.get(imported) == "open":
                return path[path.index(imported):] + [imported]
            if imported not in state and (found := visit(imported, [*path, imported])):
                return found
        state[module] = "done"
        return None

    return next((found for module in sorted(graph) if module not in state and (found := visit(module, [module]))), None)


def test_no_module_of_core_checks_imports_itself_back():
    graph = _graph()
    assert graph[f"{PACKAGE}.engine"] == {f"{PACKAGE}.registry"}
    assert f"{PACKAGE}.registry" in graph[f"{PACKAGE}.builtin"] and f"{PACKAGE}.registry" in graph[f"{PACKAGE}.custom"]
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_cycle():
    """The guard above is only as good as the search: a planted circle is found."""
    planted = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(planted) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
