"""The SIE writer: exact bytes where the format is strict, and read-back identity for everything else."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import tracemalloc
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.sie.model import (
    Account,
    Balance,
    BalanceKind,
    Dimension,
    FiscalYear,
    Header,
    RowKind,
    Voucher,
    VoucherRow,
)
from core.sie.tokenizer import split_fields
from core.sie.writer import write_sie4e, write_sie4i

GENERATED = dt.date(2025, 2, 15)


def _closing_entries() -> tuple[Header, list[Voucher]]:
    header = Header(
        company_name="Exempel AB",
        org_number="5566778899",
        years={0: FiscalYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31))},
        accounts={
            "8910": Account("8910", "Skatt som belastar årets resultat"),
            "2512": Account("2512", "Beräknad inkomstskatt"),
        },
    )
    voucher = Voucher(
        "",
        "",
        dt.date(2024, 12, 31),
        "Bokslut 2024: skatt",
        rows=[VoucherRow("8910", Decimal("12345")), VoucherRow("2512", Decimal("-12345.00"))],
    )
    return header, [voucher]


def _bytes_4i(header: Header, vouchers: list[Voucher], **options) -> bytes:
    sink = io.BytesIO()
    write_sie4i(sink, header, vouchers, generated=GENERATED, **options)
    return sink.getvalue()


def _bytes_4e(header: Header, balances, vouchers, **options) -> bytes:
    sink = io.BytesIO()
    write_sie4e(sink, header, balances, vouchers, generated=GENERATED, **options)
    return sink.getvalue()


def test_closing_entries_4i_exact_bytes():
    header, vouchers = _closing_entries()
    expected = (
        "#FLAGGA 0\r\n"
        f'#PROGRAM "bokslut" {version("bokslut")}\r\n'
        "#FORMAT PC8\r\n"
        "#GEN 20250215\r\n"
        "#SIETYP 4\r\n"
        "#ORGNR 556677-8899\r\n"
        '#FNAMN "Exempel AB"\r\n'
        "#RAR 0 20240101 20241231\r\n"
        '#KONTO 8910 "Skatt som belastar årets resultat"\r\n'
        '#KONTO 2512 "Beräknad inkomstskatt"\r\n'
        '#VER "" "" 20241231 "Bokslut 2024: skatt"\r\n'
        "{\r\n"
        "#TRANS 8910 {} 12345.00\r\n"
        "#TRANS 2512 {} -12345.00\r\n"
        "}\r\n"
    ).encode("cp437")
    assert _bytes_4i(header, vouchers) == expected


def test_4i_never_carries_what_the_spec_forbids_there():
    header, vouchers = _closing_entries()
    header.balances_as_of = dt.date(2024, 12, 31)
    header.industry_code = "62010"
    labels = {line.split()[0] for line in _bytes_4i(header, vouchers).decode("cp437").splitlines()}
    assert labels.isdisjoint({"#IB", "#UB", "#RES", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#OMFATTN", "#BKOD"})
    labels_4e = {line.split()[0] for line in _bytes_4e(header, [], vouchers).decode("cp437").splitlines()}
    assert {"#OMFATTN", "#BKOD"} <= labels_4e


def _trans_line(**row_fields) -> str:
    header, _ = _closing_entries()
    voucher = Voucher("A", "1", dt.date(2024, 5, 2), rows=[VoucherRow("1930", Decimal("1"), **row_fields)])
    lines = _bytes_4i(header, [voucher]).decode("cp437").split("\r\n")
    return next(line for line in lines if line.startswith(("#TRANS", "#RTRANS", "#BTRANS")))


def test_missing_middle_fields_are_empty_quotes_and_trailing_ones_are_left_out():
    assert _trans_line() == "#TRANS 1930 {} 1.00"
    assert _trans_line(quantity=Decimal("2.5")) == '#TRANS 1930 {} 1.00 "" "" 2.5'
    assert _trans_line(text="Ränta", date=dt.date(2024, 5, 3)) == '#TRANS 1930 {} 1.00 20240503 "Ränta"'
    assert _trans_line(signature="Eva Ek", kind=RowKind.RTRANS) == '#RTRANS 1930 {} 1.00 "" "" "" "Eva Ek"'
    assert _trans_line(objects=(("1", "Nord"), ("6", "00 15"))) == '#TRANS 1930 {1 Nord 6 "00 15"} 1.00'


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('Kassa "special"', '"Kassa \\"special\\""'),
        ("C:\\SPCS\\Företag", '"C:\\SPCS\\Företag"'),  # backslashes are literal (§5.7)
        ("Slutar med \\", '"Slutar med /"'),  # a final backslash would escape the closing quote
        ("rad\tett\nrad två\x7f", '"rad ett rad två "'),  # control characters are forbidden in text
        ("Faktura € 100 – “rabatt”…", '"Faktura EUR 100 - \\"rabatt\\"..."'),
        ("Ångström ő ø", '"Ångström o ?"'),
        ("A\u030angström", '"Ångström"'),  # decomposed (macOS) letters are composed first
    ],
)
def test_text_that_cp437_or_the_grammar_cannot_hold_is_replaced_as_documented(text, written):
    assert _trans_line(text=text).split(" ", 5)[5] == written


def test_codes_are_quoted_only_when_they_must_be():
    header, _ = _closing_entries()
    row = VoucherRow("1930", Decimal("0"), objects=(("1", "{x}"),))
    voucher = Voucher("LEV 1", "17", dt.date(2024, 5, 2), rows=[row])
    text = _bytes_4i(header, [voucher]).decode("cp437")
    assert '#VER "LEV 1" 17 20240502\r\n' in text
    assert '#TRANS 1930 {1 "{x}"} 0.00\r\n' in text
    assert split_fields('#TRANS 1930 {1 "{x}"} 0.00') == ["#TRANS", "1930", ["1", "{x}"], "0.00"]


@pytest.mark.parametrize(
    ("amount", "written"),
    [(Decimal("5"), "5.00"), (Decimal("-0"), "0.00"), (Decimal("-0.00"), "0.00"), (Decimal("1.500"), "1.50"),
     (Decimal("-123456789012.3"), "-123456789012.30")],
)
def test_amounts_have_two_decimals_and_no_negative_zero(amount, written):
    header, _ = _closing_entries()
    voucher = Voucher("A", "1", dt.date(2024, 5, 2), rows=[VoucherRow("1930", amount)])
    assert f"#TRANS 1930 {{}} {written}\r\n" in _bytes_4i(header, [voucher]).decode("cp437")


@pytest.mark.parametrize("amount", [Decimal("0.001"), Decimal("NaN"), Decimal("Infinity")])
def test_amounts_sie_cannot_carry_are_refused_not_rounded(amount):
    header, _ = _closing_entries()
    voucher = Voucher("A", "1", dt.date(2024, 5, 2), rows=[VoucherRow("1930", amount)])
    with pytest.raises(ValueError):
        _bytes_4i(header, [voucher])


def test_balances_without_an_object_field_refuse_objects():
    header, _ = _closing_entries()
    balance = Balance(BalanceKind.IB, 0, "1930", Decimal(1), objects=(("1", "A"),))
    with pytest.raises(ValueError, match="OIB"):
        _bytes_4e(header, [balance], [])


def test_a_path_target_appears_only_when_complete(tmp_path: Path):
    header, vouchers = _closing_entries()
    target = tmp_path / "bokslut.si"

    def failing():
        yield from vouchers
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_sie4i(target, header, failing(), generated=GENERATED)
    assert list(tmp_path.iterdir()) == []
    write_sie4i(target, header, vouchers, generated=GENERATED)
    assert target.read_bytes() == _bytes_4i(header, vouchers)
    assert list(tmp_path.iterdir()) == [target]


def test_a_binary_stream_target_stays_open():
    header, vouchers = _closing_entries()
    sink = io.BytesIO()
    write_sie4i(sink, header, vouchers, generated=GENERATED)
    sink.write(b"still open")


def test_vouchers_and_balances_are_streamed_not_collected():
    """100 000 rows written from generators: memory stays far below what holding them would need."""
    header, _ = _closing_entries()

    class Discard(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            return len(data)

    def vouchers():
        for number in range(1, 25_001):
            rows = [VoucherRow("1930", Decimal(number)), VoucherRow("3001", -Decimal(number), objects=(("1", "10"),))]
            yield Voucher("A", str(number), dt.date(2024, 5, 2), "Försäljning", rows=rows * 2)

    def balances():
        for number in range(25_000):
            yield Balance(BalanceKind.PSALDO, 0, "3001", Decimal(number), period="202405", objects=(("1", "10"),))

    tracemalloc.start()
    try:
        write_sie4e(io.BufferedWriter(Discard()), header, balances(), vouchers(), generated=GENERATED)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000


# --- read-back identity -------------------------------------------------------------------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ALPHABET = _LETTERS + " !#$%&'()*+,-./:;<=>?@[]^_`|~\"\\{}" + "åäöÅÄÖéü"
texts = st.text(_ALPHABET, max_size=30).filter(lambda text: not text.endswith("\\"))
codes = st.text(_ALPHABET, min_size=1, max_size=12).filter(lambda text: not text.endswith("\\"))
digits = st.text("0123456789", min_size=1, max_size=4)
accounts = st.text("0123456789", min_size=4, max_size=4)
dates = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))
amounts = st.integers(-10**13, 10**13).map(lambda ore: Decimal(ore).scaleb(-2))
quantities = st.none() | st.integers(-10**7, 10**7).map(lambda thousandths: Decimal(thousandths).scaleb(-3))
object_lists = st.lists(st.tuples(digits, codes), max_size=3).map(tuple)


@st.composite
def headers(draw) -> Header:
    numbers = draw(st.lists(accounts, min_size=1, max_size=8, unique=True))
    chart = {
        number: Account(
            number,
            draw(texts),
            draw(st.sampled_from(["", "T", "S", "K", "I"])),
            draw(st.sampled_from(["", "st", "tim"])),
            draw(st.sampled_from(["", "7281", "7410"])),
        )
        for number in numbers
    }
    dimension_numbers = draw(st.lists(digits, max_size=3, unique=True))
    dimensions = {number: Dimension(number, draw(texts)) for number in dimension_numbers}
    if len(dimension_numbers) > 1:
        child = dimension_numbers[-1]
        dimensions[child] = Dimension(child, dimensions[child].name, dimension_numbers[0])
    objects = {(draw(digits), draw(codes)): draw(texts) for _ in range(draw(st.integers(0, 4)))}
    end = draw(dates)
    start = end - dt.timedelta(days=364)
    previous_end = start - dt.timedelta(days=1)
    previous = FiscalYear(-1, previous_end - dt.timedelta(days=364), previous_end)
    address = draw(st.sampled_from([(), ("Eva Ek", "Box 12", "123 45 Åby", "08-12 34 56")]))
    return Header(
        flagga="0",
        program="bokslut",
        program_version=version("bokslut"),
        format="PC8",
        generated=GENERATED,
        generated_by=draw(st.sampled_from(["", "Eva Ek"])),
        sie_type=4,
        prosa=draw(texts),
        company_type=draw(st.sampled_from(["", "AB"])),
        company_id=draw(texts),
        org_number=draw(st.sampled_from(["556677-8899", ""])),
        company_name=draw(texts),
        address=address,
        tax_year=draw(st.none() | st.just(end.year + 1)),
        chart_type=draw(st.sampled_from(["", "BAS2025"])),
        currency=draw(st.sampled_from(["", "SEK"])),
        industry_code=draw(st.sampled_from(["", "62010"])),
        balances_as_of=draw(st.none() | st.just(end)),
        years={0: FiscalYear(0, start, end), -1: previous},
        accounts=chart,
        dimensions=dimensions,
        objects=objects,
    )


@st.composite
def balances(draw, chart: list[str]) -> Balance:
    kind = draw(st.sampled_from(list(BalanceKind)))
    period = objects = ()
    if kind in (BalanceKind.PSALDO, BalanceKind.PBUDGET):
        period = f"{draw(st.integers(1990, 2099))}{draw(st.integers(1, 12)):02d}"
    if kind not in (BalanceKind.IB, BalanceKind.UB, BalanceKind.RES):
        objects = draw(object_lists)
    return Balance(
        kind,
        draw(st.sampled_from([0, -1])),
        draw(st.sampled_from(chart)),
        draw(amounts),
        period=period or "",
        objects=objects,
        quantity=draw(quantities),
    )


@st.composite
def vouchers(draw, chart: list[str]) -> Voucher:
    rows = [
        VoucherRow(
            draw(st.sampled_from(chart)),
            draw(amounts),
            draw(object_lists),
            draw(st.none() | dates),
            draw(texts),
            draw(quantities),
            draw(st.sampled_from(["", "Eva Ek", "eva"])),
            draw(st.sampled_from(list(RowKind))),
        )
        for _ in range(draw(st.integers(0, 5)))
    ]
    return Voucher(
        draw(st.sampled_from(["", "A", "I", "LEV 1"])),
        draw(st.sampled_from(["", "1", "20", "0042"])),
        draw(dates),
        draw(texts),
        draw(st.none() | dates),
        draw(st.sampled_from(["", "Eva Ek"])),
        rows,
    )


@st.composite
def documents(draw):
    header = draw(headers())
    chart = list(header.accounts)
    return header, draw(st.lists(balances(chart), max_size=6)), draw(st.lists(vouchers(chart), max_size=5))


def _without_lines(items):
    """Items as given to the writer: the reader adds line numbers."""
    stripped = []
    for item in items:
        rows = {"rows": _without_lines(item.rows)} if isinstance(item, Voucher) else {}
        stripped.append(dataclasses.replace(item, line=0, **rows))
    return stripped


def _as_written(header: Header) -> Header:
    """The writer hyphenates a bare 10-digit #ORGNR and pads #ADRESS to its four fields; nothing else changes."""
    return dataclasses.replace(header, address=header.address[:4] if any(header.address) else ())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents(), ksumma=st.booleans())
