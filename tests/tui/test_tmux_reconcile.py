"""Issue 17's walk in a real terminal (tmux): the demo company's bank account reconciled for January with a statement
line that leaves a difference, the difference booked as a closing entry against the offset account suggested (the
accountant's choice for 1930 last year), signed, the period locked from the periods screen, and its reconciliation
then frozen; at 80x24 in Swedish and at 120x40 in English, every figure whole on its line. The store is then read
through the CLI."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal

import pytest

from tests.reconcile.test_cli import SieBook
from tests.tui.catalogs import texts
from tests.tui.test_tmux import bokslut_command, pytestmark, tmux  # noqa: F401 (the fixture; no tmux: skip)
from tests.tui.test_tmux_walks import WALKS, demo_books, start  # noqa: F401 (the fixture)
from tui.i18n import format_money, set_language

JANUARY_END = dt.date(2025, 1, 31)
FEE = Decimal("125.40")  # the statement says this much less than the books: a bank fee not booked
ENTRY_TEXT = "Avstämningsdifferens 1930 2025-01"  # core's text for the entry, the same in both languages


def cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*bokslut_command(), "--data-dir", str(data_dir), *args], capture_output=True, text=True,
                          check=False)


def cli_json(data_dir, *args: str):
    run = cli(data_dir, *args, "--json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture
def last_year_choice(data_dir, demo_books):  # noqa: F811
    """December 2024's bank difference booked against 6570 through the CLI: the choice suggested for 1930 now."""
    place = ("--year", "2024", "--period", "2024-12", "--account", "1930")
    balance = Decimal(cli_json(data_dir, "reconcile", "show", *place)["balance"])
    assert cli(data_dir, "reconcile", "add-line", *place, "--amount", str(balance - Decimal("95.00")),
               "--reference", "Kontoutdrag 2024-12").returncode == 0  # fmt: skip
    assert cli(data_dir, "reconcile", "to-entry", *place, "--offset", "6570").returncode == 0


@pytest.fixture
def words():
    """The screen's texts as the catalogs (read with Babel) say them, and amounts as the app writes them."""
    language = "en"

    def say(key: str, **params) -> str:
        return texts(language)[key][0].format(**params)

    def money(amount: Decimal) -> str:
        set_language(language)
        return format_money(amount)

    def choose(chosen: str):
        nonlocal language
        language = chosen
        return say, money

    yield choose
    set_language("en")


