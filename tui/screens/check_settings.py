"""A check of the user's own, of one of the parameterised kinds (core.checks.custom): threshold on amount, expected
number of transactions per month, accounts that must stay empty. What is wrong is shown at its field."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, RadioSet, Static

from core.checks import custom
from core.errors import BokslutError, user_message
from core.store.models import Company
from tui.amounts import parse_amount
from tui.i18n import t
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.choice import Choice

# The fields each kind asks for, beside the name and the accounts, and what is said when none of them is given.
KIND_FIELDS = {"amount-threshold": ("above", "below"), "transaction-count": ("min", "max"), "empty-accounts": ()}
KIND_TEXTS = {
    "amount-threshold": "check_kind.amount_threshold", "transaction-count": "check_kind.transaction_count",
    "empty-accounts": "check_kind.empty_accounts",
}  # fmt: skip
NO_BOUND_TEXTS = {"amount-threshold": "new_check.no_bound_amount", "transaction-count": "new_check.no_bound_count"}
BOUND_TEXTS = {"above": "new_check.above", "below": "new_check.below", "min": "new_check.min", "max": "new_check.max"}
BOUNDS = tuple(BOUND_TEXTS)


class NewCheckScreen(BokslutScreen):
    """Dismissed with the new check's name, or None when left with Esc."""

    HELP_KEY = "help.new_check"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", id="new_check.save"),  # letters go into the fields
        Binding("escape", "cancel", "key.cancel", id="new_check.cancel"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="new-check", can_focus=False):
            yield Label(t("new_check.name"))
            yield Input(id="check-name")
            yield Static(classes="field-problem", id="problem-name")
            yield Label(t("new_check.kind"))
            with RadioSet(id="check-kind", compact=True):
                for index, kind in enumerate(custom.KINDS):
                    yield Choice(t(KIND_TEXTS[kind]), value=index == 0, id=f"kind-{kind}", compact=True)
            yield Label(t("new_check.accounts"))
            yield Input(placeholder="1930, 5400..5499", id="check-accounts")
            yield Static(classes="field-problem", id="problem-accounts")
            for bound in BOUNDS:
                yield Label(t(BOUND_TEXTS[bound]), classes=f"bound {bound}")
                yield Input(id=f"check-{bound}", classes=f"bound {bound}")
                yield Static(classes=f"field-problem bound {bound}", id=f"problem-{bound}")
        yield Static(id="new-check-status")

    def on_mount(self) -> None:
        self.set_title(t("new_check.title"))
        self.show_kind_fields()
        self.set_focus(self.query_one("#check-name", Input))

    def kind(self) -> str:
        pressed = self.query_one("#check-kind", RadioSet).pressed_button
        return pressed.id.removeprefix("kind-") if pressed is not None and pressed.id else custom.KINDS[0]

    @on(RadioSet.Changed)
    def show_kind_fields(self) -> None:
        wanted = KIND_FIELDS[self.kind()]
        for bound in BOUNDS:
            for widget in self.query(f".{bound}"):
                widget.display = bound in wanted

    @on(Input.Submitted)
    def submitted(self, _event: Input.Submitted) -> None:
        self.action_save()

    def read_form(self) -> tuple[str, dict, dict[str, str]]:
        """The name, the params in core's shape, and what cannot be read, by field."""
        kind = self.kind()
        problems: dict[str, str] = {}
        name = self.query_one("#check-name", Input).value.strip()
        if not name:
            problems["name"] = t("new_check.no_name")
        accounts = [item for item in re.split(r"[,\s]+", self.query_one("#check-accounts", Input).value) if item]
        params: dict = {"accounts": accounts}
        if not accounts:
            problems["accounts"] = t("new_check.no_accounts")
        else:
            try:  # the accounts alone, by core's rules: any complaint is the accounts field's
                custom.validate("empty-accounts", params, name or t("new_check.this_check"))
            except BokslutError as error:
                problems["accounts"] = user_message(error)
        for bound in KIND_FIELDS[kind]:
            typed = self.query_one(f"#check-{bound}", Input).value.strip()
            if not typed:
                continue
            if bound in ("above", "below"):
                amount = parse_amount(typed)
                if amount is None:
                    problems[bound] = t("new_check.bad_amount", typed=typed)
                else:
                    params[bound] = str(amount)
            elif typed.isdigit():
                params[bound] = int(typed)
            else:
                problems[bound] = t("new_check.bad_count", typed=typed)
        wanted = KIND_FIELDS[kind]
        if wanted and not any(bound in params or bound in problems for bound in wanted):
            problems[wanted[0]] = t(NO_BOUND_TEXTS[kind])
        return name, params, problems

    def show_problems(self, problems: dict[str, str]) -> None:
        for field in ("name", "accounts", *BOUNDS):
            message = problems.get(field, "")
            self.query_one(f"#problem-{field}", Static).update(literal(message, wrap=True))
            self.query_one(f"#check-{field}", Input).set_class(bool(message), "-problem")
        first = next((field for field in ("name", "accounts", *BOUNDS) if field in problems), None)
        if first is not None:
            self.set_focus(self.query_one(f"#check-{first}", Input))

    def action_save(self) -> None:
        kind = self.kind()
        name, params, problems = self.read_form()
        self.show_problems(problems)
        if problems:
            return
        db, company_id = self.db, self.company_id

        def add() -> str:
            try:
                custom.add_check(db, Company.get_by_id(company_id), kind, name, params)
            except BokslutError as error:  # e.g. the name is taken: the name field's
                return user_message(error)
            return ""

        self.run_query(add, lambda error: self.added(name, error), group="add")

    def added(self, name: str, error: str) -> None:
        if error:
            self.show_problems({"name": error})
        else:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
