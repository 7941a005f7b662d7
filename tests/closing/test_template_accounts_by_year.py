"""The tax and periodiseringsfond templates book on the accounts the year and the company's chart call for, at the
command line: the fund of a fiscal year on 212 + the last digit of the year it ends in (tax-ink2-sru.md §6.3, §6.4:
2123 for 2023, 2124 for 2024), with and without --amount, and the tax on 2510 where the chart lacks 2512.

Each test imports a small SIE file written here: one year whose only event is a sale of 800 000 on 3001 against
1930, so the surplus before the allocation is P = 800 000 (no adjustments, no funds, no loss) and every figure is
worked out by hand here (tax-ink2-sru.md §3 steps 4-7, rate 20.6 % for years that start 2021-01-01 or later)."""

from __future__ import annotations

from pathlib import Path

ORG_NUMBER = "556677-8899"
SALES = 800_000
ALLOCATION = 200_000  # floor(25 % x 800 000)
# The tax computation plans the largest allocation until one is booked: Y = 800 000 - 200 000 = 600 000, and the
# tax is trunc(20.6 % x 600 000) = 123 600, whether or not the fund is booked yet.
TAX = 123_600
BASE_CHART = ("1930", "2099", "3001", "8811", "8910", "8999")


def write_year(path: Path, year: int, chart: tuple[str, ...]) -> Path:
    """A SIE 4 file of calendar year `year`, declaring exactly `chart`: one sale of SALES on 3001 against 1930."""
    lines = [
        "#FLAGGA 0",
        '#PROGRAM "tests" 1',
        "#FORMAT PC8",
        "#SIETYP 4",
        '#FNAMN "Kontoplanen AB"',
        f"#ORGNR {ORG_NUMBER}",
        f"#RAR 0 {year}0101 {year}1231",
        *(f'#KONTO {account} "Konto {account}"' for account in sorted(chart)),
        f'#VER A 1 {year}1231 "Försäljning"',
        "{",
        f"#TRANS 1930 {{}} {SALES}.00",
        f"#TRANS 3001 {{}} -{SALES}.00",
        "}",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp437")
    return path


def imported(cli, tmp_path: Path, year: int, *accounts: str):
    run = cli("import-sie", str(write_year(tmp_path / f"books-{year}.se", year, (*BASE_CHART, *accounts))))
    assert run.returncode == 0, run.stderr
    return cli


def template(cli, name: str, year: int, *options: str):
    return cli("closing", "template", name, "--company", ORG_NUMBER, "--year", str(year), *options)


def printed(run) -> tuple[str, list[tuple[str, str, str]]]:
    assert run.returncode == 0, run.stderr
    draft = run.json()
    return draft["text"], [(row["account"], row["debit"], row["credit"]) for row in draft["rows"]]


def test_the_2024_fund_is_booked_on_2124(cli, tmp_path):
    imported(cli, tmp_path, 2024, "2124", "2512")  # neither 2125 nor 2120 in the chart

    assert printed(template(cli, "periodiseringsfond", 2024, "--print")) == (
        "Avsättning till periodiseringsfond 2024",
        [("8811", f"{ALLOCATION}.00", "0.00"), ("2124", "0.00", f"{ALLOCATION}.00")],
    )
    assert printed(template(cli, "periodiseringsfond", 2024, "--amount", "100000", "--print")) == (
        "Avsättning till periodiseringsfond 2024",
        [("8811", "100000.00", "0.00"), ("2124", "0.00", "100000.00")],
    )


def test_the_2023_fund_is_booked_on_2123_with_and_without_an_amount(cli, tmp_path):
    imported(cli, tmp_path, 2023, "2123", "2125", "2512")  # 2125, the 2025 fund's account, is there and unused

    assert printed(template(cli, "periodiseringsfond", 2023, "--print"))[1] == [
        ("8811", f"{ALLOCATION}.00", "0.00"),
        ("2123", "0.00", f"{ALLOCATION}.00"),
    ]
    assert printed(template(cli, "periodiseringsfond", 2023, "--amount", "100000", "--print"))[1] == [
        ("8811", "100000.00", "0.00"),
        ("2123", "0.00", "100000.00"),
    ]
    assert printed(template(cli, "periodiseringsfond", 2023, "--amount", "-5000", "--print"))[1] == [
        ("2123", "5000.00", "0.00"),
        ("8811", "0.00", "5000.00"),
    ]


def test_the_fund_is_booked_for_real_and_then_the_tax_follows_from_the_rest(cli, tmp_path):
    imported(cli, tmp_path, 2024, "2124", "2512")

    assert template(cli, "periodiseringsfond", 2024).returncode == 0
    assert printed(template(cli, "tax", 2024, "--print"))[1] == [
        ("8910", f"{TAX}.00", "0.00"),
        ("2512", "0.00", f"{TAX}.00"),
    ]
    again = template(cli, "periodiseringsfond", 2024, "--print")
    assert again.returncode == 2
    assert "nothing to book with the periodiseringsfond template" in again.stderr


def test_a_chart_without_the_years_fund_account_is_refused_naming_it(cli, tmp_path):
    imported(cli, tmp_path, 2024, "2110", "2120", "2125", "2512")  # the group and other years' accounts, not 2124

    for options in ((), ("--amount", "100000")):
        run = template(cli, "periodiseringsfond", 2024, *options, "--print")

        assert run.returncode == 2, run.stdout
        assert "books the fund of 2024 on 2124" in run.stderr
        assert "add 2124 to the chart" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_the_tax_is_booked_on_2510_where_the_chart_lacks_2512(cli, tmp_path):
    imported(cli, tmp_path, 2024, "2124", "2510")

    assert printed(template(cli, "tax", 2024, "--print")) == (
        "Skatt på årets resultat 2024",
        [("8910", f"{TAX}.00", "0.00"), ("2510", "0.00", f"{TAX}.00")],
    )
    assert printed(template(cli, "tax", 2024, "--amount", "1000", "--print"))[1] == [
        ("8910", "1000.00", "0.00"),
        ("2510", "0.00", "1000.00"),
    ]
    assert template(cli, "tax", 2024).returncode == 0
    again = template(cli, "tax", 2024, "--print")
    assert again.returncode == 2
    assert "nothing to book with the tax template" in again.stderr


def test_the_tax_template_without_2512_or_2510_is_refused_once_naming_both(cli, tmp_path):
    imported(cli, tmp_path, 2024, "2124")

    for options in ((), ("--amount", "1000")):
        run = template(cli, "tax", 2024, *options, "--print")

        assert run.returncode == 2, run.stdout
        assert "the tax template books on 2512 or 2510, and the company's chart has none of them" in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1


def test_tax_book_books_the_tax_on_2510_and_the_fund_on_2124_as_the_templates_do(cli, tmp_path):
    """`bokslut tax book` (the tax screen's b too) books the same drafts through the same chart as the templates."""
    imported(cli, tmp_path, 2024, "2124", "2510")

    for what in ("allocation", "tax"):
        run = cli("tax", "book", what, "--company", ORG_NUMBER, "--year", "2024", "--json")
        assert run.returncode == 0, run.stderr
    listed = cli("closing", "list", "--company", ORG_NUMBER, "--year", "2024", "--json")
    assert listed.returncode == 0, listed.stderr
    booked = sorted((row["account"], row["debit"], row["credit"]) for entry in listed.json() for row in entry["rows"])
    assert booked == sorted([("8811", f"{ALLOCATION}.00", "0.00"), ("2124", "0.00", f"{ALLOCATION}.00"),
                             ("8910", f"{TAX}.00", "0.00"), ("2510", "0.00", f"{TAX}.00")])
