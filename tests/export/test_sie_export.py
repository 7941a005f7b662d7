"""`bokslut export-closing-sie`: closing entries as a SIE 4I file, exactly once, for SIE-source companies."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from core import ledger
from core.activity import list_activity
from core.closing.entries import EntryDraft, RowDraft, create_entry, delete_entry, set_not_applicable
from core.demo import DemoSpec, write_demo_sie
from core.errors import BokslutError
from core.export.sie import export_closing_sie
from core.importer import import_sie
from core.sie.reader import SieReader
from core.store.db import open_store
from core.store.models import ClosingEntry, ClosingRow, ExportAttempt, FiscalYear

DEMO = DemoSpec(vouchers_per_year=300, years=2)
ORG = DEMO.org_number
YEAR = "2025"
FORBIDDEN_IN_4I = ("#IB", "#UB", "#RES", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#OMFATTN", "#BKOD")


def _draft(text: str, *rows: tuple) -> EntryDraft:
    """Rows as (account, amount, cost centre, project, text): debit positive, credit negative."""
    return EntryDraft(
        None,
        text,
        tuple(
            RowDraft(account, max(Decimal(amount), Decimal(0)), max(-Decimal(amount), Decimal(0)), cc, project, row_text)
            for account, amount, cc, project, row_text in rows
        ),
    )


DEPRECIATION = _draft(
    "Avskrivning inventarier 2025", ("7832", "12000.00", "10", None, "Plan 20 %"), ("1229", "-12000.00", None, None, "")
)
AUDIT = _draft(
    "Upplupen kostnad för revision",
    ("6420", "15000.50", "20", "0002", "Revision årsbokslut"),
    ("2990", "-15000.50", None, None, "Upplupet"),
)
TAX = _draft("Skatt på årets resultat", ("8910", "51234.00", None, None, ""), ("2512", "-51234.00", None, None, ""))


@dataclass
class Books:
    db: object
    company: object
    year: FiscalYear

    def add(self, draft: EntryDraft) -> ClosingEntry:
        return create_entry(self.db, self.company, self.year, draft)

    def entry(self, entry: ClosingEntry) -> ClosingEntry:
        return ClosingEntry.get_by_id(entry.id)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    return write_demo_sie(DEMO, tmp_path_factory.mktemp("sie") / "demo-2025.se")


@pytest.fixture
def books(cli, demo_file):
    """The demo company's 2025 imported into the store the `cli` fixture's commands use, open here too."""
    db = open_store(cli.store)
    import_sie(db, demo_file)
    company = ledger.resolve_company(db, ORG)
    yield Books(db, company, ledger.resolve_fiscal_year(db, company, int(YEAR)))
    db.close()


def export(cli, path: Path, *extra: str):
    return cli("export-closing-sie", "--company", ORG, "--year", YEAR, str(path), *extra)


def test_the_file_is_a_4i_of_the_entries_with_their_markers(cli, books, tmp_path):
    entries = [books.add(DEPRECIATION), books.add(AUDIT), books.add(TAX)]
    path = tmp_path / "bokslut-2025.si"

    run = export(cli, path, "--json")

    assert run.returncode == 0, run.stderr
    assert run.json()["sent"] == 3 and run.json()["skipped"] == 0
    raw = path.read_bytes()
    assert "för".encode("cp437") in raw and "för".encode("utf-8") not in raw  # CP437, as #FORMAT PC8 says
    assert raw.endswith(b"}\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = raw.decode("cp437").split("\r\n")
    assert lines[:8] == [
        "#FLAGGA 0",
        lines[1],
        "#FORMAT PC8",
        lines[3],
        "#SIETYP 4",
        "#ORGNR 556123-4567",
        '#FNAMN "Nordljus Konsult AB"',
        "#RAR 0 20250101 20251231",
    ]
    assert lines[1].startswith('#PROGRAM "bokslut" ') and lines[3].startswith("#GEN ")
    assert not [line for line in lines if line.split(" ")[0] in FORBIDDEN_IN_4I]
    declared = {line.split(" ")[1] for line in lines if line.startswith("#KONTO ")}
    assert declared == {"7832", "1229", "6420", "2990", "8910", "2512"}
    assert '#OBJEKT 6 0002 "Säkerhetsrevision Gävle"' in lines and '#DIM 1 "Kostnadsställe"' in lines
    assert '#TRANS 6420 {1 20 6 0002} 15000.50 "" "Revision årsbokslut"' in lines

    reader = SieReader(path)
    vouchers = list(reader)
    assert reader.warnings == []
    assert [(v.series, v.number, v.date.isoformat()) for v in vouchers] == [("", "", "2025-12-31")] * 3
    for voucher, entry in zip(vouchers, entries):
        assert voucher.text == f"{entry.text} [{entry.marker}]"
        assert sum(row.amount for row in voucher.rows) == 0
        assert [(r.account, r.amount, r.objects, r.text) for r in voucher.rows] == [
            (row.account, row.amount, tuple(_objects(row)), row.text) for row in entry.rows.order_by(ClosingRow.position)
        ]


def _objects(row):
    if row.cost_center:
        yield ("1", row.cost_center)
    if row.project:
        yield ("6", row.project)


def test_exported_entries_are_marked_with_the_file_and_logged_as_one_activity(cli, books, tmp_path):
    entries = [books.add(DEPRECIATION), books.add(AUDIT)]
    path = tmp_path / "out" / "bokslut.si"
    path.parent.mkdir()

    run = export(cli, path)

    assert run.returncode == 0, run.stderr
    assert f"wrote 2 closing entries ({entries[0].id}, {entries[1].id}) to {path}" in run.stdout
    for entry in map(books.entry, entries):
        assert (entry.status, entry.exported_to, entry.sie_file) == ("exported", "sie-file", str(path))
        assert entry.exported_at is not None and entry.booked is False
        attempts = list(ExportAttempt.select().where(ExportAttempt.entry == entry.id))
        assert [(a.target, a.state) for a in attempts] == [("sie-file", "posted")]
    [logged] = list_activity(books.db, company_id=books.company.id, kind="export")
    assert (logged.status, logged.counts) == ("done", {"sent": 2, "skipped": 0, "failed": 0})
    assert logged.message.startswith("bokslut.si: wrote 2 closing entries")


def test_an_exported_entry_is_never_written_again(cli, books, tmp_path):
    first, dropped, not_applicable = books.add(DEPRECIATION), books.add(AUDIT), books.add(TAX)
    delete_entry(books.db, dropped)
    set_not_applicable(books.db, not_applicable, True)
    assert export(cli, tmp_path / "first.si").returncode == 0

    again = export(cli, tmp_path / "second.si")

    assert again.returncode == 2
    assert "no closing entries of 2025 left to export" in again.stderr and again.stderr.count("\n") == 1
    assert not (tmp_path / "second.si").exists()
    assert ExportAttempt.select().count() == 1
    assert [v.text for v in SieReader(tmp_path / "first.si")] == [f"{first.text} [{first.marker}]"]

    later = books.add(_draft("Förutbetald hyra", ("1790", "8000", None, None, ""), ("5010", "-8000", None, None, "")))
    assert export(cli, tmp_path / "third.si").returncode == 0
    assert [v.text for v in SieReader(tmp_path / "third.si")] == [f"{later.text} [{later.marker}]"]
    assert books.entry(first).sie_file == str(tmp_path / "first.si")
    assert (books.entry(dropped).status, books.entry(not_applicable).status) == ("not_exported", "not_applicable")


def test_chosen_entries_that_cannot_go_out_are_skipped_with_the_reason(books, tmp_path):
    done, fresh = books.add(DEPRECIATION), books.add(AUDIT)
    export_closing_sie(books.db, books.company, books.year, tmp_path / "a.si", entry_ids=[done.id])

    report = export_closing_sie(books.db, books.company, books.year, tmp_path / "b.si", entry_ids=[done.id, fresh.id])

    assert report.exported == (fresh.id,)
    assert report.skipped == ((done.id, f"was already exported to {tmp_path / 'a.si'}"),)
    with pytest.raises(BokslutError, match=f"left to export; entry {fresh.id} was already exported to"):
        export_closing_sie(books.db, books.company, books.year, tmp_path / "c.si", entry_ids=[fresh.id])
    with pytest.raises(BokslutError, match="has no closing entry 999 in 2025"):
        export_closing_sie(books.db, books.company, books.year, tmp_path / "c.si", entry_ids=[999])
    assert not (tmp_path / "c.si").exists()


def test_an_entry_whose_fortnox_export_is_unsettled_is_held_back(books, tmp_path):
    """It may already be in the books through Fortnox: a SIE file must not bring it a second time."""
    entry = books.add(DEPRECIATION)
    ExportAttempt.create(entry=entry.id, target="fortnox", series="I", state="intent")

    with pytest.raises(BokslutError, match=f"entry {entry.id} has a Fortnox export whose outcome is not yet known"):
        export_closing_sie(books.db, books.company, books.year, tmp_path / "x.si")

    assert not (tmp_path / "x.si").exists() and books.entry(entry).status == "not_exported"


def test_an_existing_file_is_never_overwritten(cli, books, tmp_path):
    entry = books.add(DEPRECIATION)
    path = tmp_path / "taken.si"
    path.write_bytes(b"an earlier export\r\n")

    run = export(cli, path)

    assert run.returncode == 2 and "already exists; choose a new file name" in run.stderr
    assert path.read_bytes() == b"an earlier export\r\n"
    assert books.entry(entry).status == "not_exported"


def test_an_entry_made_invalid_by_a_changed_year_stops_the_whole_export(books, tmp_path):
    entry = books.add(DEPRECIATION)
    FiscalYear.update(end="2025-11-30").where(FiscalYear.id == books.year.id).execute()  # as a re-import could
    year = FiscalYear.get_by_id(books.year.id)

    with pytest.raises(BokslutError, match=f"entry {entry.id}: date: 2025-12-31 is outside the fiscal year"):
        export_closing_sie(books.db, books.company, year, tmp_path / "x.si")

    assert not (tmp_path / "x.si").exists() and books.entry(entry).status == "not_exported"


def test_a_fortnox_company_is_sent_to_export_fortnox(cli, books, tmp_path):
    entry = books.add(DEPRECIATION)
    assert cli("company", "source", "fortnox", "--company", ORG).returncode == 0

    run = export(cli, tmp_path / "x.si")

    assert run.returncode == 2
    assert "takes its books from Fortnox" in run.stderr and "bokslut export-fortnox" in run.stderr
    assert not (tmp_path / "x.si").exists() and books.entry(entry).status == "not_exported"
    [logged] = list_activity(books.db, company_id=books.company.id, kind="export")
    assert logged.status == "failed"


def test_the_file_imports_into_a_bookkeeping_store_as_vouchers(cli, books, tmp_path):
    books.add(DEPRECIATION)
    books.add(AUDIT)
    path = tmp_path / "bokslut.si"
    assert export(cli, path).returncode == 0
    receiving = type(cli)(tmp_path / "receiving")
    receiving.data_dir.mkdir(mode=0o700)

    imported = receiving("import-sie", str(path), "--json")

    assert imported.returncode == 0, imported.stderr
    assert (imported.json()["vouchers"], imported.json()["transactions"]) == (2, 4)
    assert all(check["status"] == "ok" for check in imported.json()["checks"])
    balance = receiving("trial-balance", "--company", ORG, "--year", YEAR, "--json").json()
    assert {line["number"]: line["movement"] for line in balance["accounts"]} == {
        "7832": "12000.00", "1229": "-12000.00", "6420": "15000.50", "2990": "-15000.50",
    }


def test_two_exports_at_once_put_each_entry_into_one_file(cli, books, tmp_path):
    entries = [books.add(DEPRECIATION), books.add(AUDIT), books.add(TAX)]
    paths = [tmp_path / "one.si", tmp_path / "two.si"]
    command = lambda path: cli.command("export-closing-sie", "--company", ORG, "--year", YEAR, str(path))  # noqa: E731
    processes = [subprocess.Popen(command(p), env=cli.env, stderr=subprocess.PIPE, text=True) for p in paths]
    outcomes = [(process.wait(timeout=60), process.stderr.read()) for process in processes]

    assert sorted(code for code, _ in outcomes) == [0, 2], outcomes
    assert "left to export" in max(outcomes)[1]  # the later one waited for the first, then found nothing left
    [written] = [path for path in paths if path.exists()]
    assert len(list(SieReader(written))) == 3
    assert {books.entry(entry).sie_file for entry in entries} == {str(written)}
    assert ExportAttempt.select().count() == 3


def test_the_year_export_says_which_closing_entries_it_leaves_out(cli, books, tmp_path):
    """Review D1 (exports): export-sie writes the imported books, so its #UB and #RES are preliminary while closing
    entries are not yet in them; an auditor given the file must not take it for the final books."""
    books.add(DEPRECIATION)
    books.add(AUDIT)
    run = cli("export-sie", "--company", ORG, "--year", YEAR, str(tmp_path / "ar.se"))
    assert run.returncode == 0, run.stderr
    assert "2 closing entries not yet in them are not included" in run.stdout
    assert "Upplupen kostnad för revision" not in (tmp_path / "ar.se").read_bytes().decode("cp437")
