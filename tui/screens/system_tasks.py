"""System tasks: the activity log's history, filtered by status and kind; Enter shows one task in full."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.activity import KINDS, STATUSES, ActivityEntry, list_activity
from tui.i18n import activity_message, format_time, t
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.activity_panel import STATUS_STYLES, describe_counts
from tui.widgets.row_table import RowTable

HISTORY_SHOWN = 500
COMPANY_WIDTH = 30  # at most: the message needs the room more


def next_choice(current: str | None, choices: tuple[str, ...]) -> str | None:
    """Cycles None (all) → each choice → None."""
    order = (None, *choices)
    return order[(order.index(current) + 1) % len(order)]


class SystemTasksScreen(BokslutScreen):
    HELP_KEY = "help.tasks"
    BINDINGS = [
        Binding("enter", "detail", "key.open", id="tasks.detail"),
        Binding("s", "cycle_status", "key.status_filter", id="tasks.status"),
        Binding("k", "cycle_kind", "key.kind_filter", id="tasks.kind"),
        Binding("escape", "app.pop_screen", "key.back", id="tasks.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.kind: str | None = None
        self.entries: list[ActivityEntry] = []

    def compose_body(self) -> ComposeResult:
        yield Static(id="task-filter")
        yield RowTable(id="tasks", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_title(t("tasks.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        self.query_one("#task-filter", Static).update(
            t(
                "tasks.filter",
                status=t(f"status.{self.status}") if self.status else t("tasks.all"),
                kind=t(f"kind.{self.kind}") if self.kind else t("tasks.all"),
            )
        )
        status, kind = self.status, self.kind
        self.run_query(lambda: list_activity(self.db, status=status, kind=kind, limit=HISTORY_SHOWN), self.show)

    def show(self, entries: list[ActivityEntry]) -> None:
        self.entries = entries
        self.lay_out()

    def lay_out(self) -> None:
        """The message takes the rest of the width and ends in … where it is cut."""
        headers = [
            t("column.started"), t("column.kind"), t("column.status"), t("column.company"), t("column.message")
        ]  # fmt: skip
        rows = []
        for index, entry in enumerate(self.entries):
            counts, message = describe_counts(entry.counts), activity_message(entry)
            cells = (
                literal(format_time(entry.started)),
                literal(t(f"kind.{entry.kind}")),
                Text(t(f"status.{entry.status}"), style=STATUS_STYLES.get(entry.status, "")),
                literal(entry.company_name),
                literal(f"{counts}  {message}" if counts else message),
            )
            rows.append((cells, str(index)))
        self.query_one(RowTable).show_rows(headers, rows, flexible=4, most={3: COMPANY_WIDTH})

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def action_detail(self) -> None:
        """The highlighted task with its whole message, counts, each entry's result and each step's time."""
        table = self.query_one(RowTable)
        if table.row_count:
            index = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
            self.app.go(Place.ACTIVITY_DETAIL, entry=self.entries[index])

    def action_cycle_status(self) -> None:
        self.status = next_choice(self.status, STATUSES)
        self.load()

    def action_cycle_kind(self) -> None:
        self.kind = next_choice(self.kind, KINDS)
        self.load()
