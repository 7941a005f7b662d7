"""Data files the code reads at run time (rules as TOML, catalogs, styles) must ship in a non-editable install too."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_of_a_package_is_declared_as_package_data():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    shipped = {
        path
        for package, patterns in declared.items()
        for pattern in patterns
        for path in (ROOT / package).glob(pattern)
    }
    data_files = {
        path
        for package in ("core", "cli", "tui", "fortnox_sandbox")
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix in {".toml", ".tcss", ".po", ".json", ".csv", ".txt"}
    }
    assert data_files, "the glob found no data files: the test would pass vacuously"
    assert sorted(str(path.relative_to(ROOT)) for path in data_files - shipped) == []
