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
from core.sie.errors import EXPORT_HINT, FIX_HINT, Phrase, SieError, SieWarning
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
    max_objects: int = 100_000  # in all dimensions together


MAX_WARNINGS_KEPT = 1000
# Dimension numbers are small (1-19 reserved, 20+ free); this only stops a hostile file from
# growing memory with millions of one-object dimensions.
MAX_DIMENSIONS = 1000
# A name is printed in messages and kept in the activity log: a 900 KB #FNAMN grew both by megabytes. The longest
# header record of any real file in ../shared/sie is 153 characters; no accounting program writes 2000.
MAX_HEADER_RECORD_CHARS = 2000
_CACHE_LIMIT = 50_000

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

    def __init__(self, index: int, problem: Phrase, expected: Phrase, hint: Phrase = FIX_HINT) -> None:
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
        self._objects_in_all = 0
        self._warned_once: set[str] = set()
        self._vouchers_seen = False
        try:
            size = os.stat(self.path).st_size
        except OSError as exc:
            raise SieError(path, None, Phrase("cannot_read", reason=exc.strerror),
                           hint=Phrase("check_readable")) from exc
        if size > limits.max_bytes:
            raise self._too_big()
        self.size = size
        self._stream = None  # the open file while iterating, for bytes_read
        try:
            self._check_start()
            self._decision: EncodingDecision = detect_encoding(self.path, limits.max_bytes)
        except FileTooLarge as exc:
            raise self._too_big() from exc
        except LineTooLong as exc:
            raise SieError(path, None, Phrase("line_too_long"), expected=Phrase("one_record_per_line"),
                           hint=Phrase("not_an_export")) from exc
        except OSError as exc:
            raise SieError(path, None, Phrase("cannot_read", reason=exc.strerror),
                           hint=Phrase("check_readable")) from exc
        self.encoding = self._decision.encoding
        self.sha256 = self._decision.sha256
        if self._decision.non_ascii and self.encoding != CP437:
            self._warn(None, Phrase("not_cp437", encoding=self.encoding.upper()))
        if not self._decision.clean:
            self._warn(None, Phrase("invalid_utf8"))

    # ---- public -------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Voucher | Balance]:
        if self._started:
            raise RuntimeError("a SieReader reads its file once; create a new one to read again")
        self._started = True
        try:
            with open(self.path, encoding=self._decision.codec, errors="replace", newline=None) as stream:
                self._stream = stream
                yield from self._read(stream)
            self._stream = None
        except OSError as exc:
            raise SieError(self.path, None, Phrase("cannot_read", reason=exc.strerror)) from exc

    @property
    def bytes_read(self) -> int:
        """How far reading has come, in bytes of the file, for a progress bar (ahead by at most one buffer): the
        bar moves by bytes, so nothing counts the file's records in a pass of its own first."""
        stream = self._stream
        if stream is None or stream.closed:
            return self.size if self._started else 0
        return stream.buffer.tell()

    # ---- set-up ---------------------------------------------------------------------------

    def _too_big(self) -> SieError:
        megabytes = self.limits.max_bytes / (1024 * 1024)
        return SieError(self.path, None, Phrase("too_big", megabytes=megabytes), expected=Phrase("at_most_that_size"),
                        hint=Phrase("shorter_period"))

    def _check_start(self) -> None:
        """Reject what is plainly not SIE (an HTML error page, a PDF) before a full pass."""
        with open(self.path, "rb") as stream:
            head = stream.read(4096)
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
        if not head.upper().startswith(b"#FLAGGA"):
            raise SieError(self.path, 1, Phrase("not_sie"), field="1 (etikett)", expected=Phrase("flagga_first"),
                           hint=Phrase("choose_export"))

    def _warn(self, line: int | None, message: Phrase) -> None:
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
            if "\x00" in line:  # PostgreSQL cannot store it, and no SIE text holds one: refused on every store
                raise SieError(self.path, number, Phrase("nul_in_text"), hint=EXPORT_HINT)
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
                            raise SieError(self.path, number, Phrase("open_brace_without_ver"),
                                           expected=Phrase("open_brace_after_ver"), hint=FIX_HINT)
                        in_block = True
                    elif line == "}":
                        if not in_block:
                            raise SieError(self.path, number, Phrase("close_brace_without_block"),
                                           expected=Phrase("close_brace_after_rows"), hint=FIX_HINT)
                        in_block = False
                        if not voucher.rows:
                            self._warn(voucher.line, Phrase("voucher_without_rows", series=voucher.series,
                                                            number=voucher.number))
                        yield voucher
                        voucher = None
                    else:
                        raise SieError(self.path, number, Phrase("no_label"), field="1 (etikett)",
                                       expected=Phrase("a_record"), hint=FIX_HINT)
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
                        self._warn(number, Phrase("unknown_in_voucher", label=label))
                        continue
                    raise SieError(self.path, voucher.line,
                                   Phrase("block_not_closed", series=voucher.series, number=voucher.number),
                                   expected=Phrase("close_brace_before", line=number), hint=FIX_HINT)
                if voucher is not None:
                    row_kind = kind or row_kinds.get(label.upper())
                    if row_kind is not None:  # the { line is missing or blank, as some programs write it
                        self._warn(voucher.line, Phrase("ver_without_open_brace", series=voucher.series,
                                                        number=voucher.number, line=number))
                        in_block = True
                        add_row(self._row(fields, number, row_kind))
                        continue
                    raise SieError(self.path, voucher.line,
                                   Phrase("ver_without_rows", series=voucher.series, number=voucher.number),
                                   expected=Phrase("block_after_ver"), hint=FIX_HINT)
                if kind is not None or label.upper() in row_kinds:
                    raise SieError(self.path, number, Phrase("row_outside_ver", label=label),
                                   expected=Phrase("row_inside_block", label=label), hint=FIX_HINT)
                handler = handlers.get(label) or handlers.get(label.upper())
                if handler is None:
                    self._warn(number, Phrase("unknown_record", label=label))
                    continue
                if len(line) > MAX_HEADER_RECORD_CHARS and label.upper() != "#VER":  # texts of vouchers are data
                    raise SieError(self.path, number, Phrase("record_too_long", label=label, length=len(line)),
                                   expected=Phrase("record_of_usual_length", most=MAX_HEADER_RECORD_CHARS),
                                   hint=EXPORT_HINT)
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
                           Phrase("ends_inside_voucher", series=voucher.series, number=voucher.number),
                           expected=Phrase("closing_brace"), hint=Phrase("cut_off", then=EXPORT_HINT))
        if self._ksumma is not None:
            raise SieError(self.path, number, Phrase("ends_without_ksumma"), expected=Phrase("closing_ksumma"),
                           hint=Phrase("cut_off", then=EXPORT_HINT))

    def _close_quote(self, line: str, number: int, error: TokenError) -> list[Field]:
        """A text cut off before its closing quote (SoftOne does this) ends at the line's end."""
        if error.unclosed_quote:
            try:
                fields = split_fields(line + '"')
            except TokenError:
                pass
            else:
                self._warn(number, Phrase("quote_to_line_end", field=error.field))
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
            raise _BadField(index, Phrase("list_for_text"), Phrase("text_like"))
        return value

    def _account(self, fields: list[Field], index: int, line: int) -> str:
        """Account numbers are 1-6 ASCII digits (BAS uses 4; Sie4j rejects more than 6).

        Letters-only pseudo-accounts are kept with a warning: SoftOne's real export books on
        `FEL` and declares `DIFF`, and the importer should show them, not lose the file. A
        mix like `11AF` is a garbled number and an error, as Sie4j's tests expect.
        """
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str or not value:
            raise _BadField(index, Phrase("missing", what=Phrase("account_number")), Phrase("account_like"))
        if value in self._accounts_ok:
            return value
        if value.isascii() and value.isdigit():
            if len(value) > 6:
                raise _BadField(index, Phrase("account_too_long", value=value), Phrase("account_of_six"))
        elif value.isalpha():
            self._warn(line, Phrase("account_is_a_name", value=value))
        else:
            raise _BadField(index, Phrase("account_not_numeric", value=value), Phrase("account_of_digits"))
        self._accounts_ok.add(value)
        return value

    def _amount(self, fields: list[Field], index: int, line: int) -> Decimal:
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str or _AMOUNT.fullmatch(value) is None:
            raise _BadField(index, self._number_problem(value, Phrase("amount")), Phrase("amount_like"))
        point = value.find(".")
        if point >= 0 and len(value) - point > 3:
            self._warn(line, Phrase("many_decimals", value=value, field=index))
        return _nonnegative_zero(Decimal(value))

    def _quantity(self, fields: list[Field], index: int) -> Decimal | None:
        """Optional; `""` or absent is None. Not limited to two decimals (sie4.md §4)."""
        if index >= len(fields) or fields[index] == "":
            return None
        value = fields[index]
        if value.__class__ is not str or _AMOUNT.fullmatch(value) is None:
            raise _BadField(index, self._number_problem(value, Phrase("quantity")), Phrase("quantity_like"))
        return _nonnegative_zero(Decimal(value))

    @staticmethod
    def _number_problem(value: Field, what: Phrase) -> Phrase:
        if value.__class__ is not str:
            return Phrase("list_for_number", what=what)
        if value == "":
            return Phrase("missing", what=what)
        if "," in value:
            return Phrase("number_with_comma", what=what, value=value)
        if value.startswith("+"):
            return Phrase("number_with_plus", what=what, value=value)
        return Phrase("not_a_number", what=what, value=value)

    def _date(self, fields: list[Field], index: int, line: int, *, required: bool = False) -> dt.date | None:
        """An optional date field; `""`, absent and 00000000 mean no date."""
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str:
            raise _BadField(index, Phrase("list_for_date"), Phrase("date_like"))
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        if value in _EMPTY_DATES or value.isspace():
            if required:
                raise _BadField(index, Phrase("missing", what=Phrase("date")), Phrase("date_like"))
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
            self._warn(line, Phrase("six_digit_date", value=value, date=date, field=index))
            return date
        iso = _ISO_DATE.fullmatch(value)
        if iso is not None:
            date = self._calendar_date(index, value, *iso.groups())
            self._warn(line, Phrase("dashed_date", value=value, date=date, field=index))
            return date
        raise _BadField(index, Phrase("not_a_date", value=value), Phrase("date_written"))

    @staticmethod
    def _calendar_date(index: int, value: str, year: str, month: str, day: str) -> dt.date:
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise _BadField(index, Phrase("not_in_calendar", value=value), Phrase("real_date")) from None

    @staticmethod
    def _year_index(fields: list[Field], index: int) -> int:
        value = fields[index] if index < len(fields) else ""
        if value.__class__ is not str or _INTEGER.fullmatch(value) is None:
            raise _BadField(index, Phrase("year_not_a_number"), Phrase("year_index"))
        return int(value)

    def _objects(self, value: Field, index: int, line: int) -> tuple[ObjectRef, ...]:
        if value.__class__ is not list:
            raise _BadField(index, Phrase("missing", what=Phrase("object_list")), Phrase("object_list_like"))
        if not value:
            return ()
        key = tuple(value)
        cached = self._object_lists.get(key)
        if cached is not None:
            return cached
        if len(value) & 1:
            raise _BadField(index, Phrase("objects_not_pairs"), Phrase("pairs_like"))
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
                raise SieError(self.path, line, Phrase("too_many_dimensions", limit=MAX_DIMENSIONS),
                               expected=Phrase("few_dimensions"), hint=EXPORT_HINT)
            seen = self._objects_seen[dimension] = set()
        if object_id in seen:
            return
        seen.add(object_id)
        self._objects_in_all += 1
        if self._objects_in_all > self.limits.max_objects:  # 400 dimensions of 9 999 objects took 1.5 GB
            raise SieError(self.path, line, Phrase("too_many_objects_in_all", limit=self.limits.max_objects),
                           expected=Phrase("objects_in_all", limit=self.limits.max_objects),
                           hint=Phrase("raise_objects_in_all"))
        limit = self.limits.max_objects_per_dimension
        if len(seen) > limit:
            raise SieError(self.path, line, Phrase("too_many_objects", dimension=dimension, limit=limit),
                           expected=Phrase("objects_per_dimension", limit=limit), hint=Phrase("raise_objects"))

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
            self._warn(line, Phrase("format_not_pc8", format=self.header.format))

    def _gen(self, fields: list[Field], line: int) -> None:
        self.header.generated = self._date(fields, 1, line)
        self.header.generated_by = self._text(fields, 2)

    def _sietyp(self, fields: list[Field], line: int) -> None:
        value = self._text(fields, 1)
        if value in ("1", "2", "3", "4"):
            self.header.sie_type = int(value)
        else:
            self._warn(line, Phrase("bad_sietyp", value=value))

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
            self._warn(line, Phrase("rar_without_dates", year=year))
            return
        if end < start:
            raise _BadField(3, Phrase("year_ends_before_start", year=year, end=end, start=start),
                            Phrase("end_after_start"))
        years = self.header.years
        years[year] = FiscalYear(year, start, end)
        later, earlier = years.get(year + 1), years.get(year - 1)
        # days between, never a date plus one: 9999-12-31 has no next day
        if later is not None and (later.start - end).days != 1:
            self._warn(line, Phrase("gap_before_next_year", year=year, next=year + 1))
        if earlier is not None and (start - earlier.end).days != 1:
            self._warn(line, Phrase("gap_after_previous_year", year=year, previous=year - 1))

    def _taxar(self, fields: list[Field], line: int) -> None:
        value = self._text(fields, 1)
        if len(value) == 4 and value.isascii() and value.isdigit():
            self.header.tax_year = int(value)
        else:
            self._warn(line, Phrase("bad_taxar", value=value))

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
            self._warn(line, Phrase("bad_ktyp", value=account_type, account=account.number))

    def _enhet(self, fields: list[Field], line: int) -> None:
        self._account_record(fields, line).unit = self._text(fields, 2)

    def _sru(self, fields: list[Field], line: int) -> None:
        """Several #SRU per account are allowed (e.g. an INK2R and an INK2S code): all are kept, `sru` is the first."""
        account = self._account_record(fields, line)
        code = self._text(fields, 2)
        if not code:
            self._warn(line, Phrase("sru_without_code", account=account.number))
        elif code not in account.sru_codes:
            account.sru_codes += (code,)
            account.sru = account.sru_codes[0]

    def _dim(self, fields: list[Field], line: int) -> None:
        number = self._dimension_number(fields)
        self.header.dimensions[number] = Dimension(number, self._text(fields, 2))

    def _underdim(self, fields: list[Field], line: int) -> None:
        number = self._dimension_number(fields)
        parent = self._text(fields, 3)
        if not parent:
            raise _BadField(3, Phrase("missing", what=Phrase("parent_dimension")), Phrase("parent_number"))
        self.header.dimensions[number] = Dimension(number, self._text(fields, 2), parent)

    def _dimension_number(self, fields: list[Field]) -> str:
        number = self._text(fields, 1)
        if not number:
            raise _BadField(1, Phrase("missing", what=Phrase("dimension_number")), Phrase("dimension_like"))
        return number

    def _objekt(self, fields: list[Field], line: int) -> None:
        dimension = self._dimension_number(fields)
        object_id = self._text(fields, 2)
        if object_id == "":
            raise _BadField(2, Phrase("missing", what=Phrase("object_number")), Phrase("object_like"))
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
            raise _BadField(1, Phrase("checksum_not_a_number", value=value), Phrase("unsigned_number"))
        if self._ksumma is None:
            self._warn(line, Phrase("ksumma_not_opened"))
            return
        computed = [checksum.value() for checksum in self._ksumma]
        self._ksumma = None
        if int(value) not in computed:
            raise _BadField(1, Phrase("checksum_differs", declared=value, computed=computed[0]),
                            Phrase("content_checksum", computed=computed[0]), Phrase("changed", then=EXPORT_HINT))
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
                raise _BadField(2, Phrase("period_not_a_month", period=period), Phrase("month_like"))
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
        self._warn_once(fields[0] + " order", line, Phrase("account_before_period", label=fields[0]))
        return True

    def _warn_once(self, key: str, line: int, message: Phrase) -> None:
        """For defects repeated on every row of a kind: one warning says it all."""
        if key not in self._warned_once:
            self._warned_once.add(key)
            self._warn(line, message)

    def _balance_objects(self, fields: list[Field], index: int, line: int) -> tuple[tuple[ObjectRef, ...], int]:
        """BL Administration writes #PBUDGET without the object list; read that as `{}`."""
        if index < len(fields) and fields[index].__class__ is str and _AMOUNT.fullmatch(fields[index]):
            self._warn_once(fields[0], line, Phrase("rows_without_list", label=fields[0]))
            return (), index
        if index >= len(fields):
            raise _BadField(index, Phrase("missing", what=Phrase("object_list")), Phrase("object_list_like"))
        return self._objects(fields[index], index, line), index + 1

    # ---- vouchers ----------------------------------------------------------------------------

    def _ver(self, fields: list[Field], line: int) -> Voucher:
        if not self._vouchers_seen:
            self._vouchers_seen = True
            if self.header.sie_type is not None and self.header.sie_type < 4:
                self._warn(line, Phrase("vouchers_in_low_type", type=self.header.sie_type))
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
        self._warn(line, Phrase("ver_without_series", number=fields[1], date=candidate))
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
            missing = ("account_number", "object_list", "amount")[max(count, 1) - 1]
            raise _BadField(max(count, 1), Phrase("missing", what=Phrase(missing)), Phrase("row_like"))
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
