"""Reports for the accountant: trial balance (saldobalans), income statement (resultaträkning) and balance
sheet (balansräkning), grouped the BAS way, with the previous year beside them; written as JSON, CSV or XLSX.

Signs: the trial balance shows the books' own signs (debit positive, credit negative). The statements show
amounts as Swedish statements do: in the income statement income is positive and costs negative, so the lines
add up to the year's result; in the balance sheet assets, equity and liabilities are all positive, so
Summa tillgångar equals Summa eget kapital och skulder.
"""

from core.reports.statements import (
    REPORT_KINDS,
    Column,
    Report,
    ReportRow,
    balance_sheet,
    build_report,
    income_statement,
    trial_balance_report,
)

__all__ = [
    "REPORT_KINDS",
    "Column",
    "Report",
    "ReportRow",
    "balance_sheet",
    "build_report",
    "income_statement",
    "trial_balance_report",
]
