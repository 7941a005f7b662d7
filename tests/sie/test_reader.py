"""Grammar and field rules of the SIE reader, on small files written for each rule."""

from __future__ import annotations

import datetime as dt
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from core.sie.checksum import Ksumma
from core.sie.errors import SieError
from core.sie.model import BalanceKind, RowKind
from core.sie.reader import MAX_WARNINGS_KEPT, SieLimits, SieReader, read_sie
from core.sie.tokenizer import TokenError, split_fields

HEAD = "#FLAGGA 0\n#PROGRAM test 1\n#FORMAT PC8\n#GEN 20250101\n#SIETYP 4\n#FNAMN Test\n"


def write(tmp_path: Path, body: str, *, head: str = HEAD, encoding: str = "cp437", newline: str = "\n") -> Path:
    path = tmp_path / "test.se"
    path.write_bytes((head + body).replace("\n", newline).encode(encoding))
    return path


def voucher_file(tmp_path: Path, *rows: str, ver: str = '#VER A 1 20250115 "Text"', encoding: str = "cp437") -> Path:
    return write(tmp_path, ver + "\n{\n" + "".join(row + "\n" for row in rows) + "}\n", encoding=encoding)


def rejection(path: Path, limits: SieLimits = SieLimits()) -> SieError:
    with pytest.raises(SieError) as caught:
        for _ in SieReader(path, limits):
            pass
    return caught.value


# ---- tokenizer ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("#KONTO 1930 Bank", ["#KONTO", "1930", "Bank"]),
        ('#KONTO 1930 "Bank konto"', ["#KONTO", "1930", "Bank konto"]),
        ("#KONTO\t1930\t\t  Bank", ["#KONTO", "1930", "Bank"]),
        ('#KONTO 1915 "Kassa \\"special\\""', ["#KONTO", "1915", 'Kassa "special"']),
        ('#FNR "C:\\ProgramData\\SPCS"', ["#FNR", "C:\\ProgramData\\SPCS"]),
        ("#X String_with_\\\"_quote", ["#X", 'String_with_"_quote']),
        ('#TRANS 1930 {} -1000 "" "" 0', ["#TRANS", "1930", [], "-1000", "", "", "0"]),
        ("#TRANS 1910 { } -1000.00", ["#TRANS", "1910", [], "-1000.00"]),
        ('#TRANS 1 {1 Nord 6 "0015"} 5', ["#TRANS", "1", ["1", "Nord", "6", "0015"], "5"]),
        ('#TRANS 1 { "1" "1"} 5', ["#TRANS", "1", ["1", "1"], "5"]),
        ('#TRANS 1 {10 "fo}o"} 5', ["#TRANS", "1", ["10", "fo}o"], "5"]),
        ('#TRANS 1 {1"a"}5', ["#TRANS", "1", ["1", "a"], "5"]),
        ('#VER "" "" 20251216', ["#VER", "", "", "20251216"]),
        ('#PROSA "#6 Linda"', ["#PROSA", "#6 Linda"]),
        ("#KONTO 1060 Hyres\xa0rätt", ["#KONTO", "1060", "Hyres\xa0rätt"]),
    ],
)
def test_split_fields(line, fields):
    assert split_fields(line) == fields


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('#KONTO 1930 "Bank', "no closing quote"),
        ("#TRANS 1930 {1 2 -5", "no closing }"),
        ("#TRANS 1930 {1 {2}} -5", "inside another"),
        ("#TRANS 1930 } -5", "closes no object list"),
    ],
)
def test_split_fields_rejects(line, problem):
    with pytest.raises(TokenError, match=problem):
        split_fields(line)


# ---- lines, blocks and encodings -------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_ends_blank_lines_and_indentation(tmp_path, newline):
    body = '\n#VER A 1 20250115 "Text"\n  {  \n\t#TRANS 1930 {} 100\n   #TRANS 3010  {}  -100\n\n }\n'
    document, warnings = read_sie(write(tmp_path, body, newline=newline))
    assert [row.amount for row in document.vouchers[0].rows] == [Decimal(100), Decimal(-100)]
    assert document.vouchers[0].rows[1].line == 11
    assert warnings == []


def test_cp437_is_the_default(tmp_path):
    path = write(tmp_path, '#KONTO 1930 "Företagskonto"\n', encoding="cp437")
    reader = SieReader(path)
    list(reader)
    assert reader.encoding == "cp437"
    assert reader.header.accounts["1930"].name == "Företagskonto"
    assert reader.warnings == []


