"""The reconciliation report: the working papers an auditor asks for (reconciliation.md §1.10 and §4.2): per
balance account or group of a period its balance, specification, difference, status with who and when, comments,
files (name, size, hash) and the trail of sign-offs, as XLSX or as a printable HTML page.

The papers are in Swedish, as the books and the other reports are. XLSX: amounts are numeric cells written from
the exact decimal value (as core.reports.formats does), text cells never formulas. HTML: everything from outside
(names, references, comments, file names) is escaped, and the page prints plainly on A4.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core import periods
from core.activity import current_user
from core.money import from_ore
from core.reconcile import vat, work
from core.reports.formats import NUMBER_FORMAT, put_text
from core.store.models import Company, FiscalYear, ReconciliationEvent
from core.store.orgnr import format_org_number
from core.text import printable

FORMATS = ("xlsx", "html")
STATUS_WORDS = {
    "not_started": "Ej påbörjad", "in_progress": "Pågår", "reconciled": "Avstämd", "approved": "Godkänd",
}  # fmt: skip
BASIS_WORDS = {"manual": "Specifikation", "automatic": "Från bokföringen", "none": "Saknas"}
STALE_WORDS = "ändrad efter signering"
EVENT_WORDS = {
    "reconciled": "avstämd", "approved": "godkänd", "in_progress": "återöppnad",
    "reopened": "återöppnad (ändrad)",
    "entry": "differens bokförd", "unlock": "period upplåst", "carry-forward": "överförd",
}  # fmt: skip
AUTO_WORDS = {
    "opening": "Ingående balans", "booked": "Bokfört", "booked-since-settlement": "Bokfört sedan momsredovisningen",
    "open-settlement": "Oreglerad momsredovisning", "transfer": "Resultatdisposition", "result": "Årets resultat",
    "other": "Övrigt", "unclassified": "Oklassificerat",
}  # fmt: skip


@dataclass
class ReportAccount:
    state: work.State
    names: list[tuple[str, str]]  # (number, name) of the accounts in the scope
    events: list[ReconciliationEvent]

    @property
    def title(self) -> str:
        if "x" in self.state.scope or len(self.names) != 1:
            return f"{self.state.scope} ({', '.join(number for number, _ in self.names)})"
        return f"{self.state.scope} {self.names[0][1]}".strip()


@dataclass
class ReconciliationReport:
    company_name: str
    org_number: str
    start: dt.date
    end: dt.date
    period: str
    locked: bool
    made_at: dt.datetime
    made_by: str
    accounts: list[ReportAccount]
    vat: dict  # core.reconcile.vat.vat_year: the VAT periods ended by the period's end; the year end once it is here

    @property
    def heading(self) -> str:
        org = f", {format_org_number(self.org_number)}" if self.org_number else ""
        return f"{self.company_name}{org}"

    @property
    def period_line(self) -> str:
        return (f"Räkenskapsår {self.start.isoformat()}–{self.end.isoformat()}, period {self.period}"
                + (" (låst)" if self.locked else ""))

    @property
    def made_line(self) -> str:
        return f"Utskriven {self.made_at:%Y-%m-%d %H:%M} av {self.made_by}. Belopp i kronor, debet positivt."


def build(db: pw.Database, company: Company, fiscal_year: FiscalYear, period_text: str) -> ReconciliationReport:
    """Every account and group the period lists (work.listed_scopes), read as the app shows them now."""
    here = work.place(db, company, fiscal_year, period_text)
    accounts = [
        ReportAccount(work.state(here, scope), work.scope_accounts(here, scope), work.events(here, scope))
        for scope in work.listed_scopes(here)
    ]
    vat_year = vat.vat_year(db, company, fiscal_year, here.balances)
    ended = [p for p in vat_year["periods"] if p["end"] <= here.period.end.isoformat()]
    shown_vat = {**vat_year, "periods": ended,
                 "year_end": vat_year["year_end"] if here.period.end == fiscal_year.end else None}
    return ReconciliationReport(
        company.name, company.org_number or "", fiscal_year.start, fiscal_year.end, here.label, here.period.locked,
        dt.datetime.now().replace(microsecond=0), current_user(), accounts, shown_vat,
    )  # fmt: skip


def period_at_work(db: pw.Database, fiscal_year: FiscalYear):
    """The period the accountant is closing: the first one not locked (the year-end period once all are)."""
    rows = periods.periods(db, fiscal_year)
    return next((period for period in rows if not period.locked), rows[-1])


def progress_at_work(db: pw.Database, fiscal_year_id: int) -> dict:
    """How far the closing of a year has come, as the overview and the companies list show it: work.progress of
    the period at work."""
    year = FiscalYear.get_by_id(fiscal_year_id)
    return work.progress(work.Place(db, year.company, year, period_at_work(db, year)))


VAT_HEADERS = ["Momsperiod", "Ruta 49 bokförd", "Ruta 49 redovisad", "Källa", "Differens", "Rutor med differens",
               "Momsredovisning", "Betalning"]  # fmt: skip
VAT_SOURCE_WORDS = {"manual": "angiven", "inferred": "momsredovisningen"}


def _voucher_words(voucher: dict | None) -> str:
    return f"{voucher['series']}{voucher['number']} {voucher['date']}" if voucher else "saknas"


def _vat_year_end_lines(year_end: dict) -> list[tuple[str, int]]:
    """UB of the settlement accounts explained (reconciliation.md §3.4 step 7, §4.2 paper 5)."""
    accounts = ", ".join(year_end["accounts"])
    return [(f"Saldo {accounts}", year_end["balance"]),
            ("Momsredovisningar ännu inte betalda", year_end["settled_not_paid"]),
            ("Differens", year_end["difference"]),
            *((f"Ej redovisat {account}", amount) for account, amount in year_end["unsettled_vat"].items())]


def status_words(state: work.State) -> str:
    return STATUS_WORDS[state.status] + (f" ({STALE_WORDS})" if state.stale else "")


def _when(moment: dt.datetime | None) -> str:
    """The store keeps naive UTC; the papers say the reader's own clock, as the app does."""
    return moment.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M") if moment else ""


