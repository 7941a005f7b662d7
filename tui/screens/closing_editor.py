"""One closing entry in an editable grid: date, text and rows (account, debit, credit, cost centre, project, row
text), with the account looked up by number or name as it is typed, the balance live, and core's validation
shown at the field it concerns once that field has been typed in or left (or at a save): an entry opens clean."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from core.closing import entries as closing
from core.errors import BokslutError, user_message
from core.store.models import Account, ClosingEntry, FiscalYear
from tui.amounts import parse_amount
from tui.i18n import format_money, problem_words, t
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import literal

FIELD_TEXTS = {
    "account": "column.account", "debit": "editor.debit", "credit": "editor.credit",
    "cost_center": "editor.cost_center", "project": "editor.project", "text": "editor.row_text",
}  # fmt: skip
FIELDS = tuple(FIELD_TEXTS)
SUGGESTIONS_SHOWN = 4
_FIELD = re.compile(r"rows\[(\d+)\](?:\.(\w+))?")  # core's names of a row ("rows[2]") or its field


@dataclass(frozen=True, slots=True)
class Chart:
    """The company's accounts, read once in a worker; looked up on the UI thread as the user types."""

    accounts: tuple[tuple[str, str], ...]  # (number, name) in number order
    used: frozenset[str] = frozenset()  # accounts with a balance or a transaction in the year

    def matches(self, typed: str) -> list[tuple[str, str]]:
        """What was typed, best first: the exact number, then numbers that start with it, then names in which every
        typed word starts a word, then names that hold the words anywhere; within each, the accounts the year's
        books use first ("upplupna" finds 2990 Övriga upplupna kostnader before the unused 1750 Upplupna
        hyresintäkter), then by number."""
        typed = typed.strip().lower()
        if not typed:
            return []
        words = typed.split()
        ranked = []
        for number, name in self.accounts:
            name_words = re.findall(r"\w+", name.lower())
            if number == typed:
                tier = 0
            elif number.startswith(typed):
                tier = 1
            elif all(any(word.startswith(typed_word) for word in name_words) for typed_word in words):
                tier = 2
            elif all(typed_word in name.lower() for typed_word in words):
                tier = 3
            else:
                continue
            ranked.append((tier, number not in self.used, number, name))
        return [(number, name) for _tier, _unused, number, name in sorted(ranked)]

    def name(self, number: str) -> str | None:
        return next((name for found, name in self.accounts if found == number), None)


class AccountSuggester(Suggester):
    """The rest of the first account number that starts with what is typed (→ takes it)."""

    def __init__(self, screen: EntryEditorScreen) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.editor = screen

    async def get_suggestion(self, value: str) -> str | None:
        chart = self.editor.chart
        if chart is None or not value.isdigit():
            return None
        found = chart.matches(value)
        return found[0][0] if found else None


class RowEditor(Horizontal):
    """One row of the grid: an Input per field, found by its class."""

    def __init__(self, row: closing.RowDraft, suggester: Suggester) -> None:
        super().__init__(classes="entry-row")
        self.row = row
        self.suggester = suggester

    def compose(self) -> ComposeResult:
        row = self.row
        values = (
            row.account, _amount_text(row.debit), _amount_text(row.credit), row.cost_center or "", row.project or "",
            row.text,
        )  # fmt: skip
        for field, value in zip(FIELDS, values, strict=True):
            yield Input(value, classes=field, suggester=self.suggester if field == "account" else None, compact=True)

    def field(self, name: str) -> Input:
        return self.query_one(f".{name}", Input)


def _amount_text(amount: Decimal) -> str:
    """As the reader writes amounts ("25 000,50" in Swedish); parse_amount reads it back."""
    return "" if amount == 0 else format_money(amount)


