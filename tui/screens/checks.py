"""The checks of one year: each result with its status, drill-down to the rows behind it, marking it done,
running the checks again, and the company's check settings (built-in checks switched on and off)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.analysis import named_voucher
from core.checks import engine
from core.errors import BokslutError, user_message
from core.store.models import CheckResult, Company, FiscalYear
from tui.i18n import format_count, format_money, format_time, has_text, keyed, t, tn
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

STATUS_STYLES = {"red": "bold red", "orange": "yellow", "green": "green", "done": "cyan"}
AMOUNT = re.compile(r"-?\d+\.\d\d")  # core writes amounts in a check's params and rows as SIE does: 1234.50


def reader_value(value: object) -> object:
    """Counts and amounts as the reader writes numbers; the words the checks use, translated; the rest as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_count(value)
    if isinstance(value, str):
        if AMOUNT.fullmatch(value):
            return format_money(Decimal(value))
        if has_text(f"check_word.{value}"):
            return t(f"check_word.{value}")
    return value


def check_name(check: engine.Check) -> str:
    """A built-in check's name in the reader's language; the user's own checks keep the name they were given."""
    return t(f"check_name.{check.id}") if check.builtin else check.name


def check_message(check: engine.Check | None, message_key: str, params: dict, english: str) -> str:
    """The result's message by its key ("<check id>.<key>"): the check's own text, else the reason it shares with
    other checks (e.g. no-vouchers); the user's own checks by their kind. Core's English when there is none."""
    check_id, _, key = message_key.partition(".")
    owner = check_id if check is None or check.builtin else check.kind
    values = {name: reader_value(value) for name, value in params.items()}
    for candidate in (f"check.{owner}.{key}", f"check.{key}"):
        said = keyed(candidate, params, values)
        if said is not None:
            return said
    return english


@dataclass(frozen=True, slots=True)
class ResultLine:
    result_id: int
    check_id: str
    name: str
    period: str
    status: str
    stale: bool
    message: str
    rows: int
    done_by: str | None
    done_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ChecksYear:
    start: dt.date
    end: dt.date
    company_name: str
    lines: tuple[ResultLine, ...]


def read_results(db, company_id: int, fiscal_year_id: int, run: bool) -> ChecksYear | str:
    """In a worker: the stored results, after running the checks when `run`; a refusal comes back as text."""
    company, year = Company.get_by_id(company_id), FiscalYear.get_by_id(fiscal_year_id)
    try:
        results = engine.run_checks(db, company, year) if run else engine.list_results(db, company, year)
    except BokslutError as error:
        return user_message(error)
    checks = {check.id: check for check, _enabled in engine.all_checks(db, company)}
    lines = []
    for result in results:
        document = engine.result_json(result)
        check = checks.get(result.check_id)
        message = check_message(check, document["message_key"], document["params"], result.message)
        lines.append(
            ResultLine(
                result.id, result.check_id, check_name(check) if check else result.check_id, result.period,
                result.status, bool(result.stale), message, len(document["rows"]), result.done_by, result.done_at,
            )
        )  # fmt: skip
    return ChecksYear(year.start, year.end, company.name, tuple(lines))


def period_words(period: str) -> str:
    """"" is the whole year; 202503 is written 2025-03."""
    if not period:
        return t("checks.year")
    return f"{period[:4]}-{period[4:]}" if len(period) == 6 and period.isdigit() else period


