"""Streaming SIE 4 reader (types 1-4, E and I; sie4.md).

`SieReader` yields vouchers and balances in file order while header records fill
`reader.header`, so memory does not grow with the number of vouchers. It checks the syntax and
the fields; bookkeeping integrity (balanced vouchers, IB + TRANS = UB) is the importer's job,
because real exports break it and the user must see it rather than lose the file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from core.sie.checksum import Ksumma
from core.sie.encoding import CP437, EncodingDecision, FileTooLarge, LineTooLong, detect_encoding
from core.sie.errors import SieError, SieWarning
from core.sie.model import (
    Account,
    Balance,
    BalanceKind,
    Dimension,
    FiscalYear,
    Header,
    ObjectRef,
    RowKind,
    SieDocument,
    Voucher,
    VoucherRow,
)
from core.sie.tokenizer import LINE_STRIP, Field, TokenError, split_fields


@dataclass(frozen=True)
class SieLimits:
    max_bytes: int = 100 * 1024 * 1024
    max_objects_per_dimension: int = 10_000


MAX_WARNINGS_KEPT = 1000
# Dimension numbers are small (1-19 reserved, 20+ free); this only stops a hostile file from
# growing memory with millions of one-object dimensions.
MAX_DIMENSIONS = 1000
_CACHE_LIMIT = 50_000

FIX_HINT = "Correct the line or export the file again from the bookkeeping program."
EXPORT_HINT = "Export the file again from the bookkeeping program."

_AMOUNT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_INTEGER = re.compile(r"-?[0-9]+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PERIOD = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")
_EMPTY_DATES = ("", "00000000")  # jsisie and old exporters write 00000000 for "no date"

# Fast paths: one regex match per line for the shapes nearly every #TRANS and #VER has (no
# escapes, plain dates and amounts). Anything else goes through the tokenizer, which accepts
# the same lines with the same result (tests/sie/test_reader_fuzz.py checks that).
_SEP = r"[ \t\x0b\x0c\x1c-\x1f]+"
_DATE = r"(?!00000000)([0-9]{8})"
_TEXT = r'(?:"([^"\\]*)"|([^ \t\x0b\x0c\x1c-\x1f"{}\\]+))'
_FAST_ROW = re.compile(
    rf"#(TRANS|RTRANS|BTRANS){_SEP}([0-9]{{1,6}}){_SEP}"
    rf'\{{([^{{}}"\\]*(?:"[^"\\]*"[^{{}}"\\]*)*)\}}{_SEP}(-?[0-9]+(?:\.[0-9]{{1,2}})?)'
    rf'(?:{_SEP}(?:""|{_DATE})(?:{_SEP}{_TEXT}(?:{_SEP}(?:""|(-?[0-9]+(?:\.[0-9]+)?))(?:{_SEP}{_TEXT})?)?)?)?'
).fullmatch
_FAST_VER = re.compile(
    rf"#VER{_SEP}{_TEXT}{_SEP}{_TEXT}{_SEP}{_DATE}"
    rf'(?:{_SEP}{_TEXT}(?:{_SEP}(?:""|{_DATE})(?:{_SEP}{_TEXT})?)?)?'
).fullmatch
_KIND_BY_NAME = {"TRANS": RowKind.TRANS, "RTRANS": RowKind.RTRANS, "BTRANS": RowKind.BTRANS}

_ROW_FIELDS = ("kontonr", "objektlista", "belopp", "transdat", "transtext", "kvantitet", "sign")
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "#FLAGGA": ("x",),
    "#PROGRAM": ("programnamn", "version"),
    "#FORMAT": ("format",),
    "#GEN": ("datum", "sign"),
    "#SIETYP": ("typnr",),
    "#PROSA": ("text",),
    "#FTYP": ("företagstyp",),
    "#FNR": ("företagsid",),
    "#ORGNR": ("orgnr", "förvnr", "verknr"),
    "#BKOD": ("SNI-kod",),
    "#ADRESS": ("kontakt", "utdelningsadr", "postadr", "tel"),
    "#FNAMN": ("företagsnamn",),
    "#RAR": ("årsnr", "start", "slut"),
    "#TAXAR": ("år",),
    "#OMFATTN": ("datum",),
    "#KPTYP": ("typ",),
    "#VALUTA": ("valutakod",),
    "#KONTO": ("kontonr", "kontonamn"),
    "#KTYP": ("kontonr", "kontotyp"),
    "#ENHET": ("kontonr", "enhet"),
    "#SRU": ("konto", "SRU-kod"),
    "#DIM": ("dimensionsnr", "namn"),
    "#UNDERDIM": ("dimensionsnr", "namn", "superdimension"),
    "#OBJEKT": ("dimensionsnr", "objektnr", "objektnamn"),
    "#IB": ("årsnr", "konto", "saldo", "kvantitet"),
    "#UB": ("årsnr", "konto", "saldo", "kvantitet"),
    "#RES": ("årsnr", "konto", "saldo", "kvantitet"),
    "#OIB": ("årsnr", "konto", "objektlista", "saldo", "kvantitet"),
    "#OUB": ("årsnr", "konto", "objektlista", "saldo", "kvantitet"),
    "#PSALDO": ("årsnr", "period", "konto", "objektlista", "saldo", "kvantitet"),
    "#PBUDGET": ("årsnr", "period", "konto", "objektlista", "saldo", "kvantitet"),
    "#VER": ("serie", "vernr", "verdatum", "vertext", "regdatum", "sign"),
    "#TRANS": _ROW_FIELDS,
    "#RTRANS": _ROW_FIELDS,
    "#BTRANS": _ROW_FIELDS,
    "#KSUMMA": ("kontrollsumma",),
}
_ROW_KINDS = {"#TRANS": RowKind.TRANS, "#RTRANS": RowKind.RTRANS, "#BTRANS": RowKind.BTRANS}


_ZERO = Decimal(0)


def _nonnegative_zero(number: Decimal) -> Decimal:
    """Fortnox and Avendo write -0 and -0.00; keep the scale, drop the sign."""
    return number if number else number.copy_abs()


class _BadField(Exception):
    """Raised by field parsers; the read loop turns it into a SieError naming file and line."""

    def __init__(self, index: int, problem: str, expected: str, hint: str = FIX_HINT) -> None:
        super().__init__(problem)
        self.index = index
        self.problem = problem
        self.expected = expected
        self.hint = hint


class SieReader:
    """Streams a SIE file: iterate to get Voucher and Balance items in file order; header records update self.header as they are met.

    The constructor checks the size limit before reading anything, then decides the character
    set in one fast pass over the bytes (and rejects files that do not start with `#FLAGGA`).
    Iterating reads the file once, line by line, and raises `SieError` on bad input.
    """

    def __init__(self, path: str | Path, limits: SieLimits = SieLimits()) -> None:
        self.path = Path(path)
        self.limits = limits
        self.header = Header()
        self.warnings: list[SieWarning] = []
        self.warning_count = 0
        self.checksum_verified = False  # True once a closing #KSUMMA matched the content
        self._started = False
        self._ksumma: list[Ksumma] | None = None  # running while inside an opened #KSUMMA
        self._dates: dict[str, dt.date] = {}
        self._accounts_ok: set[str] = set()
        self._object_lists: dict[tuple[str, ...] | str, tuple[ObjectRef, ...]] = {}
        self._objects_seen: dict[str, set[str]] = {}
        self._warned_once: set[str] = set()
        self._vouchers_seen = False
        try:
            size = os.stat(self.path).st_size
        except OSError as exc:
            raise SieError(path, None, f"cannot read the file ({exc.strerror})",
                           hint="Check that the file exists and that you may read it.") from exc
        if size > limits.max_bytes:
            raise self._too_big()
        try:
            self._check_start()
            self._decision: EncodingDecision = detect_encoding(self.path, limits.max_bytes)
        except FileTooLarge as exc:
            raise self._too_big() from exc
        except LineTooLong as exc:
            raise SieError(path, None, "the file has a line longer than 1 MB", expected="one record per line",
                           hint="This is not a SIE export; choose the .se/.si file from the bookkeeping program.") from exc
        except OSError as exc:
            raise SieError(path, None, f"cannot read the file ({exc.strerror})",
                           hint="Check that the file exists and that you may read it.") from exc
        self.encoding = self._decision.encoding
        self.sha256 = self._decision.sha256
        if self._decision.non_ascii and self.encoding != CP437:
            self._warn(None, f"the text is {self.encoding.upper()}, not CP437 (PC8) as SIE requires; "
                             f"read as {self.encoding.upper()}")
        if not self._decision.clean:
            self._warn(None, "some bytes are not valid UTF-8; they read as \ufffd")

    # ---- public -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Voucher | Balance]:
        if self._started:
            raise RuntimeError("a SieReader reads its file once; create a new one to read again")
        self._started = True
        try:
            with open(self.path, encoding=self._decision.codec, errors="replace", newline=None) as stream:
                yield from self._read(stream)
        except OSError as exc:
            raise SieError(self.path, None, f"cannot read the file ({exc.strerror})") from exc

    # ---- set-up ---------------------------------------------------------------------------

    def _too_big(self) -> SieError:
        limit_mb = self.limits.max_bytes / (1024 * 1024)
        return SieError(self.path, None, f"the file is larger than {limit_mb:g} MB",
                        expected="a SIE export of at most that size",
                        hint="Export a shorter period, or raise max_file_mb under [import] in config.toml.")

    def _check_start(self) -> None:
        """Reject what is plainly not SIE (an HTML error page, a PDF) before a full pass."""
        with open(self.path, "rb") as stream:
            head = stream.read(4096)
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
        if not head.upper().startswith(b"#FLAGGA"):
            raise SieError(self.path, 1, "this is not a SIE file", field="1 (etikett)",
                           expected="#FLAGGA as the first record",
                           hint="Choose the .se/.si file exported by the bookkeeping program.")

    def _warn(self, line: int | None, message: str) -> None:
        """Keep the first warnings and count the rest, so a broken big file cannot fill memory."""
        self.warning_count += 1
        if len(self.warnings) < MAX_WARNINGS_KEPT:
            self.warnings.append(SieWarning(line, message))

    # ---- the read loop ---------------------------------------------------------------------

    def _read(self, stream) -> Iterator[Voucher | Balance]:
        handlers = self._handlers()
        voucher: Voucher | None = None  # the #VER whose block is being read
        in_block = False
        number = 0
        row_kinds = _ROW_KINDS
        # Hot loop: locals instead of attribute look-ups; the #TRANS fast path is inlined.
        fast_row, fast_ver, kind_by_name, dates = _FAST_ROW, _FAST_VER, _KIND_BY_NAME, self._dates
        object_text, parse_date, decimal, zero = self._object_text, self._parse_date, Decimal, _ZERO
        add_row = None
        fast_rows = True  # no #KSUMMA running: the CRC needs every record's fields
        fast_vouchers = False  # the first #VER goes the slow way, for its SIE type check
        for number, raw in enumerate(stream, 1):
            line = raw.strip(LINE_STRIP)
            if not line:
                continue
            try:
                if in_block:
                    match = fast_row(line) if fast_rows else None
                    if match is not None:
                        kind, account, objects, amount_text, date_text, text, bare_text, quantity, sign, bare_sign = (
                            match.groups()
                        )
                        amount = decimal(amount_text)
                        add_row(VoucherRow(
                            account,
                            amount if amount else amount.copy_abs(),
                            object_text(objects, number) if objects else (),
                            None if date_text is None else (dates.get(date_text) or parse_date(date_text, 4, number)),
                            bare_text or "" if text is None else text,
                            None if quantity is None else zero if quantity == "0" else _nonnegative_zero(decimal(quantity)),
                            bare_sign or "" if sign is None else sign,
                            kind_by_name[kind],
                            number,
                        ))
                        continue
                elif voucher is None and fast_vouchers:
                    match = fast_ver(line)
                    if match is not None:
                        voucher = self._fast_ver(match.groups(), number)
                        add_row = voucher.rows.append
                        continue
                if line[0] != "#":
                    if line == "{":
                        if voucher is None or in_block:
                            raise SieError(self.path, number, "a { that does not follow a #VER",
                                           expected="{ only on the line after #VER", hint=FIX_HINT)
                        in_block = True
                    elif line == "}":
                        if not in_block:
                            raise SieError(self.path, number, "a } that closes no #VER block",
                                           expected="} only after the rows of a #VER", hint=FIX_HINT)
                        in_block = False
                        if not voucher.rows:
                            self._warn(voucher.line, f"voucher {voucher.series} {voucher.number} has no rows")
                        yield voucher
                        voucher = None
                    else:
                        raise SieError(self.path, number, "the line does not start with a # label",
                                       field="1 (etikett)", expected="a record such as #TRANS or a { or } line",
                                       hint=FIX_HINT)
                    continue
                try:
                    fields = split_fields(line)
                except TokenError as exc:
                    fields = self._close_quote(line, number, exc)
                label = fields[0]
                if self._ksumma is not None and label != "#KSUMMA":
                    for checksum in self._ksumma:
                        checksum.add(label, fields[1:])
                kind = row_kinds.get(label)
                if in_block:
                    if kind is None:
                        kind = row_kinds.get(label.upper())
                    if kind is not None:
                        add_row(self._row(fields, number, kind))
                        continue
                    if label.upper() not in FIELD_NAMES:
                        self._warn(number, f"unknown record {label} inside a voucher ignored")
                        continue
                    raise SieError(self.path, voucher.line,
                                   f"#VER {voucher.series} {voucher.number}: its {{ }} block is not closed",
                                   expected=f"a }} line before line {number}", hint=FIX_HINT)
                if voucher is not None:
                    raise SieError(self.path, voucher.line,
                                   f"#VER {voucher.series} {voucher.number} is not followed by its rows",
                                   expected="a { line after #VER, then the rows, then a } line", hint=FIX_HINT)
                if kind is not None or label.upper() in row_kinds:
                    raise SieError(self.path, number, f"{label} outside a #VER block",
                                   expected=f"{label} only between the {{ and }} lines after a #VER",
                                   hint=FIX_HINT)
                handler = handlers.get(label) or handlers.get(label.upper())
                if handler is None:
                    self._warn(number, f"unknown record {label} ignored")
                    continue
                item = handler(fields, number)
                fast_rows = self._ksumma is None
                fast_vouchers = fast_rows and self._vouchers_seen
            except _BadField as exc:
                label = line.split(None, 1)[0]
                raise SieError(self.path, number, exc.problem, field=self._field_name(label, exc.index),
                               expected=exc.expected, hint=exc.hint) from None
            if item is not None:
                if item.__class__ is Voucher:
                    voucher = item
                    add_row = voucher.rows.append
                else:
                    yield item
        if voucher is not None:
            raise SieError(self.path, voucher.line,
                           f"#VER {voucher.series} {voucher.number}: the file ends inside the voucher",
                           expected="a } line closing the voucher's rows",
                           hint="The file is probably cut off. " + EXPORT_HINT)
        if self._ksumma is not None:
            raise SieError(self.path, number, "the file ends without its closing #KSUMMA",
                           expected="#KSUMMA with the checksum as the last record",
                           hint="The file is probably cut off. " + EXPORT_HINT)

    def _close_quote(self, line: str, number: int, error: TokenError) -> list[Field]:
        """A text cut off before its closing quote (SoftOne does this) ends at the line's end."""
        if error.unclosed_quote:
            try:
                fields = split_fields(line + '"')
            except TokenError:
                pass
            else:
                self._warn(number, f"field {error.field} has no closing quote; read to the end of the line")
                return fields
        raise _BadField(error.field, error.problem, error.expected)

    @staticmethod
    def _field_name(label: str, index: int) -> str:
        names = FIELD_NAMES.get(label.upper(), ())
        return f"{index} ({names[index - 1]})" if 0 < index <= len(names) else str(index)

    def _handlers(self) -> dict[str, Callable[[list[Field], int], Voucher | Balance | None]]:
        return {
            "#FLAGGA": self._simple("flagga"),
            "#PROGRAM": self._program,
            "#FORMAT": self._format,
            "#GEN": self._gen,
            "#SIETYP": self._sietyp,
            "#PROSA": self._free_text("prosa"),
            "#FTYP": self._simple("company_type"),
            "#FNR": self._simple("company_id"),
            "#ORGNR": self._orgnr,
            "#BKOD": self._simple("industry_code"),
            "#ADRESS": self._adress,
            "#FNAMN": self._free_text("company_name"),
            "#RAR": self._rar,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KPTYP": self._simple("chart_type"),
            "#VALUTA": self._simple("currency"),
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#ENHET": self._enhet,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#IB": self._year_balance(BalanceKind.IB),
            "#UB": self._year_balance(BalanceKind.UB),
            "#RES": self._year_balance(BalanceKind.RES),
            "#OIB": self._object_balance(BalanceKind.OIB),
            "#OUB": self._object_balance(BalanceKind.OUB),
            "#PSALDO": self._period_balance(BalanceKind.PSALDO),
            "#PBUDGET": self._period_balance(BalanceKind.PBUDGET),
            "#VER": self._ver,
            "#KSUMMA": self._ksumma_record,
        }

    # ---- field parsers ---------------------------------------------------------------------

    @staticmethod
    def _text(fields: list[Field], index: int) -> str:
        """An optional text field; absent means empty."""
        if index >= len(fields):
            return ""
        value = fields[index]
        if value.__class__ is not str:
            raise _BadField(index, "an object list where a text belongs", "a text (quoted if it has spaces)")
        return value

    def _account(self, fields: list[Field], index: int, line: int) -> str:
        """Account numbers are 1-6 ASCII digits (BAS uses 4; Sie4j rejects more than 6).

        Letters-only pseudo-accounts are kept with a warning: SoftOne's real export books on
        `FEL` and declares `DIFF`, and the importer should show them, not lose the file. A
        mix like `11AF` is a garbled number and an error, as Sie4j's tests expect.
        """
        if index >= len(fields):
            raise _BadField(index, "the account number is missing", "an account number like 1930")
        value = fields[index]
        if value.__class__ is not str or not value:
            raise _BadField(index, "the account number is missing", "an account number like 1930")
        if value in self._accounts_ok:
            return value
        if value.isascii() and value.isdigit():
            if len(value) > 6:
                raise _BadField(index, f"the account number {value} has more than six digits",
                                "an account number of at most six digits, like 1930")
        elif value.isalpha():
            self._warn(line, f"account {value!r} is not a number but a name; kept as written")
        else:
            raise _BadField(index, f"the account number {value!r} is not numeric",
                            "an account number of digits only, like 1930")
        self._accounts_ok.add(value)
        return value

    def _amount(self, fields: list[Field], index: int, line: int) -> Decimal:
        if index >= len(fields):
            raise _BadField(index, "the amount is missing", "a decimal number like -1234.50")
        value = fields[index]
        if value.__class__ is not str or _AMOUNT.fullmatch(value) is None:
            raise _BadField(index, self._number_problem(value, "amount"), "a decimal number like -1234.50")
        point = value.find(".")
        if point >= 0 and len(value) - point > 3:
            self._warn(line, f"amount {value} has more than two decimals (field {index})")
        return _nonnegative_zero(Decimal(value))

    def _quantity(self, fields: list[Field], index: int) -> Decimal | None:
        """Optional; `""` or absent is None. Not limited to two decimals (sie4.md §4)."""
        if index >= len(fields) or fields[index] == "":
            return None
        value = fields[index]
        if value.__class__ is not str or _AMOUNT.fullmatch(value) is None:
            raise _BadField(index, self._number_problem(value, "quantity"), "a decimal number like 2.5")
        return _nonnegative_zero(Decimal(value))

    @staticmethod
    def _number_problem(value: Field, what: str) -> str:
        if value.__class__ is not str:
            return f"an object list where the {what} belongs"
        if value == "":
            return f"the {what} is missing"
        if "," in value:
            return f"the {what} {value!r} uses a comma; SIE requires a decimal point"
        if value.startswith("+"):
            return f"the {what} {value!r} has a plus sign, which SIE forbids"
        return f"the {what} {value!r} is not a number"

    def _date(self, fields: list[Field], index: int, line: int, *, required: bool = False) -> dt.date | None:
        """An optional date field; `""`, absent and 00000000 mean no date."""
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str:
            raise _BadField(index, "an object list where a date belongs", "a date like 20241231")
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        if value in _EMPTY_DATES or value.isspace():
            if required:
                raise _BadField(index, "the date is missing", "a date like 20241231")
            return None
        return self._parse_date(value, index, line)

    def _parse_date(self, value: str, index: int, line: int) -> dt.date:
        """Strict YYYYMMDD with calendar check; YYMMDD and YYYY-MM-DD are read with a warning."""
        if len(value) == 8 and value.isascii() and value.isdigit():
            date = self._calendar_date(index, value, value[:4], value[4:6], value[6:])
            if len(self._dates) >= _CACHE_LIMIT:
                self._dates.clear()
            self._dates[value] = date
            return date
        if len(value) == 6 and value.isascii() and value.isdigit():
            date = self._calendar_date(index, value, "20" + value[:2], value[2:4], value[4:])
            self._warn(line, f"date {value} has six digits; read as {date:%Y-%m-%d} (field {index})")
            return date
        iso = _ISO_DATE.fullmatch(value)
        if iso is not None:
            date = self._calendar_date(index, value, *iso.groups())
            self._warn(line, f"date {value} has dashes; read as {date:%Y-%m-%d} (field {index})")
            return date
        raise _BadField(index, f"{value!r} is not a date", "a date written YYYYMMDD, like 20241231")

    @staticmethod
    def _calendar_date(index: int, value: str, year: str, month: str, day: str) -> dt.date:
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise _BadField(index, f"{value} is not a date in the calendar",
                            "a real date written YYYYMMDD, like 20240229") from None

    @staticmethod
    def _year_index(fields: list[Field], index: int) -> int:
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str or _INTEGER.fullmatch(value) is None:
            raise _BadField(index, "the year number is missing or not a number",
                            "0 for the current year, -1 for the previous one")
        return int(value)

    def _objects(self, value: Field, index: int, line: int) -> tuple[ObjectRef, ...]:
        if value.__class__ is not list:
            raise _BadField(index, "the object list is missing", 'an object list such as {} or {1 "100"}')
        if not value:
            return ()
        key = tuple(value)
        cached = self._object_lists.get(key)
        if cached is not None:
            return cached
        if len(value) & 1:
            raise _BadField(index, "the object list does not hold dimension-object pairs",
                            'pairs of dimension and object, like {1 "100" 6 "P1"}')
        pairs = tuple(zip(value[0::2], value[1::2]))
        for dimension, object_id in pairs:
            self._count_object(dimension, object_id, line)
        self._cache_objects(key, pairs)
        return pairs

    def _cache_objects(self, key: tuple[str, ...] | str, objects: tuple[ObjectRef, ...]) -> None:
        if len(self._object_lists) >= _CACHE_LIMIT:
            self._object_lists.clear()
        self._object_lists[key] = objects

    def _count_object(self, dimension: str, object_id: str, line: int) -> None:
        """Fail as soon as a dimension exceeds the object limit, before memory grows further."""
        seen = self._objects_seen.get(dimension)
        if seen is None:
            if len(self._objects_seen) >= MAX_DIMENSIONS:
                raise SieError(self.path, line, f"the file uses more than {MAX_DIMENSIONS} dimensions",
                               expected="a few dimensions (cost centres, projects, ...)", hint=EXPORT_HINT)
            seen = self._objects_seen[dimension] = set()
        if object_id in seen:
            return
        seen.add(object_id)
        if len(seen) > self.limits.max_objects_per_dimension:
            raise SieError(self.path, line,
                           f"dimension {dimension} has more than {self.limits.max_objects_per_dimension} objects",
                           expected=f"at most {self.limits.max_objects_per_dimension} objects per dimension",
                           hint="Check that this is the right file, or raise max_objects_per_dimension under [import] in config.toml.")

    # ---- header records --------------------------------------------------------------------

    def _simple(self, attribute: str) -> Callable[[list[Field], int], None]:
        def handle(fields: list[Field], line: int) -> None:
            setattr(self.header, attribute, self._text(fields, 1))

        return handle

    def _free_text(self, attribute: str) -> Callable[[list[Field], int], None]:
        """Records holding one text: `#FNAMN Övningsbolaget AB` unquoted (Kassasystem) is one name."""

        def handle(fields: list[Field], line: int) -> None:
            setattr(self.header, attribute, " ".join(self._text(fields, index) for index in range(1, len(fields))))

        return handle

    def _program(self, fields: list[Field], line: int) -> None:
        self.header.program = self._text(fields, 1)
        self.header.program_version = self._text(fields, 2)

    def _format(self, fields: list[Field], line: int) -> None:
        self.header.format = self._text(fields, 1)
        if self.header.format.upper() != "PC8":
            self._warn(line, f"#FORMAT {self.header.format} is not PC8; the character set is read from the bytes")

    def _gen(self, fields: list[Field], line: int) -> None:
        self.header.generated = self._date(fields, 1, line)
        self.header.generated_by = self._text(fields, 2)

    def _sietyp(self, fields: list[Field], line: int) -> None:
        value = self._text(fields, 1)
        if value in ("1", "2", "3", "4"):
            self.header.sie_type = int(value)
        else:
            self._warn(line, f"#SIETYP {value!r} is not 1, 2, 3 or 4; ignored")

    def _orgnr(self, fields: list[Field], line: int) -> None:
        self.header.org_number = self._text(fields, 1)
        self.header.org_sequence = self._text(fields, 2)

    def _adress(self, fields: list[Field], line: int) -> None:
        self.header.address = tuple(self._text(fields, index) for index in range(1, 5))

    def _rar(self, fields: list[Field], line: int) -> None:
        year = self._year_index(fields, 1)
        start = self._date(fields, 2, line)
        end = self._date(fields, 3, line)
        if start is None or end is None:
            self._warn(line, f"#RAR {year} has no dates; ignored")
            return
        if end < start:
            raise _BadField(3, f"financial year {year} ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})",
                            "an end date after the start date")
        years = self.header.years
        years[year] = FiscalYear(year, start, end)
        later, earlier = years.get(year + 1), years.get(year - 1)
        if later is not None and later.start != end + dt.timedelta(days=1):
            self._warn(line, f"financial year {year} does not end the day before year {year + 1} starts")
        if earlier is not None and start != earlier.end + dt.timedelta(days=1):
            self._warn(line, f"financial year {year} does not start the day after year {year - 1} ends")

    def _taxar(self, fields: list[Field], line: int) -> None:
        value = self._text(fields, 1)
        if len(value) == 4 and value.isascii() and value.isdigit():
            self.header.tax_year = int(value)
        else:
            self._warn(line, f"#TAXAR {value!r} is not a year; ignored")

    def _omfattn(self, fields: list[Field], line: int) -> None:
        self.header.balances_as_of = self._date(fields, 1, line)

    def _account_record(self, fields: list[Field], line: int) -> Account:
        number = self._account(fields, 1, line)
        account = self.header.accounts.get(number)
        if account is None:
            account = self.header.accounts[number] = Account(number)
        return account

    def _konto(self, fields: list[Field], line: int) -> None:
        self._account_record(fields, line).name = self._text(fields, 2)

    def _ktyp(self, fields: list[Field], line: int) -> None:
        account = self._account_record(fields, line)
        account_type = self._text(fields, 2).upper()
        if account_type in ("T", "S", "K", "I"):
            account.type = account_type
        else:
            self._warn(line, f"#KTYP {account_type!r} for account {account.number} is not T, S, K or I; ignored")

    def _enhet(self, fields: list[Field], line: int) -> None:
        self._account_record(fields, line).unit = self._text(fields, 2)

    def _sru(self, fields: list[Field], line: int) -> None:
        """Several #SRU per account are allowed; the first one is kept."""
        account = self._account_record(fields, line)
        code = self._text(fields, 2)
        if not code:
            self._warn(line, f"#SRU for account {account.number} has no code; ignored")
        elif not account.sru:
            account.sru = code

    def _dim(self, fields: list[Field], line: int) -> None:
        number = self._dimension_number(fields)
        self.header.dimensions[number] = Dimension(number, self._text(fields, 2))

    def _underdim(self, fields: list[Field], line: int) -> None:
        number = self._dimension_number(fields)
        parent = self._text(fields, 3)
        if not parent:
            raise _BadField(3, "the parent dimension is missing", "the number of the superior dimension, like 1")
        self.header.dimensions[number] = Dimension(number, self._text(fields, 2), parent)

    def _dimension_number(self, fields: list[Field]) -> str:
        number = self._text(fields, 1)
        if not number:
            raise _BadField(1, "the dimension number is missing", "a dimension number like 1 or 6")
        return number

    def _objekt(self, fields: list[Field], line: int) -> None:
        dimension = self._dimension_number(fields)
        object_id = self._text(fields, 2)
        if object_id == "":
            raise _BadField(2, "the object number is missing", 'an object number like "100"')
        self._count_object(dimension, object_id, line)
        self.header.objects[(dimension, object_id)] = self._text(fields, 3)

    def _ksumma_record(self, fields: list[Field], line: int) -> None:
        """Opening #KSUMMA starts the CRC; the closing one must match (a mismatch is an error)."""
        value = self._text(fields, 1)
        if not value:
            if self._ksumma is None and not self.checksum_verified:
                self._ksumma = [Ksumma()]
                if self.encoding != CP437:
                    # The spec defines the CRC over CP437 bytes only; accept either reading.
                    self._ksumma.append(Ksumma(self.encoding))
            return
        if not (value.isascii() and value.isdigit()):
            raise _BadField(1, f"the checksum {value!r} is not a number", "an unsigned 32-bit number")
        if self._ksumma is None:
            self._warn(line, "#KSUMMA without an opening #KSUMMA; the checksum is not verified")
            return
        computed = [checksum.value() for checksum in self._ksumma]
        self._ksumma = None
        if int(value) not in computed:
            raise _BadField(1, f"the file declares checksum {value}, but its content gives {computed[0]}",
                            f"the checksum of the content, {computed[0]}",
                            "The file was changed after it was exported, or is damaged. " + EXPORT_HINT)
        self.checksum_verified = True

    # ---- balances ----------------------------------------------------------------------------

    def _year_balance(self, kind: BalanceKind) -> Callable[[list[Field], int], Balance]:
        def handle(fields: list[Field], line: int) -> Balance:
            year = self._year_index(fields, 1)
            account = self._account(fields, 2, line)
            amount = self._amount(fields, 3, line)
            return Balance(kind, year, account, amount, quantity=self._quantity(fields, 4), line=line)

        return handle

    def _object_balance(self, kind: BalanceKind) -> Callable[[list[Field], int], Balance]:
        def handle(fields: list[Field], line: int) -> Balance:
            year = self._year_index(fields, 1)
            account = self._account(fields, 2, line)
            objects, at = self._balance_objects(fields, 3, line)
            amount = self._amount(fields, at, line)
            return Balance(kind, year, account, amount, objects=objects,
                           quantity=self._quantity(fields, at + 1), line=line)

        return handle

    def _period_balance(self, kind: BalanceKind) -> Callable[[list[Field], int], Balance]:
        def handle(fields: list[Field], line: int) -> Balance:
            year = self._year_index(fields, 1)
            if _PERIOD.fullmatch(self._text(fields, 2)) is None and self._period_after_account(fields, line):
                fields = [fields[0], fields[1], fields[3], fields[2], *fields[4:]]
            period = self._text(fields, 2)
            if _PERIOD.fullmatch(period) is None:
                raise _BadField(2, f"the period {period!r} is not a month", "a month written YYYYMM, like 202412")
            account = self._account(fields, 3, line)
            objects, at = self._balance_objects(fields, 4, line)
            amount = self._amount(fields, at, line)
            return Balance(kind, year, account, amount, period=period, objects=objects,
                           quantity=self._quantity(fields, at + 1), line=line)

        return handle

    def _period_after_account(self, fields: list[Field], line: int) -> bool:
        """Sie4j's ISO-8859-15 sample writes `#PBUDGET 0 1119 201701 …`: account before period."""
        if len(fields) < 4 or fields[3].__class__ is not str or _PERIOD.fullmatch(fields[3]) is None:
            return False
        account = fields[2]
        if not (account.__class__ is str and account.isascii() and account.isdigit() and len(account) <= 6):
            return False
        self._warn_once(fields[0] + " order", line, f"{fields[0]} rows give the account before the period; read in that order")
        return True

    def _warn_once(self, key: str, line: int, message: str) -> None:
        """For defects repeated on every row of a kind: one warning says it all."""
        if key not in self._warned_once:
            self._warned_once.add(key)
            self._warn(line, message)

    def _balance_objects(self, fields: list[Field], index: int, line: int) -> tuple[tuple[ObjectRef, ...], int]:
        """BL Administration writes #PBUDGET without the object list; read that as `{}`."""
        if index < len(fields) and fields[index].__class__ is str and _AMOUNT.fullmatch(fields[index]):
            self._warn_once(fields[0], line, f"{fields[0]} rows without an object list; read as {{}}")
            return (), index
        if index >= len(fields):
            raise _BadField(index, "the object list is missing", 'an object list such as {} or {1 "100"}')
        return self._objects(fields[index], index, line), index + 1

    # ---- vouchers ----------------------------------------------------------------------------

    def _ver(self, fields: list[Field], line: int) -> Voucher:
        if not self._vouchers_seen:
            self._vouchers_seen = True
            if self.header.sie_type is not None and self.header.sie_type < 4:
                self._warn(line, f"a SIE type {self.header.sie_type} file should not contain vouchers")
        if self._series_left_out(fields, line):
            fields = [fields[0], "", *fields[1:]]
        date = self._date(fields, 3, line, required=True)
        return Voucher(
            series=self._text(fields, 1),
            number=self._text(fields, 2),
            date=date,
            text=self._text(fields, 4),
            registered=self._date(fields, 5, line),
            signature=self._text(fields, 6),
            line=line,
        )

    def _series_left_out(self, fields: list[Field], line: int) -> bool:
        """`#VER  1 20170101 …` (seen from BL): the series is omitted rather than written `""`."""
        if len(fields) < 3 or fields[2].__class__ is not str or fields[1].__class__ is not str:
            return False
        third = fields[3] if len(fields) > 3 else ""
        if third.__class__ is not str or (len(third) == 8 and third.isdigit()):
            return False
        candidate = fields[2]
        if not (len(candidate) == 8 and candidate.isascii() and candidate.isdigit() and fields[1].isdigit()):
            return False
        try:
            dt.date(int(candidate[:4]), int(candidate[4:6]), int(candidate[6:]))
        except ValueError:
            return False
        self._warn(line, f"#VER without a series field; read as voucher number {fields[1]} dated {candidate}")
        return True

    def _object_text(self, inside: str, line: int) -> tuple[ObjectRef, ...]:
        """The object list from the text between its braces; cached, real files repeat a few."""
        cached = self._object_lists.get(inside)
        if cached is not None:
            return cached
        objects = self._objects(split_fields("{" + inside + "}")[0], 2, line)
        self._cache_objects(inside, objects)
        return objects

    def _fast_ver(self, groups: tuple[str | None, ...], line: int) -> Voucher:
        """A #VER matched by `_FAST_VER` (plain date, no escapes)."""
        series, bare_series, number, bare_number, date_text, text, bare_text, registered, sign, bare_sign = groups
        return Voucher(
            series if series is not None else bare_series,
            number if number is not None else bare_number,
            self._dates.get(date_text) or self._parse_date(date_text, 3, line),
            text if text is not None else bare_text or "",
            None if registered is None else (self._dates.get(registered) or self._parse_date(registered, 5, line)),
            sign if sign is not None else bare_sign or "",
            line=line,
        )

    def _row(self, fields: list[Field], line: int, kind: RowKind) -> VoucherRow:
        count = len(fields)
        if count < 4:
            missing = ("the account number", "the object list", "the amount")[max(count, 1) - 1]
            raise _BadField(max(count, 1), f"{missing} is missing",
                            "#TRANS kontonr {objektlista} belopp, like #TRANS 1930 {} -1000.00")
        account = self._account(fields, 1, line)
        objects = fields[2]
        objects = () if objects == [] else self._objects(objects, 2, line)
        amount = self._amount(fields, 3, line)
        return VoucherRow(
            account,
            amount,
            objects,
            self._date(fields, 4, line) if count > 4 else None,
            self._text(fields, 5) if count > 5 else "",
            self._quantity(fields, 6) if count > 6 else None,
            self._text(fields, 7) if count > 7 else "",
            kind,
            line,
        )


def read_sie(path: str | Path, limits: SieLimits = SieLimits()) -> tuple[SieDocument, list[SieWarning]]:
    """The whole file in memory, for tests, round trips and small files."""
    reader = SieReader(path, limits)
    document = SieDocument(reader.header)
    for item in reader:
        if item.__class__ is Voucher:
            document.vouchers.append(item)
        else:
            document.balances.append(item)
    return document, reader.warnings