def _event_words(event: ReconciliationEvent) -> str:
    details = json.loads(event.details or "{}")
    words = EVENT_WORDS.get(event.action, event.action)
    if event.action == "unlock" and details.get("reason"):
        words += f": {details['reason']}"
    if event.action == "entry":
        words += f" (bokslutspost {details.get('entry')}, motkonto {details.get('offset')})"
    return words


def _auto_reference(line) -> str:
    vouchers = ", ".join(f"{s.series}{s.number} {s.date.isoformat()}" if s.voucher_id else
                         f"bokslutspost {s.entry_id} {s.date.isoformat()}" for s in line.sources)
    if not vouchers and line.count:
        vouchers = f"{line.count} verifikationer"
    label = AUTO_WORDS.get(line.label, line.label)
    return f"{label}: {vouchers}" if vouchers else label


# --- XLSX ---------------------------------------------------------------------------------------------------------


def xlsx_bytes(report: ReconciliationReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)

    def sheet_of(title: str, headers: list[str], widths: list[int], first: bool = False):
        sheet = workbook.active if first else workbook.create_sheet()
        sheet.title = title
        row = 1
        if first:
            for line, font in ((f"Balansavstämning {report.period}", Font(bold=True, size=14)), (report.heading, None),
                               (report.period_line, None), (report.made_line, None)):
                put(sheet, row, 1, line, font)
                row += 1
            row += 1
        for column, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
            put(sheet, row, column, header, bold)
            sheet.column_dimensions[chr(64 + column)].width = width
        sheet.freeze_panes = sheet.cell(row=row + 1, column=1)
        return sheet, row

    def put(sheet, row: int, column: int, value: object, font: Font | None = None) -> None:
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Decimal):
            cell.value = value  # exact digits, a number
            cell.number_format = NUMBER_FORMAT
        elif isinstance(value, int):
            cell.value = value
        elif value is not None and value != "":
            put_text(cell, str(value))
        if font is not None:
            cell.font = font

    def rows(sheet, start: int, lines: list[list[object]]) -> None:
        for offset, values in enumerate(lines, start=1):
            for column, value in enumerate(values, start=1):
                put(sheet, start + offset, column, value)

    summary, top = sheet_of(
        "Avstämning",
        ["Konto", "Benämning", "Saldo", "Specificerat", "Differens", "Underlag", "Status", "Upprättad av",
         "Upprättad", "Godkänd av", "Godkänd", "Bokslutspost"],
        [8, 32, 16, 16, 16, 18, 28, 14, 17, 14, 17, 12], first=True,
    )  # fmt: skip
    specification, spec_top = sheet_of("Specifikation", ["Konto", "Rad", "Källa", "Referens", "Datum", "Belopp",
                                                         "Kommentar"], [8, 6, 18, 48, 11, 16, 40])
    comments, comment_top = sheet_of("Kommentarer", ["Konto", "Av", "Skriven", "Text"], [8, 14, 17, 80])
    files, file_top = sheet_of("Filer", ["Konto", "Namn", "Storlek (byte)", "SHA-256", "Tillagd av", "Tillagd"],
                               [8, 32, 14, 66, 14, 17])
    trail, trail_top = sheet_of("Händelser", ["Konto", "Händelse", "Av", "När"], [8, 60, 14, 17])
    vat_sheet, vat_top = sheet_of("Moms", VAT_HEADERS, [11, 16, 16, 10, 16, 24, 20, 20])
    lines: dict[str, list[list[object]]] = {"summary": [], "spec": [], "comments": [], "files": [], "trail": []}
    for account in report.accounts:
        state, record = account.state, account.state.record
        name = account.names[0][1] if len(account.names) == 1 and "x" not in state.scope else ", ".join(
            number for number, _ in account.names)
        lines["summary"].append([
            state.scope, name, from_ore(state.balance), from_ore(state.specified), from_ore(state.difference),
            BASIS_WORDS[state.basis], status_words(state),
            record.prepared_by if record else "", _when(record.prepared_at) if record else "",
            record.approved_by if record else "", _when(record.approved_at) if record else "",
            record.entry_id if record and record.entry_id else "",
        ])  # fmt: skip
        for line in state.lines:
            lines["spec"].append([state.scope, line.position, BASIS_WORDS["manual"], line.reference,
                                  line.date.isoformat() if line.date else "", Decimal(line.amount), line.comment])
        for number, line in enumerate(state.automatic.lines if state.automatic else [], start=1):
            lines["spec"].append([state.scope, number, BASIS_WORDS["automatic"], _auto_reference(line), "",
                                  from_ore(line.amount), ""])
        lines["comments"] += [[state.scope, note.author, _when(note.written), note.text] for note in state.notes]
        lines["files"] += [[state.scope, f.name, f.size, f.sha256, f.added_by, _when(f.added_at)] for f in state.files]
        lines["trail"] += [[state.scope, _event_words(e), e.actor, _when(e.happened)] for e in account.events]
    rows(summary, top, lines["summary"])
    rows(specification, spec_top, lines["spec"])
    rows(comments, comment_top, lines["comments"])
    rows(files, file_top, lines["files"])
    rows(trail, trail_top, lines["trail"])
    vat_lines: list[list[object]] = [
        [p["label"], from_ore(p["booked_49"]), None if p["reported_49"] is None else from_ore(p["reported_49"]),
         VAT_SOURCE_WORDS.get(p["reported_source"], ""),
         None if p["difference_49"] is None else from_ore(p["difference_49"]), ", ".join(p["differences"]),
         _voucher_words(p["settlement"]), _voucher_words(p["payment"])]
        for p in report.vat["periods"]
    ]  # fmt: skip
    if report.vat["year_end"]:
        vat_lines += [[], *([words, from_ore(amount)] for words, amount in _vat_year_end_lines(report.vat["year_end"]))]
    rows(vat_sheet, vat_top, vat_lines)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- HTML ---------------------------------------------------------------------------------------------------------

