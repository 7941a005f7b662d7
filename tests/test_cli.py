"""The command line as scripts use it: real process, real SQLite file, real SIE files."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal
from pathlib import Path

OFFICIAL = "skatasweden__keyholder-plan/SIE4 Exempelfil.SE"


def _accounts(document: dict) -> dict[str, dict]:
    return {row["number"]: row for row in document["accounts"]}


def test_import_then_trial_balance_matches_the_files_balances(cli, sample_file):
    imported = cli("import-sie", str(sample_file(OFFICIAL)))
    assert imported.returncode == 0, imported.stderr

    document = cli("trial-balance", "--json").json()
    assert document["company"] == {"name": "Övningsbolaget AB", "org_number": "5555555555"}
    assert document["fiscal_year"] == {"start": "2021-01-01", "end": "2021-12-31"}
    assert document["vouchers"] == 295
    assert document["transactions"] == 1330
    accounts = _accounts(document)
    assert accounts["1930"]["opening"] == "938311.64"
    assert accounts["1930"]["closing"] == "746686.19"
    assert accounts["1510"]["closing"] == "1050982.35"
    for row in document["accounts"]:
        assert Decimal(row["opening"]) + Decimal(row["movement"]) == Decimal(row["closing"])
        if row["number"][0] not in "12":
            assert row["opening"] == "0.00"
    assert {check["status"] for check in document["checks"]} == {"ok"}


def test_companies_json_lists_the_imported_company(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    companies = cli("companies", "--json").json()
    assert [(company["name"], company["org_number"]) for company in companies] == [
        ("Övningsbolaget AB", "5555555555")
    ]


def test_org_number_is_accepted_with_or_without_hyphen(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    with_hyphen = cli("trial-balance", "--company", "555555-5555", "--json")
    without = cli("trial-balance", "--company", "5555555555", "--json")
    assert with_hyphen.returncode == without.returncode == 0
    assert with_hyphen.json() == without.json()


def test_year_is_picked_by_the_calendar_year_it_ends_in(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    assert cli("trial-balance", "--year", "2021", "--json").json()["fiscal_year"]["end"] == "2021-12-31"
    missing = cli("trial-balance", "--year", "1999", "--json")
    assert missing.returncode == 2
    assert "1999" in missing.stderr


def test_reimport_replaces_the_year_without_duplicates(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    first = cli("trial-balance", "--json").json()
    assert cli("import-sie", str(sample_file(OFFICIAL)), "--company", "555555-5555").returncode == 0
    assert cli("trial-balance", "--json").json() == first


def test_org_number_mismatch_is_refused_unless_confirmed(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    other = sample_file("byrokrat__accounting/BL0001_typ4.SE")
    refused = cli("import-sie", str(other), "--company", "5555555555")
    assert refused.returncode == 2
    assert "5555555555" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert cli("trial-balance", "--json").json()["vouchers"] == 295
    assert cli("import-sie", str(other), "--company", "5555555555", "--yes").returncode == 0


def test_several_companies_require_naming_one(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    cli("import-sie", str(sample_file("byrokrat__accounting/BL0001_typ4.SE")))
    ambiguous = cli("trial-balance", "--json")
    assert ambiguous.returncode == 2
    assert "--company" in ambiguous.stderr
    assert ambiguous.stdout == ""


def test_bad_input_gives_one_line_and_exit_2(cli, tmp_path: Path):
    broken = tmp_path / "broken.se"
    broken.write_bytes(b"#FLAGGA 0\r\n#SIETYP 4\r\n#RAR 0 20240101 20241231\r\n#VER A 1 20240105\r\n{\r\n#TRANS 1930 {} 12,50\r\n}\r\n")
    result = cli("import-sie", str(broken))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "broken.se:6" in lines[0]
    assert "Traceback" not in result.stderr
    assert cli("companies", "--json").json() == []


def test_missing_file_is_bad_input(cli, tmp_path: Path):
    result = cli("import-sie", str(tmp_path / "nope.se"))
    assert result.returncode == 2
    assert "nope.se" in result.stderr and "Traceback" not in result.stderr


def test_export_sie_round_trips_through_import(cli, sample_file, tmp_path: Path):
    cli("import-sie", str(sample_file(OFFICIAL)))
    exported = tmp_path / "export.se"
    assert cli("export-sie", "--company", "5555555555", "--year", "2021", str(exported)).returncode == 0
    original = cli("trial-balance", "--json").json()

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    from tests.conftest import Cli

    other = Cli(other_dir)
    assert other("import-sie", str(exported)).returncode == 0
    again = other("trial-balance", "--json").json()
    assert again["accounts"] == original["accounts"]
    assert (again["vouchers"], again["transactions"]) == (original["vouchers"], original["transactions"])


def test_demo_imports_the_demo_company_and_prints_its_trial_balance(cli):
    result = cli("demo")
    assert result.returncode == 0, result.stderr
    assert "1930" in result.stdout
    document = cli("trial-balance", "--json").json()
    assert document["vouchers"] > 100
    assert {check["status"] for check in document["checks"]} == {"ok"}


def test_a_vouchers_only_file_does_not_replace_a_fully_imported_year(cli, sample_file, tmp_path: Path):
    cli("import-sie", str(sample_file(OFFICIAL)))
    before = cli("trial-balance", "--json").json()
    closing_entries = tmp_path / "bokslut.si"
    closing_entries.write_bytes(
        b'#FLAGGA 0\r\n#PROGRAM "x" 1\r\n#FORMAT PC8\r\n#GEN 20220115\r\n#SIETYP 4\r\n#ORGNR 555555-5555\r\n'
        b'#FNAMN "x"\r\n#VER "" "" 20211231 "Skatt"\r\n{\r\n#TRANS 8910 {} 100.00\r\n#TRANS 2512 {} -100.00\r\n}\r\n'
    )
    refused = cli("import-sie", str(closing_entries))
    assert refused.returncode == 2
    assert "vouchers only" in refused.stderr and "SIE 4E" in refused.stderr
    assert cli("trial-balance", "--json").json() == before


def test_terminal_codes_in_file_texts_are_never_sent_to_the_terminal(cli, tmp_path: Path):
    hostile = tmp_path / "hostile.se"
    hostile.write_bytes(
        b'#FLAGGA 0\r\n#SIETYP 4\r\n#FNAMN "Evil\x1b[31mRed AB"\r\n#ORGNR 556123-4567\r\n#RAR 0 20240101 20241231\r\n'
        b'#KONTO 1930 "Bank\x1b]0;owned\x07"\r\n#VER A 1 20240105 "t"\r\n{\r\n#TRANS 1930 {} 10.00\r\n'
        b"#TRANS 3001 {} -10.00\r\n}\r\n"
    )
    imported = cli("import-sie", str(hostile))
    shown = cli("trial-balance")
    listed = cli("companies")
    for output in (imported.stdout, shown.stdout, listed.stdout):
        assert "\x1b" not in output and "\x07" not in output
    assert "Evil [31mRed AB" in listed.stdout
    assert "Bank ]0;owned" in shown.stdout
    assert cli("trial-balance", "--json").json()["company"]["name"] == "Evil\x1b[31mRed AB"


def test_a_usage_mistake_is_one_line_and_exit_2(cli):
    result = cli("trial-balance", "--year", "last")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "--year" in result.stderr and "bokslut trial-balance --help" in result.stderr


def test_an_empty_store_says_how_to_begin(cli):
    assert "bokslut import-sie FILE" in cli("companies").stdout
    assert cli("companies", "--json").json() == []


def test_configured_limits_refuse_a_file_before_it_is_imported(cli, sample_file, tmp_path: Path):
    official = str(sample_file(OFFICIAL))
    few_objects = tmp_path / "few-objects.toml"
    few_objects.write_text("[import]\nmax_objects_per_dimension = 2\n", encoding="utf-8")
    refused = cli("--config", str(few_objects), "import-sie", official)
    assert refused.returncode == 2
    assert "dimension" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1

    tiny_files = tmp_path / "tiny-files.toml"
    tiny_files.write_text("[import]\nmax_file_mb = 1\n", encoding="utf-8")
    big = tmp_path / "big.se"
    big.write_bytes(Path(official).read_bytes() * 11)  # over 1 MB; refused before a byte is parsed
    too_big = cli("--config", str(tiny_files), "import-sie", str(big))
    assert too_big.returncode == 2
    assert "MB" in too_big.stderr or "size" in too_big.stderr
    assert cli("companies", "--json").json() == []


def test_trial_balance_of_an_empty_store_says_what_to_do(cli):
    result = cli("trial-balance")
    assert result.returncode == 2
    assert "no company yet" in result.stderr and "import a SIE file" in result.stderr


def test_company_add_then_switch_source(cli):
    added = cli("company", "add", "--org-number", "556123-4567", "--name", "Nordljus Konsult AB", "--json")
    assert added.returncode == 0, added.stderr
    assert added.json()["org_number"] == "5561234567" and added.json()["source"] == "sie-file"
    again = cli("company", "add", "--org-number", "5561234567", "--name", "Other")
    assert (again.returncode, again.stderr.strip()) == (2, "bokslut: 556123-4567 is already in the store as Nordljus Konsult AB")
    bad = cli("company", "add", "--org-number", "12-34", "--name", "X")
    assert bad.returncode == 2 and "NNNNNN-NNNN" in bad.stderr and "Traceback" not in bad.stderr
    assert cli("company", "source", "fortnox").returncode == 0
    assert cli("companies", "--json").json()[0]["source"] == "fortnox"


def test_activity_lists_imports_newest_first(cli, sample_file):
    cli("import-sie", str(sample_file(OFFICIAL)))
    cli("import-sie", str(sample_file(OFFICIAL)))
    entries = cli("activity", "--json").json()
    assert [(e["kind"], e["status"]) for e in entries] == [("import", "done")] * 2
    assert entries[0]["id"] > entries[1]["id"]
    assert entries[0]["counts"]["vouchers"] == 295 and entries[0]["seconds"] >= 0
    assert "Övningsbolaget AB" in cli("activity").stdout


def test_a_reader_that_stops_early_hears_no_complaint(cli):
    """`bokslut companies | head -1` where head is gone before bokslut writes: no "Broken pipe. Check the path and
    its permissions." line and no traceback, and the exit status a program the pipe's signal ended would give."""
    assert cli("company", "add", "--org-number", "556677-8899", "--name", "Liten AB").returncode == 0
    read, write = os.pipe()
    os.close(read)  # the reader is gone
    try:
        run = subprocess.run(
            cli.command("companies"), stdout=write, stderr=subprocess.PIPE, text=True, env=cli.env, check=False
        )
    finally:
        os.close(write)
    assert (run.returncode, run.stderr) == (141, "")
