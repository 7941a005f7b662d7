"""Export to Fortnox: the target year's voucher series (only manual ones can be chosen; the one last exported to is
preselected, else I, Fortnox's closing series), the
preflight's problems per entry, then the export with each entry's progress. Everything Fortnox runs in a thread
of the app's with its own event loop, and only posts messages."""

from __future__ import annotations

import asyncio
import dataclasses
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from core.errors import user_message
from core.export.fortnox import (
    PreflightNotClean,
    ReconnectNeeded,
    export_to_fortnox,
    preflight,
    voucher_series,
)
from core.store.models import ClosingEntry, ExportAttempt, FiscalYear
from tui.bindings import translate_bindings
from tui.fortnox import tell
from tui.i18n import export_result_words, export_words, keyed, t, tn
from tui.messages import ExportEnded, ExportProgressed, PreflightDone, SeriesRead
from tui.text import literal

OUTCOME_STYLES = {
    "sent": "green", "found": "green", "skipped": "dim", "failed": "bold red", "unsent": "yellow", "untried": "yellow"
}  # fmt: skip


def readable(error: BaseException) -> str:
    """An expired connection gets the help article's way out, in the app's words; the rest is core's line."""
    if isinstance(error, ReconnectNeeded):
        return t("series.reconnect")
    return user_message(error)


def last_used_series(company_id: int) -> str | None:
    """The series the company's closing entries last went to in Fortnox; in a store connection."""
    attempt = (
        ExportAttempt.select(ExportAttempt.series)
        .join(ClosingEntry)
        .where(
            ClosingEntry.company == company_id,
            ExportAttempt.target == "fortnox",
            ExportAttempt.state.in_(("posted", "found")),
        )
        .order_by(ExportAttempt.started.desc(), ExportAttempt.id.desc())
        .first()
    )
    return attempt.series if attempt is not None else None


def preselect(series: list, last_used: str | None) -> list:
    """The series last used, when Fortnox still has it as a manual one; else core's choice (the closing series)."""
    if not any(choice.code == last_used and choice.manual for choice in series):
        return series
    return [dataclasses.replace(choice, preselected=choice.code == last_used) for choice in series]