@pytest.mark.parametrize(("encoding", "decided"), [("utf-8", "utf-8"), ("cp1252", "cp1252"), ("utf-8-sig", "utf-8")])
def test_utf8_and_latin1_are_detected_and_warned_about(tmp_path, encoding, decided):
    path = write(tmp_path, '#KONTO 1930 "Företagskonto åäö"\n', encoding=encoding)
    reader = SieReader(path)
    list(reader)
    assert reader.encoding == decided
    assert reader.header.accounts["1930"].name == "Företagskonto åäö"
    assert "not CP437" in str(reader.warnings[0])


def test_encoding_is_decided_over_the_whole_file_not_its_start(tmp_path):
    filler = "".join(f"#KONTO {n} Konto\n" for n in range(1000, 60000))  # > 1 MiB of ASCII first
    path = write(tmp_path, filler + '#KONTO 1930 "Företagskonto"\n', encoding="utf-8")
    reader = SieReader(path)
    list(reader)
    assert reader.encoding == "utf-8"
    assert reader.header.accounts["1930"].name == "Företagskonto"


def test_mostly_utf8_with_a_stray_byte_reads_as_utf8(tmp_path):
    path = write(tmp_path, '#KONTO 1930 "Företagskonto åäö"\n#KONTO 1931 "X"\n', encoding="utf-8")
    path.write_bytes(path.read_bytes().replace(b'"X"', b'"X\x94"'))
    reader = SieReader(path)
    list(reader)
    assert reader.encoding == "utf-8"
    assert reader.header.accounts["1930"].name == "Företagskonto åäö"
    assert reader.header.accounts["1931"].name == "X\ufffd"
    assert "not valid UTF-8" in str(reader.warnings[1])


def test_not_a_sie_file_is_rejected_before_reading(tmp_path):
    path = write(tmp_path, "<html><body>404 Not Found</body></html>\n", head="<!DOCTYPE HTML>\n")
    with pytest.raises(SieError, match="not a SIE file") as caught:
        SieReader(path)
    assert caught.value.line == 1


def test_missing_file_is_a_sie_error(tmp_path):
    with pytest.raises(SieError, match="cannot read the file"):
        SieReader(tmp_path / "nothing.se")


def test_size_limit_is_checked_before_reading(tmp_path):
    path = write(tmp_path, "#KONTO 1930 Bank\n")
    with pytest.raises(SieError, match="larger than"):
        SieReader(path, SieLimits(max_bytes=50))


def test_a_huge_line_is_rejected_before_it_is_read(tmp_path):
    path = write(tmp_path, "#PROSA " + "x" * (3 << 20) + "\n")
    with pytest.raises(SieError, match="longer than 1 MB"):
        SieReader(path)


def test_reader_iterates_once(tmp_path):
    reader = SieReader(write(tmp_path, "#KONTO 1930 Bank\n"))
    list(reader)
    with pytest.raises(RuntimeError):
        list(reader)


def test_unknown_records_are_ignored_with_a_warning_and_warnings_are_capped(tmp_path):
    body = "".join(f"#MOMSKOD {n} 25\n" for n in range(MAX_WARNINGS_KEPT + 500))
    reader = SieReader(write(tmp_path, body + "#KONTO 1930 Bank\n"))
    list(reader)
    assert len(reader.warnings) == MAX_WARNINGS_KEPT
    assert reader.warning_count == MAX_WARNINGS_KEPT + 500
    assert "unknown record #MOMSKOD" in str(reader.warnings[0])
    assert reader.header.accounts["1930"].name == "Bank"


def test_extra_trailing_fields_are_tolerated(tmp_path):
    document, _ = read_sie(voucher_file(tmp_path, '#TRANS 1930 {} 100 "" "" 0 "sign" extra', "#TRANS 3010 {} -100"))
    assert document.vouchers[0].rows[0].signature == "sign"


# ---- vouchers ---------------------------------------------------------------------------------


