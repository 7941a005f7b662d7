"""A file the import refuses leaves every table's content as it was, whatever the damage."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import BokslutError
from core.importer import import_sie
from core.sie.errors import SieError
from core.store.models import ActivityLog
from tests.store.conftest import dump

pytest.importorskip("core.sie.reader")

BASE = """#FLAGGA 0
#PROGRAM "test" 1.0
#FORMAT PC8
#GEN 20250101
#SIETYP 4
#ORGNR 556677-8899
#FNAMN "Fuzz AB"
#RAR 0 20240101 20241231
#RAR -1 20230101 20231231
#KONTO 1930 "Bank"
#KONTO 3001 "Sales"
#IB 0 1930 100.00
#UB 0 1930 130.00
#UB -1 1930 100.00
#RES 0 3001 -30.00
#VER A 1 20240105 "one"
{
#TRANS 1930 {} 10.00
#TRANS 3001 {} -10.00
}
#VER A 2 20240106 "two"
{
#TRANS 1930 {} 20.00
#TRANS 3001 {} -20.00
}
""".splitlines()
FIRST_VOUCHER_LINE = BASE.index('#VER A 1 20240105 "one"')

# Lines the import refuses wherever they stand among the vouchers.
BAD_LINES = [
    "#TRANS 1930 {} 1.005",  # sub-öre amount: refused by the importer, after the reader accepted it
    '#TRANS 1930 {} "x',  # unclosed quote
    "#TRANS 1930 1.00",  # no object list
    "#VER A 3 rappakalja",  # bad date, and an unclosed block
]


def _write(directory: Path, lines: list[str]) -> Path:
    path = directory / "fuzzed.se"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp437", errors="replace"))
    return path


@pytest.fixture
def filled(db, tmp_path):
    """A store that already holds the same company year, so a refused re-import must also undo its deletes."""
    import_sie(db, _write(tmp_path, BASE))
    return db


@pytest.mark.parametrize("bad_line", BAD_LINES)
def test_each_bad_line_is_refused_without_a_trace(filled, tmp_path, bad_line):
    before = dump(filled)
    lines = [*BASE[:-1], bad_line, BASE[-1]]  # inside the last voucher's block
    with pytest.raises((SieError, BokslutError)):
        import_sie(filled, _write(tmp_path, lines))
    assert dump(filled) == before
    assert ActivityLog.select().where(ActivityLog.status == "failed").count() == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    bad_line=st.sampled_from(BAD_LINES),
    position=st.integers(min_value=FIRST_VOUCHER_LINE + 1, max_value=len(BASE)),
    noise=st.lists(st.tuples(st.integers(min_value=0, max_value=len(BASE) - 1), st.text(max_size=8)), max_size=3),
)
def test_fuzzed_file_is_all_or_nothing(filled, tmp_path, bad_line, position, noise):
    lines = list(BASE)
    for index, text in noise:
        lines[index] = lines[index][: len(text)] + text + lines[index][len(text) * 2 :]
    lines.insert(position, bad_line)
    before = dump(filled)
    try:
        import_sie(filled, _write(tmp_path, lines))
    except (SieError, BokslutError):
        assert dump(filled) == before
