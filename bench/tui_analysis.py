"""The transaction analysis in the real app, driven by Pilot, over ~1.6 million rows in one fiscal year.

One job walks the app as a user would: start until the Companies screen has painted, open the
company, then time `t` (analysis until its first rows are painted, then until the totals of every row
are), PageDown, End, a filter (`account:1930` + Enter, rows then totals), a text filter and the account
analysis of the bank account. Baselines in the same run: an empty Textual app's first paint, and raw
sqlite3 keyset page queries on the store; the totals are also timed in core alone (`totals`).

Targets on a 2-core machine: first screen within 1 s, analysis first paint within 0.3 s, PageDown
within 50 ms, a filter within 0.5 s, peak RSS within 250 MB.

"Painted" means: the app handed a compositor update to the driver (`App._display`, which headless
runs also call) at a moment when the condition held, e.g. every visible row of the table was read.
Nothing sleeps for a fixed time: the job polls `pilot.pause()` until the paint was recorded.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.measure import Measurement, measure
from bench.sie_import import OUT, ensure_file
from tests.tui.pilot import settle

JOBS = "bench.tui_analysis"
STORE = OUT / "analysis.sqlite3"
SIZE = (120, 40)
TIMEOUT = 120.0  # seconds a single step may take before the job gives up (a hang, not a slow run)

TARGETS = {  # seconds, except RSS
    "first_screen": 1.0,
    "analysis_first_paint": 0.3,
    "page_down": 0.05,
    "filter_account": 0.5,
    "filter_text": 0.5,
    "peak_rss_mb": 250,
}


def ensure_store() -> Path:
    """The store is built once from the deterministic demo file; a half-built one is never reused."""
    if STORE.exists():
        return STORE
    from core.importer import import_sie
    from core.store.db import open_store

    partial = OUT / "analysis.partial.sqlite3"
    for stale in OUT.glob("analysis.partial.sqlite3*"):
        stale.unlink()
    print(f"importing into {STORE} ...", file=sys.stderr)
    db = open_store(partial)
    import_sie(db, ensure_file())
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    os.replace(partial, STORE)
    return STORE


# --- waiting for a paint ----------------------------------------------------------------------


class PaintWatch:
    """Records when the first screen update after `expect` is displayed while a condition holds."""

    def __init__(self, app) -> None:
        self.condition = None
        self.painted_at: float | None = None
        self.frames = 0
        display = app._display

        def watched(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None:
                return
            self.frames += 1
            if self.condition is not None and self.condition():
                self.painted_at = time.perf_counter()
                self.condition = None

        app._display = watched

    def expect(self, condition) -> None:
        self.condition = condition
        self.painted_at = None

    async def painted(self, pilot, started: float) -> float:
        """Seconds from `started` until the expected paint; polls the app, never sleeps a fixed time."""
        deadline = time.perf_counter() + TIMEOUT
        while self.painted_at is None:
            if time.perf_counter() > deadline:
                raise TimeoutError("the expected screen was never painted")
            await pilot.pause()
        return self.painted_at - started


def rows_on_screen(table, source: int | None = None) -> bool:
    """Every row the table's viewport shows has been read (no placeholder left), for `source` if given."""
    if source is not None and table.source != source:
        return False
    if table.count == 0:
        return table.source > 0
    top = round(table.scroll_offset.y)
    last = min(table.count, top + table._rows_visible) - 1
    for index in (top, last):
        page, offset = divmod(index, table.page_size)
        rows = table._pages.get(page)
        if rows is None or offset >= len(rows):
            return False
    return True


# --- the jobs (each runs in its own process) ----------------------------------------------------


def empty_app() -> dict:
    """Baseline: import Textual, start an app with one Static, until its first paint."""
    started = time.perf_counter()
    import asyncio

    from textual.app import App
    from textual.widgets import Static

    class Empty(App):
        def compose(self):
            yield Static("bokslut")

    async def run() -> float:
        app = Empty()
        watch = PaintWatch(app)
        watch.expect(lambda: bool(app.screen.query(Static)))
        async with app.run_test(size=SIZE) as pilot:
            return await watch.painted(pilot, started)

    first_paint = asyncio.run(run())
    return {"first_paint": first_paint}


