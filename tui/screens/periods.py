"""The periods of one year with their state: locked, temporarily unlocked, open, paused or not started;
l locks the highlighted period, u unlocks it for a while (each asked about first), k switches the year between
months and quarters (core refuses once a period has been locked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core import periods as core_periods
from core.store.models import FiscalYear
from tui.i18n import format_time, period_name, t
from tui.screens.base import BokslutScreen, refusal_of
from tui.screens.confirm import ConfirmScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

KIND_TEXTS = {"month": "periods.by_month", "quarter": "periods.by_quarter"}  # core.periods.KINDS
STATE_STYLES = {"locked": "green", "unlocked": "bold yellow", "open": "bold", "paused": "yellow", "not_started": "dim"}


@dataclass(frozen=True, slots=True)
class PeriodLine:
    label: str
    start: dt.date
    end: dt.date
    state: str  # as core.periods.STATES, with "not started" as not_started
    changed_by: str | None
    changed_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class PeriodsYear:
    start: dt.date
    end: dt.date
    kind: str  # one of core.periods.KINDS
    lines: tuple[PeriodLine, ...]


def read_periods(db, fiscal_year_id: int) -> PeriodsYear:
    year = FiscalYear.get_by_id(fiscal_year_id)
    rows = core_periods.periods(db, year)
    lines = tuple(
        PeriodLine(core_periods.label(row), row.start, row.end, state.replace(" ", "_"), row.changed_by, row.changed_at)
        for row, state in zip(rows, core_periods.states(rows), strict=True)
    )
    return PeriodsYear(year.start, year.end, year.period_kind, lines)


class PeriodsScreen(BokslutScreen):
    HELP_KEY = "help.periods"
    BINDINGS = [
        Binding("l", "lock", "key.lock", id="periods.lock"),
        Binding("u", "unlock", "key.unlock", id="periods.unlock"),
        Binding("k", "kind", "key.period_kind", tooltip="key.period_kind_full", id="periods.kind"),
        Binding("escape", "app.pop_screen", "key.back", id="periods.back"),
    ]

    def __init__(self, fiscal_year_id: int) -> None:
        super().__init__()
        self.fiscal_year_id = fiscal_year_id
        self.year: PeriodsYear | None = None

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="periods", cursor_type="row", zebra_stripes=True)
        yield Static(id="periods-status")

    def on_mount(self) -> None:
        self.set_title(t("periods.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.run_query(lambda: read_periods(db, fiscal_year_id), self.show)

    def show(self, year: PeriodsYear) -> None:
        self.year = year
        kind = t(KIND_TEXTS[year.kind])
        self.set_title(f"{t('periods.title_year', start=year.start, end=year.end)}, {kind}")
        self.lay_out()
        self.refresh_bindings()

    def lay_out(self) -> None:
        if self.year is None:
            return
        headers = [t("column.period"), t("column.start"), t("column.end"), t("column.state"), t("column.changed")]
        rows = [
            (
                (
                    literal(period_name(line.label)),
                    line.start.isoformat(),
                    line.end.isoformat(),
                    Text(t(f"status.{line.state}"), style=STATE_STYLES.get(line.state, "")),
                    literal(f"{line.changed_by or ''} {format_time(line.changed_at)}".strip()),
                ),
                line.label,
            )
            for line in self.year.lines
        ]
        self.query_one(RowTable).show_rows(headers, rows, flexible=4)

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()

    def current(self) -> PeriodLine | None:
        table = self.query_one(RowTable)
        if self.year is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in self.year.lines if line.label == key), None)

    def on_data_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        line = self.current() if self.year is not None else None
        if action == "lock":
            return line is not None and line.state != "locked"
        if action == "unlock":
            return line is not None and line.state == "locked"
        return True

    def action_kind(self) -> None:
        """Months <-> quarters, through the same core function as `bokslut period kind`."""
        if self.year is None:
            return
        kind = "quarter" if self.year.kind == "month" else "month"
        self.apply(
            lambda db, year: core_periods.set_period_kind(db, year, kind),
            t("periods.kind_changed", kind=t(KIND_TEXTS[kind])),
        )

    def action_lock(self) -> None:
        self.change(True)

    def action_unlock(self) -> None:
        self.change(False)

    def change(self, lock: bool) -> None:
        """Core is asked first whether the period may be locked (unlocked) now: a refusal (an earlier period not
        locked, another one unlocked) is the status line's before any question; then the user is asked."""
        line = self.current()
        if line is None:
            return
        label = line.label
        lock_or_unlock = core_periods.lock_period if lock else core_periods.unlock_period
        may_change = core_periods.check_lockable if lock else core_periods.check_unlockable
        db, fiscal_year_id = self.db, self.fiscal_year_id

        def answered(yes: bool | None) -> None:
            if yes:
                self.apply(
                    lambda db, year: lock_or_unlock(db, year, label),
                    t("periods.locked" if lock else "periods.unlocked", period=period_name(label)),
                )

        def ask(refused: str) -> None:
            if refused:
                self.show_status(literal(refused, style="bold red", wrap=True))
            else:
                question = t("periods.ask_lock" if lock else "periods.ask_unlock", period=period_name(label))
                self.app.push_screen(ConfirmScreen(question), answered)

        self.run_query(lambda: refusal_of(lambda: may_change(db, FiscalYear.get_by_id(fiscal_year_id), label)), ask, group="change")

    def apply(self, change: Callable[[object, FiscalYear], object], done: str) -> None:
        db, fiscal_year_id = self.db, self.fiscal_year_id
        self.apply_change(lambda: change(db, FiscalYear.get_by_id(fiscal_year_id)), done)

    def show_status(self, status: str | Text) -> None:
        self.query_one("#periods-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )
