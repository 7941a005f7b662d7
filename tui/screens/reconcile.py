"""Balance reconciliation (core.reconcile): the grid of a year's balance accounts by its periods, each cell a mark
that says its status by more than colour, and one account's reconciliation in a period: balance, specification
(the accountant's lines, or the books' own with their source rows), difference, comments, files, sign-off, the
difference booked as a closing entry. A locked period is read-only; u unlocks it, asking why. Every read and
change goes through core in a worker; the screens only show what it returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static

from core import periods
from core.errors import BokslutError, user_message
from core.money import from_ore, to_ore
from core.reconcile import analysis, vat, work
from core.reconcile.books import balances
from core.reports.formats import write_file
from core.store.models import Account, ClosingEntry, FiscalYear
from tui.amounts import parse_amount
from tui.bindings import translate_bindings
from tui.closing_lines import EntryLine, entry_line, status_text
from tui.i18n import format_count, format_money, format_time, t, tn
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import Flowing, SideBySide, literal
from tui.widgets.row_table import RowTable

# A cell's mark: a character for each state, so it reads without colour (the colour only repeats it).
MARKS = {
    "approved": ("✓✓", "bold green"),
    "reconciled": ("✓", "green"),
    "agrees": ("=", "green"),
    "in_progress": ("…", "yellow"),
    "difference": ("!", "bold red"),
    "stale": ("~", "bold yellow"),
    "not_started": ("·", "dim"),
}
MARK_WORDS = {
    "approved": "reconcile.mark_approved",
    "reconciled": "reconcile.mark_reconciled",
    "agrees": "reconcile.mark_agrees",
    "in_progress": "reconcile.mark_in_progress",
    "difference": "reconcile.mark_difference",
    "stale": "reconcile.mark_stale",
    "not_started": "reconcile.mark_not_started",
}
STATUS_WORDS = {
    "not_started": "reconcile.mark_not_started",
    "in_progress": "reconcile.mark_in_progress",
    "reconciled": "reconcile.mark_reconciled",
    "approved": "reconcile.mark_approved",
}
BASIS_WORDS = {"manual": "reconcile.basis_manual", "automatic": "reconcile.basis_automatic",
               "none": "reconcile.basis_none"}  # fmt: skip
AUTO_WORDS = {  # core.reconcile.auto.AutoLine.label
    "opening": "reconcile.auto_opening",
    "booked": "reconcile.auto_booked",
    "booked-since-settlement": "reconcile.auto_booked_since_settlement",
    "open-settlement": "reconcile.auto_open_settlement",
    "transfer": "reconcile.auto_transfer",
    "result": "reconcile.auto_result",
    "other": "reconcile.auto_other",
    "unclassified": "reconcile.auto_unclassified",
}
OFFSET_WORDS = {"last-choice": "reconcile.offset_last_choice", "table": "reconcile.offset_table"}


def money(ore: int) -> str:
    return format_money(from_ore(ore))


def mark_of(state: work.State) -> str:
    """The one state a cell shows: a changed sign-off first, then a signature, then a difference left."""
    if state.stale:
        return "stale"
    if state.status in work.SIGNED:
        return state.status
    if state.basis != "none" and state.difference:
        return "difference"
    if state.status == "in_progress":
        return "in_progress"
    return "agrees" if state.basis == "automatic" else "not_started"


def auto_words(label: str) -> str:
    return t(AUTO_WORDS[label]) if label in AUTO_WORDS else label


# --- the grid --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GridPeriod:
    key: str
    label: str
    locked: bool

    @property
    def short(self) -> str:
        """The column's header: the month or quarter alone (the year is the title's), * when locked."""
        if self.key == periods.YEAR_END:
            text = t("reconcile.year_end_short")
        else:
            text = self.key[4:].lstrip("0") if "Q" in self.key else self.key[4:]
        return text + ("*" if self.locked else "")


@dataclass(frozen=True, slots=True)
class Grid:
    company: str
    start: dt.date
    end: dt.date
    periods: tuple[GridPeriod, ...]
    accounts: tuple[tuple[str, str], ...]  # (scope, name)
    marks: dict[tuple[str, str], str]  # (scope, period key) -> MARKS key
    at_work: int  # the index of the first period not locked


def read_grid(db, fiscal_year_id: int) -> Grid:
    """Every period's listed accounts and their marks, the year's balances summed once for all periods."""
    year = FiscalYear.get_by_id(fiscal_year_id)
    company = year.company
    shared = balances(db, company, year)
    rows = periods.periods(db, year)
    marks: dict[tuple[str, str], str] = {}
    for period in rows:
        here = work.Place(db, company, year, period, shared)
        for scope, now in work.listed_states(here).items():
            marks[(scope, period.key)] = mark_of(now)
    names = dict(Account.select(Account.number, Account.name).where(Account.company == company.id).tuples())
    scopes = sorted({scope for scope, _ in marks})
    at_work = next((index for index, period in enumerate(rows) if not period.locked), len(rows) - 1)
    return Grid(
        company.name, year.start, year.end,
        tuple(GridPeriod(p.key, periods.label(p), p.locked) for p in rows),
        tuple((scope, names.get(scope, "")) for scope in scopes), marks, at_work,
    )  # fmt: skip


class ReconcileScreen(BokslutScreen):
    HELP_KEY = "help.reconcile"
    BINDINGS = [
        Binding("enter", "open", "key.open", id="reconcile.open"),
        Binding("v", "vat", "key.reconcile_vat", id="reconcile.vat"),
        Binding("n", "analysis", "key.reconcile_analysis", id="reconcile.analysis"),
        Binding("escape", "back", "key.back", id="reconcile.back"),
    ]
    DEFAULT_CSS = """
    #reconcile-grid { height: 1fr; }
    #reconcile-cell, #reconcile-legend { height: auto; padding: 0 1; }
    #reconcile-legend { color: $text-muted; }
    """

    def __init__(self, fiscal_year_id: int) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.grid: Grid | None = None
        self.placed = False  # the cursor goes to the period at work once, then stays where the user puts it

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="reconcile-grid", cursor_type="cell")
        yield Static(id="reconcile-cell")
        items = t("reconcile.legend").split("  ")  # the catalogs part the legend's items by two spaces
        yield Static(Flowing(*(Text(item) for item in items)), id="reconcile-legend")

    def on_mount(self) -> None:
        self.set_title(t("reconcile.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.run_query(lambda: read_grid(db, fiscal_year_id), self.show)

    def show(self, grid: Grid) -> None:
        self.grid = grid
        self.set_title(t("reconcile.title_year", company=grid.company, start=grid.start, end=grid.end))
        self.lay_out()
        table = self.query_one(RowTable)
        if not self.placed and grid.accounts:
            self.placed = True
            table.move_cursor(row=0, column=grid.at_work + 1, animate=False)
        self.show_cell()

    def lay_out(self) -> None:
        if self.grid is None:
            return
        grid = self.grid
        headers = [t("column.account"), *(period.short for period in grid.periods)]
        rows = []
        for scope, _name in grid.accounts:
            cells: list[str | Text] = [scope]
            for period in grid.periods:
                mark = grid.marks.get((scope, period.key))
                cells.append(Text("") if mark is None else Text(MARKS[mark][0], style=MARKS[mark][1],
                                                                justify="center"))
            rows.append((cells, scope))
        self.query_one(RowTable).show_rows(headers, rows, flexible=3)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current(self) -> tuple[str, GridPeriod] | None:
        """The highlighted (account, period), or None on the account column or an empty grid."""
        table = self.query_one(RowTable)
        if self.grid is None or not table.row_count:
            return None
        row, column = table.cursor_coordinate
        if column < 1 or column > len(self.grid.periods):
            return None
        return self.grid.accounts[row][0], self.grid.periods[column - 1]

    def on_data_table_cell_highlighted(self, _event: DataTable.CellHighlighted) -> None:
        self.show_cell()

    def show_cell(self) -> None:
        line = self.query_one("#reconcile-cell", Static)
        here = self.current()
        if here is None or self.grid is None:
            line.update("")
            return
        scope, period = here
        name = dict(self.grid.accounts).get(scope, "")
        mark = self.grid.marks.get((scope, period.key))
        words = t(MARK_WORDS[mark]) if mark else t("reconcile.not_listed")
        text = literal(f"{scope} {name}".strip(), style="bold")
        text.append(f"  {period.label}: {words}")
        if period.locked:
            text.append("  " + t("reconcile.locked"), style="bold")
        line.update(text)

    def action_open(self) -> None:
        here = self.current()
        if here is not None:
            scope, period = here
            self.app.go(Place.RECONCILE_ACCOUNT, fiscal_year_id=self.fiscal_year_id, period_key=period.key,
                        scope=scope)  # fmt: skip

    def period_key(self) -> str | None:
        """The highlighted column's period, or the period at work from the account column."""
        if self.grid is None:
            return None
        here = self.current()
        return here[1].key if here else self.grid.periods[self.grid.at_work].key

    def action_vat(self) -> None:
        key = self.period_key()
        if key is not None:
            self.app.go(Place.RECONCILE_VAT, fiscal_year_id=self.fiscal_year_id, period_key=key)

    def action_analysis(self) -> None:
        key = self.period_key()
        if key is not None:
            self.app.go(Place.RECONCILE_ANALYSIS, fiscal_year_id=self.fiscal_year_id, period_key=key)

    def action_back(self) -> None:
        self.app.pop_screen()


