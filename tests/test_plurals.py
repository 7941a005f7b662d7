"""The command line says its counts as English does: "1 voucher", "2 vouchers", never "1 vouchers"."""

from __future__ import annotations

from pathlib import Path


def sie_file(path: Path, vouchers: list[tuple[str, str]]) -> Path:
    """A year of Ettan AB with one #IB and one voucher per (bank, sales) pair of amounts; unequal amounts make a
    voucher that does not balance."""
    lines = [
        "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Ettan AB"', "#ORGNR 556677-8899", "#RAR 0 20250101 20251231",
        '#KONTO 1930 "Bank"', '#KONTO 3001 "Forsaljning"', "#IB 0 1930 100.00",
    ]  # fmt: skip
    for number, (bank, sales) in enumerate(vouchers, start=1):
        lines += [f'#VER A {number} 20250115 "Sale"', "{", f"#TRANS 1930 {{}} {bank}", f"#TRANS 3001 {{}} {sales}", "}"]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return path


def test_an_import_of_one_voucher_says_one_voucher(cli, tmp_path):
    imported = cli("import-sie", str(sie_file(tmp_path / "one.se", [("250.00", "-250.00")])))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 voucher, 2 transactions, 1 balance;" in imported.stdout  # the file's #VER, #TRANS and #IB
    assert "1 vouchers" not in imported.stdout and "1 balances" not in imported.stdout
    heading = cli("trial-balance").stdout.splitlines()[0]
    assert heading.endswith("1 voucher, 2 transactions, preliminary"), heading
    removal = cli("company", "remove", "--company", "556677-8899").stdout
    assert "; 1 voucher, 0 closing entries" in removal, removal


def test_a_check_finding_one_voucher_says_it_in_the_singular_and_two_in_the_plural(cli, tmp_path):
    one = cli("import-sie", str(sie_file(tmp_path / "one.se", [("250.00", "-200.00")])))
    assert one.returncode == 0, one.stderr
    checked = cli("checks", "run")
    assert "1 voucher does not balance (debit ≠ credit)" in checked.stdout, checked.stdout
    assert "1 vouchers" not in checked.stdout

    two = cli("import-sie", str(sie_file(tmp_path / "two.se", [("250.00", "-200.00"), ("10.00", "-1.00")])))
    assert two.returncode == 0, two.stderr
    assert "imported 2 vouchers, 4 transactions, 1 balance;" in two.stdout.replace("replaced", "imported")
    assert "2 vouchers do not balance (debit ≠ credit)" in cli("checks", "run").stdout
