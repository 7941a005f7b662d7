"""Walks through the real app in a real terminal (tmux), as accountants over SSH meet it: keys sent the way a
terminal sends them, a burst in one write included, at 80x24 in Swedish and 120x40 in English; one walk for each
section of issue 18 (Trust, Finding things, Flow)."""

from __future__ import annotations

import shlex

import pytest

from core.analysis import TransactionQuery
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from core.store.models import Company
from tests.tui.test_tmux import Tmux, bokslut_command, pytestmark, tmux  # noqa: F401 (the fixture; no tmux: skip)
from tui.widgets.ledger_columns import voucher_label

# The two ways the issue asks for: Swedish at 80x24 and English at 120x40
WALKS = [("sv", (80, 24)), ("en", (120, 40))]
WORDS = {
    "sv": {
        "overview": "Översikt", "keys": ("k Kontroller", "p Perioder", "r Rapporter"), "row": "Rad", "of": "av",
        "account": "Kontoanalys", "tasks": "Systemuppgifter", "detail": "Uppgift: import", "counts": "verifikationer",
        "balance_sheet": "Balansräkning", "written": "Skriven:",
    },
    "en": {
        "overview": "Overview", "keys": ("k Checks", "p Periods", "r Reports"), "row": "Row", "of": "of",
        "account": "Account analysis", "tasks": "System tasks", "detail": "Task: import", "counts": "vouchers",
        "balance_sheet": "Balance sheet", "written": "Written:",
    },
}


def start(tmux: Tmux, data_dir, tmp_path, language: str, size: tuple[int, int]) -> None:  # noqa: F811
    config = tmp_path / "config.toml"
    config.write_text(f'language = "{language}"\n', encoding="utf-8")
    command = ["env", f"BOKSLUT_CONFIG={config}", *bokslut_command(), "--data-dir", str(data_dir)]
    width, height = size
    tmux.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "app", shlex.join(command))


@pytest.fixture
def other_company(data_dir, tmp_path):
    """A store with one company that is not Nordljus, so the list has the cursor when the app starts."""
    spec = DemoSpec(name="Fjällgården AB", org_number="556677-8899", years=1, vouchers_per_year=60)
    db = open_store(data_dir / "bokslut.sqlite3")
    import_sie(db, write_demo_sie(spec, tmp_path / "fjallgarden.se"))
    db.close()


@pytest.mark.parametrize(("language", "size"), WALKS)
def test_a_burst_in_one_write_fills_the_new_company_form_field_by_field(
    tmux, data_dir, tmp_path, other_company, language, size  # noqa: F811
):
    """Trust."""
    start(tmux, data_dir, tmp_path, language, size)
    tmux.wait_for("Fjällgården AB")
    tmux.keys("n")
    tmux.keys("Nordljus Konsult AB\t5561234567", literal=True)  # one write, the Tab inside it
    shown = tmux.wait_for("5561234567")
    assert "Nordljus Konsult AB5561234567" not in shown
    tmux.keys("Enter")
    tmux.wait_for("556123-4567")  # created: the start guide goes on with the new company
    db = open_store(data_dir / "bokslut.sqlite3")
    company = Company.get(Company.org_number == "5561234567")
    assert (company.name, company.org_number) == ("Nordljus Konsult AB", "5561234567")
    db.close()


@pytest.fixture
def demo_books(data_dir, demo_file):
    """The demo company imported, as `make demo` leaves it; the year's id."""
    db = open_store(data_dir / "bokslut.sqlite3")
    year_id = import_sie(db, demo_file).fiscal_year_id
    db.close()
    return year_id


@pytest.mark.parametrize(("language", "size"), WALKS)
def test_finding_things_the_main_keys_a_transaction_in_its_account_and_a_task_in_full(
    tmux, data_dir, tmp_path, demo_books, demo_file, language, size  # noqa: F811
):
    words = WORDS[language]
    start(tmux, data_dir, tmp_path, language, size)
    tmux.wait_for("Nordljus Konsult AB")
    tmux.keys("Enter")
    shown = tmux.wait_for(words["keys"][-1])  # the overview's main keys are in its footer, not only in F1
    assert all(key in shown for key in words["keys"]), shown

    db = open_store(data_dir / "bokslut.sqlite3")
    rows = TransactionQuery(db, demo_books).page_after(None, 10**6)
    db.close()
    busiest = max({row.account for row in rows}, key=lambda account: sum(row.account == account for row in rows))
    row_number = max(number for number, row in enumerate(rows, start=1) if row.account == busiest) - 1
    row = rows[row_number - 1]  # late in the year, in its busiest account: far below its analysis' first screen
    assert sum(other.account == busiest and other.date < row.date for other in rows) > 40
    tmux.keys("t")
    tmux.wait_for(f"{words['row']} 1 {words['of']} {len(rows)}")
    tmux.keys("End", *["Up"] * (len(rows) - row_number))
    tmux.wait_for(f"{words['row']} {row_number} {words['of']} {len(rows)}")
    tmux.keys("Enter")  # the account analysis opens on that very row: its date and voucher are on screen
    tmux.wait_for(f"{words['account']} {row.account}")
    shown = tmux.wait_for(f"{row.date.isoformat()} {voucher_label(row)}")  # its page read and painted
    lines = [line for line in shown.splitlines() if row.date.isoformat() in line and voucher_label(row) in line]
    assert lines, shown

    tmux.keys("F3")
    tmux.wait_for(words["tasks"])
    tmux.keys("Enter")  # the import in full: its counts and its whole message, wrapped, nothing cut
    shown = tmux.wait_for(words["detail"])
    assert f"{demo_file.name}: Nordljus Konsult AB" in shown and words["counts"] in shown, shown


@pytest.mark.parametrize(("language", "size"), WALKS)
def test_flow_a_report_is_named_by_its_company(tmux, data_dir, tmp_path, demo_books, language, size):  # noqa: F811
    """Two companies' balance sheets of one year must not overwrite each other."""
    words = WORDS[language]
    start(tmux, data_dir, tmp_path, language, size)
    tmux.wait_for("Nordljus Konsult AB")
    tmux.keys("Enter")
    tmux.wait_for(words["keys"][-1])
    tmux.keys("r")
    tmux.keys("3")
    tmux.wait_for(words["balance_sheet"])
    tmux.keys("w")  # the suggested file name, then Enter writes it
    tmux.keys("Enter")
    tmux.wait_for(words["written"])
    assert [path.name for path in data_dir.glob("*.xlsx")] == ["nordljus-konsult-ab-balance-sheet-2025-preliminary.xlsx"]
