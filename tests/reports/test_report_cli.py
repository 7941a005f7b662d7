"""`bokslut report` and `bokslut trial-balance` as a person reads them: a balance sheet that does not balance says by
how much, rounded statements print whole thousands that still add up, bad choices are one line, and every report
file is private."""

from __future__ import annotations

import os
import re
import stat
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from core.reports.formats import write_file
from tests.reports.unbalanced_books import records, unbalanced_by, write_unbalanced

SHARED_SIE1 = Path("/work/shared/sie/files/byrokrat__accounting/SIE1.se")  # Visma Compact, type 1: balances only
THOUSAND = Decimal(1000)


@pytest.fixture
def unbalanced_cli(cli, tmp_path):
    run = cli("import-sie", str(write_unbalanced(tmp_path)))
    assert run.returncode == 0, run.stderr
    return cli


def thousands(value: Decimal) -> Decimal:
    return (value / THOUSAND).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def total(balances: dict[str, Decimal], first: str, last: str) -> Decimal:
    return sum((value for account, value in balances.items() if first <= account[:4] <= last), Decimal(0))


ROW = re.compile(r"^(?P<indent> *)(?P<heading>\S.*?)(?: {2,}(?P<amount>-?\d+(?:\.\d\d)?))?$")


def table(text: str) -> list[tuple[int, str, Decimal | None]]:
    """The printed rows between the column header and the blank line before the notices: (level, heading, amount)."""
    lines = text.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(" ") and line.strip()) + 1
    end = lines.index("", start)
    rows = []
    for line in lines[start:end]:
        match = ROW.match(line)
        assert match, line
        amount = match["amount"]
        rows.append((len(match["indent"]) // 2, match["heading"], None if amount is None else Decimal(amount)))
    return rows


def test_text_output_names_the_difference_of_an_unbalanced_balance_sheet(unbalanced_cli):
    run = unbalanced_cli("report", "balance-sheet", "--format", "text")
    assert run.returncode == 0, run.stderr
    difference = unbalanced_by()
    assert difference == Decimal("1234.56")  # the file's opening balances do not sum to zero
    [notice] = [line for line in run.stdout.splitlines() if "balanserar inte" in line]
    assert f"= {difference}" in notice
    rows = {heading: amount for _level, heading, amount in table(run.stdout)}
    assert rows["Summa tillgångar"] - rows["Summa eget kapital och skulder"] == difference
    assert rows["Summa tillgångar"] == total(records("UB"), "1000", "1999")


def test_json_output_stays_the_report_with_its_notices(unbalanced_cli):
    document = unbalanced_cli("report", "balance-sheet").json()
    assert {"key": "report.unbalanced", "params": {"column": "amount", "difference": str(unbalanced_by())}} in (
        document["notices"]
    )


def test_rounded_to_thousands_the_statements_print_whole_thousands_that_add_up(unbalanced_cli):
    ub, res = records("UB"), records("RES")
    result = -sum(res.values(), Decimal(0))

    run = unbalanced_cli("report", "balance-sheet", "--format", "text", "--rounding", "thousand")
    assert run.returncode == 0, run.stderr
    assert "Belopp i tusental kronor (tkr)." in run.stdout
    rows = table(run.stdout)
    assert not re.search(r"\d\.\d", run.stdout.split("\n\n")[1])  # no öre anywhere in the table
    assert all(amount is None or amount == amount.to_integral_value() for _level, _heading, amount in rows)
    amounts = {heading: amount for _level, heading, amount in rows}
    assert amounts["Summa tillgångar"] == thousands(total(ub, "1000", "1999"))
    assert amounts["Summa eget kapital och skulder"] == thousands(-total(ub, "2000", "2999") + result)
    assert amounts["Årets resultat"] == thousands(result)
    for index, (level, heading, amount) in enumerate(rows):  # each Summa is the sum of what is printed above it
        if heading.startswith("Summa "):
            opened = max(i for i in range(index) if rows[i][1] == heading.removeprefix("Summa ").capitalize())
            inner = [a for lvl, _h, a in rows[opened + 1 : index] if lvl == level + 1 and a is not None]
            assert amount == sum(inner, Decimal(0)), heading
    # 20.499 + 10.499 + 102.499 rounded one by one is 132, their sum 133.497 rounds to 133: the krona goes to cash.
    assert amounts["Kassa och bank"] == thousands(total(ub, "1900", "1999")) + 1
    assert "Avrundningsdifferens 1 tkr på raden Kassa och bank." in run.stdout

    run = unbalanced_cli("report", "income-statement", "--format", "text", "--rounding", "thousand")
    assert run.returncode == 0, run.stderr
    amounts = {heading: amount for _level, heading, amount in table(run.stdout)}
    assert amounts["Årets resultat"] == thousands(result)
    lines = ("Nettoomsättning", "Övriga externa kostnader", "Personalkostnader")
    assert sum(amounts[line] for line in lines) == amounts["Årets resultat"]
    assert amounts["Nettoomsättning"] == thousands(-total(res, "3000", "3799"))
    assert amounts["Personalkostnader"] == thousands(-total(res, "7000", "7699"))


@pytest.mark.parametrize(
    ("option", "value"), [("--rounding", "hundred"), ("--purchases", "varor"), ("--rounding", "ÖRE")]
)
def test_a_bad_rounding_or_purchases_line_is_one_line_and_exit_2(unbalanced_cli, option, value):
    run = unbalanced_cli("report", "income-statement", option, value)
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1 and value in run.stderr and option in run.stderr
    assert run.stdout == ""


def test_purchases_line_is_the_companys_choice(unbalanced_cli):
    for line in ("handelsvaror", "ravaror_och_fornodenheter"):
        run = unbalanced_cli("report", "income-statement", "--purchases", line)
        assert run.returncode == 0, run.stderr


def test_a_written_report_is_private_and_followed_by_its_notices(unbalanced_cli, tmp_path):
    path = tmp_path / "balans.csv"
    path.write_text("an older report")
    path.chmod(0o644)
    run = unbalanced_cli("report", "balance-sheet", "--format", "csv", "--output", str(path))
    assert run.returncode == 0, run.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert run.stdout.splitlines()[0] == f"wrote {path}"
    assert any("balanserar inte" in line and str(unbalanced_by()) in line for line in run.stdout.splitlines())


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_write_file_makes_every_report_0600_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        new = tmp_path / "new.json"
        write_file(new, b"{}")
        replaced = tmp_path / "replaced.xlsx"
        replaced.write_bytes(b"old")
        replaced.chmod(0o666)
        write_file(replaced, b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE(new.stat().st_mode) == stat.S_IMODE(replaced.stat().st_mode) == 0o600
    assert replaced.read_bytes() == b"new" and sorted(tmp_path.iterdir()) == [new, replaced]  # no part left


@pytest.mark.skipif(not SHARED_SIE1.is_file(), reason="the shared SIE files are not here")
def test_trial_balance_of_a_year_known_only_from_balances_says_so(cli):
    assert cli("import-sie", str(SHARED_SIE1)).returncode == 0
    run = cli("trial-balance")
    assert run.returncode == 0, run.stderr
    first = run.stdout.splitlines()[0]
    assert "known only from balances" in first and "vouchers," not in first


def test_trial_balance_of_a_year_with_vouchers_counts_them(unbalanced_cli):
    first = unbalanced_cli("trial-balance").stdout.splitlines()[0]
    assert "3 vouchers, 6 transactions" in first and "known only from balances" not in first
