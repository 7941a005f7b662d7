"""Closing entries of one year: the list with each entry's status, and what is done to entries from it
(new, edit, templates, delete and restore, reverse, not applicable, export)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from core.closing import entries as closing
from core.closing.templates import TEMPLATES, template_draft
from core.errors import BokslutError, user_message
from core.store.models import ClosingEntry, FiscalYear
from tui.amounts import parse_amount
from tui.bindings import translate_bindings
from tui.closing_lines import EntryLine, entry_line, status_text
from tui.i18n import format_money, sie_export_words, t, template_description
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

STATUS_WIDTH = 26  # at most, so the text keeps room; a long failure reason ends in …


@dataclass(frozen=True, slots=True)
class ClosingYear:
    company_id: int
    company_name: str
    fortnox: bool  # the company's books come from Fortnox: its entries go back there
    start: dt.date
    end: dt.date
    lines: tuple[EntryLine, ...]


def read_year(db, fiscal_year_id: int, include_deleted: bool) -> ClosingYear:
    """In a worker, inside a store connection."""
    year = FiscalYear.get_by_id(fiscal_year_id)
    lines = []
    for entry in closing.list_entries(db, year, include_deleted=include_deleted):
        lines.append(entry_line(year, entry))
    company = year.company
    return ClosingYear(company.id, company.name, company.source == "fortnox", year.start, year.end, tuple(lines))


class ClosingScreen(BokslutScreen):
    HELP_KEY = "help.closing"
    BINDINGS = [
        Binding("n", "new", "key.new", tooltip="key.new_entry", id="closing.new"),
        Binding("enter", "edit", "key.edit", id="closing.edit"),
        Binding("enter", "view", "key.open", id="closing.view"),  # an exported entry, read-only: one of the two shows
        Binding("t", "template", "key.template", id="closing.template"),
        Binding("x", "export", "key.export", id="closing.export"),
        Binding("d", "delete", "key.delete", id="closing.delete"),
        Binding("d", "restore", "key.restore", id="closing.restore"),  # a deleted entry: one of the two shows
        Binding("r", "reverse", "key.reverse", id="closing.reverse"),
        Binding(
            "a", "not_applicable", "key.not_applicable", tooltip="key.not_applicable_full", id="closing.not_applicable"
        ),
        Binding("h", "show_deleted", "key.show_deleted", id="closing.show_deleted"),
        Binding("l", "history", "key.history", id="closing.history"),  # l for log: h shows deleted ones
        Binding("escape", "back", "key.back", id="closing.back"),
    ]

    def __init__(self, fiscal_year_id: int) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.year: ClosingYear | None = None
        self.show_deleted = False

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="closing-entries", cursor_type="row", zebra_stripes=True)
        yield Static(id="closing-detail")  # the highlighted entry's status in full: a failure's reason is long
        yield Input(placeholder=t("closing.sie_placeholder"), id="sie-path")
        yield Static(id="closing-status")

    def on_mount(self) -> None:
        self.set_title(t("closing.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, fiscal_year_id, include_deleted = self.db, self.fiscal_year_id, self.show_deleted
        self.run_query(lambda: read_year(db, fiscal_year_id, include_deleted), self.show)

    def show(self, year: ClosingYear) -> None:
        self.year = year
        self.set_title(t("closing.title_year", start=year.start, end=year.end) + f"  {year.company_name}")
        self.lay_out()
        self.refresh_bindings()

    def lay_out(self) -> None:
        if self.year is None:
            return
        headers = [t("column.date"), t("column.text"), Text(t("column.amount"), justify="right"), t("column.status")]
        rows = [
            (
                (
                    literal(line.date.isoformat(), style="dim strike" if line.deleted else ""),
                    literal(line.text),
                    Text(format_money(line.amount), justify="right"),
                    status_text(line),
                ),
                str(line.entry_id),
            )
            for line in self.year.lines
        ]
        table = self.query_one(RowTable)
        table.show_rows(headers, rows, flexible=1, most={3: STATUS_WIDTH})
        status = self.query_one("#closing-status", Static)
        if not rows and not str(status.content):  # the hint, unless something just done is being told
            self.show_status(t("closing.none"))
        self.show_detail()

    def show_detail(self) -> None:
        line = self.current()
        detail = self.query_one("#closing-detail", Static)
        detail.display = line is not None
        if line is not None:
            text = literal(f"{line.date.isoformat()}  {line.text}", style="bold", wrap=True)
            text.append("\n")
            text.append_text(status_text(line, wrap=True))
            if not line.at_year_end and line.status in ("not_exported", "failed") and not line.deleted:  # why not a
                text.append("\n" + t("closing.not_applicable_year_end_only", year_end=self.year.end), style="dim")
            detail.update(text)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current(self) -> EntryLine | None:
        table = self.query_one(RowTable)
        if self.year is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in self.year.lines if str(line.entry_id) == key), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need an entry of a kind are greyed out (and out of the palette) on the others."""
        line = self.current() if self.year is not None else None
        if action == "edit":
            return line is not None and not line.deleted and line.status != "exported"
        if action == "view":  # Enter on an exported entry opens it read-only
            return line is not None and not line.deleted and line.status == "exported"
        if action == "not_applicable":  # core refuses the mark outside the year-end period; taking it off is free
            changeable = line is not None and not line.deleted and line.status != "exported"
            return changeable and (line.at_year_end or line.status == "not_applicable")
        if action == "history":
            return line is not None
        if action == "delete":
            return line is not None and not line.deleted and line.status != "exported"
        if action == "restore":
            return line is not None and line.deleted
        if action == "reverse":
            return line is not None and not line.deleted and line.status == "exported"
        return True

    def on_data_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()
        self.show_detail()

    # --- entries ---------------------------------------------------------------------------------

    def action_new(self) -> None:
        self.app.go(Place.ENTRY_EDITOR, fiscal_year_id=self.fiscal_year_id)

    def action_edit(self) -> None:
        line = self.current()
        if line is not None and not line.deleted and line.status != "exported":
            self.app.go(Place.ENTRY_EDITOR, fiscal_year_id=self.fiscal_year_id, entry_id=line.entry_id)

    def action_view(self) -> None:
        """The editor opens an exported entry read-only (it sees the status itself and says why)."""
        line = self.current()
        if line is not None and not line.deleted and line.status == "exported":
            self.app.go(Place.ENTRY_EDITOR, fiscal_year_id=self.fiscal_year_id, entry_id=line.entry_id)

    def change(self, work: Callable[[ClosingEntry], object], done: str) -> None:
        """A change to the current entry in a worker; a refusal is the status line's, never a traceback."""
        line = self.current()
        if line is None:
            return
        entry_id = line.entry_id

        def run() -> str:
            try:
                work(ClosingEntry.get_by_id(entry_id))
            except BokslutError as error:
                return user_message(error)
            return ""

        def after(error: str) -> None:
            self.show_status(literal(error, style="bold red", wrap=True) if error else t(done, entry=entry_id))
            self.app.store_changed.publish(None)

        self.run_query(run, after, group="change")

    def action_delete(self) -> None:
        """Deleting asks first, naming the entry."""
        line = self.current()
        if line is not None:
            self.ask_first(line, "closing.confirm_delete", lambda entry: closing.delete_entry(self.db, entry),
                           "closing.deleted_one")  # fmt: skip

    def action_restore(self) -> None:
        """Restoring is asked for by its key alone: it takes nothing away."""
        self.change(lambda entry: closing.restore_entry(self.db, entry), "closing.restored")

    def action_reverse(self) -> None:
        """A reversal books a new entry in the books: asked first, naming the entry."""
        line = self.current()
        if line is not None:
            self.ask_first(line, "closing.confirm_reverse", lambda entry: closing.reverse_entry(self.db, entry),
                           "closing.reversed")  # fmt: skip

    def ask_first(self, line: EntryLine, question: str, work: Callable[[ClosingEntry], object], done: str) -> None:
        """The change is made on the entry that was asked about, even if the list moved meanwhile."""
        asked = t(question, entry=line.entry_id, text=line.text, amount=format_money(line.amount))

        def answered(yes: bool | None) -> None:
            if yes and (now := self.current()) is not None and now.entry_id == line.entry_id:
                self.change(work, done)

        self.app.push_screen(ConfirmScreen(asked), answered)

    def action_not_applicable(self) -> None:
        line = self.current()
        if line is not None:
            value = line.status != "not_applicable"
            self.change(lambda entry: closing.set_not_applicable(self.db, entry, value), "closing.marked")

    def action_history(self) -> None:
        line = self.current()
        if line is not None:
            self.app.go(Place.CLOSING_HISTORY, entry_id=line.entry_id)

    def action_show_deleted(self) -> None:
        self.show_deleted = not self.show_deleted
        self.show_status(t("closing.showing_deleted" if self.show_deleted else "closing.hiding_deleted"))
        self.load()

    def action_template(self) -> None:
        def chosen(choice: TemplateChoice | None) -> None:
            if choice is not None:
                self.make_from_template(choice)

        self.app.push_screen(TemplatePicker(), chosen)

    def make_from_template(self, choice: TemplateChoice) -> None:
        """The template's entry opens in the editor, to be checked and saved."""
        fiscal_year_id = self.fiscal_year_id

        def run():
            try:
                year = FiscalYear.get_by_id(fiscal_year_id)
                return template_draft(self.db, year, choice.name, amount=choice.amount, account=choice.account)
            except BokslutError as error:
                return user_message(error)

        def after(draft) -> None:
            if isinstance(draft, str):
                self.show_status(literal(draft, style="bold red", wrap=True))
            else:
                self.app.go(Place.ENTRY_EDITOR, fiscal_year_id=fiscal_year_id, draft=draft, template=choice.name)

        self.run_query(run, after, group="template")

    # --- export ----------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Fortnox companies choose a voucher series; SIE companies name the file to write."""
        if self.year is None:
            return
        if self.year.fortnox:
            self.app.go(Place.SERIES, company_id=self.year.company_id, fiscal_year_id=self.fiscal_year_id)
        else:
            field = self.query_one("#sie-path", Input)
            field.display = True
            self.set_focus(field)

    def action_back(self) -> None:
        self.leave_field_or_screen("#sie-path")

    @on(Input.Submitted, "#sie-path")
    def export_sie(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed or self.year is None:
            self.show_status(t("closing.no_path"))
            return
        from core.export.sie import export_closing_sie

        path, fiscal_year_id = Path(typed).expanduser(), self.fiscal_year_id

        def run() -> str | Text:
            try:
                year = FiscalYear.get_by_id(fiscal_year_id)
                report = export_closing_sie(self.db, year.company, year, path)
            except Exception as error:  # a readable line; the attempt is on record in the activity log
                return literal(t("closing.export_failed", message=user_message(error)), style="bold red", wrap=True)
            return literal(t("closing.sie_exported", summary=sie_export_words(report.params())), wrap=True)

        def after(outcome: Text) -> None:
            self.show_status(outcome)
            self.app.load_history()
            self.app.store_changed.publish(None)

        self.action_back()
        self.show_status(t("closing.exporting"))
        self.run_query(run, after, group="export")

    def show_status(self, status: str | Text) -> None:
        self.query_one("#closing-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )


@dataclass(frozen=True, slots=True)
class TemplateChoice:
    name: str
    account: str | None = None
    amount: Decimal | None = None


class TemplatePicker(ModalScreen[TemplateChoice | None]):
    """The templates with what each books; an accrual template asks for the cost account and the amount, one whose
    amount the books cannot say (Överavskrivningar) for the amount."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "key.cancel", id="template.cancel"),
        Binding("ctrl+s", "choose", "key.choose", id="template.choose"),
        Binding("f1", "app.help", "key.help", id="template.help"),  # a dialog hides the app's keys
    ]
    DEFAULT_CSS = """
    TemplatePicker { align: center middle; }
    TemplatePicker > Vertical {
        width: 76; height: auto; max-height: 90%; border: round $primary; background: $surface; padding: 0 1;
    }
    TemplatePicker OptionList { height: auto; max-height: 9; border: none; padding: 0; }
    TemplatePicker .account-field, TemplatePicker .amount-field { display: none; }
    TemplatePicker.-accrual .account-field, TemplatePicker.-amount .amount-field { display: block; }
    #template-problem { height: auto; }
    """
    HELP_KEY = "help.template"

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.title = t("template.title")

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("template.title")
            yield OptionList(
                *(Option(self.describe(name), id=name) for name in TEMPLATES), id="templates", compact=True
            )
            yield Static(t("template.account"), classes="account-field")
            yield Input(id="template-account", classes="account-field", placeholder="NNNN")
            yield Static(t("template.amount"), classes="amount-field")
            yield Input(id="template-amount", classes="amount-field", placeholder=format_money(Decimal("1234.50")))
            yield Static(id="template-problem")

    @staticmethod
    def describe(name: str) -> Text:
        template = TEMPLATES[name]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{template.title}\n", style="bold")
        text.append_text(literal(f"  {template_description(name)}", style="dim"))
        return text

    def on_mount(self) -> None:
        self.set_focus(self.query_one(OptionList))

    def chosen_name(self) -> str | None:
        options = self.query_one(OptionList)
        return None if options.highlighted is None else options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionHighlighted)
    def highlighted(self, _event) -> None:
        template = TEMPLATES.get(self.chosen_name() or "")
        self.set_class(template is not None and not (template.debit and template.credit), "-accrual")
        self.set_class(template is not None and not template.suggests_amount, "-amount")

    @on(OptionList.OptionSelected)
    def selected(self, _event) -> None:
        """Enter on a template: on to its account or its amount when it asks for them; the others are made at
        once."""
        if self.has_class("-accrual"):
            self.set_focus(self.query_one("#template-account", Input))
        elif self.has_class("-amount"):
            self.set_focus(self.query_one("#template-amount", Input))
        else:
            self.action_choose()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "template-account":
            self.set_focus(self.query_one("#template-amount", Input))
        else:
            self.action_choose()

    def action_choose(self) -> None:
        name = self.chosen_name()
        if name is None:
            return
        if not self.has_class("-accrual") and not self.has_class("-amount"):
            self.dismiss(TemplateChoice(name))
            return
        account = self.query_one("#template-account", Input).value.strip() if self.has_class("-accrual") else ""
        amount = parse_amount(self.query_one("#template-amount", Input).value)
        if amount is None or (amount == 0 and self.has_class("-amount")):
            problem = "editor.bad_amount" if amount is None else "template.amount_needed"
            self.query_one("#template-problem", Static).update(Text(t(problem), style="bold red"))
            self.set_focus(self.query_one("#template-amount", Input))
            return
        self.dismiss(TemplateChoice(name, account or None, amount or None))