def raw_pages(store: str) -> dict:
    """Baseline: the analysis' keyset page as a plain sqlite3 query (200 rows), first, next and last page."""
    import sqlite3

    started = time.perf_counter()
    db = sqlite3.connect(store)
    year_id = db.execute("SELECT id FROM fiscal_year WHERE batch_id IS NOT NULL ORDER BY start DESC").fetchone()[0]
    sql = (
        "SELECT r.id, r.voucher_id, v.date, v.series, v.number, r.account, r.amount, "
        "CASE WHEN r.text != '' THEN r.text ELSE v.text END, COALESCE(r.cost_center, ''), COALESCE(r.project, '') "
        "FROM voucher_row r JOIN voucher v ON v.id = r.voucher_id "
        "WHERE +r.fiscal_year_id = ? AND +r.kind = 'TRANS' AND r.id {} ? ORDER BY r.id {} LIMIT 200"
    )
    timings = {}
    first = time.perf_counter()
    rows = db.execute(sql.format(">", "ASC"), (year_id, 0)).fetchall()
    timings["first_page"] = time.perf_counter() - first
    following = time.perf_counter()
    db.execute(sql.format(">", "ASC"), (year_id, rows[-1][0])).fetchall()
    timings["next_page"] = time.perf_counter() - following
    last = time.perf_counter()
    db.execute(sql.format("<", "DESC"), (year_id, 1 << 62)).fetchall()
    timings["last_page"] = time.perf_counter() - last
    counting = time.perf_counter()
    timings["count_rows"] = db.execute(
        "SELECT COUNT(*) FROM voucher_row WHERE fiscal_year_id = ? AND kind = 'TRANS'", (year_id,)
    ).fetchone()[0]
    timings["count"] = time.perf_counter() - counting
    timings["total"] = time.perf_counter() - started
    return timings


def totals(store: str) -> dict:
    """TransactionQuery.totals in core alone (the debit and credit of every row a filter picks), best of two."""
    from core.analysis import TransactionQuery, parse_filter, year_extent
    from core.store.db import open_store

    db = open_store(Path(store))
    year_id = db.execute_sql(
        "SELECT id FROM fiscal_year WHERE batch_id IS NOT NULL ORDER BY start DESC"
    ).fetchone()[0]
    extent = year_extent(db, year_id)
    figures = {}
    for name, typed in (("none", ""), ("account", "account:1930"), ("text", "hyra")):
        query = TransactionQuery(db, year_id, parse_filter(typed), extent)
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            query.totals()
            runs.append(time.perf_counter() - started)
        figures[name] = min(runs)
    db.close()
    return figures


