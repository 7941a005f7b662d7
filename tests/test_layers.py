"""core/ must stay usable without the terminal interface: the CLI, the tests and later a server use it."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_textual_or_tui():
    offenders = {
        str(path.relative_to(CORE.parent)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] in {"textual", "rich", "tui"}
        )
        for path in CORE.rglob("*.py")
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}


def test_core_is_not_empty():
    """Guards the guard: an empty glob would make the test above pass vacuously."""
    assert len(list(CORE.rglob("*.py"))) > 5
