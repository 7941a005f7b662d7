"""Writes SIE 4E files (export: header, balances, vouchers) and SIE 4I files (import: vouchers only).

Decisions the spec leaves to the writer, taken once here:

- The file describes its writer, not the header's source: `#FLAGGA 0`, `#PROGRAM "bokslut" <version>`,
  `#FORMAT PC8`, `#SIETYP 4` and `#GEN` (the `generated` argument, else today) ignore those header fields.
- CP437 bytes (`#FORMAT PC8`, the only legal value) and CRLF line ends, as Fortnox, Visma and BL write.
- `#ORGNR` gets the hyphen §#ORGNR requires when the header holds ten bare digits.
- Text CP437 cannot hold never stops an export. It is NFC-normalised first (a macOS-decomposed "å"
  becomes the CP437 "å"), typographic look-alikes get ASCII stand-ins (– — ‘ ’ “ ” … €), accents
  CP437 lacks are dropped ("ő" -> "o"), and anything else becomes "?". Control characters
  (ASCII 0-31 and 127), which §5.7 forbids inside text, become spaces.
- Free texts (names, voucher and row texts) are always quoted, as Fortnox does; codes (series,
  voucher numbers, object ids, signatures) only when they must be: empty, or holding a blank, a
  quote or a brace. `"` is escaped as `\\"`, the only escape §5.7 knows; other backslashes are
  literal. A field therefore never ends in a backslash (a quoted one would read as an escaped
  quote), so a final backslash is written as "/".
- Amounts have two decimals, never "-0.00". An amount with more öre digits raises ValueError
  instead of being rounded: silently changed money is worse than a failed export.
- Streaming: balances and vouchers are consumed once and written as they come, so a 100 MB file
  can be written from generators.
- A file written to a path appears only when complete: it is written beside it and renamed.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import BinaryIO

from core.money import ORE
from core.scratch import written_whole
from core.sie.model import Balance, BalanceKind, Header, ObjectRef, RowKind, Voucher, VoucherRow

PROGRAM_NAME = "bokslut"
LINE_END = "\r\n"

# Balance kinds by field layout (§6); the rest (#PSALDO, #PBUDGET) also carry a period.
_YEAR_BALANCES = {BalanceKind.IB, BalanceKind.UB, BalanceKind.RES}
_OBJECT_BALANCES = {BalanceKind.OIB, BalanceKind.OUB}
_ROW_LABELS = {kind: f"#{kind.value}" for kind in RowKind}


class _Text(str):
    """A free-text field: always written in quotes."""

    __slots__ = ()


# A field value: a code or number (str), a free text (_Text), an object list (tuple of member
# texts) or None for a missing value written as "".
Field = str | tuple[str, ...] | None


def write_sie4e(
    target: Path | BinaryIO,
    header: Header,
    balances: Iterable[Balance],
    vouchers: Iterable[Voucher],
    *,
    ksumma: bool = False,
    generated: date | None = None,
) -> None:
    """Write a full export: header, chart, objects, balances, then vouchers.

    Every account used by a balance or voucher must be declared in `header.accounts` (§#KONTO);
    the writer cannot check that without holding the whole file.
    """
    with _output(target) as stream:
        records = _Records(stream, ksumma)
        records.header(header, generated or date.today(), export=True)
        for balance in balances:
            records.balance(balance)
        for voucher in vouchers:
            records.voucher(voucher)
        records.finish()


def write_sie4i(
    target: Path | BinaryIO,
    header: Header,
    vouchers: Iterable[Voucher],
    *,
    ksumma: bool = False,
    generated: date | None = None,
) -> None:
    """Write an import file: header, chart and vouchers. Balances, #OMFATTN and #BKOD are forbidden in 4I (§6)."""
    with _output(target) as stream:
        records = _Records(stream, ksumma)
        records.header(header, generated or date.today(), export=False)
        for voucher in vouchers:
            records.voucher(voucher)
        records.finish()


@contextmanager
def _output(target: Path | BinaryIO) -> Iterator[io.TextIOWrapper]:
    """A CP437 text stream with CRLF line ends; strict, because every text is made encodable first."""
    if isinstance(target, (str, Path)):
        with written_whole(Path(target)) as raw:  # whole or not at all, private, a killed writer's part removed
            stream = io.TextIOWrapper(raw, encoding="cp437", errors="strict", newline=LINE_END)
            yield stream
            stream.flush()
            stream.detach()  # written_whole closes the file
    else:
        stream = io.TextIOWrapper(target, encoding="cp437", errors="strict", newline=LINE_END)
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # the caller's stream stays open


class _Records:
    """Turns (label, fields) into lines and, when asked, feeds #KSUMMA the field texts exactly as written."""

    def __init__(self, stream: io.TextIOWrapper, ksumma: bool) -> None:
        self._write = stream.write
        self._checksum = None
        self._write("#FLAGGA 0\n")
        if ksumma:
            from core.sie.checksum import Ksumma  # only files asking for a checksum need the module

            self._checksum = Ksumma()
            self._write("#KSUMMA\n")

    def record(self, label: str, *fields: Field) -> str:
        """One line without its line end; trailing missing fields are left out (4C ch. 12)."""
        end = len(fields)
        while end and fields[end - 1] is None:
            end -= 1
        fields = fields[:end]
        if self._checksum is not None:
            self._checksum.add(label, ["" if value is None else value for value in fields])
        return " ".join([label, *map(_token, fields)])

    def _row(self, row: VoucherRow) -> str:
        """A #TRANS line; without a checksum to feed, the usual row takes a shortcut through cached tokens."""
        optional = (
            _date(row.date) if row.date else None,
            _optional_text(row.text),
            _quantity(row.quantity),
            _optional_code(row.signature),
        )
        label, amount = _ROW_LABELS[row.kind], _amount(row.amount)
        if self._checksum is not None:
            return self.record(label, _code(row.account), _objects(row.objects), amount, *optional)
        line = f"{label} {_code_token(row.account)} {_objects_token(row.objects)} {amount}"
        if optional == (None, None, None, None):
            return line
        return self.record(line, *optional)  # the fixed fields serve as the "label" the rest is joined to

    def emit(self, label: str, *fields: Field) -> None:
        self._write(self.record(label, *fields) + "\n")

    def header(self, header: Header, generated: date, *, export: bool) -> None:
        emit = self.emit
        emit("#PROGRAM", _Text(PROGRAM_NAME), _program_version())
        emit("#FORMAT", "PC8")
        emit("#GEN", _date(generated), _optional_code(header.generated_by))
        emit("#SIETYP", "4")
        if header.prosa:
            emit("#PROSA", _text(header.prosa))
        if header.company_type:
            emit("#FTYP", _code(header.company_type))
        if header.company_id:
            emit("#FNR", _text(header.company_id))
        if header.org_number:
            emit("#ORGNR", _code(_hyphenated(header.org_number)), _optional_code(header.org_sequence))
        if any(header.address):
            emit("#ADRESS", *(_text(part) for part in header.address[:4]))
        emit("#FNAMN", _text(header.company_name))
        for index in sorted(header.years, reverse=True):
            year = header.years[index]
            emit("#RAR", str(index), _date(year.start), _date(year.end))
        if header.tax_year is not None:
            emit("#TAXAR", str(header.tax_year))
        if export and header.balances_as_of is not None:
            emit("#OMFATTN", _date(header.balances_as_of))
        if header.chart_type:
            emit("#KPTYP", _code(header.chart_type))
        if header.currency:
            emit("#VALUTA", _code(header.currency))
        if export and header.industry_code:
            emit("#BKOD", _code(header.industry_code))
        for account in header.accounts.values():
            number = _code(account.number)
            emit("#KONTO", number, _text(account.name))
            if account.type:
                emit("#KTYP", number, _code(account.type))
            if account.unit:
                emit("#ENHET", number, _text(account.unit))
            for code in account.sru_codes:
                emit("#SRU", number, _code(code))
        for dimension in header.dimensions.values():
            if dimension.parent:
                emit("#UNDERDIM", _code(dimension.number), _text(dimension.name), _code(dimension.parent))
            else:
                emit("#DIM", _code(dimension.number), _text(dimension.name))
        for (dimension_number, object_id), name in header.objects.items():
            emit("#OBJEKT", _code(dimension_number), _code(object_id), _text(name))

    def balance(self, balance: Balance) -> None:
        kind = balance.kind
        year = str(balance.year_index)
        account = _code(balance.account)
        amount = _amount(balance.amount)
        quantity = _quantity(balance.quantity)
        if kind in _YEAR_BALANCES:
            if balance.objects:
                raise ValueError(f"#{kind.value} has no object list; write #OIB/#OUB/#PSALDO for objects")
            self.emit(f"#{kind.value}", year, account, amount, quantity)
        elif kind in _OBJECT_BALANCES:
            self.emit(f"#{kind.value}", year, account, _objects(balance.objects), amount, quantity)
        else:
            period = _code(balance.period)
            self.emit(f"#{kind.value}", year, period, account, _objects(balance.objects), amount, quantity)

    def voucher(self, voucher: Voucher) -> None:
        lines = [
            self.record(
                "#VER",
                _optional_code(voucher.series),
                _optional_code(voucher.number),
                _date(voucher.date),
                _optional_text(voucher.text),
                _date(voucher.registered) if voucher.registered else None,
                _optional_code(voucher.signature),
            ),
            "{",
        ]
        lines.extend(map(self._row, voucher.rows))
        lines.append("}\n")
        self._write("\n".join(lines))

    def finish(self) -> None:
        if self._checksum is not None:
            self._write(f"#KSUMMA {self._checksum.value()}\n")


def _program_version() -> str:
    try:
        return _code(version("bokslut"))
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0"


def _token(value: Field) -> str:
    if value is None:
        return '""'
    if type(value) is tuple:
        return "{" + " ".join(map(_token, value)) + "}"
    if type(value) is _Text or not value or _NEEDS_QUOTES.search(value):
        return '"' + value.replace('"', '\\"') + '"'
    return value


_NEEDS_QUOTES = re.compile(r'[ "{}]')
# Anything but printable ASCII, or a final backslash, needs the slow path of _clean.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]|\\\Z")
_CONTROL_TO_SPACE = {code: " " for code in [*range(32), 127]}
_CP437 = frozenset(bytes(range(32, 256)).decode("cp437")) - {"\x7f"}
_LOOKALIKES = {
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2026": "...",
    "\u20ac": "EUR",
    "\u2022": "*",
}


def _clean(text: str) -> str:
    """The text as CP437 can carry it; plain ASCII (nearly every field) takes the fast path."""
    if _NOT_PLAIN.search(text) is None:
        return text
    return _clean_slowly(text)


@lru_cache(maxsize=8192)
def _clean_slowly(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_CONTROL_TO_SPACE)
    if not _CP437.issuperset(text):
        text = "".join(_stand_in(char) for char in text)
    if text.endswith("\\"):
        text = text[:-1] + "/"
    return text


def _stand_in(char: str) -> str:
    if char in _CP437:
        return char
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    base = "".join(part for part in unicodedata.normalize("NFKD", char) if part in _CP437)
    return base or "?"


def _code(text: str) -> str:
    return _clean(text)


def _text(text: str) -> _Text:
    return _Text(_clean(text))


def _optional_code(text: str) -> str | None:
    return _clean(text) if text else None


def _optional_text(text: str) -> _Text | None:
    return _Text(_clean(text)) if text else None


def _objects(objects: tuple[ObjectRef, ...]) -> tuple[str, ...]:
    return tuple(_clean(part) for pair in objects for part in pair)


@lru_cache(maxsize=8192)
def _code_token(text: str) -> str:
    return _token(_clean(text))


@lru_cache(maxsize=8192)
def _objects_token(objects: tuple[ObjectRef, ...]) -> str:
    return _token(_objects(objects))


@lru_cache(maxsize=4096)
def _date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _amount(amount: Decimal) -> str:
    text = str(amount)
    if text[-3:-2] == "." and "E" not in text:  # nearly every amount: exactly two decimals
        return "0.00" if text == "-0.00" else text
    return _unusual_amount(amount)


def _unusual_amount(amount: Decimal) -> str:
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValueError(f"amount {amount} is not a number")
    if exponent < -2 and amount != amount.quantize(ORE):
        raise ValueError(f"amount {amount} has more than two decimals; SIE allows at most two (§5.9)")
    return f"{amount:.2f}" if amount else "0.00"


def _quantity(quantity: Decimal | None) -> str | None:
    """Quantities keep their digits: the spec limits only amounts to two decimals."""
    if quantity is None:
        return None
    if not quantity.is_finite():
        raise ValueError(f"quantity {quantity} is not a number")
    return f"{quantity:f}" if quantity else "0"


def _hyphenated(org_number: str) -> str:
    """§#ORGNR wants a hyphen after the sixth digit; importers (Spiris) warn without it."""
    if len(org_number) == 10 and org_number.isdigit():
        return f"{org_number[:6]}-{org_number[6:]}"
    return _clean(org_number)