STYLE = """
body { font-family: sans-serif; font-size: 10pt; margin: 2em; color: #000; }
h1 { font-size: 16pt; margin-bottom: 0; } h2 { font-size: 12pt; margin: 1.5em 0 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.3em 0; }
th, td { border-bottom: 1px solid #999; padding: 2px 6px; text-align: left; vertical-align: top; }
td.amount, th.amount { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.hash { font-family: monospace; font-size: 8pt; word-break: break-all; }
.difference { font-weight: bold; }
section { page-break-inside: avoid; }
@media print { body { margin: 0; } @page { size: A4; margin: 15mm; } section { page-break-inside: avoid; } }
"""


def _e(value: object) -> str:
    """Outside text as characters: controls made spaces, markup escaped."""
    return html.escape(printable(value), quote=True)


def _kr(ore: int | Decimal) -> str:
    amount = from_ore(ore) if isinstance(ore, int) else Decimal(ore)
    return f"{amount:,.2f}".replace(",", "\u00a0").replace(".", ",")


def _table(headers: list[str], body: list[list[tuple[str, str]]]) -> str:
    """Cells as (class, already escaped html)."""
    head = "".join(f'<th class="{"amount" if cls == "amount" else ""}">{_e(h)}</th>'
                   for h, (cls, _) in zip(headers, body[0], strict=True)) if body else ""
    rows = "".join("<tr>" + "".join(f'<td class="{cls}">{value}</td>' for cls, value in line) + "</tr>"
                   for line in body)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def html_text(report: ReconciliationReport) -> str:
    parts = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
        f"<title>Balansavstämning {_e(report.period)} – {_e(report.company_name)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Balansavstämning {_e(report.period)}</h1>",
        f"<p>{_e(report.heading)}<br>{_e(report.period_line)}<br>{_e(report.made_line)}</p>",
    ]  # fmt: skip
    summary = [
        [("", _e(a.state.scope)), ("", _e(a.title)), ("amount", _kr(a.state.balance)),
         ("amount", _kr(a.state.specified)),
         ("amount difference" if a.state.difference else "amount", _kr(a.state.difference)),
         ("", _e(status_words(a.state)))]
        for a in report.accounts
    ]  # fmt: skip
    parts.append(_table(["Konto", "Benämning", "Saldo", "Specificerat", "Differens", "Status"], summary))
    for account in report.accounts:
        state, record = account.state, account.state.record
        parts.append(f"<section><h2>{_e(account.title)}</h2>")
        who = []
        if record and record.prepared_by:
            who.append(f"Upprättad av {_e(record.prepared_by)} {_e(_when(record.prepared_at))}")
        if record and record.approved_by:
            who.append(f"godkänd av {_e(record.approved_by)} {_e(_when(record.approved_at))}")
        parts.append(
            f"<p>Saldo {_kr(state.balance)}, specificerat {_kr(state.specified)} "
            f"({_e(BASIS_WORDS[state.basis])}), <span class=\"difference\">differens {_kr(state.difference)}</span>. "
            f"Status: {_e(status_words(state))}. {', '.join(who)}</p>"
        )
        if state.lines:
            parts.append(_table(["Rad", "Referens", "Datum", "Belopp", "Kommentar"], [
                [("", str(line.position)), ("", _e(line.reference)), ("", _e(line.date or "")),
                 ("amount", _kr(Decimal(line.amount))), ("", _e(line.comment))] for line in state.lines]))
        if state.automatic and state.automatic.lines:
            parts.append(_table(["Från bokföringen", "Belopp"], [
                [("", _e(_auto_reference(line))), ("amount", _kr(line.amount))] for line in state.automatic.lines]))
        if state.notes:
            parts.append(_table(["Kommentar", "Av", "Skriven"], [
                [("", _e(note.text)), ("", _e(note.author)), ("", _e(_when(note.written)))] for note in state.notes]))
        if state.files:
            parts.append(_table(["Fil", "Storlek (byte)", "SHA-256"], [
                [("", _e(f.name)), ("amount", str(f.size)), ("hash", _e(f.sha256))] for f in state.files]))
        if account.events:
            parts.append(_table(["Händelse", "Av", "När"], [
                [("", _e(_event_words(e))), ("", _e(e.actor)), ("", _e(_when(e.happened)))] for e in account.events]))
        parts.append("</section>")
    if report.vat["periods"]:
        parts.append("<section><h2>Moms per momsperiod</h2>")
        parts.append(_table(VAT_HEADERS, [
            [("", _e(p["label"])), ("amount", _kr(p["booked_49"])),
             ("amount", "" if p["reported_49"] is None else _kr(p["reported_49"])),
             ("", _e(VAT_SOURCE_WORDS.get(p["reported_source"], ""))),
             ("amount difference" if p["difference_49"] else "amount",
              "" if p["difference_49"] is None else _kr(p["difference_49"])),
             ("", _e(", ".join(p["differences"]))), ("", _e(_voucher_words(p["settlement"]))),
             ("", _e(_voucher_words(p["payment"])))] for p in report.vat["periods"]]))  # fmt: skip
        if report.vat["year_end"]:
            parts.append(_table(["Bokslutsdagen", "Belopp"], [
                [("", _e(words)), ("amount", _kr(amount))] for words, amount in _vat_year_end_lines(
                    report.vat["year_end"])]))  # fmt: skip
        parts.append("</section>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def render(report: ReconciliationReport, format: str) -> bytes:
    if format == "xlsx":
        return xlsx_bytes(report)
    if format == "html":
        return html_text(report).encode("utf-8")
    raise ValueError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
