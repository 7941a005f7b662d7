"""An export that stops part-way keeps every entry's result in its activity entry: which were sent and as what, which
Fortnox refused and why, which were not exported. `bokslut export-fortnox` against the sandbox over loopback; the
connection expires in Fortnox right after the second voucher is answered, so the third POST meets 401 and the
renewal invalid_grant, as a lapsed consent does."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from textual.widgets import Static

from core.config import Settings
from fortnox_sandbox.app import SandboxConfig, create_sandbox
from tests.export.conftest import NORDLJUS_TENANT, YEAR_2025_ID, draft, serving_behind
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.app import BokslutApp
from tui.preferences import Preferences
from tui.screens.activity_detail import INDENT, ActivityDetailScreen

VOUCHERS = "/3/vouchers"


class ThenInFortnox:
    """In front of the sandbox: something that happens in Fortnox once the n-th voucher POST is committed, before
    its answer is complete, so the client's next request meets it whatever the timing."""

    def __init__(self, app) -> None:
        self.app = app
        self.posts = 0
        self.after: dict[int, Callable[[], None]] = {}

    async def __call__(self, scope, receive, send) -> None:
        if not (scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == VOUCHERS):
            await self.app(scope, receive, send)
            return
        self.posts += 1
        happening = self.after.pop(self.posts, None)

        async def answer(message) -> None:
            if happening is not None and message["type"] == "http.response.body" and not message.get("more_body"):
                happening()
            await send(message)

        await self.app(scope, receive, answer)


@pytest.fixture
def then_in_fortnox():
    return {}


@pytest.fixture
def sandbox(then_in_fortnox):
    config = SandboxConfig(vouchers_per_year=150, rate_limit=True, record_exchanges=True)
    made = create_sandbox(config)
    then_in_fortnox["posts"] = ThenInFortnox(made.app)
    with serving_behind(made, then_in_fortnox["posts"]) as running:
        yield running


async def test_an_export_that_stops_part_way_keeps_each_entrys_result_in_its_activity_entry(
    nordljus, sandbox, then_in_fortnox
):
    sent = nordljus.add(draft("Avskrivning inventarier 2025", ("7832", "12000.00"), ("1229", "-12000.00")))
    refused = nordljus.add(draft("Förutbetald hyra", ("1790", "8000.00"), ("6110", "-8000.00")))
    stopped_at = nordljus.add(draft("Skatt på årets resultat", ("8910", "51234.00"), ("2512", "-51234.00")))
    untried = nordljus.add(draft("Upplupen revision", ("6420", "3500.50"), ("2990", "-3500.50")))
    chart = sandbox.sandbox.company(NORDLJUS_TENANT).chart(YEAR_2025_ID)
    posts = then_in_fortnox["posts"]
    posts.after[1] = lambda: chart.update({6110: dataclasses.replace(chart[6110], active=False)})  # after preflight
    posts.after[2] = lambda: sandbox.sandbox.oauth.expire_consents(NORDLJUS_TENANT)

    export = nordljus.export("--yes")
    assert export.returncode == 2 and "reconnect" in export.stderr.splitlines()[-1], export.stderr
    assert [voucher.number for voucher in sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)] == [1]

    not_exported = "not exported: the export stopped before it; export again to send it"
    expected = [
        f"entry {sent.id}: sent as I 1",
        f"entry {refused.id}: Fortnox refused the voucher",
        f"entry {stopped_at.id}: {not_exported}",
        f"entry {untried.id}: {not_exported}",
    ]
    printed = nordljus.cli("activity", "--kind", "export")
    assert printed.returncode == 0
    lines = printed.stdout.splitlines()
    assert "failed" in lines[0] and "The connection to Fortnox has expired" in lines[0]  # the newest entry first
    assert [line[: len(want)] for line, want in zip(lines[1:5], expected)] == expected
    assert lines[2].endswith("(code 2000550): Konto 6110 är inte aktivt")  # Fortnox's own reason, as it said it
    (stored,) = nordljus.cli("activity", "--kind", "export", "--json").json()
    assert stored["status"] == "failed" and stored["counts"]["sent"] == 1 and stored["counts"]["failed"] == 1

    app = BokslutApp(nordljus.db, Settings(data_dir=nordljus.cli.data_dir, config_file=None), Preferences("en", {}))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3", "enter")  # the newest task: this export
        assert isinstance(app.screen, ActivityDetailScreen)
        shown = str(app.screen.query_one("#activity-detail", Static).content)
    assert "failed" in shown and "The connection to Fortnox has expired" in shown
    results = shown.split("Each entry's result\n")[1].splitlines()
    assert [line[: len(INDENT + want)] for line, want in zip(results, expected)] == [INDENT + w for w in expected]