class EntryEditorScreen(BokslutScreen):
    """A new entry (empty, or a template's draft) or an existing one; Ctrl+S saves, Esc leaves without saving
    (asking first when a field was changed since the entry was opened). An exported entry opens read-only: its
    fields cannot be changed, and a line says why and what to do instead."""

    HELP_KEY = "help.editor"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="editor.save"),
        Binding("ctrl+n", "add_row", "key.add_row", id="editor.add_row"),
        Binding("ctrl+r", "remove_row", "key.remove_row", id="editor.remove_row"),
        Binding("escape", "cancel", "key.cancel", id="editor.cancel"),
    ]

    def __init__(
        self,
        fiscal_year_id: int,
        entry_id: int | None = None,
        draft: closing.EntryDraft | None = None,
        template: str = "",
    ) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.entry_id = entry_id
        self.draft = draft
        self.template = template
        self.chart: Chart | None = None
        self.year_end: dt.date | None = None
        self.suggester = AccountSuggester(self)
        self.problems: list[closing.Problem] = []
        self.touched: set[Input] = set()  # fields typed in or left since the entry opened: their problems are shown
        self.show_all = False  # after a save: every problem, touched or not
        self.fortnox = False  # the company's books come from Fortnox: its demands are said as Fortnox's
        self.opened_with: tuple[str, ...] | None = None  # every field as opened; Esc asks before losing a change
        self.read_only = False  # an exported entry: shown, never changed (core refuses it too)

    def compose_body(self) -> ComposeResult:
        read_only_line = Static(id="entry-read-only")
        read_only_line.display = False  # shown only for an exported entry
        yield read_only_line
        with Horizontal(id="entry-head"):
            yield Label(t("editor.date"))
            yield Input(id="entry-date", placeholder=t("editor.date_placeholder"), compact=True)
            yield Label(t("editor.text"))
            yield Input(id="entry-text", compact=True)
        header = Text(" ", no_wrap=True, overflow="ellipsis")  # over the text inside each field, past its padding
        for key, width in (
            ("column.account", 14), ("editor.debit", 14), ("editor.credit", 14), ("column.cost_center", 6),
            ("column.project", 7), ("editor.row_text", 20),
        ):  # fmt: skip
            header.append(f"{t(key)[: width - 1]:<{width}}", style="bold")
        yield Static(header, id="rows-header")
        yield VerticalScroll(id="entry-rows", can_focus=False)
        yield Static(id="account-suggestions")
        yield Static(id="entry-balance")
        with VerticalScroll(id="entry-problems-box", can_focus=False):
            yield Static(id="entry-problems")

    def on_mount(self) -> None:
        self.set_title(t("editor.title_new" if self.entry_id is None else "editor.title_edit", entry=self.entry_id))
        fiscal_year_id, entry_id, draft, db = self.fiscal_year_id, self.entry_id, self.draft, self.db

        def read() -> tuple[Chart, dt.date, closing.EntryDraft, bool, str | None]:
            year = FiscalYear.get_by_id(fiscal_year_id)
            numbers = (
                Account.select(Account.number, Account.name)
                .where(Account.company == year.company_id)
                .order_by(Account.number)
                .tuples()
            )
            exported_to = None  # where an exported entry went: it opens read-only
            if entry_id is not None:
                entry = ClosingEntry.get_by_id(entry_id)
                loaded = closing.draft_of(entry)
                if entry.status == "exported":
                    fortnox = entry.fortnox_number is not None
                    exported_to = f"Fortnox {entry.fortnox_series} {entry.fortnox_number}" if fortnox else (
                        Path(entry.sie_file).name if entry.sie_file else ""
                    )
            else:
                empty = closing.RowDraft("", Decimal(0), Decimal(0))
                loaded = draft or closing.EntryDraft(None, "", (empty, empty))
            used = db.execute_sql(
                "SELECT DISTINCT account FROM voucher_row WHERE fiscal_year_id = ? "
                "UNION SELECT DISTINCT account FROM balance WHERE fiscal_year_id = ?",
                (fiscal_year_id, fiscal_year_id),
            ).fetchall()
            chart = Chart(tuple(numbers), frozenset(account for (account,) in used))
            return chart, year.end, loaded, year.company.source == "fortnox", exported_to

        self.run_query(read, self.fill, group="open")

    def fill(self, read: tuple[Chart, dt.date, closing.EntryDraft, bool, str | None]) -> None:
        self.chart, self.year_end, draft, self.fortnox, exported_to = read
        self.read_only = exported_to is not None
        self.query_one("#entry-date", Input).value = (draft.date or self.year_end).isoformat()
        self.query_one("#entry-text", Input).value = draft.text
        rows = self.query_one("#entry-rows", VerticalScroll)
        rows.mount_all([RowEditor(row, self.suggester) for row in draft.rows])
        if self.read_only:
            self.call_after_refresh(self.show_read_only, exported_to)
        else:
            self.call_after_refresh(self.focus_first)

    def show_read_only(self, exported_to: str) -> None:
        """Every field disabled, the keys that change the entry gone, and a line that says why."""
        self.set_title(t("editor.title_read_only", entry=self.entry_id))
        for field in self.query(Input):
            field.disabled = True
        line = self.query_one("#entry-read-only", Static)
        line.update(literal(t("editor.read_only", where=exported_to), style="bold yellow", wrap=True))
        line.display = True
        self.show_balance()
        self.opened_with = self.typed()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.read_only and action in ("save", "add_row", "remove_row"):
            return False
        return True

    def focus_first(self) -> None:
        """Text first when empty (a new entry), else the first row's account."""
        text = self.query_one("#entry-text", Input)
        self.set_focus(text if not text.value else self.rows()[0].field("account"))
        self.show_balance()
        self.opened_with = self.typed()

    def typed(self) -> tuple[str, ...]:
        """Every field's text, rows added and removed included, to tell whether anything was changed."""
        return tuple(field.value for field in self.query(Input))

    def rows(self) -> list[RowEditor]:
        return list(self.query(RowEditor))

    # --- the draft as typed ----------------------------------------------------------------------

    def read_draft(self) -> tuple[closing.EntryDraft, list[closing.Problem]]:
        """The fields as a draft, and what cannot even be read (a date, an amount) as problems of those fields."""
        problems: list[closing.Problem] = []
        typed_date = self.query_one("#entry-date", Input).value.strip()
        date = None
        if typed_date:
            try:
                date = dt.date.fromisoformat(typed_date)
            except ValueError:
                problems.append(closing.Problem("date", t("editor.bad_date", date=typed_date)))
        rows = []
        for number, row in enumerate(self.rows(), start=1):
            amounts = []
            for side in ("debit", "credit"):
                amount = parse_amount(row.field(side).value)
                if amount is None:
                    problems.append(closing.Problem(f"rows[{number}].{side}", t("editor.bad_amount")))
                amounts.append(amount or Decimal(0))
            rows.append(
                closing.RowDraft(
                    account=row.field("account").value.strip(),
                    debit=amounts[0],
                    credit=amounts[1],
                    cost_center=row.field("cost_center").value.strip() or None,
                    project=row.field("project").value.strip() or None,
                    text=row.field("text").value,
                )
            )
        return closing.EntryDraft(date, self.query_one("#entry-text", Input).value, tuple(rows)), problems

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        if self.chart is None or self.read_only:
            return
        if self.opened_with is not None and event.input.has_focus:  # typed, not filled in as the entry opened
            self.touched.add(event.input)
        if event.input.has_class("account"):
            self.show_suggestions(event.value)
        self.show_balance()
        self.check()

    def show_balance(self) -> None:
        draft, _unreadable = self.read_draft()
        debit = sum((row.debit for row in draft.rows), Decimal(0))
        credit = sum((row.credit for row in draft.rows), Decimal(0))
        difference = debit - credit
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(t("editor.balance", debit=format_money(debit), credit=format_money(credit)) + "   ")
        text.append(
            t("editor.difference", difference=format_money(difference)),
            style="bold green" if difference == 0 else "bold red",
        )
        self.query_one("#entry-balance", Static).update(text)

    def show_suggestions(self, typed: str) -> None:
        found = self.chart.matches(typed) if self.chart else []
        line = Text(no_wrap=True, overflow="ellipsis", style="dim")  # one account a line: its whole name shows
        for position, (number, name) in enumerate(found[:SUGGESTIONS_SHOWN]):
            line.append("\n" if position else "")
            line.append_text(literal(f"{number} {name}"))
        if not found and typed.strip():
            line.append(t("editor.no_account"))
        self.query_one("#account-suggestions", Static).update(line)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        """Enter takes the account looked up (by name too), and moves on like Tab."""
        if event.input.has_class("account"):
            self.take_account(event.input)
        self.focus_next()

    @on(Input.Blurred)
    def blurred(self, event: Input.Blurred) -> None:
        if self.opened_with is None:
            return
        if event.input.has_class("account"):
            self.take_account(event.input)
        if event.input not in self.touched:  # a field left empty now says what it needs
            self.touched.add(event.input)
            self.check()

    def take_account(self, field: Input) -> None:
        """A name typed, or a number only one account starts with, becomes that account's number."""
        typed = field.value.strip()
        if self.chart is None or not typed or self.chart.name(typed) is not None:
            return
        found = self.chart.matches(typed)
        if found and (not typed.isdigit() or len(found) == 1):
            field.value = found[0][0]
            self.query_one("#account-suggestions", Static).update(literal(f"{found[0][0]} {found[0][1]}"))

    # --- validation, saving ------------------------------------------------------------------------

    def check(self) -> None:
        """Core's validation in a worker, the newest draft winning; shown at each field."""
        draft, unreadable = self.read_draft()
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.run_query(
            lambda: closing.validate(db, FiscalYear.get_by_id(fiscal_year_id), draft),
            lambda found: self.show_problems(unreadable + found),
            group="validate",
        )

    def show_problems(self, problems: list[closing.Problem]) -> None:
        """Each problem at its field once the field was touched, the entry's own (not balanced) once any was; all of
        them after a save."""
        self.problems = problems
        for field in self.query(Input):
            field.remove_class("-problem")
        lines = Text(overflow="fold")
        for problem in problems:
            widget = self.widget_for(problem.field)
            if not (self.show_all or self.touched.intersection(self.fields_of(problem.field))):
                continue
            if widget is not None:
                widget.add_class("-problem")
            lines.append(self.field_name(problem.field) + ": ", style="bold red")
            lines.append_text(literal(self.problem_words(problem), wrap=True))
            lines.append("\n")
        lines.rstrip()
        self.query_one("#entry-problems", Static).update(lines)

    def problem_words(self, problem: closing.Problem) -> str:
        """A SIE-file company's entry needs a text too, but not because Fortnox says so."""
        if problem.key == "no_text" and not self.fortnox:
            return t("problem.no_text_sie")
        return problem_words(problem)

    def fields_of(self, field: str) -> list[Input]:
        """The fields a problem is about: its own, a row's every field, or (the entry's, e.g. not balanced) all."""
        widget = self.widget_for(field)
        if widget is not None:
            return [widget]
        found = _FIELD.fullmatch(field)
        rows = self.rows()
        if found and 1 <= int(found[1]) <= len(rows):
            return list(rows[int(found[1]) - 1].query(Input))
        return list(self.query(Input))

    def widget_for(self, field: str) -> Input | None:
        if field in ("date", "text"):
            return self.query_one(f"#entry-{field}", Input)
        found = _FIELD.fullmatch(field)
        rows = self.rows()
        if found and 1 <= int(found[1]) <= len(rows) and found[2] in FIELDS:
            return rows[int(found[1]) - 1].field(found[2])
        return None

    @staticmethod
    def field_name(field: str) -> str:
        """"rows[2].account" as the user reads it: "Row 2, account"."""
        if field in ("date", "text"):
            return t(f"editor.{field}")
        found = _FIELD.fullmatch(field)
        if found is None:
            return t("editor.rows") if field == "rows" else field
        name = t(FIELD_TEXTS[found[2]]).lower() if found[2] in FIELDS else ""
        return t("editor.row", row=found[1]) + (f", {name}" if name else "")

    def action_add_row(self) -> None:
        row = RowEditor(closing.RowDraft("", Decimal(0), Decimal(0)), self.suggester)
        self.query_one("#entry-rows", VerticalScroll).mount(row)
        self.call_after_refresh(lambda: self.set_focus(row.field("account")))

    def action_remove_row(self) -> None:
        """The row holding the focus goes (an entry keeps at least one row to type into)."""
        rows = self.rows()
        focused = self.focused
        current = next((row for row in rows if focused is not None and focused in row.children), None)
        if current is None or len(rows) < 2:
            return
        following = rows[rows.index(current) - 1 if current is rows[-1] else rows.index(current) + 1]
        self.set_focus(following.field("account"))
        current.remove()
        self.call_after_refresh(self.after_rows_changed)

    def after_rows_changed(self) -> None:
        self.show_balance()
        self.check()

    def action_cancel(self) -> None:
        """Nothing changed: leave at once; else ask, with No (stay) focused. An entry a template filled in is
        unsaved work from the start."""
        from_template = self.entry_id is None and self.draft is not None
        if self.opened_with is None or (self.typed() == self.opened_with and not from_template):
            self.app.pop_screen()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmScreen(t("editor.discard_question")), answered)

    def action_save(self) -> None:
        self.show_all = True
        draft, unreadable = self.read_draft()
        if unreadable:
            self.show_problems(unreadable)
            return
        db, fiscal_year_id, entry_id, template = self.db, self.fiscal_year_id, self.entry_id, self.template

        def save() -> int | list[closing.Problem] | str:
            try:
                if entry_id is not None:
                    return closing.update_entry(db, ClosingEntry.get_by_id(entry_id), draft).id
                year = FiscalYear.get_by_id(fiscal_year_id)
                return closing.create_entry(db, year.company, year, draft, template=template).id
            except closing.ClosingEntryInvalid as invalid:
                return invalid.problems
            except BokslutError as error:
                return user_message(error)

        self.run_query(save, self.saved, group="save")

    def saved(self, outcome: int | list[closing.Problem] | str) -> None:
        if isinstance(outcome, list):
            self.show_problems(outcome)
        elif isinstance(outcome, str):
            self.query_one("#entry-problems", Static).update(literal(outcome, style="bold red", wrap=True))
        else:
            self.notify(t("editor.saved", entry=outcome), timeout=4)
            self.app.store_changed.publish(None)
            self.app.pop_screen()