# --- one account in one period -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detail:
    scope: str
    period: str  # its label
    locked: bool
    names: tuple[tuple[str, str], ...]
    state: work.State
    offset: str | None  # the suggested offset account for a difference
    offset_source: str
    entry_text: str  # the text the difference's closing entry gets
    booked: EntryLine | None = None  # the closing entry a difference was booked as, with its status now


def place_of(db, fiscal_year_id: int, period_key: str) -> work.Place:
    year = FiscalYear.get_by_id(fiscal_year_id)
    return work.place(db, year.company, year, period_key)


def read_detail(db, fiscal_year_id: int, period_key: str, scope: str) -> Detail:
    here = place_of(db, fiscal_year_id, period_key)
    names = tuple(work.known_scope(here, scope))
    offset, why = work.suggested_offset(here, scope) if "x" not in scope else (None, "none")
    state = work.state(here, scope)
    booked_id = state.record.entry_id if state.record is not None else None
    entry = ClosingEntry.get_or_none(ClosingEntry.id == booked_id) if booked_id else None
    booked = entry_line(here.fiscal_year, entry) if entry is not None else None
    return Detail(scope, here.label, here.period.locked, names, state, offset, why, work.difference_text(here, scope),
                  booked)  # fmt: skip


class LineForm(ModalScreen[tuple[int, str, dt.date | None, str] | None]):
    """A specification line: amount (debit positive), document reference, date and comment. Enter goes to the next
    field and adds the line from the last; Escape leaves without one."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="reconcile_line.cancel")]
    DEFAULT_CSS = """
    LineForm { align: center middle; }
    LineForm > Vertical { width: 70; height: auto; border: round $primary; background: $surface; padding: 0 1; }
    LineForm #line-problem { color: $error; height: auto; }
    """
    FIELDS = ("line-amount", "line-reference", "line-date", "line-comment")

    def __init__(self, scope: str, amount: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.scope, self.amount = scope, amount

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(t("reconcile.line_title", scope=self.scope))
            yield Input(value=self.amount, placeholder=t("reconcile.line_amount"), id="line-amount")
            yield Input(placeholder=t("reconcile.line_reference"), id="line-reference")
            yield Input(placeholder=t("reconcile.line_date"), id="line-date")
            yield Input(placeholder=t("reconcile.line_comment"), id="line-comment")
            yield Static(id="line-problem")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#line-amount", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        index = self.FIELDS.index(event.input.id)
        if index + 1 < len(self.FIELDS):
            self.set_focus(self.query_one(f"#{self.FIELDS[index + 1]}", Input))
            return
        value = {name: self.query_one(f"#{name}", Input).value.strip() for name in self.FIELDS}
        amount = parse_amount(value["line-amount"])
        if amount is None or not value["line-amount"] or amount != round(amount, 2):
            return self.problem(t("reconcile.not_an_amount", typed=value["line-amount"]), "line-amount")
        try:
            day = dt.date.fromisoformat(value["line-date"]) if value["line-date"] else None
        except ValueError:
            return self.problem(t("reconcile.not_a_date", typed=value["line-date"]), "line-date")
        self.dismiss((to_ore(amount), value["line-reference"], day, value["line-comment"]))

    def problem(self, words: str, field: str) -> None:
        self.query_one("#line-problem", Static).update(literal(words, wrap=True))
        self.set_focus(self.query_one(f"#{field}", Input))

    def action_cancel(self) -> None:
        self.dismiss(None)


# The shared field's uses: what it asks for.
FIELD_PLACEHOLDERS = {
    "comment": "reconcile.comment_placeholder",
    "attach": "reconcile.attach_placeholder",
    "export": "reconcile.export_placeholder",
    "offset": "reconcile.offset_placeholder",
    "unlock": "reconcile.unlock_placeholder",
}
CHANGES = ("add_line", "remove", "comment", "attach", "sign", "approve", "reopen", "book")


class ReconcileAccountScreen(BokslutScreen):
    HELP_KEY = "help.reconcile_account"
    BINDINGS = [
        Binding("a", "add_line", "key.reconcile_line", id="reconcile_account.add_line"),
        Binding("s", "sign", "key.reconcile_sign", id="reconcile_account.sign"),
        Binding("b", "book", "key.reconcile_book", id="reconcile_account.book"),
        Binding("c", "comment", "key.reconcile_comment", id="reconcile_account.comment"),
        Binding("u", "unlock", "key.unlock", id="reconcile_account.unlock"),
        Binding("escape", "back", "key.back", id="reconcile_account.back"),
        # Out of the footer (80 columns), in F1 and the palette
        Binding("d", "remove", "key.reconcile_remove", show=False, id="reconcile_account.remove"),
        Binding("f", "attach", "key.reconcile_attach", show=False, id="reconcile_account.attach"),
        Binding("o", "export", "key.export", show=False, id="reconcile_account.export"),
        Binding("g", "approve", "key.reconcile_approve", show=False, id="reconcile_account.approve"),
        Binding("r", "reopen", "key.reconcile_reopen", show=False, id="reconcile_account.reopen"),
    ]
    DEFAULT_CSS = """
    #reconcile-summary, #reconcile-source, #reconcile-status { height: auto; padding: 0 1; }
    #reconcile-items { height: 1fr; }
    ReconcileAccountScreen #reconcile-field { display: none; }
    """

    def __init__(self, fiscal_year_id: int, period_key: str, scope: str) -> None:
        super().__init__()
        self.fiscal_year_id, self.period_key, self.scope = fiscal_year_id, period_key, scope
        self.detail: Detail | None = None
        self.asking: str | None = None  # what the shared field asks for (FIELD_PLACEHOLDERS)

    def compose_body(self) -> ComposeResult:
        yield Static(id="reconcile-summary")
        yield RowTable(id="reconcile-items", cursor_type="row", zebra_stripes=True)
        yield Static(id="reconcile-source")
        yield Input(id="reconcile-field")
        yield Static(id="reconcile-status")

    def on_mount(self) -> None:
        self.set_title(t("reconcile.account_title", scope=self.scope))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, year, key, scope = self.db, self.fiscal_year_id, self.period_key, self.scope
        self.run_query(lambda: self.read(db, year, key, scope), self.show)

    @staticmethod
    def read(db, year: int, key: str, scope: str) -> Detail | str:
        try:
            return read_detail(db, year, key, scope)
        except BokslutError as error:
            return user_message(error)

    def show(self, detail: Detail | str) -> None:
        if isinstance(detail, str):
            self.show_status(literal(detail, style="bold red", wrap=True))
            return
        self.detail = detail
        name = detail.names[0][1] if len(detail.names) == 1 and "x" not in detail.scope else ", ".join(
            number for number, _ in detail.names)
        self.set_title(t("reconcile.account_title_period", scope=detail.scope, name=name, period=detail.period))
        self.query_one("#reconcile-summary", Static).update(self.summary(detail))
        self.lay_out()
        self.refresh_bindings()

    def summary(self, detail: Detail) -> Group:
        state, record = detail.state, detail.state.record
        figures = SideBySide(
            Text(t("reconcile.balance", balance=money(state.balance))),
            Text(t("reconcile.specified", specified=money(state.specified), basis=t(BASIS_WORDS[state.basis]))),
            Text(t("reconcile.difference", difference=money(state.difference)),
                 style="bold red" if state.difference and state.basis != "none" else "bold"),
        )  # fmt: skip
        text = Text()
        mark = mark_of(state)
        text.append(f"{MARKS[mark][0]} {t(STATUS_WORDS[state.status])}", style=MARKS[mark][1])
        if state.stale:
            text.append(" (" + t("reconcile.mark_stale") + ")", style="bold yellow")
        if record is not None and record.entry_id:
            text.append("   " + t("reconcile.entry", entry=record.entry_id))
            if detail.booked is not None:  # has the booked difference reached the books (Fortnox, a SIE file)?
                text.append(": ")
                text.append_text(status_text(detail.booked, wrap=True))
        signed = [t("reconcile.prepared", who=record.prepared_by, when=format_time(record.prepared_at))
                  if record is not None and record.prepared_by else "",
                  t("reconcile.approved", who=record.approved_by, when=format_time(record.approved_at))
                  if record is not None and record.approved_by else ""]  # fmt: skip
        if any(signed):
            text.append("\n")
            text.append_text(literal("   ".join(filter(None, signed))))
        if state.difference and detail.offset:
            text.append("\n" + t("reconcile.suggested_offset", account=detail.offset,
                                 source=t(OFFSET_WORDS[detail.offset_source])))  # fmt: skip
        if detail.locked:
            text.append("\n" + t("reconcile.locked_read_only"), style="bold")
        return Group(figures, text)

    def lay_out(self) -> None:
        if self.detail is None:
            return
        state = self.detail.state
        rows = []
        for line in state.lines:
            words = line.reference + (f" — {line.comment}" if line.comment else "")
            rows.append(((t("reconcile.item_line", line=line.position), str(line.date or ""), literal(words),
                          Text(format_money(line.amount), justify="right")), f"line:{line.position}"))
        for index, line in enumerate(state.automatic.lines if state.automatic else []):
            where = ", ".join(f"{s.series}{s.number}" if s.voucher_id else f"#{s.entry_id}" for s in line.sources[:3])
            words = auto_words(line.label) + (f": {where}" if where else "")
            rows.append(((t("reconcile.item_auto"), "", literal(words), Text(money(line.amount), justify="right")),
                         f"auto:{index}"))  # fmt: skip
        for index, note in enumerate(state.notes):
            words = literal(f"{note.author}: {note.text}")
            rows.append(((t("reconcile.item_comment"), format_time(note.written), words, ""), f"note:{index}"))
        for kept in state.files:
            size = Text(t("reconcile.bytes", size=format_count(kept.size)), justify="right")
            rows.append(((t("reconcile.item_file"), format_time(kept.added_at), literal(kept.name), size),
                         f"file:{kept.id}"))
        headers = [t("column.kind"), t("column.date"), t("column.text"), t("column.amount")]
        self.query_one(RowTable).show_rows(headers, rows, flexible=2)
        self.show_source()

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current_item(self) -> tuple[str, str] | None:
        table = self.query_one(RowTable)
        if self.detail is None or not table.row_count:
            return None
        kind, _, value = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value.partition(":")
        return kind, value

    def on_data_table_row_highlighted(self, _event) -> None:
        self.show_source()
        self.refresh_bindings()

    def show_source(self) -> None:
        """Under the list: an automatic line's source vouchers with their rows, or a file's size and full hash."""
        item = self.current_item()
        text = Text()
        if item and item[0] == "auto" and self.detail.state.automatic:
            line = self.detail.state.automatic.lines[int(item[1])]
            if line.count and not line.sources:
                text.append(tn("reconcile.vouchers_summed", line.count))
            for source in line.sources[:4]:
                rows = "; ".join(f"{account} {money(amount)}" for account, amount in source.rows)
                name = f"{source.series}{source.number}" if source.voucher_id else f"#{source.entry_id}"
                text.append_text(literal(f"{name} {source.date}" + (f": {rows}" if rows else "") + "\n"))
        elif item and item[0] == "file":
            kept = next(f for f in self.detail.state.files if str(f.id) == item[1])
            size = t("reconcile.bytes", size=format_count(kept.size))
            text = literal(f"{kept.name}  {size}  sha256 {kept.sha256}", wrap=True)
        self.query_one("#reconcile-source", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A locked period is read-only: only unlocking (and exporting a file) is offered."""
        if self.detail is None:
            return action in ("back",)
        if action == "unlock":
            return self.detail.locked
        if action in CHANGES and self.detail.locked:
            return False
        item = self.current_item()
        if action == "remove":
            return item is not None and item[0] in ("line", "file")
        if action == "export":
            return item is not None and item[0] == "file"
        if action == "book":
            return "x" not in self.scope
        return True

    # --- changes -------------------------------------------------------------------------------------------------

    def change(self, change: Callable[[work.Place], object], done: str) -> None:
        db, year, key = self.db, self.fiscal_year_id, self.period_key
        self.apply_change(lambda: change(place_of(db, year, key)), done)

    def action_add_line(self) -> None:
        def added(line: tuple[int, str, dt.date | None, str] | None) -> None:
            if line is not None:
                amount, reference, day, comment = line
                self.change(lambda here: work.add_line(here, self.scope, amount, reference, day, comment),
                            t("reconcile.line_added", amount=money(amount)))  # fmt: skip

        self.app.push_screen(LineForm(self.scope), added)

    def action_remove(self) -> None:
        item = self.current_item()
        if item is None or item[0] not in ("line", "file"):
            return
        kind, value = item
        if kind == "line":
            question, done = t("reconcile.ask_remove_line", line=value), t("reconcile.line_removed", line=value)
            remove = lambda here: work.remove_line(here, self.scope, int(value))  # noqa: E731
        else:
            name = next(f.name for f in self.detail.state.files if str(f.id) == value)
            question, done = t("reconcile.ask_remove_file", name=name), t("reconcile.file_removed", name=name)
            remove = lambda here: work.remove_file(here, self.scope, int(value))  # noqa: E731

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(remove, done)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_sign(self) -> None:
        self.change(lambda here: work.set_status(here, self.scope, "reconciled"), t("reconcile.signed"))

    def action_approve(self) -> None:
        self.change(lambda here: work.set_status(here, self.scope, "approved"), t("reconcile.approved_done"))

    def action_reopen(self) -> None:
        self.change(lambda here: work.set_status(here, self.scope, "in_progress"), t("reconcile.reopened"))

    def action_comment(self) -> None:
        self.ask("comment")

    def action_attach(self) -> None:
        self.ask("attach")

    def action_export(self) -> None:
        item = self.current_item()
        if item is not None and item[0] == "file":
            name = next(f.name for f in self.detail.state.files if str(f.id) == item[1])
            self.ask("export", str(Path.cwd() / Path(name).name))

    def action_book(self) -> None:
        if self.detail is None or "x" in self.scope:
            return
        if not self.detail.state.difference:
            self.show_status(t("reconcile.no_difference"))
            return
        self.ask("offset", self.detail.offset or "")

    def action_unlock(self) -> None:
        if self.detail is not None and self.detail.locked:
            self.ask("unlock")

    def ask(self, what: str, value: str = "") -> None:
        field = self.query_one("#reconcile-field", Input)
        self.asking = what
        field.placeholder = t(FIELD_PLACEHOLDERS[what])
        self.show_status(field.placeholder)  # a suggested value fills the field and hides its placeholder
        field.value = value
        field.display = True
        self.set_focus(field)

    def close_field(self) -> None:
        field = self.query_one("#reconcile-field", Input)
        field.display = False
        self.asking = None
        self.show_status("")
        self.set_focus(self.query_one(RowTable))

    @on(Input.Submitted, "#reconcile-field")
    def field_given(self, event: Input.Submitted) -> None:
        typed, what, scope = event.value.strip(), self.asking, self.scope
        if not typed or self.detail is None:
            return
        self.close_field()
        if what == "comment":
            self.change(lambda here: work.comment(here, scope, typed), t("reconcile.commented"))
        elif what == "attach":
            path = Path(typed).expanduser()
            self.change(lambda here: work.attach(here, scope, path.name, path.read_bytes()),
                        t("reconcile.attached", name=path.name))  # fmt: skip
        elif what == "export":
            self.export(self.current_item()[1], Path(typed).expanduser())
        elif what == "offset":
            self.confirm_book(typed)
        elif what == "unlock":
            db, year, label = self.db, self.fiscal_year_id, self.detail.period
            self.change(lambda here: work.unlock(db, FiscalYear.get_by_id(year), label, typed),
                        t("reconcile.unlocked", period=label))  # fmt: skip

    def confirm_book(self, offset: str) -> None:
        """Asked first, naming the entry: its text, the accounts and the amount."""
        detail = self.detail
        amount = money(abs(detail.state.difference))
        question = t("reconcile.ask_book", text=detail.entry_text, account=detail.scope, offset=offset, amount=amount)

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(lambda here: work.to_entry(here, detail.scope, offset),
                            t("reconcile.booked", text=detail.entry_text))  # fmt: skip

        self.app.push_screen(ConfirmScreen(question), answered)

    def export(self, file_id: str, target: Path) -> None:
        """The file written where asked (a folder takes its name), never over an existing one."""
        db, year, key, scope = self.db, self.fiscal_year_id, self.period_key, self.scope

        def run() -> str:
            try:
                name, content = work.file_content(place_of(db, year, key), scope, int(file_id))
                path = target / Path(name).name if target.is_dir() else target
                if path.exists():
                    return t("reconcile.export_exists", path=str(path))
                write_file(path, content)
                return t("reconcile.exported", path=str(path))
            except (BokslutError, OSError) as error:
                return user_message(error)

        self.run_query(run, lambda words: self.show_status(literal(words, wrap=True)), group="change")

    def action_back(self) -> None:
        if self.query_one("#reconcile-field", Input).display:
            self.close_field()
        else:
            self.app.pop_screen()

    def show_status(self, status: str | Text) -> None:
        line = self.query_one("#reconcile-status", Static)
        line.update(status if isinstance(status, Text) else literal(status, wrap=True))


