"""Writing a report as JSON, CSV or XLSX.

JSON: the report's `to_json()`, amounts as decimal strings like the rest of the CLI.

CSV: for programs, not for Excel (use XLSX there): UTF-8 without a byte order mark, comma separated, decimal
point, no thousands separator, "\\n" line ends; two decimals, or whole numbers when the report is rounded to
kronor or thousands (the JSON's `unit` says which). One row per report row, columns `level, kind, key, account,
heading` and then one per amount column (the JSON column keys); a blank cell where the JSON has null.
The "excel-sv" style is the same table the way Swedish Excel opens it by a double click: semicolon separated,
decimal comma, a byte order mark (Excel reads UTF-8 only with one) and "\r\n" line ends.

XLSX: one sheet; title, company, period and status on top, then a header row and the report rows. Amounts are
numeric cells written from the exact decimal value (two decimals, no float arithmetic on the way), shown with
the number format `#,##0.00`, which Excel renders with the reader's own separators (in Swedish: 1 234,50).
Headings, sums and results are bold; indentation follows the row's level.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

from core.money import round_to_ore
from core.reports.statements import Report, company_line
from core.scratch import written_whole
from core.text import json_safe

FORMATS = ("json", "csv", "xlsx")
CSV_STYLES = ("plain", "excel-sv")  # for programs; for Swedish Excel
NUMBER_FORMAT = "#,##0.00"
WHOLE_NUMBER_FORMAT = "#,##0"  # a report rounded to kronor or thousands
UNIT_TEXTS = {"ore": "", "krona": " Belopp i hela kronor.", "thousand": " Belopp i tusental kronor (tkr)."}
BOLD_KINDS = frozenset({"heading", "subtotal", "result", "total"})


def json_text(report: Report) -> str:
    """UTF-8 names, with C1 and bidi controls escaped as \\uXXXX wherever the JSON goes: the same document, and none
    of them raw when a file is shown with cat or opened in an editor."""
    return json_safe(json.dumps(report.to_json(), ensure_ascii=False, indent=2)) + "\n"


def csv_text(report: Report, style: str = "plain") -> str:
    if style not in CSV_STYLES:
        raise ValueError(f"unknown CSV style {style!r}; choose one of: {', '.join(CSV_STYLES)}")
    swedish = style == "excel-sv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if swedish else ",", lineterminator="\r\n" if swedish else "\n")
    writer.writerow(["level", "kind", "key", "account", "heading", *(column.key for column in report.columns)])
    for row in report.rows:
        amounts = ("" if value is None else report.format(value) for value in row.values)
        writer.writerow(
            [
                row.level,
                *(_inert(text) for text in (row.kind, row.key, row.account, row.heading)),
                *(amount.replace(".", ",") if swedish else amount for amount in amounts),
            ]
        )
    return ("\ufeff" if swedish else "") + buffer.getvalue()


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str | None) -> str | None:
    """A name from a file that a spreadsheet would run as a formula gets a leading ' (OWASP's CSV injection advice);
    only text cells: amounts stay numbers."""
    return f"'{text}" if text and text.startswith(_FORMULA_STARTS) else text


def put_text(cell, text: str) -> None:
    """An XLSX text cell for outside text: characters XML cannot hold are dropped rather than failing the export,
    and the cell is text, never a formula, whatever it starts with. Every workbook bokslut writes goes through it."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.data_type = "s"


def xlsx_bytes(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.title[:31]
    bold = Font(bold=True)

    def text(row: int, column: int, value: str, font: Font | None = None, indent: int = 0):
        cell = sheet.cell(row=row, column=column)
        put_text(cell, value)
        if font is not None:
            cell.font = font
        if indent:
            cell.alignment = Alignment(indent=indent)
        return cell

    def amount(row: int, column: int, value: Decimal | None, font: Font | None = None):
        cell = sheet.cell(row=row, column=column)
        if value is None:
            return cell
        cell.value = round_to_ore(value)  # a Decimal: openpyxl writes its exact digits as a number
        cell.number_format = NUMBER_FORMAT if report.rounding == "ore" else WHOLE_NUMBER_FORMAT
        if font is not None:
            cell.font = font
        return cell

    text(1, 1, report.title, Font(bold=True, size=14))
    text(2, 1, company_line(report))
    text(3, 1, f"Räkenskapsår {report.start.isoformat()}–{report.end.isoformat()}, {report.status}")
    text(4, 1, report.sign_convention + UNIT_TEXTS[report.rounding])
    with_accounts = any(row.account for row in report.rows)
    first_amount = 3 if with_accounts else 2
    header = 6
    if with_accounts:
        text(header, 1, "Konto", bold)
    text(header, first_amount - 1, "Rubrik" if report.kind != "trial-balance" else "Benämning", bold)
    for offset, column in enumerate(report.columns):
        cell = text(header, first_amount + offset, column.label, bold)
        cell.alignment = Alignment(horizontal="right", wrap_text=True)
    line = header
    for row in report.rows:
        line += 1
        font = bold if row.kind in BOLD_KINDS else None
        if with_accounts and row.account:
            text(line, 1, row.account, font)
        text(line, first_amount - 1, row.heading, font, indent=row.level)
        for offset, value in enumerate(row.values):
            amount(line, first_amount + offset, value, font)
    line += 1  # a blank row before the notes
    for note in report.notes:
        line += 1
        text(line, 1, note)
    sheet.freeze_panes = sheet.cell(row=header + 1, column=first_amount)

    heading_width = max(
        [len(row.heading) + 2 * row.level for row in report.rows] + [len("Benämning")], default=10
    )
    if with_accounts:
        sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions[get_column_letter(first_amount - 1)].width = min(heading_width + 2, 80)
    for offset in range(len(report.columns)):
        sheet.column_dimensions[get_column_letter(first_amount + offset)].width = 20
    sheet.row_dimensions[header].height = 30

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(report: Report, format: str, csv_style: str = "plain") -> bytes:
    """The report as the bytes of a file in the given format (a CSV in the given style)."""
    if format == "json":
        return json_text(report).encode("utf-8")
    if format == "csv":
        return csv_text(report, csv_style).encode("utf-8")
    if format == "xlsx":
        return xlsx_bytes(report)
    raise ValueError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")


def write_file(path: Path, data: bytes) -> None:
    """Whole or not at all, 0600 whatever the umask (also when it replaces an older report): the books are private,
    and a killed writer's part is removed at the next start (core.scratch)."""
    with written_whole(path) as handle:
        handle.write(data)


def write_report(report: Report, format: str, path: Path) -> None:
    write_file(path, render(report, format))
