"""The activity log's detail (F3, then Enter): one task with its whole message, counts, each exported entry's result
and each step's time, as `bokslut activity --json` has them; wrapped, never cut, at 80x24."""

from __future__ import annotations

import re

from textual.containers import VerticalScroll
from textual.widgets import Static

from core.activity import list_activity
from tests.export.conftest import draft, nordljus  # noqa: F401 (the fixture: Nordljus connected and imported)
from tests.export.conftest import connected, fortnox_cli, sandbox  # noqa: F401 (the fixtures nordljus needs)
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.i18n import format_count, set_language
from tui.screens.activity_detail import ActivityDetailScreen, detail_text


async def test_f3_then_enter_shows_the_import_in_full_at_80x24(make_app, demo_store, demo_file):
    vouchers, transactions = demo_store.execute_sql(
        "SELECT (SELECT COUNT(*) FROM voucher), (SELECT COUNT(*) FROM voucher_row WHERE kind = 'TRANS')"
    ).fetchone()
    app = make_app(demo_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3", "enter")
        screen = app.screen
        assert isinstance(screen, ActivityDetailScreen)
        shown = str(screen.query_one("#activity-detail", Static).content)
        assert f"{format_count(vouchers)} vouchers" in shown and f"{format_count(transactions)} transactions" in shown
        (stored,) = list_activity(demo_store)
        assert stored.message.startswith(f"{demo_file.name}: ") and f"\n  {stored.message}" in shown  # all of it
        box = screen.query_one(VerticalScroll)
        assert app.focused is box  # the arrows and PageDown scroll it
        assert box.virtual_size.height > shown.count("\n") + 1  # every line, the long ones wrapped, none cut
        await press(pilot, "escape")
        assert not isinstance(app.screen, ActivityDetailScreen)


def test_a_fortnox_import_shows_its_steps_and_an_export_each_entrys_result(nordljus):  # noqa: F811
    nordljus.add(draft("Skatt på årets resultat", ("8910", "51234.00"), ("2512", "-51234.00")))
    assert nordljus.export("--yes").returncode == 0
    printed = {item["kind"]: item for item in nordljus.cli("activity", "--json").json()}
    entries = {entry.message_key: entry for entry in list_activity(nordljus.db)}

    imported = detail_text(entries["import_fortnox"]).plain
    steps = printed["import"]["message"].split("Steps: ")[1].split("; ")  # "fetch 2025 0.3 s; store 0.1 s"
    assert len(steps) > 1 and all(f"\n  {step}" in imported for step in steps)
    assert f"{printed['import']['counts']['requests']} requests" in imported

    exported = detail_text(entries["export_fortnox"]).plain
    results = printed["export"]["message"].split("\n")[1:]  # the CLI's lines after the summary, one per entry
    assert results and all(f"\n  {line}" in exported for line in results)
    assert "1 sent" in exported

    set_language("sv")
    try:
        swedish = detail_text(entries["import_fortnox"]).plain
        swedish_export = detail_text(entries["export_fortnox"]).plain
    finally:
        set_language("en")
    assert "Steg och tider" in swedish and "Steps" not in swedish and " anrop" in swedish
    sent = [re.fullmatch(r"entry (\d+): sent as (\S+) (\d+)", line).groups() for line in results]
    assert all(f"\n  post {entry}: skickad som {series} {number}" in swedish_export for entry, series, number in sent)
    assert "sent as" not in swedish_export