# --- the period's VAT and the income-statement analysis -------------------------------------------------------

SOURCE_WORDS = {"manual": "reconcile.reported_manual", "inferred": "reconcile.reported_inferred"}


class PeriodView(BokslutScreen):
    """A table of one period, a summary over it, a field for what Enter or c asks, and a status line."""

    FIELD_KEY: str  # the field's placeholder

    DEFAULT_CSS = """
    PeriodView .summary, PeriodView .status { height: auto; padding: 0 1; }
    PeriodView RowTable { height: 1fr; }
    PeriodView Input { display: none; }
    """

    def __init__(self, fiscal_year_id: int, period_key: str) -> None:
        super().__init__()
        self.fiscal_year_id, self.period_key = fiscal_year_id, period_key
        self.read_value = None

    def compose_body(self) -> ComposeResult:
        yield Static(classes="summary", id="view-summary")
        yield RowTable(cursor_type="row", zebra_stripes=True, id="view-table")
        yield Input(placeholder=t(self.FIELD_KEY), id="view-field")
        yield Static(classes="status", id="view-status")

    def on_mount(self) -> None:
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, year, key = self.db, self.fiscal_year_id, self.period_key

        def read():
            try:
                return self.read(place_of(db, year, key))
            except BokslutError as error:
                return user_message(error)

        self.run_query(read, self.show)

    def read(self, here: work.Place):
        raise NotImplementedError

    def show(self, value) -> None:
        if isinstance(value, str):
            self.show_status(literal(value, style="bold red", wrap=True))
            return
        self.read_value = value
        self.lay_out()

    def lay_out(self) -> None:
        raise NotImplementedError

    def on_resize(self, _event: events.Resize) -> None:
        if self.read_value is not None:
            self.lay_out()

    def current_key(self) -> str | None:
        table = self.query_one(RowTable)
        if self.read_value is None or not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def ask(self) -> None:
        if self.current_key() is None:
            return
        field = self.query_one(Input)
        field.display = True
        self.set_focus(field)

    @on(Input.Submitted, "#view-field")
    def given(self, event: Input.Submitted) -> None:
        key, typed = self.current_key(), event.value.strip()
        field = self.query_one(Input)
        field.clear()
        field.display = False
        self.set_focus(self.query_one(RowTable))
        if key is not None and typed:
            self.submitted(key, typed)

    def submitted(self, key: str, typed: str) -> None:
        raise NotImplementedError

    def change(self, change: Callable[[work.Place], object], done: str) -> None:
        db, year, period_key = self.db, self.fiscal_year_id, self.period_key
        self.apply_change(lambda: change(place_of(db, year, period_key)), done)

    def action_back(self) -> None:
        field = self.query_one(Input)
        if field.display:
            field.clear()
            field.display = False
            self.set_focus(self.query_one(RowTable))
        else:
            self.app.pop_screen()

    def show_status(self, status: str | Text) -> None:
        self.query_one("#view-status", Static).update(status if isinstance(status, Text) else literal(status,
                                                                                                      wrap=True))


