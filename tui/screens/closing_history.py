"""The history of one closing entry (BFL's behandlingshistorik): every change, oldest first, with when, who, what,
the status it left and its details; the highlighted change in full under the list, an edit with the content it
replaced."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.closing import history
from core.store.models import ClosingEntry
from tui.i18n import format_money, format_time, t
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.row_table import RowTable

# How an import found an exported entry (core.closing.booking): by the marker in its text, its number, its content
FOUND_BY = {"marker": "closing_history.by_marker", "number": "closing_history.by_number",
            "content": "closing_history.by_content"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: dt.datetime  # naive UTC, as the store keeps time
    by: str
    action: str  # one of core.closing.history.ACTIONS
    status: str
    deleted: bool
    details: dict


@dataclass(frozen=True, slots=True)
class EntryHistory:
    entry_id: int
    text: str
    lines: tuple[HistoryLine, ...]


def read_history(entry_id: int) -> EntryHistory:
    """In a worker, inside a store connection."""
    entry = ClosingEntry.get_by_id(entry_id)
    lines = tuple(
        HistoryLine(line.changed_at, line.changed_by, line.action, line.status, line.deleted, json.loads(line.details))
        for line in history.lines_of(entry)
    )
    return EntryHistory(entry.id, entry.text, lines)


def debit_total(content: dict) -> Decimal:
    return sum((Decimal(row["debit"]) for row in content["rows"]), Decimal(0))


def details_words(line: HistoryLine) -> str:
    """The details in the reader's words; a reason core gave (a failure) as core wrote it."""
    details, words = line.details, []
    if details.get("template"):
        words.append(t("closing_history.template", template=details["template"]))
    if details.get("reverses"):
        words.append(t("closing_history.reverses", entry=details["reverses"]))
    if details.get("by"):
        words.append(t("closing_history.reversed_by", entry=details["by"]))
    if details.get("before"):
        before = details["before"]
        words.append(t("closing_history.before", date=before["date"], text=before["text"],
                       amount=format_money(debit_total(before))))  # fmt: skip
    if details.get("to") == "fortnox":
        words.append(f"Fortnox {details.get('series', '')} {details.get('number', '')}".strip())
    elif details.get("file"):
        words.append(Path(details["file"]).name)
    if details.get("reason"):
        words.append(str(details["reason"]))
    if details.get("voucher"):
        how = FOUND_BY.get(details.get("how", ""))
        words.append(t("closing_history.booked_as", voucher=details["voucher"], how=t(how) if how else ""))
    if details.get("uncertain"):
        words.append(t("closing_history.uncertain"))
    return "; ".join(words)


def status_words(line: HistoryLine) -> str:
    words = t(f"status.{line.status}")
    return f"{t('closing.deleted')} {words}" if line.deleted else words


class ClosingHistoryScreen(BokslutScreen):
    HELP_KEY = "help.closing_history"
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="closing_history.back")]

    def __init__(self, entry_id: int) -> None:
        super().__init__()
        self.entry_id = entry_id
        self.history: EntryHistory | None = None

    def compose_body(self) -> ComposeResult:
        yield RowTable(id="history-lines", cursor_type="row", zebra_stripes=True)
        yield Static(id="history-detail")

    def on_mount(self) -> None:
        self.set_title(t("closing_history.title", entry=self.entry_id, text=""))
        self.set_focus(self.query_one(RowTable))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.load()

    def load(self) -> None:
        entry_id = self.entry_id
        self.run_query(lambda: read_history(entry_id), self.show)

    def show(self, read: EntryHistory) -> None:
        self.history = read
        self.set_title(t("closing_history.title", entry=read.entry_id, text=read.text))
        self.lay_out()

    def lay_out(self) -> None:
        if self.history is None:
            return
        headers = [t("column.when"), t("column.who"), t("column.change"), t("column.status"), t("column.details")]
        rows = [
            (
                (
                    format_time(line.at),
                    literal(line.by),
                    t(f"closing.history.{line.action}"),
                    status_words(line),
                    literal(details_words(line)),
                ),
                str(index),
            )
            for index, line in enumerate(self.history.lines)
        ]
        self.query_one(RowTable).show_rows(headers, rows, flexible=4)
        self.show_detail()

    def current(self) -> HistoryLine | None:
        table = self.query_one(RowTable)
        if self.history is None or not table.row_count:
            return None
        return self.history.lines[table.cursor_row]

    def show_detail(self) -> None:
        """The highlighted change in full; an edit's former date, text and rows, as they were."""
        detail = self.query_one("#history-detail", Static)
        line = self.current()
        if line is None:
            detail.update(t("closing_history.none") if self.history is not None else "")
            return
        text = literal(details_words(line), wrap=True)
        before = line.details.get("before")
        if before:
            text = literal(t("closing_history.before_rows", date=before["date"], text=before["text"]), style="bold",
                           wrap=True)  # fmt: skip
            for row in before["rows"]:
                amount = Decimal(row["debit"]) - Decimal(row["credit"])
                text.append(f"\n  {row['account']:<6}")
                text.append(Text(f"{format_money(amount):>16}"))
                text.append_text(literal(f"  {row.get('text') or ''}"))
        detail.update(text)

    def on_data_table_row_highlighted(self, _event) -> None:
        self.show_detail()

    def on_resize(self, _event: events.Resize) -> None:
        self.lay_out()