def test_voucher_fields(tmp_path):
    path = voucher_file(
        tmp_path,
        '#TRANS 1930 {1 "100" 6 P1} -1000.50 20250116 "Rad text" 2.5 "Nisse"',
        '#TRANS 3010 {} 1000.50 "" "" 0',
        "#TRANS 2610 {} 0",
        ver='#VER "B" "12" 20250115 "Faktura \\"7\\"" 20250120 "Kalle"',
    )
    document, _ = read_sie(path)
    voucher = document.vouchers[0]
    assert (voucher.series, voucher.number, voucher.date, voucher.text, voucher.registered, voucher.signature) == (
        "B", "12", dt.date(2025, 1, 15), 'Faktura "7"', dt.date(2025, 1, 20), "Kalle",
    )
    first, second, third = voucher.rows
    assert first.objects == (("1", "100"), ("6", "P1"))
    assert (first.amount, first.date, first.text, first.quantity, first.signature) == (
        Decimal("-1000.50"), dt.date(2025, 1, 16), "Rad text", Decimal("2.5"), "Nisse",
    )
    assert (second.date, second.text, second.quantity) == (None, "", Decimal(0))
    assert (third.quantity, third.line) == (None, voucher.line + 4)


def test_rtrans_and_btrans_keep_their_kind(tmp_path):
    path = voucher_file(
        tmp_path,
        "#TRANS 2440 {} -1000",
        '#BTRANS 5410 {} 1000 "" "" 0 "Anna"',
        '#RTRANS 6110 {} 1000 "" "" 0 "Anna"',
        "#TRANS 6110 {} 1000",
    )
    voucher = read_sie(path)[0].vouchers[0]
    assert [row.kind for row in voucher.rows] == [RowKind.TRANS, RowKind.BTRANS, RowKind.RTRANS, RowKind.TRANS]
    assert sum(row.amount for row in voucher.transactions()) == 0


def test_lower_case_labels_are_read(tmp_path):
    path = write(tmp_path, "#konto 1930 Bank\n#ver A 1 20250101\n{\n#trans 1930 {} 5\n#trans 3010 {} -5\n}\n")
    document, _ = read_sie(path)
    assert document.header.accounts["1930"].name == "Bank"
    assert [row.account for row in document.vouchers[0].rows] == ["1930", "3010"]


def test_unbalanced_voucher_is_not_a_reader_error(tmp_path):
    document, _ = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} 100", "#TRANS 3010 {} -99"))
    assert sum(row.amount for row in document.vouchers[0].rows) == 1


def test_empty_voucher_is_read_with_a_warning(tmp_path):
    document, warnings = read_sie(voucher_file(tmp_path))
    assert document.vouchers[0].rows == []
    assert "has no rows" in str(warnings[0])


def test_series_left_out_entirely_is_recovered(tmp_path):
    document, warnings = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} 1", ver='#VER  7 20170101 " " 20170119'))
    voucher = document.vouchers[0]
    assert (voucher.series, voucher.number, voucher.date) == ("", "7", dt.date(2017, 1, 1))
    assert "without a series field" in str(warnings[0])


def test_trans_outside_a_voucher_is_rejected(tmp_path):
    error = rejection(write(tmp_path, "#TRANS 1930 {} 100\n"))
    assert error.line == 7
    assert "outside a #VER block" in error.problem


def test_unterminated_voucher_is_rejected(tmp_path):
    error = rejection(write(tmp_path, "#VER A 1 20250101\n{\n#TRANS 1930 {} 100\n"))
    assert error.line == 7
    assert "ends inside the voucher" in error.problem


def test_voucher_without_block_is_rejected(tmp_path):
    error = rejection(write(tmp_path, "#VER A 1 20250101\n#VER A 2 20250101\n{\n}\n"))
    assert error.line == 7
    assert "not followed by its rows" in error.problem


def test_header_record_inside_a_block_is_rejected(tmp_path):
    error = rejection(write(tmp_path, "#VER A 1 20250101\n{\n#KONTO 1930 Bank\n}\n"))
    assert "block is not closed" in error.problem


@pytest.mark.parametrize(
    "stray",
    ["}\n", "{\n", "garbage line\n"],
)
def test_stray_lines_are_rejected(tmp_path, stray):
    error = rejection(write(tmp_path, stray))
    assert error.line == 7


@pytest.mark.parametrize("ver", ["#VER A 1", '#VER A 1 ""', "#VER A 1 rappakalja"])
def test_missing_or_bad_voucher_date_is_rejected(tmp_path, ver):
    error = rejection(voucher_file(tmp_path, "#TRANS 1930 {} 1", ver=ver))
    assert error.field == "3 (verdatum)"
    assert error.line == 7


