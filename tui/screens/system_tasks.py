"""System tasks: the activity log's history, filtered by status and kind."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from core.activity import KINDS, STATUSES, ActivityEntry, list_activity
from tui.i18n import format_time, t
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.activity_panel import STATUS_STYLES, describe_counts

HISTORY_SHOWN = 500


def next_choice(current: str | None, choices: tuple[str, ...]) -> str | None:
    """Cycles None (all) → each choice → None."""
    order = (None, *choices)
    return order[(order.index(current) + 1) % len(order)]


class SystemTasksScreen(BokslutScreen):
    HELP_KEY = "help.tasks"
    BINDINGS = [
        Binding("s", "cycle_status", "key.status_filter", id="tasks.status"),
        Binding("k", "cycle_kind", "key.kind_filter", id="tasks.kind"),
        Binding("escape", "app.pop_screen", "key.back", id="tasks.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.status: str | None = None
        self.kind: str | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="task-filter")
        yield DataTable(id="tasks", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_title(t("tasks.title"))
        table = self.query_one(DataTable)
        table.add_column(t("column.started"), width=16)
        table.add_column(t("column.kind"), width=7)
        table.add_column(t("column.status"), width=10)
        table.add_column(t("column.company"), width=18)
        table.add_column(t("column.message"))
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
        table = self.query_one(DataTable)
        table.clear()
        for entry in entries:
            counts = describe_counts(entry.counts)
            table.add_row(
                literal(format_time(entry.started)),
                literal(t(f"kind.{entry.kind}")),
                Text(t(f"status.{entry.status}"), style=STATUS_STYLES.get(entry.status, "")),
                literal(entry.company_name),
                literal(f"{counts}  {entry.message}" if counts else entry.message),
            )

    def action_cycle_status(self) -> None:
        self.status = next_choice(self.status, STATUSES)
        self.load()

    def action_cycle_kind(self) -> None:
        self.kind = next_choice(self.kind, KINDS)
        self.load()
