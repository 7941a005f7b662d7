"""The reconciliation screens in the real app, driven by Pilot, over the ~1.6 million-row year of
bench.tui_analysis, beside the transaction analysis' first paint and PageDown measured in the same process.

One job: open the company, then time `a` (the grid: every balance account of every period, its mark computed, until
painted), Enter on 1930 in the period at work (its reconciliation until painted), Enter on 2650 (an account the
books specify themselves, its settlements matched over the year), then `t` on the overview (the analysis until its
rows are painted) and PageDown. Issue 17 asks that the reconciliation screens stay as fast as the analysis.

The app's overview reads the period at work's progress as it opens, which sums the year's books once and keeps
them (core.reconcile.books); the grid then starts from those sums. Two more jobs, each in a fresh process, time the
reads outside the app from nothing kept: the grid's read twice (the second finds the year's sums kept), and an
account's read on its own (what `bokslut reconcile show` pays). Last, the commands themselves, `bokslut reconcile
show` and `list`, beside `bokslut --help` (the interpreter and the program's imports) in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from bench.measure import measure
from bench.tui_analysis import SIZE, PaintWatch, ensure_store, rows_on_screen
from tests.tui.pilot import settle

JOBS = "bench.reconcile"


def reconcile(store: str) -> dict:
    import asyncio

    from core.config import Settings
    from core.store.db import open_store
    from tui.app import BokslutApp
    from tui.preferences import Preferences
    from tui.screens.overview import OverviewScreen
    from tui.screens.reconcile import ReconcileAccountScreen, ReconcileScreen
    from tui.screens.transactions import TransactionsScreen
    from tui.widgets.line_table import LineTable
    from tui.widgets.row_table import RowTable

    figures: dict[str, float | int] = {}

    async def timed(pilot, watch, condition, *keys: str) -> float:
        watch.expect(condition)
        pressed = time.perf_counter()
        await pilot.press(*keys)
        seconds = await watch.painted(pilot, pressed)
        await settle(pilot)
        return seconds

    async def run() -> None:
        db = open_store(Path(store))
        app = BokslutApp(db, Settings(data_dir=Path(store).parent, config_file=None), Preferences("en", {}))
        watch = PaintWatch(app)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            while not (isinstance(app.screen, OverviewScreen) and app.screen.overview is not None):
                await pilot.pause()
            await settle(pilot)

            def grid_shown() -> bool:
                screen = app.screen
                return isinstance(screen, ReconcileScreen) and screen.query_one(RowTable).row_count > 0

            figures["grid"] = await timed(pilot, watch, grid_shown, "a")
            grid = app.screen
            figures["grid_accounts"] = len(grid.grid.accounts)
            figures["grid_periods"] = len(grid.grid.periods)

            def detail_shown(scope: str):
                def shown() -> bool:
                    screen = app.screen
                    return isinstance(screen, ReconcileAccountScreen) and screen.detail is not None and (
                        screen.detail.scope == scope)
                return shown

            table = grid.query_one(RowTable)
            for scope in ("1930", "2650"):
                row = [s for s, _ in grid.grid.accounts].index(scope)
                table.move_cursor(row=row, column=grid.grid.at_work + 1)
                await settle(pilot)
                figures[f"detail_{scope}"] = await timed(pilot, watch, detail_shown(scope), "enter")
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)

            def analysis_shown() -> bool:
                screen = app.screen
                return isinstance(screen, TransactionsScreen) and rows_on_screen(screen.query_one(LineTable))

            figures["analysis_first_paint"] = await timed(pilot, watch, analysis_shown, "t")
            rows = app.screen.query_one(LineTable)
            figures["rows"] = rows.count
            figures["page_down"] = await timed(
                pilot, watch, lambda: rows.cursor == rows._rows_visible and rows_on_screen(rows), "pagedown")
        db.close()

    asyncio.run(run())
    return figures


def reads(store: str) -> dict:
    """The grid's read from nothing kept, then again, then 1930's and the progress of the period at work."""
    from core.reconcile.report import progress_at_work
    from core.store.db import open_store
    from core.store.models import FiscalYear
    from tui.screens.reconcile import read_detail, read_grid

    db = open_store(Path(store))
    year = max(FiscalYear.select(), key=lambda y: y.end)
    figures = {}
    for name, read in (
        ("grid_cold", lambda: read_grid(db, year.id)),
        ("grid_again", lambda: read_grid(db, year.id)),
        ("detail_1930", lambda: read_detail(db, year.id, f"{year.start:%Y%m}", "1930")),
        ("progress", lambda: progress_at_work(db, year.id)),
    ):
        start = time.perf_counter()
        read()
        figures[name] = time.perf_counter() - start
    db.close()
    return figures


def detail_alone(store: str) -> dict:
    """1930's reconciliation read first thing in a process: the year's sums are not kept yet."""
    from core.store.db import open_store
    from core.store.models import FiscalYear
    from tui.screens.reconcile import read_detail

    db = open_store(Path(store))
    year = max(FiscalYear.select(), key=lambda y: y.end)
    start = time.perf_counter()
    read_detail(db, year.id, f"{year.start:%Y%m}", "1930")
    seconds = time.perf_counter() - start
    db.close()
    return {"detail_cold": seconds}


def command_seconds(*args: str) -> float:
    """The best of three runs of the installed command, each a new process (the store's pages in the OS cache)."""
    command = [str(Path(sys.executable).with_name("bokslut")), *args]
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def commands(store: Path) -> dict[str, float]:
    """The CLI over the bench store: a data directory of its own whose store file links to it."""
    data_dir = store.parent / "cli"
    data_dir.mkdir(exist_ok=True)
    link = data_dir / "bokslut.sqlite3"
    if not link.is_symlink():
        link.symlink_to(store.resolve())
    year = ("--data-dir", str(data_dir), "reconcile")
    place = ("--year", "2025", "--period", "2025-03")
    return {
        "help": command_seconds("--help"),
        "show": command_seconds(*year, "show", *place, "--account", "1930"),
        "list": command_seconds(*year, "list", *place),
    }


def main() -> None:
    store = str(ensure_store())
    job = measure("bokslut reconciliation walk", JOBS, "reconcile", store)
    d = job.detail
    print(f"\nReconciliation screens over {d['rows']:,} rows ({SIZE[0]}x{SIZE[1]}), in the same process as the analysis")
    print(f"{'step':<52}{'ms':>10}{'x analysis':>12}")
    first = d["analysis_first_paint"]
    for name, value in (
        (f"a: grid painted ({d['grid_accounts']} accounts x {d['grid_periods']} periods)", d["grid"]),
        ("Enter: 1930 in the period at work painted", d["detail_1930"]),
        ("Enter: 2650 (specified by the books) painted", d["detail_2650"]),
        ("t: analysis until rows painted (same run)", first),
        ("PageDown in the analysis (same run)", d["page_down"]),
    ):
        print(f"{name:<52}{value * 1000:>10.1f}{value / first:>12.1f}")
    print(f"peak RSS {job.peak_rss_mb:.0f} MB")
    outside = measure("reconciliation reads", JOBS, "reads", store).detail
    outside |= measure("an account alone", JOBS, "detail_alone", store).detail
    print("\nThe reads outside the app, fresh processes")
    for name, value in (
        ("grid, nothing kept", outside["grid_cold"]),
        ("grid again, the year's sums kept", outside["grid_again"]),
        ("1930 in the first period, sums kept", outside["detail_1930"]),
        ("progress of the period at work, sums kept", outside["progress"]),
        ("1930 first thing in a process", outside["detail_cold"]),
    ):
        print(f"{name:<52}{value * 1000:>10.1f}{value / first:>12.1f}")
    cli = commands(Path(store))
    print(f"\nThe commands, best of three each (x bokslut --help)\n{'command':<52}{'ms':>10}{'x --help':>12}")
    for name, value in (
        ("bokslut --help (baseline)", cli["help"]),
        ("bokslut reconcile show --account 1930 (2025-03)", cli["show"]),
        ("bokslut reconcile list (2025-03)", cli["list"]),
    ):
        print(f"{name:<52}{value * 1000:>10.1f}{value / cli['help']:>12.1f}")


if __name__ == "__main__":
    main()