def test_unclosed_quote_at_the_end_of_a_line_is_read_to_the_end(tmp_path):
    document, warnings = read_sie(voucher_file(tmp_path, '#TRANS 1930 {} 1 20250101 "cut off text', "#TRANS 3010 {} -1"))
    assert document.vouchers[0].rows[0].text == "cut off text"
    assert "no closing quote" in str(warnings[0])


# ---- dates, amounts, accounts ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "date"), [("20240229", dt.date(2024, 2, 29)), ("20000229", dt.date(2000, 2, 29))])
def test_leap_days(tmp_path, text, date):
    document, _ = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} 1", ver=f"#VER A 1 {text}"))
    assert document.vouchers[0].date == date


@pytest.mark.parametrize("text", ["20230229", "19000229", "20241301", "20240431", "00000101"])
def test_impossible_dates_are_rejected(tmp_path, text):
    error = rejection(voucher_file(tmp_path, "#TRANS 1930 {} 1", ver=f"#VER A 1 {text}"))
    assert "not a date in the calendar" in error.problem
    assert error.expected.startswith("a real date")


@pytest.mark.parametrize(("text", "warning"), [("240301", "six digits"), ("2024-03-01", "dashes")])
def test_short_and_iso_dates_are_read_with_a_warning(tmp_path, text, warning):
    document, warnings = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} 1", ver=f"#VER A 1 {text}"))
    assert document.vouchers[0].date == dt.date(2024, 3, 1)
    assert warning in str(warnings[0])


def test_transaction_date_in_the_calendar_is_checked(tmp_path):
    error = rejection(voucher_file(tmp_path, "#TRANS 1930 {} 1 20250230"))
    assert error.field == "4 (transdat)"


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("1234,50", "uses a comma"),
        ("+100", "plus sign"),
        ("1e5", "is not a number"),
        ("NaN", "is not a number"),
        ("1_000", "is not a number"),
        (".5", "is not a number"),
        ("١٢", "is not a number"),
    ],
)
def test_bad_amounts_are_rejected_with_a_clear_error(tmp_path, amount, problem):
    path = voucher_file(tmp_path, f"#TRANS 1930 {{}} {amount}", encoding="utf-8")
    error = rejection(path)
    assert problem in error.problem
    assert error.field == "3 (belopp)"
    assert error.expected == "a decimal number like -1234.50"
    message = str(error)
    assert message.startswith(f"{path}:9: ")
    assert "Correct the line or export the file again" in message


def test_negative_zero_and_many_decimals(tmp_path):
    document, warnings = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} -0.00", "#TRANS 3010 {} 1.005", "#TRANS 3010 {} -1.005"))
    zero, small, _ = document.vouchers[0].rows
    assert str(zero.amount) == "0.00"
    assert small.amount == Decimal("1.005")
    assert "more than two decimals" in str(warnings[0])


def test_large_amounts_stay_exact(tmp_path):
    document, _ = read_sie(voucher_file(tmp_path, "#TRANS 1930 {} 123456789012345678.91", "#TRANS 3010 {} -123456789012345678.91"))
    assert document.vouchers[0].rows[0].amount == Decimal("123456789012345678.91")


@pytest.mark.parametrize(
    ("account", "problem"),
    [("11AF", "is not numeric"), ("1234567", "more than six digits"), ('""', "is missing"), ("１９３０", "is not numeric")],
)
def test_bad_account_numbers_are_rejected(tmp_path, account, problem):
    error = rejection(voucher_file(tmp_path, f"#TRANS {account} {{}} 1", encoding="utf-8"))
    assert problem in error.problem
    assert error.field == "1 (kontonr)"


def test_letters_only_pseudo_account_is_kept_with_one_warning(tmp_path):
    document, warnings = read_sie(voucher_file(tmp_path, "#TRANS FEL {} 1", "#TRANS FEL {} 2", "#TRANS 3010 {} -3"))
    assert [row.account for row in document.vouchers[0].rows] == ["FEL", "FEL", "3010"]
    assert len(warnings) == 1


