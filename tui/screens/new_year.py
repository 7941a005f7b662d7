"""Start a new year: the company, the years known and the next one, the data source (the import settings' switch),
then on to where the year comes from: connecting to Fortnox or importing from it, or the new year's SIE file.

The year itself is made by the import, from Fortnox's financial years or the file's #RAR, so it is as the source
says; the next year shown here is what is expected (the day after the last year's end, twelve months)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from core import ledger
from core.store.models import Company
from core.store.orgnr import format_org_number
from tui.data_source import connection_text, other_source, set_company_source, source_choices, source_name
from tui.fortnox import FortnoxStatus, read_status
from tui.i18n import t
from tui.jobs import ImportJob
from tui.navigation import Place
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.activity_panel import import_status
from tui.widgets.path_input import PathInput


@dataclass(frozen=True, slots=True)
class YearsKnown:
    status: FortnoxStatus
    years: tuple[tuple[dt.date, dt.date], ...]  # oldest first

    @property
    def next_year(self) -> tuple[dt.date, dt.date] | None:
        """The day after the last year's end, for twelve months; None before any year is known."""
        if not self.years:
            return None
        start = self.years[-1][1] + dt.timedelta(days=1)
        try:
            after = start.replace(year=start.year + 1)
        except ValueError:  # 29 February
            after = dt.date(start.year + 1, 3, 1)
        return start, after - dt.timedelta(days=1)


def read_years(db, settings, company_id: int) -> YearsKnown:
    """In a worker, inside a store connection."""
    years = ledger.list_fiscal_years(db, Company.get_by_id(company_id))
    spans = tuple(sorted((year.start, year.end) for year in years))
    return YearsKnown(read_status(settings, company_id), spans)


class NewYearScreen(BokslutScreen):
    HELP_KEY = "help.new_year"
    AUTO_FOCUS = ""  # the screen's keys answer until Enter opens the file field
    BINDINGS = [
        Binding("enter", "next", "key.next_step", id="new_year.next"),
        Binding("d", "switch_source", "key.switch_source", id="new_year.source"),
        Binding("escape", "back", "key.back", id="new_year.back"),
    ]

    def __init__(self, company_id: int) -> None:
        super().__init__()
        self.company_id = company_id
        self.known: YearsKnown | None = None
        self.years_before: tuple[tuple[dt.date, dt.date], ...] | None = None  # when this screen's import began
        self.import_done: ImportJob | None = None  # that import, finished: the years read next say if one is new
        self.judged_job: int | None = None  # the import whose line says whether it brought a new year: kept as is

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="new-year", can_focus=False):
            yield Static(id="new-year-facts")
        yield PathInput(placeholder=t("new_year.path_placeholder"), id="new-year-path")
        yield Static(id="new-year-status")

    def on_mount(self) -> None:
        self.set_title(t("new_year.title"))
        self.app.store_changed.subscribe(self, lambda _: self.load())
        self.app.activity_changed.subscribe(self, lambda _entries: self.show_import(self.app.last_job))
        self.load()

    def on_screen_resume(self) -> None:
        """Back from connecting: the connection may have changed."""
        if self.known is not None:
            self.load()

    def load(self) -> None:
        db, settings, company_id = self.db, self.app.settings, self.company_id
        self.run_query(lambda: read_years(db, settings, company_id), self.show)

    def show(self, known: YearsKnown) -> None:
        self.known = known
        status = known.status
        self.set_title(f"{t('new_year.title')}: {status.name}")
        text = Text()
        text.append_text(literal(status.name, style="bold"))
        text.append("   " + t("overview.org_number", org=format_org_number(status.org_number)) + "\n\n")
        text.append(t("new_year.years") + "\n", style="bold")
        for start, end in known.years:
            text.append(f"  {start} – {end}\n")
        if not known.years:
            text.append("  " + t("overview.no_years") + "\n")
        upcoming = known.next_year
        text.append("\n" + t("new_year.next") + "\n", style="bold")
        if upcoming is None:
            text.append("  " + t("new_year.as_source_says") + "\n")
        else:
            text.append(f"  {upcoming[0]} – {upcoming[1]}", style="bold")
            text.append("  " + t("new_year.as_source_says") + "\n", style="dim")
        text.append("\n" + t("settings.source") + "\n", style="bold")
        text.append_text(source_choices(status.source))
        text.append("\n")
        if status.fortnox:
            text.append(f"  {t('settings.connection')}: ")
            text.append_text(connection_text(status))
            text.append("\n")
        text.append("\n" + t(self.next_hint(status)), style="dim")
        self.query_one("#new-year-facts", Static).update(text)
        self.refresh_bindings()
        if self.import_done is not None and self.years_before is not None:
            self.say_whether_new(self.import_done, self.years_before, known.years)
            self.import_done = self.years_before = None

    def say_whether_new(self, job: ImportJob, before, after) -> None:
        """An import that brought no year after the last one known says so: the source has no new year yet."""
        status = import_status(job)
        self.judged_job = job.job_id
        if before and after and max(after)[1] <= max(before)[1]:
            status.append("\n")
            status.append_text(literal(t("new_year.no_new_year", end=max(before)[1]), style="bold yellow", wrap=True))
        self.show_status(status)

    @staticmethod
    def next_hint(status: FortnoxStatus) -> str:
        if not status.fortnox:
            return "new_year.hint_file"
        return "new_year.hint_import" if status.connection == "connected" else "new_year.hint_connect"

    def action_switch_source(self) -> None:
        if self.known is None:
            return
        db, company_id, source = self.db, self.company_id, other_source(self.known.status.source)

        def switched(_done: None) -> None:
            self.show_status(t("settings.switched", source=source_name(source)))
            self.app.store_changed.publish(None)

        self.run_query(lambda: set_company_source(db, company_id, source), switched, group="source")

    def action_next(self) -> None:
        """Fortnox: connect first when not connected, else import; a SIE file: its path."""
        if self.known is None:
            return
        status = self.known.status
        if not status.fortnox:
            field = self.query_one("#new-year-path", Input)
            field.display = True
            self.set_focus(field)
        elif status.connection != "connected":
            self.app.go(
                Place.CONNECT, self.connected, company_id=self.company_id, then_import=True,
                service_account=status.service_account,
            )  # fmt: skip
        else:
            self.import_year()

    def connected(self, made: bool | None) -> None:
        """Connected from here: on to the import, as the hint said, with no other key."""
        if made:
            self.import_year()

    def import_year(self) -> None:
        if self.known is not None:
            self.years_before = self.known.years
            self.import_from_fortnox(self.company_id, self.known.status.org_number)

    def action_back(self) -> None:
        self.leave_field_or_screen("#new-year-path")

    @on(Input.Submitted, "#new-year-path")
    def start_import(self, event: Input.Submitted) -> None:
        known = self.known
        if known is not None:
            self.years_before = known.years
        self.import_typed_path(event, known.status.org_number or None if known else None, ready=known is not None)

    def show_import(self, job: ImportJob | None) -> None:
        if job is None or self.known is None or job.company_org != self.known.status.org_number:
            return
        if job.job_id == self.judged_job:
            return
        if job.status == "done" and self.years_before is not None:
            self.import_done = job  # said once the years are read again (the store's change reloads them)
            self.load()
        self.show_status(import_status(job))

    def show_status(self, status: str | Text) -> None:
        self.query_one("#new-year-status", Static).update(
            status if isinstance(status, Text) else literal(status, wrap=True)
        )
