"""The bokslut terminal application: screens over `core`, with every store access in a worker."""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import peewee as pw
from textual import events, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen, ScreenResultCallbackType
from textual.signal import Signal
from textual.worker import Worker, WorkerState, get_current_worker

from core.activity import ActivityEntry, list_activity
from core.config import Settings
from core.fortnox.oauth import ConnectionExpired
from core.importer import ImportProgress, OrgNumberMismatch, import_sie
from core.periods import LockedPeriodsChanged
from core.store.db import take_notices
from core.store.models import Company
from core.store.orgnr import format_org_number
from tui.bindings import full_name, translate_bindings
from core.errors import user_message
from core.text import printable
from tui.i18n import format_count, fortnox_import_words, import_words, notice_words, set_language, t, tn
from tui.jobs import ImportJob, notices_of
from tui.messages import ActivityLoaded, FortnoxWorkEnded, ImportJobChanged
from tui.navigation import Place, make_screen, screen_class
from tui.preferences import Preferences
from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen
from tui.screens.system_tasks import SystemTasksScreen
from tui.widgets.palette import Palette

ACTIVITY_SHOWN = 50
# A typed key's effects have settled when rounds of every pump's queue found them all empty this many times in a row
# (a round can end while a handler that began in it still awaits); a key whose effects never settle (a handler
# awaiting something slow) holds the next one this long at most.
QUIET_ROUNDS = 2
SETTLE_SECONDS = 2.0


def periods_words(changed: Iterable[tuple[str, int]]) -> str:
    """The locked periods an import would change, each with its number of vouchers: "2025-01 (1), 2025-02 (3)"."""
    return ", ".join(f"{period} ({format_count(count)})" for period, count in changed)


class BokslutApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "bokslut"
    BINDINGS = [
        Binding("ctrl+q", "quit", "key.quit", show=False, priority=True, id="app.quit"),  # F1 and Ctrl+C tell it
        Binding("ctrl+c", "help_quit", show=False, system=True),
        Binding("f1", "help", "key.help", id="app.help"),
        Binding("f2", "toggle_activity", "key.activity", show=False, id="app.activity"),  # in F1 and the palette
        Binding("f3", "system_tasks", "key.tasks", show=False, id="app.tasks"),  # 80 columns: the screen's keys first
        Binding("ctrl+p", "command_palette", "key.palette", show=False, id="app.palette"),  # the footer docks it right
    ]

    def __init__(
        self,
        db: pw.Database,
        settings: Settings,
        preferences: Preferences,
        sandbox_consent: Callable[[str, str], str] | None = None,
    ) -> None:
        set_language(preferences.language)
        super().__init__()
        translate_bindings(self)
        self.db = db
        self.settings = settings
        # With the built-in sandbox (the demo) consent can be given from here: (authorize URL, org nr) -> redirect URL.
        self.sandbox_consent = sandbox_consent
        self.keymap = preferences.keymap
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            self.animation_level = "none"  # scrolling and paging must be instant over SSH
        self.activity_changed: Signal[list[ActivityEntry]] = Signal(self, "activity_changed")
        self.store_changed: Signal[None] = Signal(self, "store_changed")
        self.jobs: dict[int, ImportJob] = {}  # imports of this session not yet read back from the store
        self.last_job: ImportJob | None = None  # the newest import, for the Companies screen's status line
        self.history: list[ActivityEntry] = []
        self._job_ids = itertools.count(1)
        self._one_import_at_a_time = threading.Lock()
        self._typed: deque[events.Key | events.Paste] = deque()  # keys that came while an earlier one was applied
        self._applying_typed = False
        self.typed_applied = asyncio.Event()  # set when every typed key has been applied and has settled
        self.typed_applied.set()
        self._settling: asyncio.Task | None = None

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.add_class("-show-activity")
        self.go(Place.COMPANIES)
        self.load_history()
        self.say_notices()

    def say_notices(self) -> None:
        """What loading the settings and opening the store did that the user should hear of once (a store made
        private, a config file with a secret that others can read): the CLI prints it, the app shows it here."""
        notices = [*self.settings.notices, *take_notices()]
        if notices:  # paths are the user's own, but characters still: never markup
            said = "\n".join(printable(notice_words(notice)) for notice in notices)
            self.notify(said, severity="warning", timeout=30, markup=False)

    # --- typed keys, one at a time ----------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """Keys that arrive in a burst (a paste, a slow SSH link, a fast typist) are applied one at a time, each to
        the widget that has focus once the previous key's effects have settled.

        Textual forwards every key to the focused widget as soon as the app reads it, but a key's effects come later:
        a Tab reaches the bindings only after it has bubbled back up to the app, and a screen pushed by `n` gets its
        fields and focus only once it has mounted. Without this, `Name<Tab>5561234567` typed in one write puts the
        number into the name field."""
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._typed.append(event)
            if not self._applying_typed:
                await self._apply_next_typed()
            return
        await super().on_event(event)

    async def _apply_next_typed(self) -> None:
        if not self._typed:
            self._applying_typed = False
            self.typed_applied.set()
            return
        self._applying_typed = True
        self.typed_applied.clear()
        screen = self.screen
        await super().on_event(self._typed.popleft())
        self._settling = asyncio.create_task(self._apply_next_when_settled(screen))

    async def _apply_next_when_settled(self, screen_before: Screen) -> None:
        try:
            await asyncio.wait_for(self._settled(screen_before), SETTLE_SECONDS)
        except (TimeoutError, ScreenStackError):  # slow, or the app closing: a key may hold the next one back, never
            pass  # lose it
        finally:
            if not self.call_later(self._apply_next_typed):  # the app is closing: nothing more to apply
                self._typed.clear()
                self.typed_applied.set()

    async def _settled(self, screen_before: Screen) -> None:
        """Until the app and the current screen's widgets have handled every message the key set off (its bubbling,
        the binding's action, a pushed screen's mounting and focus) and no callback waits for the screen's next
        refresh. A screen the key opened has also read what it shows first (its fields and focus may come with it,
        as the closing editor's do)."""
        quiet = 0
        while quiet < QUIET_ROUNDS:
            screen = self.screen
            opening = [worker for worker in self.workers if worker.node is screen and not worker.is_finished]
            if screen._callbacks:
                await screen.wait_for_refresh()
            elif screen is not screen_before and opening:
                await self.workers.wait_for_complete(opening)
            else:
                await self._round_of_messages([self, *screen.walk_children(with_self=True)])
                pumps = [self, *self.screen.walk_children(with_self=True)]
                if self.screen is screen and all(pump._message_queue.empty() for pump in pumps):
                    quiet += 1
                    continue
            quiet = 0

    @staticmethod
    async def _round_of_messages(pumps: list) -> None:
        """Until each pump has handled the messages it had queued when the round began."""
        loop = asyncio.get_running_loop()
        handled: list[asyncio.Future] = []
        for pump in pumps:
            done = loop.create_future()
            if pump.call_later(lambda done=done: done.done() or done.set_result(None)):
                handled.append(done)
        if handled:
            await asyncio.wait(handled)

    # --- the activity log -----------------------------------------------------------------------

    def activity_entries(self) -> list[ActivityEntry]:
        """Imports of this session not yet on record, newest first, then the stored history."""
        live = [job.as_activity() for job in sorted(self.jobs.values(), key=lambda job: -job.job_id)]
        return live + self.history

    @work(thread=True, group="history", exclusive=True, exit_on_error=False)
    def load_history(self) -> None:
        with self.db.connection_context():
            entries = list_activity(self.db, limit=ACTIVITY_SHOWN)
        if not get_current_worker().is_cancelled:  # a newer read, started after a later import, wins
            self.post_message(ActivityLoaded(entries))

    def on_activity_loaded(self, message: ActivityLoaded) -> None:
        self.history = message.entries
        self.jobs = {job_id: job for job_id, job in self.jobs.items() if not job.finished}
        self.activity_changed.publish(self.activity_entries())

    def action_toggle_activity(self) -> None:
        self.toggle_class("-show-activity")

    # --- imports --------------------------------------------------------------------------------

    def start_import(
        self, path: Path, company_org: str | None = None, confirm_org_mismatch: bool = False,
        confirm_locked_changes: bool = False,
    ) -> None:  # fmt: skip
        """Queue an import (into the company with `company_org`, if given); imports run one at a time, each in
        its own thread worker."""
        job = ImportJob(
            next(self._job_ids), path, company_org=company_org, confirm_org_mismatch=confirm_org_mismatch,
            confirm_locked_changes=confirm_locked_changes,
        )  # fmt: skip
        self.post_message(ImportJobChanged(job))
        self.run_worker(partial(self._run_import, job), thread=True, group="import", exit_on_error=False)

    def start_fortnox_import(self, company_id: int, company_org: str, confirm_locked_changes: bool = False) -> None:
        """Import the company from Fortnox through the same queue, progress and activity log as a SIE file."""
        job = ImportJob(
            next(self._job_ids), None, company_org=company_org, fortnox_company_id=company_id,
            confirm_locked_changes=confirm_locked_changes,
        )  # fmt: skip
        self.post_message(ImportJobChanged(job))
        self.run_worker(partial(self._run_import, job), thread=True, group="import", exit_on_error=False)

    def _run_import(self, job: ImportJob) -> None:
        """Runs in a worker thread: it only posts messages, never touches a widget."""
        with self._one_import_at_a_time, self.db.connection_context():
            try:
                job = job.with_(status="running")
                self.post_message(ImportJobChanged(job))

                def progress(counts: ImportProgress) -> None:
                    self.post_message(ImportJobChanged(job.progressed(counts)))

                if job.fortnox_company_id is not None:
                    job = self._import_from_fortnox(job)
                else:
                    result = import_sie(
                        self.db, job.path, company_org=job.company_org, confirm_org_mismatch=job.confirm_org_mismatch,
                        confirm_locked_changes=job.confirm_locked_changes, limits=self.settings.sie_limits(),
                        on_progress=progress,
                    )  # fmt: skip
                    job = job.with_(
                        status="done", vouchers=result.vouchers, transactions=result.transactions,
                        balances=result.balances, message=import_words(result.params()),
                        notices=notices_of(result.warnings),
                    )  # fmt: skip
            except ConnectionExpired as error:  # the way out is on another screen: say where
                job = job.with_(status="failed", message=f"{user_message(error)} {t('fortnox.connect_again')}")
            except OrgNumberMismatch as error:  # nothing was written; the user is asked (on_import_job_changed)
                job = job.with_(status="failed", message=user_message(error), mismatch=(error.expected, error.found))
            except LockedPeriodsChanged as error:  # rolled back, nothing written; the user is asked as for a mismatch
                total, periods = sum(count for _, count in error.changed), periods_words(error.changed)
                job = job.with_(status="failed", message=tn("import.locked_refused", total, periods=periods),
                                locked_changes=tuple(error.changed))  # fmt: skip
            except Exception as error:  # every failure is the user's to read, none may end the app
                job = job.with_(status="failed", message=user_message(error))
            self.post_message(ImportJobChanged(job))

    def _import_from_fortnox(self, job: ImportJob) -> ImportJob:
        """In the import worker's thread, in an event loop of its own; each step and count is posted as it happens."""
        from core.fortnox.importer import import_from_fortnox  # httpx and the Fortnox client load on first use

        company = Company.get_by_id(job.fortnox_company_id)

        def step(what: str) -> None:
            nonlocal job
            job = job.with_(step=what)
            self.post_message(ImportJobChanged(job))

        def counted(counts: ImportProgress) -> None:
            self.post_message(ImportJobChanged(job.progressed(counts)))

        result = asyncio.run(import_from_fortnox(
            self.db, self.settings, company, confirm_locked_changes=job.confirm_locked_changes, on_step=step,
            on_progress=counted,
        ))  # fmt: skip
        return job.with_(
            status="done", step="", message=fortnox_import_words(result.params()),
            notices=notices_of(warning for year in result.years for warning in year.warnings),
            vouchers=sum(year.vouchers for year in result.years),
            transactions=sum(year.transactions for year in result.years),
            balances=sum(year.balances for year in result.years),
        )  # fmt: skip

    def on_fortnox_work_ended(self, _message: FortnoxWorkEnded) -> None:
        """A connect or disconnect is on record, and a connect makes Fortnox the company's source."""
        self.load_history()
        self.store_changed.publish(None)

    def on_import_job_changed(self, message: ImportJobChanged) -> None:
        job = message.job
        self.jobs[job.job_id] = job
        if self.last_job is None or job.job_id >= self.last_job.job_id:
            self.last_job = job
        self.activity_changed.publish(self.activity_entries())
        if job.finished:
            self.load_history()
            self.store_changed.publish(None)
        if job.mismatch is not None:
            self.ask_to_import_anyway(job)
        if job.locked_changes is not None:
            self.ask_to_replace_locked(job)
        if job.notices:  # the result line says them too, but they must not pass unread
            self.notify("\n".join(job.notices), severity="warning", timeout=30, markup=False)

    def ask_to_import_anyway(self, job: ImportJob) -> None:
        """The refused attempt stays on record as failed; Yes imports the file again, confirmed, No leaves it."""
        expected, found = job.mismatch
        question = (
            t("import.mismatch", found=format_org_number(found), expected=format_org_number(expected))
            if found
            else t("import.mismatch_no_org", expected=format_org_number(expected))
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_import(job.path, company_org=job.company_org, confirm_org_mismatch=True)

        self.push_screen(ConfirmScreen(question), answered)

    def ask_to_replace_locked(self, job: ImportJob) -> None:
        """As for a file of another company: the refused attempt stays on record as failed; Yes runs the same import
        again (a file or Fortnox), confirmed, No leaves the books as they were."""
        total = sum(count for _, count in job.locked_changes)
        question = tn("import.locked_question", total, periods=periods_words(job.locked_changes))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            if job.fortnox_company_id is not None:
                self.start_fortnox_import(job.fortnox_company_id, job.company_org, confirm_locked_changes=True)
            else:
                self.start_import(job.path, company_org=job.company_org, confirm_org_mismatch=job.confirm_org_mismatch,
                                  confirm_locked_changes=True)  # fmt: skip

        self.push_screen(ConfirmScreen(question), answered)

    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """A store query that fails (for the app's workers and every screen's) is one readable line; the app goes on."""
        if event.state is WorkerState.ERROR:
            # the message may repeat a file name or Fortnox's words: characters, never markup
            self.notify(printable(user_message(event.worker.error)), severity="error", timeout=10, markup=False)

    on_worker_state_changed = report_worker_failure

    # --- help, palette, navigation ---------------------------------------------------------------

    def action_help(self) -> None:
        """Every screen with a help text, the dialogs too (the series dialog, the template picker)."""
        if hasattr(self.screen, "HELP_KEY"):
            self.push_screen(HelpScreen(self.screen))

    def go(self, place: Place, /, callback: ScreenResultCallbackType | None = None, **context: object) -> None:
        """Every screen a screen leads to opens here, by its place's name, so the screens never import one another.
        `callback` gets what the screen dismisses with."""
        self.push_screen(make_screen(place, **context), callback)

    def change_language(self, language: str, places: Iterable[tuple[Place, dict[str, object]]]) -> None:
        """The language chosen in the settings takes effect at once: the app's keys are translated again, and the
        screens under way are made anew at `places` (texts and keys are translated as a screen is created)."""
        set_language(language)
        self._bindings = self._merged_bindings.copy()
        translate_bindings(self)
        while len(self.screen_stack) > 1:  # the default screen stays under ours
            self.pop_screen()
        for place, context in places:
            self.go(place, **context)

    def action_command_palette(self) -> None:
        """Textual's palette in the reader's language (Textual's own texts in it are English)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette())

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit: Textual says so in English, this in the reader's language, naming the key."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                shortcut = self.get_key_display(active.binding)
                self.notify(t("quit.how", shortcut=shortcut), title=t("quit.title"), markup=False)
                return

    def action_system_tasks(self) -> None:
        if not isinstance(self.screen, SystemTasksScreen):
            self.push_screen(SystemTasksScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette offers what the keys of the current screen do, under the same names (ours only:
        Textual's scrolling and focus keys would bury them)."""
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.id and binding.description and binding.action != "command_palette" and active.enabled:
                yield SystemCommand(
                    full_name(binding),
                    f"{self.get_key_display(binding)}  ({binding.id})",
                    partial(self.run_action, binding.action, active.node),
                )
        # The app's settings from anywhere (the companies screen has a key for them)
        keyed = any(active.binding.action == "app_settings" for active in screen.active_bindings.values())
        if not keyed and not isinstance(screen, screen_class(Place.APP_SETTINGS)):
            yield SystemCommand(t("key.app_settings"), t("app_settings.palette_help"), partial(self.go, Place.APP_SETTINGS))
