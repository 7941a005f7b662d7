"""The one error type the SIE reader raises, the warnings it collects, and every sentence it can say."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from core.errors import BokslutError
from core.text import excerpt


class Counted(NamedTuple):
    """A sentence that says a count: English's form for exactly one and for any other number, chosen by param `by`."""

    by: str
    one: str
    other: str


# The reader's English, one place each, by stable key: str.format templates (so a literal brace is doubled).
# The app says each in its own language by the same key (tui/i18n.py, "sie." + key).
PHRASES: dict[str, str | Counted] = {
    # problems with the file as a whole
    "cannot_read": "cannot read the file ({reason})",
    "line_too_long": "the file has a line longer than 1 MB",
    "too_big": "the file is larger than {megabytes:g} MB",
    "not_sie": "this is not a SIE file",
    "too_many_dimensions": "the file uses more than {limit} dimensions",
    "too_many_objects": "dimension {dimension} has more than {limit} objects",
    "too_many_objects_in_all": "the file has more than {limit} objects in all its dimensions",
    "record_too_long": "the {label} record is {length} characters long",
    "nul_in_text": "the file contains a NUL character, which no SIE text may hold",
    "ends_inside_voucher": "#VER {series} {number}: the file ends inside the voucher",
    "ends_without_ksumma": "the file ends without its closing #KSUMMA",
    "balances_without_rar": "balances but no #RAR saying which year they belong to",
    # the importer's: an amount the reader took but the store cannot hold
    "sub_ore_amount": "amount {amount} has more than two decimals",
    "ore_amount": "kronor with at most two decimals",
    "correct_amount": "Correct the amount in the exporting program and export again.",
    # problems with a line
    "open_brace_without_ver": "a {{ that does not follow a #VER",
    "close_brace_without_block": "a }} that closes no #VER block",
    "no_label": "the line does not start with a # label",
    "block_not_closed": "#VER {series} {number}: its {{ }} block is not closed",
    "ver_without_rows": "#VER {series} {number} is not followed by its rows",
    "row_outside_ver": "{label} outside a #VER block",
    "unclosed_quote": "a quoted field has no closing quote",
    "list_inside_list": "an object list opens inside another",
    "list_not_opened": "a }} closes no object list",
    "list_not_closed": "an object list has no closing }}",
    "year_ends_before_start": "financial year {year} ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})",
    "missing": "the {what} is missing",
    "list_for_text": "an object list where a text belongs",
    "list_for_date": "an object list where a date belongs",
    "list_for_number": "an object list where the {what} belongs",
    "number_with_comma": "the {what} {value!r} uses a comma; SIE requires a decimal point",
    "number_with_plus": "the {what} {value!r} has a plus sign, which SIE forbids",
    "not_a_number": "the {what} {value!r} is not a number",
    "checksum_not_a_number": "the checksum {value!r} is not a number",
    "checksum_differs": "the file declares checksum {declared}, but its content gives {computed}",
    "period_not_a_month": "the period {period!r} is not a month",
    "account_too_long": "the account number {value} has more than six digits",
    "account_not_numeric": "the account number {value!r} is not numeric",
    "not_a_date": "{value!r} is not a date",
    "not_in_calendar": "{value} is not a date in the calendar",
    "year_not_a_number": "the year number is missing or not a number",
    "objects_not_pairs": "the object list does not hold dimension-object pairs",
    # what is missing, in "the {what} is missing" and its kin
    "account_number": "account number",
    "object_list": "object list",
    "amount": "amount",
    "quantity": "quantity",
    "date": "date",
    "dimension_number": "dimension number",
    "parent_dimension": "parent dimension",
    "object_number": "object number",
    # what was expected
    "one_record_per_line": "one record per line",
    "at_most_that_size": "a SIE export of at most that size",
    "flagga_first": "#FLAGGA as the first record",
    "open_brace_after_ver": "{{ only on the line after #VER",
    "close_brace_after_rows": "}} only after the rows of a #VER",
    "a_record": "a record such as #TRANS or a {{ or }} line",
    "close_brace_before": "a }} line before line {line}",
    "block_after_ver": "a {{ line after #VER, then the rows, then a }} line",
    "row_inside_block": "{label} only between the {{ and }} lines after a #VER",
    "closing_brace": "a }} line closing the voucher's rows",
    "closing_ksumma": "#KSUMMA with the checksum as the last record",
    "closing_quote": "a closing \"",
    "close_list": "a }}",
    "open_list_before": "a {{ before it",
    "close_list_at_end": "a }} ending the object list",
    "end_after_start": "an end date after the start date",
    "parent_number": "the number of the superior dimension, like 1",
    "dimension_like": "a dimension number like 1 or 6",
    "object_like": "an object number like \"100\"",
    "unsigned_number": "an unsigned 32-bit number",
    "content_checksum": "the checksum of the content, {computed}",
    "month_like": "a month written YYYYMM, like 202412",
    "object_list_like": "an object list such as {{}} or {{1 \"100\"}}",
    "row_like": "#TRANS kontonr {{objektlista}} belopp, like #TRANS 1930 {{}} -1000.00",
    "text_like": "a text (quoted if it has spaces)",
    "account_like": "an account number like 1930",
    "account_of_six": "an account number of at most six digits, like 1930",
    "account_of_digits": "an account number of digits only, like 1930",
    "amount_like": "a decimal number like -1234.50",
    "quantity_like": "a decimal number like 2.5",
    "date_like": "a date like 20241231",
    "date_written": "a date written YYYYMMDD, like 20241231",
    "real_date": "a real date written YYYYMMDD, like 20240229",
    "year_index": "0 for the current year, -1 for the previous one",
    "pairs_like": "pairs of dimension and object, like {{1 \"100\" 6 \"P1\"}}",
    "few_dimensions": "a few dimensions (cost centres, projects, ...)",
    "objects_per_dimension": "at most {limit} objects per dimension",
    "objects_in_all": "at most {limit} objects in all",
    "record_of_usual_length": "a record of at most {most} characters, as accounting programs write names and texts",
    # what to do
    "fix_hint": "Correct the line or export the file again from the bookkeeping program.",
    "export_hint": "Export the file again from the bookkeeping program.",
    "cut_off": "The file is probably cut off. {then}",
    "changed": "The file was changed after it was exported, or is damaged. {then}",
    "check_readable": "Check that the file exists and that you may read it.",
    "not_an_export": "This is not a SIE export; choose the .se/.si file from the bookkeeping program.",
    "shorter_period": "Export a shorter period, or raise max_file_mb under [import] in config.toml.",
    "choose_export": "Choose the .se/.si file exported by the bookkeeping program.",
    "raise_objects": "Check that this is the right file, or raise max_objects_per_dimension under [import] in "
    "config.toml.",
    "raise_objects_in_all": "Check that this is the right file, or raise max_objects under [import] in config.toml.",
    # the same, when the file is Fortnox's answer for one financial year (core.fortnox.importer)
    "fortnox_raise_objects": "Raise max_objects_per_dimension under [import] in config.toml, then import again.",
    "fortnox_raise_objects_in_all": "Raise max_objects under [import] in config.toml, then import again.",
    "fortnox_larger_files": "Raise max_file_mb under [import] in config.toml, then import again.",
    "fortnox_import_again": "Import again; if Fortnox answers the same, its SIE export of this year needs looking at.",
    # warnings: the file is read anyway
    "not_cp437": "the text is {encoding}, not CP437 (PC8) as SIE requires; read as {encoding}",
    "invalid_utf8": "some bytes are not valid UTF-8; they read as \ufffd",
    "voucher_without_rows": "voucher {series} {number} has no rows",
    "unknown_in_voucher": "unknown record {label} inside a voucher ignored",
    "unknown_record": "unknown record {label} ignored",
    "quote_to_line_end": "field {field} has no closing quote; read to the end of the line",
    "format_not_pc8": "#FORMAT {format} is not PC8; the character set is read from the bytes",
    "bad_sietyp": "#SIETYP {value!r} is not 1, 2, 3 or 4; ignored",
    "rar_without_dates": "#RAR {year} has no dates; ignored",
    "gap_before_next_year": "financial year {year} does not end the day before year {next} starts",
    "gap_after_previous_year": "financial year {year} does not start the day after year {previous} ends",
    "bad_taxar": "#TAXAR {value!r} is not a year; ignored",
    "bad_ktyp": "#KTYP {value!r} for account {account} is not T, S, K or I; ignored",
    "sru_without_code": "#SRU for account {account} has no code; ignored",
    "ksumma_not_opened": "#KSUMMA without an opening #KSUMMA; the checksum is not verified",
    "account_before_period": "{label} rows give the account before the period; read in that order",
    "rows_without_list": "{label} rows without an object list; read as {{}}",
    "vouchers_in_low_type": "a SIE type {type} file should not contain vouchers",
    "ver_without_series": "#VER without a series field; read as voucher number {number} dated {date}",
    "account_is_a_name": "account {value!r} is not a number but a name; kept as written",
    "many_decimals": "amount {value} has more than two decimals (field {field})",
    "six_digit_date": "date {value} has six digits; read as {date:%Y-%m-%d} (field {field})",
    "dashed_date": "date {value} has dashes; read as {date:%Y-%m-%d} (field {field})",
    "ver_without_open_brace": "#VER {series} {number} has no {{ line before its rows; the rows from line {line} "
    "to the }} line are read as its block",
    # the importer's warnings
    "locked_periods_changed": Counted(
        "vouchers",
        "as confirmed, {vouchers} voucher in locked periods was replaced: {periods}",
        "as confirmed, {vouchers} vouchers in locked periods were replaced: {periods}",
    ),
    "closing_entries_alike": Counted(
        "vouchers",
        "exported closing entries {entries} were not found by their marker, and {vouchers} voucher of {date} has the "
        "same accounts and amounts: {booked} of the entries count as booked. Check that none is counted twice or left "
        "out",
        "exported closing entries {entries} were not found by their marker, and {vouchers} vouchers of {date} have "
        "the same accounts and amounts: {booked} of the entries count as booked. Check that none is counted twice or "
        "left out",
    ),
    "closing_entry_other_series": "exported closing entry {entry} ({text}) was found by its content as voucher "
    "{voucher}, not in series {series} it was exported to; it counts as booked. Check that this is that voucher",
    "org_check_digit": "#ORGNR {org} has a check digit that does not match; imported as written. Check the number "
    "with the company",
    "year_from_first_voucher": "the file has no #RAR, so its vouchers went into the calendar year {start}..{end} of "
    "the first one. If the company's fiscal year is another, remove that year and import the full SIE 4E export "
    "first",
}


