"""The tax computation of one year (INK2S): each field with its source, the accountant's overrides marked, the
fund register, the drafts the sheet calls for, and result planning. v switches between the sheet, the funds and the
drafts; Enter edits the highlighted field's amount, r resets it to the computed one; p opens the planning field,
where each typed allocation recomputes the tax at once (core.tax.sheet.plan, nothing stored); b books the
highlighted draft as a closing entry; w saves the sheet (next year's loss carried forward reads it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from core.activity import current_user
from core.errors import BokslutError, user_message
from core.store.models import FiscalYear
from core.tax import drafts as tax_drafts
from core.tax import sheet as tax_sheet
from tui.amounts import parse_amount
from tui.i18n import format_decimal, format_money, keyed, t
from tui.screens.base import BokslutScreen
from tui.screens.confirm import ConfirmScreen
from tui.text import SideBySide, literal
from tui.widgets.row_table import RowTable

VIEWS = {"sheet": "tax.view_sheet", "funds": "tax.view_funds", "drafts": "tax.view_drafts"}
SOURCE_TEXTS = {  # core.tax.sheet.SheetLine.source
    "books": "tax.source_books",
    "calc": "tax.source_calc",
    "reg": "tax.source_reg",
    "man": "tax.source_man",
}
DRAFT_TEXTS = {  # core.tax.drafts.SheetDraft.name
    "tax": "tax.draft_tax",
    "allocation": "tax.draft_allocation",
    "reversal": "tax.draft_reversal",
    "excess-depreciation": "tax.draft_excess",
    "plan-depreciation": "tax.draft_plan_depreciation",
}
NOTICE_TEXTS = {  # core.tax.sheet.Notice.key
    "tax_reversal_above_funds": "tax.notice_reversal_above_funds",
    "tax_fund_on_group_account": "tax.notice_fund_on_group_account",
    "tax_excess_above_ceiling": "tax.notice_excess_above_ceiling",
    "tax_plan_above_tax_value": "tax.notice_plan_above_tax_value",
    "tax_allocation_above_max": "tax.notice_allocation_above_max",
    "tax_no_fund_account": "tax.notice_no_fund_account",
    "tax_fund_years_inferred": "tax.notice_fund_years_inferred",
}
OVERRIDDEN_STYLE = "bold yellow"


@dataclass(frozen=True, slots=True)
class TaxYear:
    sheet: tax_sheet.TaxSheet
    drafts: tuple[tax_drafts.SheetDraft, ...]


def read_tax(db, fiscal_year_id: int) -> TaxYear | str:
    """The sheet and its drafts, or core's refusal (a missing rate, a chart without the accounts) as one line."""
    year = FiscalYear.get_by_id(fiscal_year_id)
    try:
        sheet = tax_sheet.compute_sheet(db, year)
        return TaxYear(sheet, tuple(tax_drafts.year_drafts(db, year, sheet)))
    except BokslutError as error:
        return user_message(error)


def notice_words(notice: tax_sheet.Notice) -> str:
    """A sheet notice in the reader's language, or core's English when the catalog has none for it."""
    key = NOTICE_TEXTS.get(notice.key)
    return (keyed(key, notice.params) if key else None) or notice.message


def draft_name(name: str) -> str:
    return t(DRAFT_TEXTS[name]) if name in DRAFT_TEXTS else name