class ReconcileVatScreen(PeriodView):
    HELP_KEY = "help.reconcile_vat"
    FIELD_KEY = "reconcile.reported_placeholder"
    BINDINGS = [
        Binding("enter", "reported", "key.reconcile_reported", id="reconcile_vat.reported"),
        Binding("y", "year", "key.reconcile_vat_year", id="reconcile_vat.year"),
        Binding("escape", "back", "key.back", id="reconcile_vat.back"),
    ]

    def read(self, here: work.Place) -> dict:
        return vat.reconcile_vat(here)

    def lay_out(self) -> None:
        result = self.read_value
        vat_period = result["vat_period"]
        self.set_title(t("reconcile.vat_title", period=vat_period["label"], start=result["start"], end=result["end"]))
        headers = [t("reconcile.column_box"), t("reconcile.column_accounts"), t("reconcile.column_booked"),
                   t("reconcile.column_whole_kronor"), t("reconcile.column_reported"), t("reconcile.column_difference")]
        rows = []
        for box in result["boxes"]:
            reported = "" if box["reported"] is None else money(box["reported"])
            if box["reported_source"]:
                reported += " " + t(SOURCE_WORDS[box["reported_source"]])
            difference = "" if box["difference"] is None else money(box["difference"])
            rows.append(((
                box["box"], ", ".join(box["accounts"]), Text(money(box["booked"]), justify="right"),
                Text(money(box["rounded"]), justify="right"), Text(reported, justify="right"),
                Text(("! " if box["difference"] else "") + difference, justify="right",
                     style="bold red" if box["difference"] else ""),
            ), box["box"]))  # fmt: skip
        self.query_one(RowTable).show_rows(headers, rows, flexible=1)
        if vat_period["open"]:  # no return yet, so no settlement or payment to look for
            summary = Text().append(t("reconcile.vat_period_open", vat_period=vat_period["label"],
                                      end=vat_period["end"]), style="yellow")  # fmt: skip
        else:
            summary = self.settlement_summary(result["settlement"], result["payment"])
        if result["differences"]:
            summary.append("\n" + t("reconcile.vat_differences", boxes=", ".join(result["differences"])),
                           style="bold red")  # fmt: skip
        self.query_one("#view-summary", Static).update(summary)

    @staticmethod
    def settlement_summary(settled: dict | None, paid: dict | None) -> Text:
        summary = Text()
        if settled:
            summary.append_text(literal(t(
                "reconcile.vat_settled", voucher=f"{settled['series']}{settled['number']}", date=settled["date"],
                account=", ".join(settled["accounts"]), amount=money(settled["amount_2650"]),
                rounding=money(settled["rounding_3740"]))))
        else:
            summary.append(t("reconcile.vat_not_settled"), style="yellow")
        summary.append("\n")
        if paid:
            summary.append_text(literal(t("reconcile.vat_paid", voucher=f"{paid['series']}{paid['number']}",
                                          date=paid["date"], account=paid["account"],
                                          amount=money(paid["amount"]))))  # fmt: skip
        else:
            summary.append(t("reconcile.vat_not_paid"), style="yellow")
        return summary

    def action_reported(self) -> None:
        self.ask()

    def submitted(self, box: str, typed: str) -> None:
        if not typed.lstrip("-").isdigit():
            self.show_status(t("reconcile.not_whole_kronor", typed=typed))
            return
        self.change(lambda here: vat.set_reported(here, box, int(typed)),
                    t("reconcile.reported_set", box=box, kronor=typed))  # fmt: skip


    def action_year(self) -> None:
        self.app.go(Place.RECONCILE_VAT_YEAR, fiscal_year_id=self.fiscal_year_id, period_key=self.period_key)


