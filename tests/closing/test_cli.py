"""`bokslut closing ...` as a user runs it: a real process over a real store with the demo company imported."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from core.store.db import open_store
from core.store.models import ClosingEntry
from tests.closing import DEMO
from core.demo import write_demo_sie

ORG = DEMO.org_number
YEAR = ("--company", ORG, "--year", "2025")
ENTRY = {
    "date": "2025-12-31",
    "text": "Upplupet revisionsarvode",
    "rows": [
        {"account": "6420", "debit": 12500.5, "credit": 0, "cost_center": "10", "project": "0001", "text": "Revisor"},
        {"account": 2990, "debit": "0", "credit": "12500.50", "cost_center": None, "project": "", "text": ""},
    ],
}


@pytest.fixture
def demo_cli(cli, tmp_path):
    imported = cli("import-sie", str(write_demo_sie(DEMO, tmp_path / "demo.se")))
    assert imported.returncode == 0, imported.stderr
    return cli


def add(cli, entry: dict, *extra: str):
    return cli("closing", "add", *YEAR, "--from-json", "-", *extra, stdin=json.dumps(entry))


def entry_list(cli, *extra: str) -> list[dict]:
    listed = cli("closing", "list", *YEAR, "--json", *extra)
    assert listed.returncode == 0, listed.stderr
    return listed.json()


def test_add_from_a_json_file_then_list_and_show(demo_cli, tmp_path):
    path = tmp_path / "entry.json"
    path.write_text(json.dumps(ENTRY), encoding="utf-8")

    added = demo_cli("closing", "add", *YEAR, "--from-json", str(path))

    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines()[0].endswith("2025-12-31  Upplupet revisionsarvode  [not exported]")
    assert "6420  Ersättningar till revisor" in added.stdout and "12500.50" in added.stdout
    [listed] = entry_list(demo_cli)
    assert (listed["text"], listed["status"], listed["fortnox"], listed["deleted"]) == (
        "Upplupet revisionsarvode",
        "not_exported",
        None,
        False,
    )
    assert listed["rows"] == [
        {"account": "6420", "debit": "12500.50", "credit": "0.00", "cost_center": "10", "project": "0001",
         "text": "Revisor"},
        {"account": "2990", "debit": "0.00", "credit": "12500.50", "cost_center": None, "project": None, "text": ""},
    ]
    shown = demo_cli("closing", "show", str(listed["id"]), "--json").json()
    assert [(line["action"], line["status"]) for line in shown.pop("history")] == [("created", "not_exported")]
    assert shown == listed


def test_final_trial_balance_includes_the_entries_and_says_so(demo_cli):
    add(demo_cli, ENTRY)
    preliminary = demo_cli("trial-balance", *YEAR, "--json").json()
    final = demo_cli("trial-balance", *YEAR, "--final", "--json").json()

    assert (preliminary["final"], final["final"]) == (False, True)
    closing = {document["final"]: {a["number"]: Decimal(a["closing"]) for a in document["accounts"]}
               for document in (preliminary, final)}
    assert closing[True]["6420"] - closing[False]["6420"] == Decimal("12500.50")
    assert closing[True]["2990"] - closing[False]["2990"] == Decimal("-12500.50")
    assert "final (with closing entries)" in demo_cli("trial-balance", *YEAR, "--final").stdout.splitlines()[0]


def test_delete_hides_and_restore_brings_back(demo_cli):
    entry_id = str(add(demo_cli, ENTRY, "--json").json()["id"])

    deleted = demo_cli("closing", "delete", entry_id, "--json")
    assert deleted.returncode == 0 and deleted.json()["deleted"] is True
    assert entry_list(demo_cli) == []
    assert [e["id"] for e in entry_list(demo_cli, "--deleted")] == [int(entry_id)]

    assert demo_cli("closing", "restore", entry_id).returncode == 0
    assert [e["deleted"] for e in entry_list(demo_cli)] == [False]


def test_edit_reverse_and_not_applicable(demo_cli, tmp_path):
    entry_id = str(add(demo_cli, ENTRY, "--json").json()["id"])
    changed = {**ENTRY, "text": "Revisionsarvode", "rows": [{**ENTRY["rows"][0], "debit": "100"},
                                                          {**ENTRY["rows"][1], "credit": "100"}]}
    edited = demo_cli("closing", "edit", entry_id, "--from-json", "-", "--json", stdin=json.dumps(changed))
    assert edited.returncode == 0, edited.stderr
    assert (edited.json()["text"], edited.json()["rows"][0]["debit"]) == ("Revisionsarvode", "100.00")

    marked = demo_cli("closing", "not-applicable", entry_id, "--json").json()
    assert marked["status"] == "not_applicable"
    assert demo_cli("closing", "not-applicable", entry_id, "--undo", "--json").json()["status"] == "not_exported"

    reversal = demo_cli("closing", "reverse", entry_id, "--json").json()
    assert (reversal["reverses"], reversal["text"]) == (int(entry_id), "Återföring: Revisionsarvode")
    assert [(r["debit"], r["credit"]) for r in reversal["rows"]] == [("0.00", "100.00"), ("100.00", "0.00")]


def test_an_exported_entry_refuses_edit_and_delete_with_one_line(demo_cli):
    entry_id = add(demo_cli, ENTRY, "--json").json()["id"]
    db = open_store(demo_cli.store)
    ClosingEntry.update(status="exported", fortnox_series="I", fortnox_number=3, fortnox_year=2).where(
        ClosingEntry.id == entry_id
    ).execute()
    db.close()

    for command in (("edit", str(entry_id), "--from-json", "-"), ("delete", str(entry_id))):
        refused = demo_cli("closing", *command, stdin=json.dumps(ENTRY))
        assert refused.returncode == 2
        assert refused.stderr == (
            f"bokslut: closing entry {entry_id} was exported to Fortnox as I 3 and can no longer be "
            f"{'edited' if command[0] == 'edit' else 'deleted'}; reverse it with a new entry instead "
            f"(bokslut closing reverse {entry_id})\n"
        )


def test_template_creates_the_entry_and_print_only_shows_it(demo_cli):
    printed = demo_cli("closing", "template", "accrued-expenses", *YEAR, "--amount", "1500,50", "--account", "6420",
                       "--print")
    assert printed.returncode == 0, printed.stderr
    draft = printed.json()
    assert draft == {
        "date": None,
        "text": "Upplupna kostnader 2025",
        "rows": [
            {"account": "6420", "debit": "1500.50", "credit": "0.00", "cost_center": None, "project": None, "text": ""},
            {"account": "2990", "debit": "0.00", "credit": "1500.50", "cost_center": None, "project": None, "text": ""},
        ],
    }
    assert entry_list(demo_cli) == []
    assert add(demo_cli, draft).returncode == 0  # the printed draft is what closing add takes

    created = demo_cli("closing", "template", "tax", *YEAR, "--json")
    assert created.returncode == 0, created.stderr
    assert (created.json()["template"], created.json()["rows"][0]["account"]) == ("tax", "8910")
    assert [e["template"] for e in entry_list(demo_cli)] == ["", "tax"]


def test_rates_show_defaults_and_take_overrides(demo_cli):
    listed = demo_cli("closing", "rates", *YEAR, "--set", "tax=22", "--json")
    assert listed.returncode == 0, listed.stderr
    assert listed.json() == [
        {"name": "tax", "value": "22", "default": "20.6", "overridden": True},
        {"name": "periodiseringsfond", "value": "25", "default": "25", "overridden": False},
        {"name": "depreciation", "value": "20", "default": "20", "overridden": False},
    ]
    text = demo_cli("closing", "rates", *YEAR, "--set", "tax=").stdout
    assert text.splitlines()[0].split() == ["tax", "20.6", "%", "(default)"]


@pytest.mark.parametrize(
    ("stdin", "first_line"),
    [
        ('{"text": "x", ', "bokslut: standard input is not valid JSON (Expecting property name enclosed in double "
                           "quotes at line 1, column 15)"),
        ("[1, 2]", "bokslut: the closing entry in standard input is not valid:"),
        ('{"text": "x", "rows": [{"account": "6420", "debit": "12,3.4"}]}',
         "bokslut: the closing entry in standard input is not valid:"),
    ],
)
def test_bad_json_gives_a_clear_message_and_exit_2(demo_cli, stdin, first_line):
    run = demo_cli("closing", "add", *YEAR, "--from-json", "-", stdin=stdin)
    assert run.returncode == 2
    assert run.stderr.splitlines()[0].startswith(first_line)
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_an_invalid_entry_lists_every_problem_one_per_line(demo_cli):
    bad = {"date": "2026-01-10", "text": "Fel | text", "rows": [
        {"account": "6429", "debit": "100"}, {"account": "2990", "credit": "90", "cost_center": "99"}]}
    run = add(demo_cli, bad)

    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "bokslut: the closing entry 'Fel | text' is not valid:",
        "  date: 2026-01-10 is outside the fiscal year 2025-01-01..2025-12-31",
        "  text: contains '|' (VERTICAL LINE), which Fortnox does not accept; use letters, digits, spaces and "
        "common punctuation",
        "  rows[1].account: account 6429 is not in the company's chart; did you mean 6420 Ersättningar till revisor?",
        "  rows[2].cost_center: cost centre 99 does not exist in the company",
        "  rows: not balanced: debit 100.00, credit 90.00, a difference of 10.00",
    ]
    assert entry_list(demo_cli) == []


def test_unknown_entries_templates_and_missing_files_are_one_line(demo_cli, tmp_path):
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"text": "Årets resultat"}'.encode("latin-1"))
    for args, message in (
        (("closing", "show", "99"), "bokslut: there is no closing entry 99; list them with bokslut closing list"),
        (("closing", "template", "tax", "--company", "556000-0008", "--year", "2025"),
         "bokslut: no company with organisation number 556000-0008 in the store"),
        (("closing", "add", *YEAR, "--from-json", str(tmp_path / "missing.json")), "bokslut: "),
        (("closing", "add", *YEAR, "--from-json", str(latin1)), f"bokslut: {latin1} is not UTF-8 text"),
        (("closing", "template", "dividend", *YEAR), "bokslut closing template: argument NAME: invalid choice"),
    ):
        run = demo_cli(*args)
        assert run.returncode == 2, args
        assert run.stderr.startswith(message) and len(run.stderr.splitlines()) == 1, run.stderr
