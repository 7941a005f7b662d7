"""The question before an import from Fortnox replaces years whose books came from another source (a SIE file):
it names the years and says how many vouchers go, and only yes imports."""

from __future__ import annotations

import datetime as dt

from core import ledger
from core.store.models import Company
from tui.i18n import t, tn
from tui.screens.confirm import ConfirmScreen


def import_from_fortnox_asking(screen, company_id: int, org_number: str) -> None:
    """`screen` (a BokslutScreen) reads the years in its worker; the app runs the import once answered."""
    db, app = screen.db, screen.app

    def replaced() -> list[ledger.YearSource]:
        return ledger.replaced_by_fortnox(db, Company.get_by_id(company_id), dt.date.today())

    def ask(years: list[ledger.YearSource]) -> None:
        if not any(year.vouchers for year in years):
            app.start_fortnox_import(company_id, org_number)
            return
        named = ", ".join(t("start.year_from_file", start=year.start, end=year.end, file=year.file_name)
                          for year in years)  # fmt: skip
        question = tn("start.replace_other_source", sum(year.vouchers for year in years), years=named)

        def answered(yes: bool | None) -> None:
            if yes:
                app.start_fortnox_import(company_id, org_number)

        app.push_screen(ConfirmScreen(question), answered)

    screen.run_query(replaced, ask, group="replaced")
