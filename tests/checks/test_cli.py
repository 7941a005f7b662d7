"""`bokslut checks ...` as a user runs it: a real process over a real store, from a tiny SIE file."""

from __future__ import annotations

import pytest

ORG = "556677-8899"
YEAR = ("--company", ORG, "--year", "2024")
SIE = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#ORGNR 556677-8899
#FNAMN "Testbolaget AB"
#RAR 0 20240101 20241231
#KONTO 1930 "Bank"
#KONTO 3001 "Forsaljning"
#KONTO 5410 "Forbrukningsinventarier"
#IB 0 1930 0.00
#VER A 1 20240106 "Saturday sale"
{
#TRANS 1930 {} 100.00
#TRANS 3001 {} -100.00
}
#VER A 2 20240108 "Monday purchase"
{
#TRANS 5410 {} 12000.00
#TRANS 1930 {} -12000.00
}
"""


@pytest.fixture
def books(cli, tmp_path):
    path = tmp_path / "books.se"
    path.write_bytes(SIE.encode("cp437"))
    imported = cli("import-sie", str(path))
    assert imported.returncode == 0, imported.stderr
    return cli


def results(cli, command="list", *extra) -> dict[tuple[str, str], dict]:
    done = cli("checks", command, *YEAR, "--json", *extra)
    assert done.returncode == 0, done.stderr
    return {(r["check_id"], r["period"]): r for r in done.json()}


def test_run_list_and_mark_done(books):
    ran = results(books, "run")
    weekend = ran[("weekend-postings", "")]
    assert weekend["status"] == "red" and weekend["rows"][0]["date"] == "2024-01-06"
    assert ran[("unusual-counts", "202401")]["status"] == "orange"
    assert results(books) == ran
    marked = books("checks", "done", "weekend-postings", *YEAR, "--json")
    assert marked.returncode == 0, marked.stderr
    assert marked.json()["status"] == "done" and marked.json()["done_by"]
    assert results(books)[("weekend-postings", "")]["status"] == "done"
    by_id = books("checks", "done", str(ran[("round-amounts", "")]["id"]), "--company", ORG)
    assert by_id.returncode == 0, by_id.stderr
    assert "round-amounts year: done by" in by_id.stdout


def test_text_output_and_one_period(books):
    ran = books("checks", "run", *YEAR)
    assert ran.returncode == 0, ran.stderr
    assert "weekend-postings" in ran.stdout and "red" in ran.stdout
    period = results(books, "run", "--period", "202401")
    assert {p for _, p in period} == {"202401"}


def test_disable_enable_and_an_own_check(books):
    assert books("checks", "disable", "weekend-postings", "--company", ORG).returncode == 0
    assert ("weekend-postings", "") not in results(books, "run")
    assert books("checks", "enable", "weekend-postings", "--company", ORG).returncode == 0
    added = books("checks", "add", "--company", ORG, "--kind", "amount-threshold", "--name", "Big purchases",
                  "--params", '{"accounts": ["5400..5499"], "above": "10000"}')  # fmt: skip
    assert added.returncode == 0, added.stderr
    ran = results(books, "run")
    assert ran[("weekend-postings", "")]["status"] == "red"
    assert ran[("custom-big-purchases", "")]["rows"][0]["amount"] == "12000.00"


@pytest.mark.parametrize(
    "args, message",
    [
        (("checks", "run", *YEAR, "--period", "202501"), "period 202501 is not in the fiscal year"),
        (("checks", "done", "voucher-balance", *YEAR), "not red"),
        (("checks", "disable", "nonsense", "--company", ORG), "there is no check 'nonsense'"),
        (("checks", "add", "--company", ORG, "--kind", "empty-accounts", "--name", "x", "--params", "{"), "not valid JSON"),
    ],
)
def test_refusals_are_one_line(books, args, message):
    if args[1] == "done":
        assert books("checks", "run", *YEAR).returncode == 0
    refused = books(*args)
    assert refused.returncode == 2
    assert message in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_a_year_by_quarters_is_checked_per_quarter(books):
    kind = books("period", "kind", "quarter", *YEAR)
    assert kind.returncode == 0, kind.stderr
    ran = results(books, "run")
    assert ran[("unusual-counts", "2024Q1")]["status"] == "orange"
    assert not any(period.isdigit() for _, period in ran)
    assert {p for _, p in results(books, "run", "--period", "2024Q1")} == {"2024Q1"}
    assert {p for _, p in results(books, "list", "--period", "2024-q1")} == {"2024Q1"}
    refused = books("checks", "run", *YEAR, "--period", "2024-01")
    assert refused.returncode == 2
    assert "divided into quarters 2024Q1..2024Q4" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
