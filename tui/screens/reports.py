"""The reports of one year: trial balance, income statement and balance sheet, each with the previous year
beside it, preliminary (without closing entries) or final; w writes the shown report to an XLSX file, c to a
CSV file. Above the table stands what the reader must know of the figures (a balance sheet that does not balance,
accounts left out in red; amounts moved by their sign and rounding differences as information) and, when the
statements are rounded (a), their unit."""

from __future__ import annotations

from decimal import Decimal
import re
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from core.errors import BokslutError, user_message
from core.reports.formats import render, write_file
from core.reports.statements import ROUNDINGS, Notice, Report, build_report
from core.store.models import Company, FiscalYear
from tui.i18n import format_count, format_money, keyed, language, t
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

KIND_NAMES = {
    "trial-balance": "reports.trial_balance",
    "income-statement": "reports.income_statement",
    "balance-sheet": "reports.balance_sheet",
}
BOLD_KINDS = frozenset({"heading", "subtotal", "result", "total"})
# Each notice core can give, and how it is shown: what is wrong with the figures in red, what was done to them dim.
NOTICE_STYLES = {
    "report.unbalanced": "bold red",
    "report.accounts_outside_classes": "bold red",
    "report.accounts_without_line": "bold red",
    "report.reclassified": "dim",
    "report.rounding_difference": "dim",
    "report.previous_from_opening": "yellow",  # comparison figures read from elsewhere: the reader must know
    "report.previous_result_unknown": "yellow",
}
UNIT_KEYS = {"ore": "report.amounts_in_ore", "krona": "report.amounts_in_krona", "thousand": "report.amounts_in_thousand"}
UNIT_WORDS = {"kr": "report.unit_kr", "tkr": "report.unit_tkr"}


