"""A company's data source and its Fortnox connection in words: the import settings, the new year and the overview
say them alike, so they live beside those screens, not inside one of them."""

from __future__ import annotations

from rich.text import Text

from core import ledger
from core.store.models import Company
from tui.fortnox import FortnoxStatus
from tui.i18n import t, tn

CONNECTION_STYLES = {"connected": "green", "expired": "bold yellow", "disconnected": "dim"}
CONNECTION_TEXTS = {"expired": "fortnox.expired", "disconnected": "fortnox.disconnected"}
SOURCE_TEXTS = {"sie-file": "source.sie_file", "fortnox": "source.fortnox"}  # one for each of core.ledger.SOURCES


def source_name(source: str) -> str:
    return t(SOURCE_TEXTS[source]) if source in SOURCE_TEXTS else source


def source_choices(current: str) -> Text:
    """"(•) Fortnox  ( ) SIE file": the same switch in the import settings and where a new year is started."""
    text = Text()
    for source in ledger.SOURCES:
        mark = "(•)" if source == current else "( )"
        text.append(f"  {mark} {source_name(source)}", style="bold" if source == current else "")
    return text


def other_source(current: str) -> str:
    """The source `d` switches to: the next of core.ledger.SOURCES."""
    choices = ledger.SOURCES
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else choices[0]


def set_company_source(db, company_id: int, source: str) -> None:
    """In a worker, inside a store connection."""
    ledger.set_source(db, Company.get_by_id(company_id), source)


def connection_text(status: FortnoxStatus) -> Text:
    """"connected, 28 days left", "connected (service account)", "expired: connect again" or "not connected"."""
    if status.connection == "connected" and status.service_account:
        words = t("fortnox.connected_service")
    elif status.connection == "connected":
        words = tn("fortnox.connected_days", status.days_left, days=status.days_left)
    else:
        words = t(CONNECTION_TEXTS.get(status.connection, "fortnox.disconnected"))
    return Text(words, style=CONNECTION_STYLES.get(status.connection, ""))