def test_what_the_writer_writes_the_reader_reads_back_identically(document, ksumma, tmp_path_factory):
    from core.sie.reader import read_sie

    header, balances_in, vouchers_in = document
    path = tmp_path_factory.mktemp("roundtrip") / "file.se"
    write_sie4e(path, header, iter(balances_in), iter(vouchers_in), ksumma=ksumma, generated=GENERATED)
    document_out, warnings = read_sie(path)
    assert document_out.header == _as_written(header)
    assert _without_lines(document_out.balances) == balances_in
    assert _without_lines(document_out.vouchers) == vouchers_in
    assert not [w for w in warnings if "CP437" in str(w)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents())
def test_a_4i_file_reads_back_without_balances(document, tmp_path_factory):
    from core.sie.reader import read_sie

    header, _, vouchers_in = document
    path = tmp_path_factory.mktemp("roundtrip") / "file.si"
    write_sie4i(path, header, vouchers_in, ksumma=True, generated=GENERATED)
    document_out, _ = read_sie(path)
    assert document_out.balances == []
    assert _without_lines(document_out.vouchers) == vouchers_in
    assert document_out.header.balances_as_of is None and document_out.header.industry_code == ""


def test_a_bare_org_number_gets_its_hyphen(tmp_path: Path):
    header, vouchers = _closing_entries()
    assert b"#ORGNR 556677-8899\r\n" in _bytes_4i(header, vouchers)


def test_the_checksum_covers_the_content(tmp_path: Path):
    from core.sie.errors import SieError
    from core.sie.reader import read_sie

    header, vouchers = _closing_entries()
    path = tmp_path / "file.si"
    write_sie4i(path, header, vouchers, ksumma=True, generated=GENERATED)
    lines = path.read_bytes().split(b"\r\n")
    assert lines[1] == b"#KSUMMA" and lines[-2].startswith(b"#KSUMMA ")
    read_sie(path)  # verifies
    path.write_bytes(path.read_bytes().replace(b"12345.00", b"12346.00").replace(b"-12346.00", b"-12345.00"))
    with pytest.raises(SieError, match="checksum"):
        read_sie(path)
