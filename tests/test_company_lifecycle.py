"""Renaming and removing companies and fiscal years from the command line: nothing goes without --yes, what goes is
named first, a removal takes everything under it in one go and the activity log stays."""

from __future__ import annotations

from tests.postgres import raw_connection

DEMO_ORG = "559012-3450"


def _years(cli) -> list[str]:
    return [year["end"][:4] for year in cli("companies", "--json").json()[0]["fiscal_years"]]


def test_rename_keeps_the_books_and_the_org_number(cli):
    cli("demo")
    renamed = cli("company", "rename", "Fjällbäcken Holding AB", "--company", DEMO_ORG, "--json")
    assert renamed.returncode == 0, renamed.stderr
    assert renamed.json()["name"] == "Fjällbäcken Holding AB"
    companies = cli("companies", "--json").json()
    assert [(c["name"], c["org_number"]) for c in companies] == [("Fjällbäcken Holding AB", "5590123450")]
    assert cli("trial-balance", "--json").json()["company"]["name"] == "Fjällbäcken Holding AB"


def test_an_empty_name_is_refused(cli):
    cli("demo")
    refused = cli("company", "rename", "  ", "--company", DEMO_ORG)
    assert refused.returncode == 2
    assert "name" in refused.stderr


def test_year_remove_without_yes_names_what_would_go_and_changes_nothing(cli):
    cli("demo")
    vouchers = cli("trial-balance", "--year", "2024", "--json").json()["vouchers"]
    asked = cli("year", "remove", "2024", "--json")
    assert asked.returncode == 2
    assert asked.json() == {
        "company": "Fjällbäcken Bygg & Fastighet AB",
        "fiscal_years": [{"start": "2024-01-01", "end": "2024-12-31"}],
        "vouchers": vouchers,
        "closing_entries": 0,
        "removed": False,
    }
    assert _years(cli) == ["2023", "2024", "2025"]


def test_year_remove_takes_the_year_and_its_rows_and_keeps_the_rest(cli):
    cli("demo")
    kept = cli("trial-balance", "--year", "2025", "--json").json()
    activity_before = cli("activity", "--json").json()
    removed = cli("year", "remove", "2024", "--yes", "--json")
    assert removed.returncode == 0, removed.stderr
    assert removed.json()["removed"] is True
    assert _years(cli) == ["2023", "2025"]
    assert cli("trial-balance", "--year", "2025", "--json").json() == kept
    assert cli("trial-balance", "--year", "2024").returncode == 2
    with raw_connection(cli.store) as one:
        assert one("SELECT COUNT(*) FROM voucher v JOIN fiscal_year y ON y.id = v.fiscal_year_id "
                   "WHERE y.start = '2024-01-01'")[0] == 0  # fmt: skip
        assert one("SELECT COUNT(*) FROM voucher_row WHERE fiscal_year_id NOT IN (SELECT id FROM fiscal_year)")[0] == 0
        assert one("SELECT COUNT(*) FROM balance WHERE fiscal_year_id NOT IN (SELECT id FROM fiscal_year)")[0] == 0
    after = cli("activity", "--json").json()
    assert after[1:] == activity_before  # kept, and the removal on record above it, naming the year
    assert (after[0]["kind"], after[0]["status"]) == ("remove", "done") and "2024-01-01..2024-12-31" in after[0]["message"]


def test_company_remove_takes_everything_and_keeps_the_activity_log(cli):
    cli("demo")
    imports = [entry for entry in cli("activity", "--json").json() if entry["kind"] == "import"]
    assert imports
    asked = cli("company", "remove", "--company", DEMO_ORG)
    assert asked.returncode == 2
    assert "Fjällbäcken Bygg & Fastighet AB" in asked.stdout and "--yes" in asked.stdout
    assert len(cli("companies", "--json").json()) == 1

    removed = cli("company", "remove", "--company", DEMO_ORG, "--yes")
    assert removed.returncode == 0, removed.stderr
    assert cli("companies", "--json").json() == []
    with raw_connection(cli.store) as one:
        for table in ("fiscal_year", "account", "voucher", "voucher_row", "balance", "import_batch"):
            assert one(f"SELECT COUNT(*) FROM {table}")[0] == 0, table
    still = [entry for entry in cli("activity", "--json").json() if entry["kind"] == "import"]
    assert [entry["started"] for entry in still] == [entry["started"] for entry in imports]


def test_a_removal_reads_in_the_app_in_swedish_from_what_the_log_kept(cli):
    """The company is gone, so the log's entry must say itself from its own params, in the reader's language."""
    from core import activity
    from core.store.db import open_store
    from tui.i18n import activity_message, set_language

    cli("demo")
    vouchers = cli("trial-balance", "--year", "2024", "--json").json()["vouchers"]
    assert cli("year", "remove", "2024", "--yes").returncode == 0
    db = open_store(cli.data_dir / "bokslut.sqlite3")
    try:
        removal = next(entry for entry in activity.list_activity(db, kind="remove"))
        set_language("sv")
        said = activity_message(removal)
    finally:
        set_language("en")
        db.close()
    assert said.startswith("Tog bort räkenskapsåret 2024-01-01..2024-12-31 ur Fjällbäcken Bygg & Fastighet AB")
    assert f"{vouchers} verifikationer" in said