class TaxScreen(BokslutScreen):
    HELP_KEY = "help.tax"
    BINDINGS = [
        Binding("v", "view", "key.tax_view", tooltip="key.tax_view_full", id="tax.view"),
        Binding("enter", "edit", "key.edit", id="tax.edit"),
        Binding("r", "reset", "key.tax_reset", id="tax.reset"),
        Binding("p", "plan", "key.tax_plan", id="tax.plan"),
        Binding("b", "book", "key.tax_book", id="tax.book"),
        Binding("w", "save", "key.save", id="tax.save"),
        Binding("escape", "back", "key.back", id="tax.back"),
    ]
    DEFAULT_CSS = """
    #tax-table { height: 1fr; }
    #tax-summary, #tax-planned, #tax-status { height: auto; padding: 0 1; }
    TaxScreen #tax-amount, TaxScreen #tax-allocation { display: none; }
    """

    def __init__(self, fiscal_year_id: int) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.tax: TaxYear | None = None
        self.view = "sheet"
        self.editing: str | None = None  # the field whose amount the amount field edits

    def compose_body(self) -> ComposeResult:
        yield Static(id="tax-summary")
        yield Static(id="tax-planned")
        yield RowTable(id="tax-table", cursor_type="row", zebra_stripes=True)
        yield Input(id="tax-amount")
        yield Input(placeholder=t("tax.plan_placeholder"), id="tax-allocation")
        yield Static(id="tax-status")

    def on_mount(self) -> None:
        self.set_title(t("tax.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.run_query(lambda: read_tax(db, fiscal_year_id), self.show)

    def show(self, read: TaxYear | str) -> None:
        if isinstance(read, str):
            self.show_status(literal(read, style="bold red", wrap=True))
            return
        self.tax = read
        facts = read.sheet.facts
        self.set_title(t("tax.title_year", start=facts.start, end=facts.end))
        self.query_one("#tax-summary", Static).update(self.summary(read.sheet))
        self.show_plan()
        self.lay_out()
        self.refresh_bindings()

    def summary(self, sheet: tax_sheet.TaxSheet) -> Group:
        fund = SideBySide(
            Text(t("tax.surplus", amount=format_money(sheet.surplus_before_allocation))),
            Text(t("tax.fund_most", amount=format_money(sheet.allocation_max))),
            Text(t("tax.allocated", amount=format_money(sheet.allocation))),
            gap=", ",
        )
        text = Text()
        text.append(
            t("tax.summary_tax", taxable=format_money(sheet.taxable), rate=format_decimal(sheet.rate),
              tax=format_money(sheet.tax)),
            style="bold",
        )  # fmt: skip
        saved = sheet.saved
        state = "tax.unsaved" if saved is None else "tax.stale" if saved["stale"] else "tax.saved"
        text.append("   ")
        text.append(t(state), style="bold red" if saved is not None and saved["stale"] else "dim")
        for notice in sheet.notices:
            text.append("\n")
            text.append_text(literal(notice_words(notice), style="yellow", wrap=True))
        return Group(fund, text)

    # --- the table ---------------------------------------------------------------------------

    def lay_out(self) -> None:
        if self.tax is None:
            return
        headers, rows, flexible = getattr(self, f"{self.view}_rows")(self.tax)
        self.query_one(RowTable).show_rows(headers, rows, flexible=flexible)

    def sheet_rows(self, tax: TaxYear) -> tuple[list[str], list, int]:
        headers = [t("tax.column_field"), t("tax.column_code"), t("column.amount"), t("tax.column_source"),
                   t("tax.column_computed")]  # fmt: skip
        rows = []
        for line in tax.sheet.lines:
            style = OVERRIDDEN_STYLE if line.overridden else ""
            amount = Text(format_money(line.amount) + (" *" if line.overridden else "  "), style=style, justify="right")
            computed = "" if line.computed is None else format_money(line.computed)
            source = t("tax.overridden") if line.overridden else t(SOURCE_TEXTS[line.source])
            rows.append(((line.field, line.code, amount, Text(source, style=style), Text(computed, justify="right")),
                         line.field))  # fmt: skip
        return headers, rows, 3

    def funds_rows(self, tax: TaxYear) -> tuple[list[str], list, int]:
        headers = [t("column.account"), t("tax.column_fund_year"), t("column.opening"), t("tax.column_reversal"),
                   t("tax.column_upprakning"), t("column.closing")]  # fmt: skip
        rows = [
            (
                (
                    fund.account,
                    "?" if fund.label_year is None else str(fund.label_year),
                    Text(format_money(fund.opening), justify="right"),
                    Text(format_money(fund.reversal), justify="right", style="bold" if fund.compulsory else ""),
                    Text(format_money(fund.upprakning), justify="right"),
                    Text(format_money(fund.opening - fund.reversal), justify="right"),
                ),
                fund.account,
            )
            for fund in tax.sheet.funds
        ]
        return headers, rows, 1

    def drafts_rows(self, tax: TaxYear) -> tuple[list[str], list, int]:
        headers = [t("tax.column_draft"), t("column.account"), t("column.amount"), t("tax.column_from")]
        rows = []
        for index, proposal in enumerate(tax.drafts):
            debit, credit = proposal.draft.rows
            rows.append(
                (
                    (
                        draft_name(proposal.name),
                        f"{debit.account}/{credit.account}",
                        Text(format_money(debit.debit), justify="right"),
                        literal(", ".join(proposal.lines)),
                    ),
                    str(index),
                )
            )
        return headers, rows, 3

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current_key(self) -> str | None:
        table = self.query_one(RowTable)
        if self.tax is None or not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def current_line(self) -> tax_sheet.SheetLine | None:
        key = self.current_key() if self.view == "sheet" else None
        return next((line for line in self.tax.sheet.lines if line.field == key), None) if key else None

    def on_data_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            line = self.current_line() if self.tax is not None else None
            return line is not None and line.field not in tax_sheet.COMPUTED_ONLY
        if action == "reset":
            line = self.current_line() if self.tax is not None else None
            return line is not None and line.overridden
        if action == "book":
            return self.tax is not None and self.view == "drafts" and self.current_key() is not None
        return True

    def action_view(self) -> None:
        views = list(VIEWS)
        self.view = views[(views.index(self.view) + 1) % len(views)]
        self.query_one(RowTable).move_cursor(row=0, animate=False)
        self.lay_out()
        self.show_status(t(VIEWS[self.view]))
        self.refresh_bindings()

    # --- inputs and overrides ----------------------------------------------------------------

    def action_edit(self) -> None:
        line = self.current_line()
        if line is None or line.field in tax_sheet.COMPUTED_ONLY:
            return
        self.editing = line.field
        field = self.query_one("#tax-amount", Input)
        field.placeholder = t("tax.amount_placeholder", field=line.field)
        field.value = str(int(line.amount))
        field.display = True
        self.set_focus(field)

    @on(Input.Submitted, "#tax-amount")
    def amount_given(self, event: Input.Submitted) -> None:
        name, amount = self.editing, parse_amount(event.value)
        if name is None:
            return
        if amount is None:
            self.show_status(t("tax.not_an_amount", typed=event.value))
            return
        self.close_field("#tax-amount")
        self.change(
            lambda db, year: tax_sheet.set_input(db, year, name, amount, current_user()),
            t("tax.input_set", field=name, amount=format_money(amount)),
        )

    def action_reset(self) -> None:
        line = self.current_line()
        if line is None or not line.overridden:
            return
        name = line.field
        self.change(lambda db, year: tax_sheet.reset_input(db, year, name), t("tax.input_reset", field=name))

    def action_save(self) -> None:
        self.change(lambda db, year: tax_sheet.save_sheet(db, year, current_user()), t("tax.sheet_saved"))

    def action_book(self) -> None:
        """Asked first; the draft is read anew in the worker, so what is booked is what the books lack now."""
        key = self.current_key()
        if self.tax is None or self.view != "drafts" or key is None:
            return
        shown = self.tax.drafts[int(key)]
        name, text = shown.name, shown.draft.text

        def book(db, year) -> None:
            sheet = tax_sheet.compute_sheet(db, year)
            now = tax_drafts.year_drafts(db, year, sheet)
            proposal = next((draft for draft in now if (draft.name, draft.draft.text) == (name, text)), None)
            if proposal is None:
                raise BokslutError("nothing to book: the books already hold it", key="tax_nothing_to_book",
                                   params={"what": name})  # fmt: skip
            tax_drafts.book(db, year, proposal)

        def answered(yes: bool | None) -> None:
            if yes:
                self.change(book, t("tax.booked", draft=draft_name(name)))

        question = t("tax.ask_book", draft=draft_name(name), amount=format_money(shown.draft.rows[0].debit))
        self.app.push_screen(ConfirmScreen(question), answered)

    def change(self, change: Callable[[object, FiscalYear], object], done: str) -> None:
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.apply_change(lambda: change(db, FiscalYear.get_by_id(fiscal_year_id)), done)

    # --- result planning ---------------------------------------------------------------------

    def action_plan(self) -> None:
        field = self.query_one("#tax-allocation", Input)
        field.display = True
        self.set_focus(field)
        self.show_plan()

    @on(Input.Changed, "#tax-allocation")
    def allocation_typed(self, _event: Input.Changed) -> None:
        self.show_plan()

    def show_plan(self) -> None:
        """The planned tax for the typed allocation, computed at once from the sheet in memory (nothing stored)."""
        line = self.query_one("#tax-planned", Static)
        field = self.query_one("#tax-allocation", Input)
        if self.tax is None or not field.display or not field.value.strip():
            line.update("")
            return
        allocation = parse_amount(field.value)
        if allocation is None:
            line.update(literal(t("tax.not_an_amount", typed=field.value), wrap=True))  # typed or pasted: characters
            return
        try:
            planned = tax_sheet.plan(self.tax.sheet, allocation=allocation)
        except BokslutError as error:
            line.update(literal(user_message(error), style="bold red", wrap=True))
            return
        change = planned.tax - self.tax.sheet.tax
        words = t(
            "tax.planned",
            allocation=format_money(planned.allocation),
            tax=format_money(planned.tax),
            change=("+" if change > 0 else "") + format_money(change),
            result=format_money(planned.year_result),
        )
        notes = [notice_words(notice) for notice in planned.notices if notice.key == "tax_allocation_above_max"]
        line.update(Text(words, style="bold") + Text("".join(f"\n{note}" for note in notes), style="yellow"))

    # --- leaving -----------------------------------------------------------------------------

    def close_field(self, selector: str) -> None:
        field = self.query_one(selector, Input)
        field.display = False
        if selector == "#tax-amount":
            self.editing = None
        self.set_focus(self.query_one(RowTable))

    def action_back(self) -> None:
        """Escape closes an open field first (the plan's line goes with it), the screen only when none is open."""
        for selector in ("#tax-amount", "#tax-allocation"):
            if self.query_one(selector, Input).display:
                self.close_field(selector)
                self.show_plan()
                return
        self.app.pop_screen()

    def show_status(self, status: str | Text) -> None:
        self.query_one("#tax-status", Static).update(status if isinstance(status, Text) else literal(status, wrap=True))