@pytest.mark.parametrize(
    ("row", "field"),
    [("#TRANS {} {} 5", "1 (kontonr)"), ("#TRANS 1930 {} {}", "3 (belopp)"), ('#TRANS 1930 {} 5 "" {}', "5 (transtext)")],
)
def test_object_list_where_a_plain_field_belongs_is_rejected(tmp_path, row, field):
    assert rejection(voucher_file(tmp_path, row)).field == field


def test_object_list_must_hold_pairs(tmp_path):
    error = rejection(voucher_file(tmp_path, "#TRANS 1930 {1} 1"))
    assert "dimension-object pairs" in error.problem
    assert error.field == "2 (objektlista)"


def test_missing_amount_names_the_field(tmp_path):
    error = rejection(voucher_file(tmp_path, "#TRANS 1930 {}"))
    assert (error.field, error.line) == ("3 (belopp)", 9)


def test_object_limit_per_dimension_fails_as_soon_as_it_is_exceeded(tmp_path):
    body = '#OBJEKT 1 "a" A\n#OBJEKT 1 "b" B\n#OBJEKT 6 "c" C\n#VER A 1 20250101\n{\n#TRANS 1 {1 "a"} 1\n#TRANS 1 {1 "z"} 1\n}\n'
    error = rejection(write(tmp_path, body), SieLimits(max_objects_per_dimension=2))
    assert error.line == 13
    assert "dimension 1 has more than 2 objects" in error.problem


# ---- header and balances ---------------------------------------------------------------------


def test_header_records(tmp_path):
    body = (
        "#PROSA Kommentar med ord\n#FTYP AB\n#FNR 42\n#ORGNR 556677-8899 1\n"
        '#ADRESS "Anna" "Gatan 1" "123 45 Ort" "08-123"\n#TAXAR 2025\n#OMFATTN 20241231\n#KPTYP BAS2024\n'
        "#VALUTA SEK\n#BKOD 62010\n#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n"
        '#KONTO 1930 "Företagskonto"\n#KTYP 1930 t\n#ENHET 1930 st\n#SRU 1930 7281\n#SRU 1930 7999\n'
        '#DIM 1 "Kostnadsställe"\n#UNDERDIM 21 "Avdelning" 1\n#OBJEKT 1 "0101" "Spädbarn"\n'
    )
    reader = SieReader(write(tmp_path, body, head='#FLAGGA 0\n#PROGRAM "Mitt \\"program\\"" "2.0 beta"\n'
                             '#FORMAT PC8\n#GEN 20250102 "Kalle K"\n#SIETYP 4\n#FNAMN "Exempel AB"\n'))
    assert list(reader) == []
    header = reader.header
    assert (header.program, header.program_version) == ('Mitt "program"', "2.0 beta")
    assert (header.generated, header.generated_by, header.sie_type) == (dt.date(2025, 1, 2), "Kalle K", 4)
    assert (header.prosa, header.company_type, header.company_id, header.company_name) == (
        "Kommentar med ord", "AB", "42", "Exempel AB",
    )
    assert (header.org_number, header.org_sequence) == ("556677-8899", "1")
    assert header.address == ("Anna", "Gatan 1", "123 45 Ort", "08-123")
    assert (header.tax_year, header.balances_as_of, header.chart_type, header.currency, header.industry_code) == (
        2025, dt.date(2024, 12, 31), "BAS2024", "SEK", "62010",
    )
    assert header.years[-1].end == dt.date(2023, 12, 31)
    account = header.accounts["1930"]
    assert (account.name, account.type, account.unit, account.sru) == ("Företagskonto", "T", "st", "7281")
    assert header.dimensions["21"].parent == "1"
    assert header.objects[("1", "0101")] == "Spädbarn"
    assert reader.warnings == []


def test_rar_ending_before_it_starts_is_rejected_and_gaps_warned(tmp_path):
    error = rejection(write(tmp_path, "#RAR 0 20240101 20231231\n"))
    assert error.field == "3 (slut)"
    _, warnings = read_sie(write(tmp_path, "#RAR 0 20240101 20241231\n#RAR -1 20220101 20221231\n"))
    assert "does not end the day before year 0 starts" in str(warnings[0])