class ReconcileVatYearScreen(PeriodView):
    """Every VAT period of the year (core.reconcile.vat.vat_year): the auditor's VAT working paper."""

    HELP_KEY = "help.reconcile_vat_year"
    FIELD_KEY = "reconcile.reported_placeholder"
    BINDINGS = [Binding("escape", "back", "key.back", id="reconcile_vat_year.back")]

    def read(self, here: work.Place) -> dict:
        return vat.vat_year(here.db, here.company, here.fiscal_year, here.balances)

    def lay_out(self) -> None:
        result = self.read_value
        self.set_title(t("reconcile.vat_year_title", start=result["start"], end=result["end"]))
        headers = [t("reconcile.column_vat_period"), t("reconcile.column_net_vat_booked"),
                   t("reconcile.column_reported"), t("reconcile.column_difference"),
                   t("reconcile.column_settled"), t("reconcile.column_paid")]  # fmt: skip
        rows = []
        for period in result["periods"]:
            reported = "" if period["reported_49"] is None else money(period["reported_49"])
            if period["reported_source"] == "inferred":  # the legend below says it: the columns fit 80 wide
                reported += " *"
            differs = bool(period["difference_49"]) or bool(period["differences"])
            difference = "" if period["difference_49"] is None else money(period["difference_49"])
            if period["differences"] and period["differences"] != ["49"]:
                difference += " " + t("reconcile.vat_boxes_differ", boxes=", ".join(period["differences"]))
            settled, paid = period["settlement"], period["payment"]
            rows.append(((
                period["label"], Text(money(period["booked_49"]), justify="right"), Text(reported, justify="right"),
                Text(("! " if differs else "") + difference, justify="right", style="bold red" if differs else ""),
                literal(f"{settled['series']}{settled['number']} {settled['date']}") if settled
                else Text(t("reconcile.vat_none"), style="yellow"),
                literal(f"{paid['series']}{paid['number']} {paid['date']}") if paid
                else Text(t("reconcile.vat_none"), style="yellow"),
            ), period["key"]))  # fmt: skip
        self.query_one(RowTable).show_rows(headers, rows, flexible=5)
        year_end = result["year_end"]
        summary = Text(t("reconcile.vat_year_end", accounts=", ".join(year_end["accounts"]),
                         balance=money(year_end["balance"]), unpaid=money(year_end["settled_not_paid"]),
                         difference=money(year_end["difference"])),
                       style="bold red" if year_end["difference"] else "")  # fmt: skip
        for account, amount in year_end["unsettled_vat"].items():
            summary.append("\n" + t("reconcile.vat_unsettled", account=account, amount=money(amount)), style="yellow")
        if any(period["reported_source"] == "inferred" for period in result["periods"]):
            summary.append("\n" + t("reconcile.vat_inferred_legend"), style="dim")
        self.query_one("#view-summary", Static).update(summary)


