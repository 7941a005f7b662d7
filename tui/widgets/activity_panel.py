"""The activity log docked at the bottom of every screen: imports as they run, then the stored history."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from core.activity import STATUSES, ActivityEntry
from tui.i18n import activity_message, format_count, format_time, t, tn
from core.text import printable
from tui.jobs import ImportJob
from tui.text import literal

STATUS_STYLES = {"queued": "dim", "running": "bold yellow", "done": "green", "failed": "bold red"}


def describe_counts(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return t(
        "activity.counts",
        vouchers=tn("activity.vouchers", counts.get("vouchers", 0)),
        transactions=tn("activity.transactions", counts.get("transactions", 0)),
        balances=tn("activity.balances", counts.get("balances", 0)),
    )


def import_status(job: ImportJob) -> Text:
    """The one line under an import field: queued, running with counts, done with the summary, or why it failed."""
    name = job.label
    if job.status == "queued":
        status = t("companies.queued", file=name)
    elif job.status == "running" and job.step:  # a Fortnox import: which step, then the counts once loading
        counts = describe_counts(job.counts) if any(job.counts.values()) else ""
        status = t("companies.importing_step", file=name, step=job.step, counts=counts).rstrip()
    elif job.status == "running":
        status = t("companies.importing", file=name, counts=describe_counts(job.counts))
    elif job.status == "done":
        status = t("companies.imported", summary=job.message)
    elif job.mismatch is not None:  # nothing failed: the user is asked whether the file is this company's
        return literal(t("companies.not_imported_asked", message=job.message), style="bold yellow", wrap=True)
    else:
        status = t("companies.failed", message=job.message)
    return literal(status, style="bold red" if job.status == "failed" else "", wrap=True)


def short_counts(kind: str, counts: dict[str, int]) -> str:
    """An import's vouchers/transactions/balances as bare numbers, as on the import overview (the line's room is the
    message's); an export's entries sent and failed, in the words of its summary."""
    if not counts:
        return ""
    if kind == "export":
        return ", ".join(tn(f"summary.export_{name}", counts.get(name, 0)) for name in ("sent", "failed"))
    return "/".join(format_count(counts.get(name, 0)) for name in ("vouchers", "transactions", "balances"))


def activity_line(entry: ActivityEntry) -> Text:
    """One entry on one line: time, kind, status, counts and the message in the reader's language, taken literally."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"{format_time(entry.started, with_year=False):<11} {t('kind.' + entry.kind):<8} ")
    status_width = max(len(t(f"status.{status}")) for status in STATUSES)
    line.append(f"{t('status.' + entry.status):<{status_width}} ", style=STATUS_STYLES.get(entry.status, ""))
    counts = short_counts(entry.kind, entry.counts)
    if counts:
        line.append(counts + "  ", style="dim")
    line.append(printable(activity_message(entry)))
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