class ReportsScreen(BokslutScreen):
    HELP_KEY = "help.reports"
    BINDINGS = [
        Binding("1", "kind('trial-balance')", "key.report_trial_balance", id="reports.trial_balance"),
        Binding("2", "kind('income-statement')", "key.report_income_statement", id="reports.income_statement"),
        Binding("3", "kind('balance-sheet')", "key.report_balance_sheet", id="reports.balance_sheet"),
        Binding("p", "final", "key.final", tooltip="key.final_toggle", id="reports.final"),
        Binding("w", "write('xlsx')", "key.write_xlsx", id="reports.write"),
        Binding("c", "write('csv')", "key.write_csv", id="reports.write_csv"),
        Binding("a", "rounding", "key.report_rounding", id="reports.rounding"),
        Binding("escape", "back", "key.back", show=False, id="reports.back"),  # 80 columns, Swedish: F1 keeps its place
    ]

    def __init__(self, company_id: int, fiscal_year_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.fiscal_year_id = fiscal_year_id
        self.kind = "trial-balance"
        self.final = False
        self.rounding = "ore"  # of the statements; the trial balance is always in öre
        self.report: Report | None = None
        self.format = "xlsx"  # of the file the path field writes

    def compose_body(self) -> ComposeResult:
        notices = Static(id="report-notices")
        notices.styles.padding = (0, 1)
        yield notices
        yield RowTable(id="report", cursor_type="row")
        yield Input(id="report-path")  # its placeholder names the format asked for
        yield Static(id="report-status")

    def on_mount(self) -> None:
        self.set_title(t("reports.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, company_id, fiscal_year_id, kind, final, rounding = (
            self.db, self.company_id, self.fiscal_year_id, self.kind, self.final, self.rounding
        )  # fmt: skip

        def read() -> Report | str:
            try:
                company, year = Company.get_by_id(company_id), FiscalYear.get_by_id(fiscal_year_id)
                return build_report(db, company, year, kind, final=final, rounding=rounding)
            except BokslutError as error:
                return user_message(error)

        self.run_query(read, self.show)

    def show(self, report: Report | str) -> None:
        if isinstance(report, str):
            self.show_status(literal(report, style="bold red", wrap=True))
            return
        self.report = report
        which = t("reports.final" if report.final else "reports.preliminary")
        self.set_title(f"{t(KIND_NAMES[report.kind])} {report.start}–{report.end} ({which})  {report.company_name}")
        self.query_one("#report-notices", Static).update(self.notices_text(report))
        self.lay_out()

    @staticmethod
    def notices_text(report: Report) -> Text:
        """The unit of rounded amounts, then each notice on its own line in its style; names from the books stay
        text (literal)."""
        lines = []
        if report.rounding != "ore":
            lines.append(literal(t(UNIT_KEYS[report.rounding]), style="bold"))
        lines += [
            literal(notice_words(notice), style=NOTICE_STYLES.get(notice.key, ""), wrap=True)
            for notice in report.notices
        ]
        return Text("\n").join(lines)

    def lay_out(self) -> None:
        report = self.report
        if report is None:
            return
        headers = [t("column.row")] + [
            Text(self.header(report, column.key, column.label), justify="right") for column in report.columns
        ]
        rows = []
        for index, row in enumerate(report.rows):
            style = "bold" if row.kind in BOLD_KINDS else ""
            heading = f"{row.account} {row.heading}" if row.account and row.account not in row.heading else row.heading
            cells = [literal("  " * row.level + heading, style=style)]
            cells += [
                Text("" if value is None else amount_words(report, value), justify="right", style=style)
                for value in row.values
            ]
            rows.append((cells, str(index)))
        # An amount column is as wide as its widest amount (a long header is cut), so the row names keep room.
        most = {
            index: max([10, *(len(str(cells[index])) for cells, _key in rows)])
            for index in range(1, len(headers))
        }  # fmt: skip
        self.query_one(RowTable).show_rows(headers, rows, flexible=0, most=most)

    @staticmethod
    def header(report: Report, key: str, label: str) -> str:
        """The trial balance's columns by our short names; a statement's by its period, as core writes it."""
        if report.kind != "trial-balance":
            return label
        names = {
            "opening": "column.opening", "movement": "column.movement", "closing": "column.closing",
            "previous": "column.previous_closing",
        }  # fmt: skip
        return t(names[key]) if key in names else label

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def action_kind(self, kind: str) -> None:
        self.kind = kind
        self.load()

    def action_rounding(self) -> None:
        """Öre, whole kronor, thousands and round again; the statements are rounded, the trial balance never is
        (the choice waits for 2 and 3)."""
        order = tuple(ROUNDINGS)
        self.rounding = order[(order.index(self.rounding) + 1) % len(order)]
        if self.kind != "trial-balance":
            self.show_status(t(UNIT_KEYS[self.rounding]))
            self.load()

    def action_final(self) -> None:
        self.final = not self.final
        self.show_status(t("reports.final" if self.final else "reports.preliminary"))
        self.load()

    def default_path(self) -> Path:
        """Named by the company too: two companies' balance sheets of one year must not overwrite each other."""
        report = self.report
        which = "final" if self.final else "preliminary"
        year = report.end.year if report else ""
        company = file_name_part(report.company_name) if report else ""
        return self.app.settings.data_dir / f"{company}-{self.kind}-{year}-{which}.{self.format}".lstrip("-")

    def action_write(self, format: str) -> None:
        if self.report is None:
            return
        self.format = format
        field = self.query_one("#report-path", Input)
        field.placeholder = t("reports.path_placeholder", format=format.upper())
        field.value = str(self.default_path())
        field.display = True
        self.set_focus(field)

    def action_back(self) -> None:
        self.leave_field_or_screen("#report-path")

    @on(Input.Submitted, "#report-path")
    def write(self, event: Input.Submitted) -> None:
        typed, report = event.value.strip(), self.report
        if not typed or report is None:
            self.show_status(t("reports.no_path"))
            return
        path, format = Path(typed).expanduser(), self.format

        def run() -> Text:
            try:
                write_file(path, render(report, format, CSV_STYLE_BY_LANGUAGE[language()]))
            except OSError as error:
                return literal(t("reports.write_failed", message=user_message(error)), style="bold red", wrap=True)
            return literal(t("reports.written", path=str(path)), wrap=True)

        self.action_back()
        self.show_status(t("reports.writing"))
        self.run_query(run, self.show_status, group="write")

    def show_status(self, status: str | Text) -> None:
        self.query_one("#report-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )


CSV_STYLE_BY_LANGUAGE = {"sv": "excel-sv", "en": "plain"}  # a CSV opens in the reader's spreadsheet as numbers


def file_name_part(name: str) -> str:
    """A company's name as part of a file name: lower case, words joined by "-", nothing a path could trip on."""
    return re.sub(r"\W+", "-", name.lower()).strip("-_")[:40].strip("-_")


def amount_words(report: Report, value: Decimal) -> str:
    """Öre as money; whole kronor and thousands as the whole numbers they are rounded to."""
    return format_money(value) if report.rounding == "ore" else format_count(int(value))


def notice_words(notice: Notice) -> str:
    """A notice in the reader's language: amounts written the reader's way, the accounts by number and name, and
    " for the previous year" where it is about the previous year's column."""
    params = notice.params
    values = dict(params)
    values["year"] = t("report.previous_year") if params.get("column") == "previous" else ""
    if "accounts" in params:
        values["accounts"] = ", ".join(
            f"{account['number']} {account['name']}".strip() if isinstance(account, dict) else str(account)
            for account in params["accounts"]
        )
    for name in {"difference", "amount"} & params.keys():
        values[name] = format_money(Decimal(params[name]))
    if "unit" in params:  # a rounding difference, in whole kronor or thousands
        values["difference"] = format_count(int(Decimal(params["difference"])))
        values["unit"] = t(UNIT_WORDS[params["unit"]])
    return keyed(notice.key, params, values) or notice.swedish()
