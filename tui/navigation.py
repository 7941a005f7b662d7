"""Where a screen can lead. A screen asks the app to go to a place by name, `self.app.go(Place.OVERVIEW,
company_id=...)`, and never imports another screen: the app makes the place's screen from the context given, so the
screens import no circle, and a screen's module (the closing screens, the Fortnox client behind the series dialog)
loads only when someone first goes there.

Dialogs that answer the screen that asks (ConfirmScreen's yes or no, the closing screen's template picker) are no
places: the asking screen makes them itself."""

from __future__ import annotations

import importlib
from enum import StrEnum

from textual.screen import Screen


class Place(StrEnum):
    COMPANIES = "companies"
    NEW_COMPANY = "new_company"
    OVERVIEW = "overview"
    NEW_YEAR = "new_year"
    SETTINGS = "settings"
    APP_SETTINGS = "app_settings"
    CONNECT = "connect"
    TRIAL_BALANCE = "trial_balance"
    TRANSACTIONS = "transactions"
    ACCOUNT = "account"
    VOUCHER = "voucher"
    CLOSING = "closing"
    ACTIVITY_DETAIL = "activity_detail"
    CLOSING_HISTORY = "closing_history"
    ENTRY_EDITOR = "entry_editor"
    SERIES = "series"
    CHECKS = "checks"
    CHECK_ROWS = "check_rows"
    CHECK_SETTINGS = "check_settings"
    NEW_CHECK = "new_check"
    PERIODS = "periods"
    REPORTS = "reports"
    TAX = "tax"
    RECONCILE = "reconcile"
    RECONCILE_ACCOUNT = "reconcile_account"
    RECONCILE_VAT = "reconcile_vat"
    RECONCILE_VAT_YEAR = "reconcile_vat_year"
    RECONCILE_ANALYSIS = "reconcile_analysis"


# Each place's screen as "module:class", imported on the first visit.
SCREENS: dict[Place, str] = {
    Place.COMPANIES: "tui.screens.companies:CompaniesScreen",
    Place.NEW_COMPANY: "tui.screens.new_company:NewCompanyScreen",
    Place.OVERVIEW: "tui.screens.overview:OverviewScreen",
    Place.NEW_YEAR: "tui.screens.new_year:NewYearScreen",
    Place.SETTINGS: "tui.screens.settings:SettingsScreen",
    Place.APP_SETTINGS: "tui.screens.app_settings:AppSettingsScreen",
    Place.CONNECT: "tui.screens.connect:ConnectScreen",
    Place.TRIAL_BALANCE: "tui.screens.trial_balance:TrialBalanceScreen",
    Place.TRANSACTIONS: "tui.screens.transactions:TransactionsScreen",
    Place.ACCOUNT: "tui.screens.account:AccountScreen",
    Place.VOUCHER: "tui.screens.voucher:VoucherScreen",
    Place.CLOSING: "tui.screens.closing:ClosingScreen",
    Place.ACTIVITY_DETAIL: "tui.screens.activity_detail:ActivityDetailScreen",
    Place.CLOSING_HISTORY: "tui.screens.closing_history:ClosingHistoryScreen",
    Place.ENTRY_EDITOR: "tui.screens.closing_editor:EntryEditorScreen",
    Place.SERIES: "tui.screens.series:SeriesScreen",
    Place.CHECKS: "tui.screens.checks:ChecksScreen",
    Place.CHECK_ROWS: "tui.screens.checks:CheckRowsScreen",
    Place.CHECK_SETTINGS: "tui.screens.checks:CheckSettingsScreen",
    Place.NEW_CHECK: "tui.screens.check_settings:NewCheckScreen",
    Place.PERIODS: "tui.screens.periods:PeriodsScreen",
    Place.REPORTS: "tui.screens.reports:ReportsScreen",
    Place.TAX: "tui.screens.tax:TaxScreen",
    Place.RECONCILE: "tui.screens.reconcile:ReconcileScreen",
    Place.RECONCILE_ACCOUNT: "tui.screens.reconcile:ReconcileAccountScreen",
    Place.RECONCILE_VAT: "tui.screens.reconcile:ReconcileVatScreen",
    Place.RECONCILE_VAT_YEAR: "tui.screens.reconcile:ReconcileVatYearScreen",
    Place.RECONCILE_ANALYSIS: "tui.screens.reconcile:ReconcileAnalysisScreen",
}


def screen_class(place: Place) -> type[Screen]:
    module, _, name = SCREENS[place].partition(":")
    return getattr(importlib.import_module(module), name)


def make_screen(place: Place, **context: object) -> Screen:
    """The screen of `place`, made from its context (the company, the year, the entry, ...)."""
    return screen_class(place)(**context)
