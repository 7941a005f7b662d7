"""A #VER whose { line is missing or blank, its rows and } following, as some programs write it: read with a
warning naming the line, not refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.importer import import_sie
from core.sie.reader import SieReader
from core.store.db import open_store
from tests.sie.test_reader import rejection, write

BODY = (
    "#RAR 0 20250101 20251231\n"  # line 7
    '#VER A 1 20250115 "with braces"\n'  # 8
    "{\n"
    "#TRANS 1930 {} 100.00\n"
    "#TRANS 3001 {} -100.00\n"
    "}\n"  # 12
    '#VER A 2 20250116 "no brace"\n'  # 13
    "#TRANS 1930 {} 50.00\n"  # 14
    "#TRANS 3001 {} -50.00\n"
    "}\n"  # 16
    '#VER A 3 20250117 "blank brace line"\n'  # 17
    "   \n"  # 18
    "#TRANS 1930 {} 7.25\n"  # 19
    "#TRANS 3001 {} -7.25\n"
    "}\n"
)


def test_the_rows_are_read_as_the_block_with_a_warning_naming_the_line(tmp_path):
    reader = SieReader(write(tmp_path, BODY))

    vouchers = list(reader)

    assert [(v.number, [(r.account, r.amount) for r in v.rows]) for v in vouchers] == [
        ("1", [("1930", Decimal("100.00")), ("3001", Decimal("-100.00"))]),
        ("2", [("1930", Decimal("50.00")), ("3001", Decimal("-50.00"))]),
        ("3", [("1930", Decimal("7.25")), ("3001", Decimal("-7.25"))]),
    ]
    assert [(w.line, w.message.key, w.message.params) for w in reader.warnings] == [
        (13, "ver_without_open_brace", {"series": "A", "number": "2", "line": 14}),
        (17, "ver_without_open_brace", {"series": "A", "number": "3", "line": 19}),
    ]
    assert str(reader.warnings[0]) == (
        "line 13: #VER A 2 has no { line before its rows; the rows from line 14 to the } line are read as its block"
    )


def test_without_the_closing_brace_it_is_still_refused(tmp_path):
    error = rejection(write(tmp_path, '#VER A 1 20250101 "x"\n#TRANS 1930 {} 100\n#TRANS 3001 {} -100\n'))
    assert "ends inside the voucher" in error.problem


def test_a_ver_followed_by_another_ver_is_still_refused(tmp_path):
    error = rejection(write(tmp_path, "#VER A 1 20250101\n#VER A 2 20250101\n{\n}\n"))
    assert "not followed by its rows" in error.problem


def test_such_a_file_imports_with_the_warning(tmp_path, store_address):
    db = open_store(store_address)
    try:
        result = import_sie(db, write(tmp_path, "#ORGNR 556677-8899\n" + BODY))
        assert result.vouchers == 3 and result.transactions == 6
        assert [w.line for w in result.warnings if getattr(w.message, "key", "") == "ver_without_open_brace"] == [
            14, 18
        ]
    finally:
        db.close()