class ReconcileAnalysisScreen(PeriodView):
    HELP_KEY = "help.reconcile_analysis"
    FIELD_KEY = "reconcile.comment_placeholder"
    BINDINGS = [
        Binding("c", "comment", "key.reconcile_comment", id="reconcile_analysis.comment"),
        Binding("escape", "back", "key.back", id="reconcile_analysis.back"),
    ]

    def read(self, here: work.Place) -> tuple[str, list[dict], dict[str, str]]:
        names = dict(Account.select(Account.number, Account.name).where(Account.company == here.company.id).tuples())
        return here.label, analysis.income_analysis(here), names

    def lay_out(self) -> None:
        label, rows, names = self.read_value
        self.set_title(t("reconcile.analysis_title", period=label))
        headers = [t("column.account"), t("column.name"), t("reconcile.column_period"),
                   t("reconcile.column_last_year"), t("reconcile.column_year_to_date"),
                   t("reconcile.column_last_year_to_date"), t("reconcile.column_comment")]  # fmt: skip

        def amount(row: dict, key: str) -> Text:
            return Text(money(row[key]) if key in row else "–", justify="right")

        shown = [((row["account"], literal(names.get(row["account"], "")), amount(row, "period"),
                   amount(row, "period_last_year"), amount(row, "year_to_date"), amount(row, "year_to_date_last_year"),
                   literal(row["comments"][-1]["text"] if row["comments"] else "")), row["account"])
                 for row in rows]  # fmt: skip
        self.query_one(RowTable).show_rows(headers, shown, flexible=6, most={1: 24})
        self.query_one("#view-summary", Static).update(t("reconcile.analysis_summary"))

    def action_comment(self) -> None:
        self.ask()

    def submitted(self, account: str, typed: str) -> None:
        self.change(lambda here: work.comment(here, account, typed), t("reconcile.commented"))
