"""The activity log docked at the bottom of every screen: imports as they run, then the stored history."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.activity import ActivityEntry
from tui.i18n import format_count, format_time, t
from core.text import printable

STATUS_STYLES = {"queued": "dim", "running": "bold yellow", "done": "green", "failed": "bold red"}


def describe_counts(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return t(
        "activity.counts",
        **{name: format_count(counts.get(name, 0)) for name in ("vouchers", "transactions", "balances")},
    )


def activity_line(entry: ActivityEntry) -> Text:
    """One entry on one line: time, kind, status, counts and the message, the message taken literally."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{format_time(entry.started, with_year=False):<11} {t('kind.' + entry.kind):<8} ")
    line.append(f"{t('status.' + entry.status):<10} ", style=STATUS_STYLES.get(entry.status, ""))
    counts = describe_counts(entry.counts)
    if counts:
        line.append(counts + "  ")
    line.append(printable(entry.message))
    return line


class ActivityPanel(Static):
    """Redrawn whenever the app publishes its activity signal; it holds no state of its own."""

    def on_mount(self) -> None:
        self.border_title = t("activity.title")
        self.app.activity_changed.subscribe(self, self.show_entries)
        self.show_entries(self.app.activity_entries())

    def show_entries(self, entries: list[ActivityEntry]) -> None:
        if not entries:
            self.update(Text(t("activity.empty"), style="dim"))
            return
        self.update(Text("\n", no_wrap=True, overflow="ellipsis").join(activity_line(entry) for entry in entries))
