"""Fixtures for the Fortnox export: Nordljus connected to the sandbox and imported, its closing entries made
through core.closing, and the real `bokslut` command on the same data directory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from starlette.types import ASGIApp

from core import ledger
from core.closing.entries import EntryDraft, RowDraft, create_entry
from core.fortnox.importer import import_from_fortnox
from core.store.models import ClosingEntry, FiscalYear
from fortnox_sandbox.app import Sandbox
from fortnox_sandbox.serve import RunningSandbox, serve_in_background
from tests.fortnox.conftest import NORDLJUS, connected, fortnox_cli, free_port, sandbox  # noqa: F401 (fixtures)
from tests.fortnox_sandbox.openapi import assert_contract_kept

NORDLJUS_TENANT = 1105837
YEAR_2025_ID = 2  # Nordljus's Fortnox Id of 2025


def draft(text: str, *rows: tuple, date=None) -> EntryDraft:
    """Rows as (account, amount[, cost centre, project, text]): debit positive, credit negative."""
    made = []
    for account, amount, *rest in rows:
        cost_center, project, row_text = [*rest, *(None, None, "")[len(rest):]]
        amount = Decimal(amount)
        debit, credit = max(amount, Decimal(0)), max(-amount, Decimal(0))
        made.append(RowDraft(account, debit, credit, cost_center, project, row_text))
    return EntryDraft(date, text, tuple(made))


@contextmanager
def serving_behind(made: Sandbox, front: ASGIApp) -> Iterator[RunningSandbox]:
    """The sandbox over loopback with a test's own layer in front of it; every exchange, the settling reads too, is
    held to Fortnox's OpenAPI spec at the end."""
    with serve_in_background(front) as (port, _):
        yield RunningSandbox(
            base_url=f"http://127.0.0.1:{port}",
            redirect_uri=f"http://127.0.0.1:{free_port()}/callback",
            client_id=made.config.client_id,
            client_secret=made.config.client_secret,
            sandbox=made,
        )
    assert_contract_kept(made.exchanges)


@dataclass
class Nordljus:
    """The company as `bokslut` left it in cli.data_dir, opened here too so tests can add entries."""

    cli: object
    db: object
    company: object
    year: FiscalYear

    def add(self, entry: EntryDraft) -> ClosingEntry:
        return create_entry(self.db, self.company, self.year, entry)

    def export(self, *extra: str, series: str = "I"):
        return self.cli("export-fortnox", "--company", NORDLJUS, "--year", "2025", "--series", series, *extra)


@pytest.fixture
async def nordljus(fortnox_cli, connected) -> Nordljus:
    """Connected and imported in this process (fast: waits are on the sandbox clock), then used through `bokslut`.

    fortnox_cli comes first: it makes the data directory that `connected` then fills.
    """
    await import_from_fortnox(connected.db, connected.settings, connected.company)
    year = ledger.resolve_fiscal_year(connected.db, connected.company, 2025)
    return Nordljus(fortnox_cli, connected.db, connected.company, year)
