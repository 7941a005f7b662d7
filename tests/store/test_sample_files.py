"""Every shared sample file the reader accepts imports with the figures its README computed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.importer import import_sie
from core.sie.errors import SieError

FILES = Path(__file__).resolve().parents[2].parent / "shared" / "sie" / "files"
README = FILES / "README.md"
_ROW = re.compile(r"^\| \d+ \| `(?P<file>[^`]+)` \|(?:[^|]*\|){6} (?P<vtrb>\d+/\d+/\d+/\d+) \| (?P<unbalanced>\d+)[^|]*\| (?P<diffs>[^|]+?) \|")


def _expectations() -> list[tuple[str, int, int, int, str]]:
    if not README.exists():
        return []
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            vouchers, transactions, _, _ = (int(n) for n in match["vtrb"].split("/"))
            rows.append((match["file"], vouchers, transactions, int(match["unbalanced"]), match["diffs"]))
    return rows


EXPECTATIONS = _expectations()


def test_readme_table_was_found():
    if not README.exists():
        pytest.skip(f"{README} is missing: ../shared is not beside the checkout")
    assert len(EXPECTATIONS) == 69


def _difference_count(check) -> int | None:
    """None when the check did not run (no balances of that kind), else the number of accounts off."""
    return None if "not checked" in check.message else len(check.details)


@pytest.mark.parametrize("name, vouchers, transactions, unbalanced, diffs", EXPECTATIONS, ids=[row[0] for row in EXPECTATIONS])
def test_sample_file_imports_with_readme_figures(db, name, vouchers, transactions, unbalanced, diffs):
    try:
        result = import_sie(db, FILES / name)
    except SieError as error:
        pytest.skip(f"the reader rejects it: {error}")
    assert (result.vouchers, result.transactions) == (vouchers, transactions)
    checks = {check.check_id: check for check in result.checks}
    if vouchers:
        assert len(checks["voucher-balance"].details) == unbalanced
    if diffs in ("n/a", "no balances"):
        assert not checks or _difference_count(checks["closing-balances"]) is None
        return
    closing, results = (part.strip() for part in diffs.split("/"))
    assert _difference_count(checks["closing-balances"]) == int(closing)
    assert _difference_count(checks["results"]) == (None if results == "no #RES" else int(results))