class SeriesScreen(ModalScreen[None]):
    HELP_KEY = "help.series"
    BINDINGS = [
        Binding("c", "check", "key.check", id="series.check"),
        Binding("x", "export", "key.export_fortnox", id="series.export"),
        Binding("escape", "close", "key.close", id="series.close"),
        Binding("f1", "app.help", "key.help", id="series.help"),  # a dialog hides the app's keys
    ]
    DEFAULT_CSS = """
    SeriesScreen { align: center middle; }
    SeriesScreen > Vertical {
        width: 78; height: auto; max-height: 100%; border: round $primary; background: $surface; padding: 0 1;
    }
    SeriesScreen OptionList {
        height: auto; max-height: 14; border: none; padding: 0; scrollbar-size-vertical: 1; overflow-y: auto;
    }
    #series-state { height: auto; }
    #series-result-box { height: auto; max-height: 8; }
    #series-progress { display: none; }
    """

    def __init__(self, company_id: int, fiscal_year_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.company_id = company_id
        self.fiscal_year_id = fiscal_year_id
        self.title = t("series.title")
        self.state = "reading"  # reading, choosing, checking, checked, exporting, done, failed
        self.clean_for: str | None = None  # the series whose preflight was clean
        self.results: dict[int, object] = {}
        self.total = 0

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = t("series.title")
            yield Static(t("series.reading"), id="series-state")
            yield OptionList(id="series-list", compact=True)
            yield ProgressBar(id="series-progress", show_eta=False)
            with VerticalScroll(id="series-result-box", can_focus=False):
                yield Static(id="series-result")

    def on_mount(self) -> None:
        self.run_fortnox(self._read_series)

    def run_fortnox(self, work) -> None:
        """In a thread of the app's: leaving the dialog never cuts an export short."""
        self.app.run_worker(partial(work, self.app), thread=True, group="fortnox", exit_on_error=False)

    def _in_store(self, app, work):
        with app.db.connection_context():
            year = FiscalYear.get_by_id(self.fiscal_year_id)
            return asyncio.run(work(app.db, app.settings, year.company, year))

    def _read_series(self, app) -> None:
        try:
            series = self._in_store(app, voucher_series)
            with app.db.connection_context():
                last = last_used_series(self.company_id)
            tell(self, SeriesRead(series=preselect(series, last)))
        except Exception as error:  # a readable line, never a traceback
            tell(self, SeriesRead(error=readable(error)))

    def on_series_read(self, message: SeriesRead) -> None:
        if message.error is not None:
            self.fail(message.error)
            return
        options = self.query_one(OptionList)
        preselected = None
        for index, choice in enumerate(message.series):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{choice.code:<4}", style="bold")
            line.append_text(literal(f"{choice.description:<30}"))
            if choice.manual:
                line.append(t("series.manual"))
            else:
                line.append(t("series.not_manual"), style="dim")
            options.add_option(Option(line, id=choice.code, disabled=not choice.manual))
            if choice.preselected:
                preselected = index
        if preselected is None:
            preselected = next((i for i, choice in enumerate(message.series) if choice.manual), None)
        options.highlighted = preselected
        self.call_after_refresh(options.scroll_to_highlight)  # a series below the fold is shown, not just highlighted
        self.state = "choosing"
        self.show_state(t("series.choose"))
        self.app.set_focus(options)
        self.refresh_bindings()

    def chosen(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not options.option_count:
            return None
        return options.get_option_at_index(options.highlighted).id

    @on(OptionList.OptionHighlighted)
    def moved(self, _event) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected)
    def selected(self, _event) -> None:
        """Enter on a series checks it; Enter again (clean) exports."""
        if self.check_action("export", ()) is True:
            self.action_export()
        else:
            self.action_check()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        busy = self.state in ("reading", "checking", "exporting")
        if action == "check":
            return not busy and self.state != "done" and self.chosen() is not None
        if action == "export":
            clean = self.clean_for is not None and self.chosen() == self.clean_for  # the series checked
            return not busy and self.state == "checked" and clean
        if action == "close":
            return self.state != "exporting"
        return True

    # --- preflight ---------------------------------------------------------------------------------

    def action_check(self) -> None:
        series = self.chosen()
        if series is None or self.check_action("check", ()) is not True:
            return
        self.state, self.clean_for = "checking", None
        self.show_state(t("series.checking", series=series))
        self.query_one("#series-result", Static).update("")
        self.refresh_bindings()

        def run(app) -> None:
            async def check(db, settings, company, year):
                return await preflight(db, settings, company, year, series)

            try:
                tell(self, PreflightDone(preflight=self._in_store(app, check)))
            except Exception as error:
                tell(self, PreflightDone(error=readable(error)))

        self.run_fortnox(run)

    def on_preflight_done(self, message: PreflightDone) -> None:
        if message.error is not None:
            self.fail(message.error)
            return
        check = message.preflight
        self.state = "checked"
        text = Text(overflow="fold")
        for line in check.general:
            text.append_text(literal(line, style="bold red", wrap=True))
            text.append("\n")
        for warning in check.warnings:  # Fortnox decides (a closing series takes a locked period): said, not blocking
            text.append_text(literal(keyed(f"warning.{warning.key}", warning.params) or warning.text, style="yellow", wrap=True))
            text.append("\n")
        for entry in check.entries:
            problems = check.problems.get(entry.id, [])
            text.append_text(literal(f"{entry.id:>4} {entry.date} {entry.text}", wrap=True))
            text.append("  ")
            text.append(t("series.entry_ok") if not problems else "", style="green")
            text.append("\n")
            for problem in problems:
                text.append_text(literal(f"       {problem}", style="red", wrap=True))
                text.append("\n")
            for warning in check.entry_warnings(entry):
                said = keyed(f"warning.{warning.key}", warning.params) or warning.text
                text.append_text(literal(f"       {said}", style="yellow", wrap=True))
                text.append("\n")
        text.rstrip()
        self.query_one("#series-result", Static).update(text)
        if check.clean and check.entries:
            self.clean_for = check.series
            self.show_state(tn("series.clean", len(check.entries), series=check.series), style="bold green")
        elif check.clean:
            self.show_state(t("series.nothing"))
        else:
            count = len(check.general) + sum(len(found) for found in check.problems.values())
            self.show_state(tn("series.problems", count), style="bold red")
        self.total = len(check.entries)
        self.refresh_bindings()

    # --- export ------------------------------------------------------------------------------------

    def action_export(self) -> None:
        series = self.clean_for
        if series is None or self.check_action("export", ()) is not True:
            return
        self.state, self.results = "exporting", {}
        self.show_state(t("series.exporting", series=series))
        self.query_one("#series-result", Static).update("")
        bar = self.query_one(ProgressBar)
        bar.display = True
        bar.update(total=self.total or None, progress=0)
        self.refresh_bindings()

        def run(app) -> None:
            def progressed(result) -> None:
                tell(self, ExportProgressed(result))

            async def export(db, settings, company, year):
                return await export_to_fortnox(
                    db, settings, company, year, series, confirm_clean_preflight=True, on_entry=progressed
                )

            try:
                report = self._in_store(app, export)
                tell(self, ExportEnded(summary=export_words(report.params())))
            except PreflightNotClean as refusal:  # something changed in Fortnox since the check
                tell(self, ExportEnded(error="\n".join([str(refusal), *refusal.preflight.problem_lines()])))
            except Exception as error:  # the attempt and what was sent are on record
                tell(self, ExportEnded(error=readable(error)))
            app.call_from_thread(app.load_history)
            app.call_from_thread(app.store_changed.publish, None)

        self.run_fortnox(run)

    def on_export_progressed(self, message: ExportProgressed) -> None:
        result = message.result
        self.results[result.entry_id] = result
        text = Text(overflow="fold")
        for entry_id, step in self.results.items():
            text.append(f"{entry_id:>4} ")
            words = export_result_words(step.key, step.params)
            text.append_text(literal(words, style=OUTCOME_STYLES.get(step.outcome, ""), wrap=True))
            text.append("\n")
        text.rstrip()
        self.query_one("#series-result", Static).update(text)
        done = sum(1 for step in self.results.values() if step.outcome != "uncertain")
        self.query_one(ProgressBar).update(progress=done)

    def on_export_ended(self, message: ExportEnded) -> None:
        if message.error is not None:
            self.fail(t("series.export_failed", message=message.error))
            return
        self.state = "done"
        self.query_one(ProgressBar).update(progress=self.total)
        self.show_state(t("series.exported", summary=message.summary), style="bold green")
        self.refresh_bindings()

    # --- common ------------------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        self.state = "failed" if self.chosen() is None else "choosing"
        self.show_state(message, style="bold red")
        self.refresh_bindings()

    def show_state(self, words: str, style: str = "") -> None:
        self.query_one("#series-state", Static).update(literal(words, style=style, wrap=True))

    def action_close(self) -> None:
        if self.state != "exporting":
            self.dismiss(None)