class OneLine:
    """For Tmux.wait_for: a screen with a line that holds all of `parts` (a table row painted apart from the
    summary above it)."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts

    def __call__(self, screen: str) -> bool:
        return any(all(part in line for part in self.parts) for line in screen.splitlines())

    def __repr__(self) -> str:
        return f"one line holding {self.parts}"


def line_with(screen: str, *parts: str) -> str:
    """The one screen line that holds all of `parts`: a figure and its label are never wrapped apart."""
    found = [line for line in screen.splitlines() if all(part in line for part in parts)]
    assert found, f"no line holds {parts}; the screen was:\n{screen}"
    return found[0]


@pytest.mark.parametrize(("language", "size"), WALKS)
def test_reconcile_the_bank_book_the_difference_sign_and_lock_the_period(
    tmux, data_dir, tmp_path, demo_file, last_year_choice, words, language, size  # noqa: F811
):
    say, money = words(language)
    january = SieBook(demo_file).balance("1930", JANUARY_END)  # the books' balance, summed here from the file
    statement = january - FEE
    bank_name = next(account["name"] for account in cli_json(
        data_dir, "reconcile", "show", "--year", "2025", "--period", "2025-01", "--account", "1930")["accounts"])
    scopes = [row["scope"] for row in cli_json(
        data_dir, "reconcile", "list", "--year", "2025", "--period", "2025-01")["reconciliations"]]  # fmt: skip
    start(tmux, data_dir, tmp_path, language, size)
    tmux.wait_for("Nordljus Konsult AB")
    tmux.keys("Enter")

    def progress(period: str) -> str:
        """The overview's reconciliation line up to its figures: "Reconciliation 2025-01: "."""
        return say("overview.reconcile_progress", period=period, accounts="\n", differences="").split("\n")[0]

    tmux.wait_for(progress("2025-01"))  # the overview has read its year: a opens the grid now

    tmux.keys("a")  # the grid: every balance account by the year's periods, the cursor on January's column
    tmux.wait_for(say("reconcile.title_year", company="Nordljus Konsult AB", start="2025-01-01", end="2025-12-31"))
    tmux.keys(*["Down"] * scopes.index("1930"))
    cell = f"1930 {bank_name}  2025-01: "
    tmux.wait_for(cell + say("reconcile.mark_not_started"))

    tmux.keys("Enter")  # 1930 in January: the books' balance, nothing specified yet, last year's offset suggested
    tmux.wait_for(say("reconcile.account_title_period", scope="1930", name=bank_name, period="2025-01"))
    shown = tmux.wait_for(say("reconcile.suggested_offset", account="6570", source=say("reconcile.offset_last_choice")))
    line_with(shown, say("reconcile.balance", balance=money(january)))
    line_with(shown, say("reconcile.specified", specified=money(Decimal(0)), basis=say("reconcile.basis_none")))
    line_with(shown, say("reconcile.difference", difference=money(january)))

    tmux.keys("a")  # a line: the statement's balance, its reference and date
    tmux.wait_for(say("reconcile.line_title", scope="1930"))
    typed = str(statement) if language == "en" else str(statement).replace(".", ",")
    for value in (typed, "Kontoutdrag 2025-01", "2025-01-31"):  # amount, reference, date; no comment
        tmux.keys(value, literal=True)
        tmux.keys("Enter")
    tmux.keys("Enter")
    tmux.wait_for(say("reconcile.line_added", amount=money(statement)))
    tmux.wait_for(say("reconcile.difference", difference=money(FEE)))  # read again once the change is in
    tmux.wait_for(OneLine("2025-01-31", "Kontoutdrag 2025-01", money(statement)))

    tmux.keys("b")  # the difference as a closing entry: the field asks for the offset, the suggestion in it
    tmux.wait_for(say("reconcile.offset_placeholder"))  # the status line says what the field asks
    tmux.wait_for(lambda shown: any(line.strip() == "6570" for line in shown.splitlines()))  # the field, filled
    tmux.keys("Enter")
    tmux.wait_for(f'"{ENTRY_TEXT}"')  # asked first, naming the entry
    tmux.keys("y")
    tmux.wait_for(say("reconcile.booked", text=ENTRY_TEXT))
    shown = tmux.wait_for(say("reconcile.balance", balance=money(statement)))  # the entry is in the books now
    line_with(shown, say("reconcile.specified", specified=money(statement), basis=say("reconcile.basis_manual")))
    line_with(shown, say("reconcile.difference", difference=money(Decimal(0))))
    line_with(shown, say("reconcile.entry", entry=""))

    tmux.keys("s")  # signed as reconciled
    tmux.wait_for(say("reconcile.signed"))
    shown = tmux.wait_for("✓ " + say("reconcile.mark_reconciled"))
    line_with(shown, "✓ " + say("reconcile.mark_reconciled"), say("reconcile.entry", entry=""))
    tmux.keys("Escape")  # the grid again, its cursor where it was, the cell's mark changed
    tmux.wait_for(cell + say("reconcile.mark_reconciled"))

    tmux.keys("Escape")  # alone: Escape and a key in one write are Alt and that key
    tmux.wait_for(f"p {say('key.periods')}")
    tmux.keys("p")  # the periods screen: January is the first to lock
    tmux.wait_for(f"l {say('key.lock')}")
    tmux.keys("l")
    tmux.wait_for(say("periods.ask_lock", period="2025-01"))
    tmux.keys("y")
    tmux.wait_for(say("periods.locked", period="2025-01"))

    tmux.keys("Escape")
    tmux.wait_for(progress("2025-02"))  # the overview's progress has moved on to February
    tmux.keys("a")  # the grid opens on February now; January's 1930 is frozen
    tmux.wait_for("  2025-02: ")  # the cell line, on the first account
    tmux.keys(*["Down"] * scopes.index("1930"), "Left")
    tmux.wait_for(f"{cell}{say('reconcile.mark_reconciled')}  {say('reconcile.locked')}")
    tmux.keys("Enter")
    tmux.wait_for(say("reconcile.locked_read_only"))
    tmux.wait_for(OneLine("2025-01-31", "Kontoutdrag 2025-01", money(statement)))
    shown = tmux.wait_for(f"u {say('key.unlock')}")  # the footer offers unlocking and no change
    footer = line_with(shown, f"u {say('key.unlock')}")
    assert f"a {say('key.reconcile_line')}" not in footer, footer
    assert f"b {say('key.reconcile_book')}" not in footer and f"s {say('key.reconcile_sign')}" not in footer, footer
    tmux.keys("C-q")

    # The store, through the CLI: reconciled with the line and the entry, the entry balanced on 1930 and 6570
    place = ("--year", "2025", "--period", "2025-01", "--account", "1930")
    shown = cli_json(data_dir, "reconcile", "show", *place)
    assert (shown["status"], shown["balance"], shown["specified"], shown["difference"]) == (
        "reconciled", f"{statement:.2f}", f"{statement:.2f}", "0.00")
    assert [(line["reference"], line["date"], line["amount"]) for line in shown["lines"]] == [
        ("Kontoutdrag 2025-01", "2025-01-31", f"{statement:.2f}")]
    [entry] = [entry for entry in cli_json(data_dir, "closing", "list", "--year", "2025") if entry["text"] == ENTRY_TEXT]
    assert shown["closing_entry"] == entry["id"] and entry["date"] == "2025-01-31"
    assert sorted((row["account"], row["debit"], row["credit"]) for row in entry["rows"]) == [
        ("1930", "0.00", f"{FEE:.2f}"), ("6570", f"{FEE:.2f}", "0.00")]
    periods = cli(data_dir, "period", "list", "--year", "2025").stdout.splitlines()
    assert line_with("\n".join(periods), "2025-01 ").split()[2] == "locked"
    refused = cli(data_dir, "reconcile", "add-line", *place, "--amount", "1")  # frozen: refused, nothing changed
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "locked" in refused.stderr, refused.stderr
    assert cli_json(data_dir, "reconcile", "show", *place)["lines"] == shown["lines"]
    advice, reason = refused.stderr.split("unlock it first with bokslut ")[1].strip().split(" --reason ")
    assert (advice.split()[:2], reason) == (["reconcile", "unlock"], "TEXT"), refused.stderr
    assert cli(data_dir, *advice.split(), "--reason", "bank fee found").returncode == 0  # the advice, as written