def analysis(store: str) -> dict:
    """The whole walk through the app; each figure is seconds from the key press to the paint."""
    started = time.perf_counter()
    import asyncio

    from core.config import Settings
    from core.store.db import open_store
    from tui.app import BokslutApp
    from tui.preferences import Preferences
    from tui.screens.account import AccountScreen
    from tui.screens.companies import CompaniesScreen
    from tui.screens.overview import OverviewScreen
    from tui.screens.transactions import TransactionsScreen
    from tui.widgets.line_table import LineTable

    figures: dict[str, float | int | str] = {}

    async def timed(pilot, watch, condition, *keys: str) -> float:
        watch.expect(condition)
        pressed = time.perf_counter()
        await pilot.press(*keys)
        seconds = await watch.painted(pilot, pressed)
        await settle(pilot)
        return seconds

    totals_watch: PaintWatch | None = None

    async def rows_then_totals(pilot, watch, rows_shown, totals_shown, key: str) -> tuple[float, float]:
        """Seconds from the key until the rows are painted, and until the totals under them are: the totals run in
        a worker of their own, so the rows must not wait for them."""
        watch.expect(rows_shown)
        totals_watch.expect(lambda: rows_shown() and totals_shown())  # the new rows' totals, not those before
        pressed = time.perf_counter()
        await pilot.press(key)
        rows = await watch.painted(pilot, pressed)
        totals = await totals_watch.painted(pilot, pressed)
        await settle(pilot)
        return rows, totals

    async def run() -> None:
        db = open_store(Path(store))
        app = BokslutApp(db, Settings(data_dir=Path(store).parent, config_file=None), Preferences("en", {}))
        watch = PaintWatch(app)
        nonlocal totals_watch
        totals_watch = PaintWatch(app)  # the same frames, another condition at the same time

        def companies_shown() -> bool:
            screen = app.screen
            return isinstance(screen, CompaniesScreen) and screen.query_one("#companies").row_count > 0

        watch.expect(companies_shown)
        async with app.run_test(size=SIZE) as pilot:
            figures["first_screen"] = await watch.painted(pilot, started)
            await settle(pilot)
            await pilot.press("enter")
            while not (isinstance(app.screen, OverviewScreen) and app.screen.overview is not None):
                await pilot.pause()
            await settle(pilot)

            def analysis_shown() -> bool:
                screen = app.screen
                return isinstance(screen, TransactionsScreen) and rows_on_screen(screen.query_one(LineTable))

            def totals_shown() -> bool:
                screen = app.screen
                return isinstance(screen, TransactionsScreen) and bool(str(screen.query_one("#totals").content))

            figures["analysis_first_paint"], figures["totals_after_t"] = await rows_then_totals(
                pilot, watch, analysis_shown, totals_shown, "t"
            )
            table = app.screen.query_one(LineTable)
            figures["rows"] = table.count
            figures["rows_visible"] = table._rows_visible

            def at(position: int):
                return lambda: table.cursor == position and rows_on_screen(table)

            figures["page_down"] = await timed(pilot, watch, at(table._rows_visible), "pagedown")
            figures["page_down_2"] = await timed(pilot, watch, at(2 * table._rows_visible), "pagedown")
            figures["end"] = await timed(pilot, watch, at(table.count - 1), "end")
            figures["home"] = await timed(pilot, watch, at(0), "home")

            async def filtered(typed: str) -> tuple[float, float]:
                """Seconds from Enter until the filter's rows are painted, and until its totals are."""
                if app.focused is not table:
                    await pilot.press("escape")  # leave the filter input, so `/` is a key and not a letter
                await pilot.press("slash", "ctrl+a", "ctrl+k", *typed)
                await settle(pilot)
                source = table.source
                seconds = await rows_then_totals(
                    pilot, watch, lambda: table.source > source and rows_on_screen(table), totals_shown, "enter"
                )
                while not rows_on_screen(table, table.source):  # a deferred count may restart nothing
                    await pilot.pause()
                return seconds

            figures["filter_account"], figures["filter_account_totals"] = await filtered("account:1930")
            figures["filter_account_rows"] = table.count
            figures["filter_account_end"] = await timed(pilot, watch, at(table.count - 1), "end")

            def ledger_shown() -> bool:
                screen = app.screen
                return isinstance(screen, AccountScreen) and rows_on_screen(screen.query_one(LineTable))

            await pilot.press("home")
            await settle(pilot)
            figures["account_ledger"] = await timed(pilot, watch, ledger_shown, "enter")
            ledger = app.screen.query_one(LineTable)
            figures["account_ledger_rows"] = ledger.count
            figures["account_ledger_end"] = await timed(
                pilot, watch, lambda: ledger.cursor == ledger.count - 1 and rows_on_screen(ledger), "end"
            )
            await pilot.press("escape")
            await settle(pilot)

            figures["filter_text"], figures["filter_text_totals"] = await filtered("hyra")
            figures["filter_text_rows"] = table.count
            figures["frames"] = watch.frames
        db.close()

    asyncio.run(run())
    return figures