class Phrase(str):
    """One of the reader's sentences: the English itself (what the CLI prints, and what any str use sees), with the
    key and params that let the app say it in another language. A param may itself be a Phrase."""

    key: str
    params: dict

    def __new__(cls, key: str, **params: object) -> Phrase:
        # a bad field is quoted, not repeated whole: a 900 KB "account number" must not fill the activity log
        params = {name: excerpt(value) if type(value) is str else value for name, value in params.items()}
        template = PHRASES[key]
        if isinstance(template, Counted):
            template = template.one if params[template.by] == 1 else template.other
        phrase = super().__new__(cls, template.format(**params))
        phrase.key = key
        phrase.params = params
        return phrase


FIX_HINT = Phrase("fix_hint")
EXPORT_HINT = Phrase("export_hint")


class SieError(BokslutError):
    """A file the reader will not accept; the message says where, what was expected and what to do.

    Keyed by its frame (file, line, field, expected); `problem`, `expected` and `hint` are the reader's Phrases (plain
    English from a caller that has none)."""

    key = "sie_file"

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        problem: str,
        *,
        field: str = "",
        expected: str = "",
        hint: str = "",
    ) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.field = field
        self.expected = expected
        self.hint = hint
        params = dict(file=self.path, line=line, problem=problem, field=field, expected=expected, hint=hint)
        super().__init__(self.message, params=params)

    @property
    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        parts = [f"{where}: {self.problem}"]
        if self.field:
            parts.append(f"field {self.field}")
        if self.expected:
            parts.append(f"expected {self.expected}")
        text = "; ".join(parts)
        return f"{text}. {self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class SieWarning:
    line: int | None
    message: str  # a Phrase from the reader; plain English from the importer

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
