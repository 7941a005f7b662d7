"""Every shared sample file the reader accepts imports with the figures its README computed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.importer import import_sie
from core.sie.errors import SieError
from tests.sie.test_sample_files import EXPECTED, Rejected
from tests.store.conftest import dump

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


ACCEPTED = [row for row in EXPECTATIONS if not isinstance(EXPECTED.get(row[0]), Rejected)]
REJECTED = [name for name, want in EXPECTED.items() if isinstance(want, Rejected)]


@pytest.mark.parametrize("name, vouchers, transactions, unbalanced, diffs", ACCEPTED, ids=[row[0] for row in ACCEPTED])
def test_sample_file_imports_with_readme_figures(db, name, vouchers, transactions, unbalanced, diffs):
    result = import_sie(db, FILES / name)
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


@pytest.mark.parametrize("name", REJECTED)
def test_rejected_sample_file_leaves_the_store_as_it_was(db, name):
    if not (FILES / name).exists():
        pytest.skip(f"{FILES / name} is missing: ../shared is not beside the checkout")
    import_sie(db, FILES / "skatasweden__keyholder-plan/SIE4 Exempelfil.SE")
    before = dump(db)
    with pytest.raises(SieError):
        import_sie(db, FILES / name, company_org="5555555555", confirm_org_mismatch=True)
    assert dump(db) == before
