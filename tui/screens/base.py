"""What every screen has: a title line, the activity panel, the footer, translated keys and store queries in workers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import Worker, get_current_worker

from core.analysis import KeysetPager
from core.errors import BokslutError, user_message
from tui.bindings import translate_bindings
from tui.i18n import t
from tui.import_question import import_from_fortnox_asking
from tui.messages import QueryDone
from tui.widgets.row_table import RowTable
from tui.text import literal
from tui.widgets.activity_panel import ActivityPanel
from tui.widgets.key_footer import KeyFooter
from tui.widgets.line_table import LineTable
from tui.widgets.path_input import typed_path


class BokslutScreen(Screen):
    """Screens move focus with `set_focus`, which acts at once, never `Widget.focus()`, which waits a turn:
    keys typed (or scripted) right after a key that moves focus must land in the newly focused widget."""

    HELP_KEY: ClassVar[str]  # the i18n key of the F1 help text

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield from self.compose_body()
        yield ActivityPanel(id="activity")
        yield KeyFooter(compact=True)  # 80 columns: every shown key on one line or two

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def leave_field_or_screen(self, field_selector: str) -> None:
        """Escape closes an open path field first (back to the table, if the screen has one), and the screen only
        when none is open."""
        field = self.query_one(field_selector, Input)
        if field.display:
            field.clear()
            field.display = False
            tables = self.query(RowTable)
            self.set_focus(tables.first() if tables else None)
        else:
            self.app.pop_screen()

    def import_typed_path(self, event: Input.Submitted, company_org: str | None, *, ready: bool) -> None:
        """A SIE file's path typed on a company's screen (quoted or escaped as a shell reads it), imported into that
        company: a file for another organisation number is asked about before it is imported."""
        path = typed_path(event.value)
        if path is None or not ready:
            self.show_status(t("companies.no_path"))
            return
        self.app.start_import(path, company_org=company_org)
        self.leave_field_or_screen(f"#{event.input.id}")

    def import_from_fortnox(self, company_id: int, org_number: str) -> None:
        """The start guide's import, asking first when it would replace years from another source."""
        import_from_fortnox_asking(self, company_id, org_number)

    def set_title(self, text: str) -> None:
        """Titles often hold company names from SIE files, so they go in as plain text."""
        self.title = text
        self.query_one("#title", Static).update(literal(text))

    @property
    def db(self):
        return self.app.db

    def run_query(
        self, query: Callable[[], Any], apply: Callable[[Any], None], group: str = "load", exclusive: bool = True
    ) -> None:
        """Run `query` against the store in a thread worker; `apply` gets its result on the UI thread.

        When `exclusive`, a newer query of the same group cancels an older one, whose result is then dropped.
        """

        def work() -> None:
            with self.db.connection_context():
                value = query()
            if not get_current_worker().is_cancelled:
                self.post_message(QueryDone(value, apply))

        self.run_worker(work, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def apply_change(self, change: Callable[[], object], done: str) -> None:
        """A change through core in a worker: its refusal becomes the screen's status line in red, else `done`;
        every screen that shows the store then reloads. The screen has a `show_status`."""

        def after(refused: str) -> None:
            self.show_status(literal(refused, style="bold red", wrap=True) if refused else done)
            self.app.store_changed.publish(None)

        self.run_query(lambda: refusal_of(change), after, group="change")

    def read_page(self, wanted: LineTable.PageWanted, pager: KeysetPager) -> None:
        """Read the page a LineTable asks for and hand it back; pages are read side by side."""
        self.run_query(
            lambda: pager.page(wanted.page),
            lambda rows: wanted.table.add_page(wanted.source, wanted.page, rows),
            group="page",
            exclusive=False,
        )

    def on_query_done(self, message: QueryDone) -> None:
        message.apply(message.value)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.report_worker_failure(event)


def refusal_of(call: Callable[[], object]) -> str:
    """Runs `call`: its refusal (core's, or the system's for a file) as the one line the user reads, "" when done."""
    try:
        call()
    except (BokslutError, OSError) as error:
        return user_message(error)
    return ""