def test_balances_of_all_kinds(tmp_path):
    body = (
        "#IB 0 1930 1000.00\n#UB 0 1930 -0\n#RES 0 3010 -500 3\n"
        '#OIB 0 1930 {1 "A"} 10\n#OUB 0 1930 {} 20 1.5\n'
        '#PSALDO 0 202401 3010 {} -100.00 2\n#PSALDO 0 202401 3010 {1 "A" 6 "P"} -60\n#PBUDGET -1 202312 3010 {} 5\n'
    )
    reader = SieReader(write(tmp_path, body))
    balances = list(reader)
    assert [b.kind for b in balances] == [
        BalanceKind.IB, BalanceKind.UB, BalanceKind.RES, BalanceKind.OIB,
        BalanceKind.OUB, BalanceKind.PSALDO, BalanceKind.PSALDO, BalanceKind.PBUDGET,
    ]
    ib, ub, res, oib, oub, psaldo, object_psaldo, pbudget = balances
    assert (ib.year_index, ib.account, ib.amount, ib.line) == (0, "1930", Decimal("1000.00"), 7)
    assert str(ub.amount) == "0"
    assert res.quantity == 3
    assert oib.objects == (("1", "A"),)
    assert (oub.objects, oub.quantity) == ((), Decimal("1.5"))
    assert (psaldo.period, psaldo.objects, psaldo.quantity) == ("202401", (), Decimal(2))
    assert object_psaldo.objects == (("1", "A"), ("6", "P"))
    assert (pbudget.year_index, pbudget.period) == (-1, "202312")


def test_period_must_be_a_month(tmp_path):
    error = rejection(write(tmp_path, "#PSALDO 0 202413 3010 {} 1\n"))
    assert error.field == "2 (period)"


def test_vouchers_in_a_type_3_file_are_read_with_a_warning(tmp_path):
    head = HEAD.replace("#SIETYP 4", "#SIETYP 3")
    document, warnings = read_sie(write(tmp_path, "#VER A 1 20250101\n{\n#TRANS 1 {} 0\n}\n", head=head))
    assert len(document.vouchers) == 1
    assert "type 3" in str(warnings[0])


# ---- #KSUMMA --------------------------------------------------------------------------------


def test_ksumma_matches_the_spec_example():
    checksum = Ksumma()
    checksum.add("#KONTO", ["1915", 'Kassa "special"'])
    assert checksum.value() == zlib.crc32('#KONTO1915Kassa "special"'.encode("cp437")) == 1921122205


def test_ksumma_object_lists_contribute_their_members():
    checksum = Ksumma()
    checksum.add("#TRANS", ["1910", ["1", "Nord", "6", "0015"], "-100.00"])
    assert checksum.value() == zlib.crc32(b"#TRANS19101Nord60015-100.00")


def test_ksumma_is_incremental():
    whole, parts = Ksumma(), Ksumma()
    whole.add("#A", ["1"])
    whole.add("#B", ["ä"])
    parts.add("#A", ["1"])
    assert parts.value() == zlib.crc32(b"#A1")
    parts.add("#B", ["ä"])
    assert parts.value() == whole.value() == zlib.crc32(b"#A1#B\x84")


def _ksumma_file(tmp_path: Path, checksum: int | None) -> Path:
    records = [("#PROGRAM", ["test", "1"]), ("#FNAMN", ["Åke AB"]), ("#VER", ["A", "1", "20250101", "x"]),
               ("#TRANS", ["1930", ["1", "A"], "-5"]), ("#TRANS", ["3010", [], "5"])]
    crc = Ksumma()
    for label, fields in records:
        crc.add(label, fields)
    tail = "" if checksum is None else f"#KSUMMA {crc.value() if checksum == -1 else checksum}\n"
    body = '#PROGRAM test 1\n#FNAMN\t"Åke AB"\n#VER A 1 20250101 x\n{\n  #TRANS 1930 {1 "A"} -5\n#TRANS 3010 {} 5\n}\n'
    return write(tmp_path, body + tail, head="#FLAGGA 0\n#KSUMMA\n")


def test_ksumma_verified(tmp_path):
    reader = SieReader(_ksumma_file(tmp_path, -1))
    assert len(list(reader)) == 1
    assert reader.checksum_verified


def test_ksumma_mismatch_is_rejected(tmp_path):
    error = rejection(_ksumma_file(tmp_path, 123456789))
    assert "but its content gives" in error.problem
    assert error.line == 10


def test_ksumma_without_its_closing_record_is_rejected(tmp_path):
    error = rejection(_ksumma_file(tmp_path, None))
    assert "without its closing #KSUMMA" in error.problem
