"""`bokslut export-sie` never replaces an existing file unless told to with --overwrite, as export-closing-sie never
does (review R2: it used to replace whatever was at PATH, and make it 0600)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core.demo import DemoSpec, write_demo_sie

DEMO = DemoSpec(vouchers_per_year=40, years=1)
ORG = DEMO.org_number
YEAR = "2025"
PRECIOUS = b"an unrelated file, precious\n"


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return write_demo_sie(DEMO, tmp_path_factory.mktemp("sie") / "demo-2025.se")


@pytest.fixture
def imported(cli, demo_file):
    """The demo company's 2025 in the store the `cli` fixture's commands use."""
    run = cli("import-sie", str(demo_file))
    assert run.returncode == 0, run.stderr
    return cli


def export(cli, path: Path | str, *extra: str):
    return cli("export-sie", "--company", ORG, "--year", YEAR, str(path), *extra)


def precious(path: Path) -> Path:
    path.write_bytes(PRECIOUS)
    path.chmod(0o644)
    return path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_one_line_refusal(run, *words: str) -> None:
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("bokslut: "), run.stderr
    assert "Traceback" not in run.stderr
    for word in words:
        assert word in lines[0], run.stderr


def test_a_new_path_is_written_as_a_4e_file(imported, tmp_path):
    path = tmp_path / "books-2025.se"

    run = export(imported, path)

    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"wrote {path}"
    assert path.read_bytes().startswith(b"#FLAGGA 0\r\n")
    assert mode(path) == 0o600  # the company's books


def test_an_existing_file_is_refused_and_left_as_it_was(imported, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    path = precious(folder / "existing.txt")

    run = export(imported, path)

    assert_one_line_refusal(run, str(path), "exists", "--overwrite")
    assert path.read_bytes() == PRECIOUS
    assert mode(path) == 0o644
    assert [p.name for p in folder.iterdir()] == ["existing.txt"]  # no part left beside it


def test_a_relative_existing_path_is_refused_too(imported, tmp_path, monkeypatch):
    precious(tmp_path / "existing.se")
    monkeypatch.chdir(tmp_path)  # the command runs where the test does

    run = export(imported, "existing.se")

    assert_one_line_refusal(run, "existing.se exists")
    assert (tmp_path / "existing.se").read_bytes() == PRECIOUS


def test_a_link_at_the_path_is_refused_even_when_it_points_nowhere(imported, tmp_path):
    link = tmp_path / "link.se"
    link.symlink_to(tmp_path / "nowhere.se")

    run = export(imported, link)

    assert_one_line_refusal(run, "exists")
    assert link.is_symlink() and not (tmp_path / "nowhere.se").exists()


def test_overwrite_replaces_the_existing_file(imported, tmp_path):
    fresh = tmp_path / "fresh.se"
    assert export(imported, fresh).returncode == 0
    path = precious(tmp_path / "existing.se")

    run = export(imported, path, "--overwrite")

    assert run.returncode == 0, run.stderr
    assert path.read_bytes() == fresh.read_bytes()
    assert mode(path) == 0o600


def test_overwrite_on_a_new_path_just_writes_it(imported, tmp_path):
    path = tmp_path / "new.se"

    run = export(imported, path, "--overwrite")

    assert run.returncode == 0, run.stderr
    assert path.read_bytes().startswith(b"#FLAGGA 0\r\n")


@pytest.mark.parametrize("overwrite", [(), ("--overwrite",)], ids=["plain", "overwrite"])
def test_a_directory_as_path_is_refused_in_one_line(imported, tmp_path, overwrite):
    folder = tmp_path / "folder"
    folder.mkdir()

    run = export(imported, folder, *overwrite)

    assert_one_line_refusal(run, str(folder), "is a directory")
    assert list(folder.iterdir()) == []


def test_a_missing_directory_is_named_in_one_line(imported, tmp_path):
    run = export(imported, tmp_path / "missing" / "books.se")

    assert_one_line_refusal(run, str(tmp_path / "missing"), "does not exist")
    assert not (tmp_path / "missing").exists()


def test_the_path_is_checked_before_the_company(cli, tmp_path):
    """A refused path costs nothing: not even an empty store is needed to be told."""
    path = precious(tmp_path / "existing.se")

    run = cli("export-sie", "--company", ORG, "--year", YEAR, str(path))

    assert_one_line_refusal(run, "exists")
    assert path.read_bytes() == PRECIOUS


def test_export_closing_sie_names_a_directory_and_a_missing_directory(imported, tmp_path):
    """export-closing-sie shares the checks of the place (an existing file it refuses itself, under the year's lock)."""
    folder = tmp_path / "folder"
    folder.mkdir()

    as_dir = imported("export-closing-sie", "--company", ORG, "--year", YEAR, str(folder))
    no_dir = imported("export-closing-sie", "--company", ORG, "--year", YEAR, str(tmp_path / "missing" / "x.si"))

    assert_one_line_refusal(as_dir, str(folder), "is a directory")
    assert_one_line_refusal(no_dir, str(tmp_path / "missing"), "does not exist")


def test_help_offers_overwrite(cli):
    run = cli("export-sie", "--help")

    assert run.returncode == 0 and "--overwrite" in run.stdout


def test_a_company_without_an_organisation_number_can_export_its_year_and_entries(cli, tmp_path):
    """Review R1: a SIE file may lack #ORGNR (byrokrat's SIE_exempelfil.se); the company imported, but both
    exports required --company with a number it does not have. As every other command, they take the only
    company when none is named."""
    source = tmp_path / "utan-orgnr.se"
    source.write_bytes((
        '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#FNAMN "Utan nummer AB"\r\n#RAR 0 20250101 20251231\r\n'
        '#KONTO 1930 "Bank"\r\n#KONTO 3001 "Försäljning"\r\n#KONTO 2990 "Upplupna kostnader"\r\n'
        '#KONTO 6110 "Kontorsmateriel"\r\n#VER A 1 20250115 "Sale"\r\n{\r\n#TRANS 1930 {} 1000.00\r\n'
        '#TRANS 3001 {} -1000.00\r\n}\r\n'
    ).encode("cp437"))
    assert cli("import-sie", str(source)).returncode == 0
    whole = cli("export-sie", "--year", "2025", str(tmp_path / "ar.se"))
    assert whole.returncode == 0, whole.stderr
    assert "#TRANS 1930 {} 1000.00" in (tmp_path / "ar.se").read_bytes().decode("cp437")
    entry = ('{"date": "2025-12-31", "text": "Kontorsmateriel", "rows": [{"account": "6110", "debit": "200", '
             '"credit": "0"}, {"account": "2990", "debit": "0", "credit": "200"}]}')
    assert cli("closing", "add", "--year", "2025", "--from-json", "-", stdin=entry).returncode == 0
    closing = cli("export-closing-sie", "--year", "2025", str(tmp_path / "bokslut.si"))
    assert closing.returncode == 0, closing.stderr
    assert "#TRANS 6110 {} 200.00" in (tmp_path / "bokslut.si").read_bytes().decode("cp437")