class ChecksScreen(BokslutScreen):
    HELP_KEY = "help.checks"
    BINDINGS = [
        Binding("r", "run", "key.run_checks", id="checks.run"),
        Binding("enter", "rows", "key.rows", id="checks.rows"),
        Binding("d", "done", "key.mark_done", id="checks.done"),
        Binding("c", "settings", "key.check_settings", id="checks.settings"),
        Binding("escape", "app.pop_screen", "key.back", id="checks.back"),
    ]

    def __init__(self, company_id: int, fiscal_year_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.fiscal_year_id = fiscal_year_id
        self.year: ChecksYear | None = None

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="check-results", cursor_type="row", zebra_stripes=True)
        yield Static(id="check-detail")  # the highlighted result in full
        yield Static(id="checks-status")  # what the keys did

    def on_mount(self) -> None:
        self.set_title(t("checks.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self, run: bool = False, done: str = "") -> None:
        db, company_id, fiscal_year_id = self.db, self.company_id, self.fiscal_year_id

        def after(read: ChecksYear | str) -> None:
            if isinstance(read, str):
                self.show_status(literal(read, style="bold red", wrap=True))
                return
            self.show(read)
            if done:
                self.show_status(done)

        group = "run" if run else "load"
        self.run_query(lambda: read_results(db, company_id, fiscal_year_id, run), after, group=group)

    def show(self, year: ChecksYear) -> None:
        self.year = year
        self.set_title(t("checks.title_year", start=year.start, end=year.end) + f"  {year.company_name}")
        self.lay_out()
        if not year.lines:
            self.show_status(t("checks.none"))
        self.refresh_bindings()

    def lay_out(self) -> None:
        if self.year is None:
            return
        headers = [t("column.status"), t("column.check"), t("column.period"), t("column.message")]
        rows = []
        for line in self.year.lines:
            status = Text(t(f"status.{line.status}"), style=STATUS_STYLES.get(line.status, ""))
            if line.stale:
                status.append(" " + t("checks.stale"), style="dim")
            rows.append(
                ((status, literal(line.name), period_words(line.period), literal(line.message)), str(line.result_id))
            )
        self.query_one(RowTable).show_rows(headers, rows, flexible=3, most={1: 24})

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current(self) -> ResultLine | None:
        table = self.query_one(RowTable)
        if self.year is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in self.year.lines if str(line.result_id) == key), None)

    def on_data_table_row_highlighted(self, _event) -> None:
        """The whole message of the highlighted result, and who marked it done and when."""
        self.refresh_bindings()
        line = self.current()
        if line is None:
            return
        text = literal(line.message, wrap=True)
        if line.status == "done":
            text.append("\n" + t("checks.done_by", who=line.done_by or "", when=format_time(line.done_at)))
        self.query_one("#check-detail", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        line = self.current() if self.year is not None else None
        if action == "rows":
            return line is not None and line.rows > 0
        if action == "done":
            return line is not None and line.status == "red"
        return True

    def action_run(self) -> None:
        self.show_status(t("checks.running"))
        self.load(run=True, done=t("checks.ran"))

    def action_rows(self) -> None:
        line = self.current()
        if line is not None and line.rows:
            self.app.go(
                Place.CHECK_ROWS,
                result_id=line.result_id, name=line.name, period=period_words(line.period), message=line.message,
            )  # fmt: skip

    def action_done(self) -> None:
        line = self.current()
        if line is None or line.status != "red":
            return
        db, result_id = self.db, line.result_id

        def run() -> str:
            try:
                result = engine.mark_done(db, CheckResult.get_by_id(result_id))
            except BokslutError as error:
                return user_message(error)
            return t("checks.marked_done", who=result.done_by or "", when=format_time(result.done_at))

        self.run_query(run, lambda message: self.load(done=message), group="done")

    def action_settings(self) -> None:
        self.app.go(Place.CHECK_SETTINGS, lambda _: self.load(), company_id=self.company_id)

    def show_status(self, status: str | Text) -> None:
        self.query_one("#checks-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )


class CheckRowsScreen(BokslutScreen):
    """The rows behind a red result, as the check found them (at most the engine's MAX_ROWS)."""

    HELP_KEY = "help.check_rows"
    BINDINGS = [
        Binding("enter", "voucher", "key.open", id="check_rows.voucher"),  # the voucher the highlighted row names
        Binding("escape", "app.pop_screen", "key.back", id="check_rows.back"),
    ]

    def __init__(self, result_id: int, name: str, period: str, message: str) -> None:
        super().__init__()
        self.result_id = result_id
        self.check_name = name
        self.period = period
        self.message = message  # in the reader's language, as the list showed it
        self.rows: list[dict] = []
        self.fiscal_year_id: int | None = None

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="check-rows", cursor_type="row", zebra_stripes=True)
        yield Static(id="check-rows-status")

    def on_mount(self) -> None:
        self.set_title(f"{self.check_name}  {self.period}")
        result_id = self.result_id

        def read() -> tuple[dict, int]:
            result = CheckResult.get_by_id(result_id)
            return engine.result_json(result), result.fiscal_year_id

        self.run_query(read, self.show)

    def show(self, read: tuple[dict, int]) -> None:
        document, self.fiscal_year_id = read
        self.rows = document["rows"]
        self.query_one("#check-rows-status", Static).update(
            literal(tn("checks.rows_count", len(self.rows)) + "  " + self.message, wrap=True)
        )
        self.lay_out()

    def lay_out(self) -> None:
        columns: list[str] = []
        for row in self.rows:
            columns.extend(key for key in row if key not in columns)
        if not columns:
            return
        rows = [
            (tuple(literal("" if row.get(column) is None else reader_value(row[column])) for column in columns), None)
            for row in self.rows
        ]
        headers = [
            literal(t(f"check_column.{column}") if has_text(f"check_column.{column}") else column) for column in columns
        ]
        most = dict.fromkeys(range(len(columns)), 30)
        self.query_one(RowTable).show_rows(headers, rows, flexible=len(columns) - 1, most=most)
        self.refresh_bindings()

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def highlighted(self) -> dict | None:
        table = self.query_one(RowTable)
        return self.rows[table.cursor_row] if table.row_count and table.cursor_row < len(self.rows) else None

    def on_data_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter only on a row that names one voucher (by series and number); a sum or an account has none."""
        if action == "voucher":
            row = self.highlighted()
            return row is not None and ("number" in row or isinstance(row.get("voucher"), str))
        return True

    def action_voucher(self) -> None:
        """The voucher the finding names, drilled down to as from the account analysis; one the books no longer
        hold (removed in the source since) is said on the status line."""
        row = self.highlighted()
        if row is None or self.fiscal_year_id is None:
            return
        db, fiscal_year_id = self.db, self.fiscal_year_id

        def opened(voucher_id: int | None) -> None:
            if voucher_id is not None:
                self.app.go(Place.VOUCHER, voucher_id=voucher_id)
                return
            named = row.get("voucher") or f"{row.get('series', '')} {row['number']}".strip()
            self.query_one("#check-rows-status", Static).update(literal(t("check_rows.no_voucher", voucher=named)))

        self.run_query(lambda: named_voucher(db, fiscal_year_id, row), opened, group="voucher")


@dataclass(frozen=True, slots=True)
class SettingLine:
    check_id: str
    name: str
    builtin: bool
    enabled: bool


class CheckSettingsScreen(BokslutScreen):
    """Built-in checks are switched on and off here (space); they are not edited."""

    HELP_KEY = "help.check_settings"
    BINDINGS = [
        Binding("space", "toggle", "key.toggle", id="check_settings.toggle"),
        Binding("a", "add_check", "key.add_check", id="check_settings.add"),  # the form: tui/screens/check_settings.py
        Binding("escape", "back", "key.back", id="check_settings.back"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.lines: list[SettingLine] = []

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="check-settings", cursor_type="row", zebra_stripes=True)
        yield Static(id="check-settings-status")

    def on_mount(self) -> None:
        self.set_title(t("check_settings.title"))
        self.load()

    def load(self, done: str = "") -> None:
        db, company_id = self.db, self.company_id

        def read() -> list[SettingLine]:
            checks = engine.all_checks(db, Company.get_by_id(company_id))
            return [SettingLine(check.id, check_name(check), check.builtin, enabled) for check, enabled in checks]

        def after(lines: list[SettingLine]) -> None:
            self.lines = lines
            self.lay_out()
            status = self.query_one("#check-settings-status", Static)
            status.update(literal(done or t("check_settings.hint"), wrap=True))

        self.run_query(read, after)

    def lay_out(self) -> None:
        headers = ["", t("column.check"), t("column.id")]
        rows = [
            (
                (
                    Text("[x]" if line.enabled else "[ ]", style="green" if line.enabled else "dim"),
                    literal(line.name),
                    literal(line.check_id, style="dim"),
                ),
                line.check_id,
            )
            for line in self.lines
        ]
        self.query_one(RowTable).show_rows(headers, rows, flexible=1)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def action_toggle(self) -> None:
        table = self.query_one(RowTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        line = next(line for line in self.lines if line.check_id == key)
        db, company_id, enabled = self.db, self.company_id, not line.enabled

        def run() -> str:
            try:
                engine.set_enabled(db, Company.get_by_id(company_id), line.check_id, enabled)
            except BokslutError as error:
                return user_message(error)
            return t("check_settings.enabled" if enabled else "check_settings.disabled", name=line.name)

        self.run_query(run, lambda message: self.load(done=message), group="toggle")

    def action_add_check(self) -> None:
        def added(name: str | None) -> None:
            if name:
                self.load(done=t("check_settings.added", name=name))

        self.app.go(Place.NEW_CHECK, added, company_id=self.company_id)

    def action_back(self) -> None:
        self.dismiss(None)
