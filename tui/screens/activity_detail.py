"""One task of the activity log in full (F3, then Enter): when it ran and for how long, its counts, its whole message,
each exported entry's result and each step's time, as `bokslut activity --json` has them; scrolled, never cut."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.activity import ActivityEntry
from tui.i18n import (
    activity_message,
    export_result_lines,
    export_words,
    format_count,
    format_time,
    fortnox_import_words,
    import_words,
    language,
    t,
    tn,
)
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.activity_panel import STATUS_STYLES

# Each count core keeps (core.importer, core.export, core.fortnox.importer) and the text that says it
COUNT_TEXTS = {
    "vouchers": "count.vouchers",
    "transactions": "count.transactions",
    "balances": "count.balances",
    "years": "count.years",
    "requests": "count.requests",
    "rate_limited": "activity_detail.rate_limited",
    "sent": "summary.export_sent",
    "found": "summary.export_found",
    "skipped": "summary.export_skipped",
    "failed": "summary.export_failed",
    "unsent": "activity_detail.unsent",
}
INDENT = "  "


def seconds_words(seconds: float) -> str:
    """Tenths of a second, with the reader's decimal mark."""
    text = f"{seconds:.1f}"
    return text.replace(".", ",") if language() == "sv" else text


def count_words(name: str, count: int) -> str:
    return tn(COUNT_TEXTS[name], count) if name in COUNT_TEXTS else f"{name}: {format_count(count)}"


def message_lines(entry: ActivityEntry) -> list[str]:
    """The message a line each: an import's years one by one; a Fortnox import's summary (its steps have their own
    part); an export's summary (each entry's result has its own part); any other as the log says it."""
    params = entry.message_params
    if entry.message_key == "import":
        return [f"{year['file']}: {import_words(year)}" for year in params["years"]]
    if entry.message_key == "import_fortnox":
        return [fortnox_import_words(params)]
    if entry.message_key == "export_fortnox":
        return [t("summary.activity_export_fortnox", summary=export_words(params))]
    return activity_message(entry).split("\n")


def step_lines(entry: ActivityEntry) -> list[str]:
    """A Fortnox import's steps with their times (core.fortnox.importer keeps them)."""
    if entry.message_key != "import_fortnox":
        return []
    return [
        t("summary.activity_step", what=t(f"step.{key}", **values), seconds=seconds_words(seconds))
        for key, values, seconds in entry.message_params["steps"]
    ]


def result_lines(entry: ActivityEntry) -> list[str]:
    """A Fortnox export's result for each entry, a failed one's too: which were sent and as what, which refused
    and why, which not tried."""
    return export_result_lines(entry.message_params)


def detail_text(entry: ActivityEntry) -> Text:
    """The whole entry; every value from the store is taken literally and wrapped, never cut."""
    text = Text()

    def field(label: str, value: Text | str) -> None:
        text.append(f"{label}: ", style="bold")
        text.append_text(value if isinstance(value, Text) else literal(value, wrap=True))
        text.append("\n")

    def part(heading: str, lines: list[str]) -> None:
        if lines:
            text.append(f"\n{heading}\n", style="bold")
            for line in lines:
                text.append_text(literal(INDENT + line, wrap=True))
                text.append("\n")

    field(t("column.kind"), t(f"kind.{entry.kind}"))
    field(t("column.status"), Text(t(f"status.{entry.status}"), style=STATUS_STYLES.get(entry.status, "")))
    if entry.company_name:
        field(t("column.company"), entry.company_name)
    field(t("column.started"), format_time(entry.started))
    if entry.finished is not None:
        field(t("activity_detail.finished"), format_time(entry.finished))
    if entry.started is not None and entry.finished is not None:
        seconds = (entry.finished - entry.started).total_seconds()
        field(t("activity_detail.duration"), t("activity_detail.seconds", seconds=seconds_words(seconds)))
    part(t("activity_detail.counts"), [count_words(name, count) for name, count in entry.counts.items()])
    part(t("activity_detail.message"), message_lines(entry))
    part(t("activity_detail.steps"), step_lines(entry))
    part(t("activity_detail.results"), result_lines(entry))
    text.rstrip()
    return text


class ActivityDetailScreen(BokslutScreen):
    HELP_KEY = "help.activity_detail"
    BINDINGS = [Binding("escape", "app.pop_screen", "key.back", id="activity_detail.back")]

    def __init__(self, entry: ActivityEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="activity-detail-box"):
            yield Static(detail_text(self.entry), id="activity-detail")

    def on_mount(self) -> None:
        kind = t(f"kind.{self.entry.kind}")
        self.set_title(t("activity_detail.title", kind=kind, when=format_time(self.entry.started)))
        self.set_focus(self.query_one("#activity-detail-box", VerticalScroll))  # arrows and PageDown scroll it