# --- the report ---------------------------------------------------------------------------------


def _row(name: str, seconds: float, baseline: float | None, target: float | None) -> str:
    ratio = f"{seconds / baseline:.1f}" if baseline else ""
    verdict = "" if target is None else ("met" if seconds <= target else "MISSED")
    shown_target = "" if target is None else f"{target * 1000:.0f}"
    return f"{name:<44}{seconds * 1000:>10.1f}{ratio:>12}{shown_target:>11}  {verdict}"


def main() -> None:
    store = str(ensure_store())
    empty = measure("empty Textual app", JOBS, "empty_app")
    raw = measure("raw sqlite3 keyset pages", JOBS, "raw_pages", store)
    core_totals = measure("totals in core", JOBS, "totals", store)
    app = measure("bokslut analysis walk", JOBS, "analysis", store)
    report(empty, raw, app, core_totals)


def report(empty: Measurement, raw: Measurement, app: Measurement, core_totals: Measurement) -> None:
    d, b = app.detail, raw.detail
    page = b["next_page"]
    print(f"\nTransaction analysis over {d['rows']:,} rows ({SIZE[0]}x{SIZE[1]}, {d['rows_visible']} rows visible)")
    print(f"{'step':<44}{'ms':>10}{'x baseline':>12}{'target ms':>11}")
    print(_row("a) empty Textual app, first paint (baseline)", empty.detail["first_paint"], None, None))
    print(_row("b) raw sqlite3: first page, 200 rows (baseline)", b["first_page"], None, None))
    print(_row("   raw sqlite3: next page", b["next_page"], None, None))
    print(_row("   raw sqlite3: last page", b["last_page"], None, None))
    print(_row(f"   raw sqlite3: COUNT(*) ({b['count_rows']:,} rows)", b["count"], None, None))
    first = empty.detail["first_paint"]
    print(_row("start until Companies painted", d["first_screen"], first, TARGETS["first_screen"]))
    print(_row("t: analysis until rows painted", d["analysis_first_paint"], first, TARGETS["analysis_first_paint"]))
    print(_row("  ... until its totals are painted", d["totals_after_t"], first, None))
    print(_row("PageDown", d["page_down"], page, TARGETS["page_down"]))
    print(_row("PageDown again", d["page_down_2"], page, TARGETS["page_down"]))
    print(_row("End (last row)", d["end"], page, None))
    print(_row("Home", d["home"], page, None))
    account_rows = d["filter_account_rows"]
    print(_row(f"filter account:1930 ({account_rows:,} rows)", d["filter_account"], page, TARGETS["filter_account"]))
    print(_row("  ... until its totals are painted", d["filter_account_totals"], page, None))
    print(_row("  then End", d["filter_account_end"], page, None))
    print(_row(f"Enter: account 1930 ledger ({d['account_ledger_rows']:,})", d["account_ledger"], page, None))
    print(_row("  then End", d["account_ledger_end"], page, None))
    print(_row(f"filter text 'hyra' ({d['filter_text_rows']:,} rows)", d["filter_text"], page, TARGETS["filter_text"]))
    print(_row("  ... until its totals are painted", d["filter_text_totals"], page, None))
    t = core_totals.detail
    print(_row("totals in core: the whole year", t["none"], None, None))
    print(_row("totals in core: account:1930", t["account"], None, None))
    print(_row("totals in core: hyra", t["text"], None, None))
    rss_ok = "met" if app.peak_rss_mb <= TARGETS["peak_rss_mb"] else "MISSED"
    print(
        f"peak RSS {app.peak_rss_mb:.0f} MB (target <= {TARGETS['peak_rss_mb']} MB: {rss_ok}); "
        f"empty app {empty.peak_rss_mb:.0f} MB; raw sqlite3 {raw.peak_rss_mb:.0f} MB; {d['frames']} frames"
    )


if __name__ == "__main__":
    main()
