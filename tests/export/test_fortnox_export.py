"""`bokslut export-fortnox` against the sandbox over loopback: the series choice, a clean export, every preflight
refusal, and an expired connection. Real `bokslut` processes and a real SQLite file; nothing is mocked."""

from __future__ import annotations

import datetime as dt
import os
import pty
import re
import subprocess

import httpx

from core.activity import list_activity
from core.store.models import ClosingEntry, ClosingRow, ExportAttempt, FiscalYear
from tests.export.conftest import NORDLJUS_TENANT, YEAR_2025_ID, draft
from tests.fortnox.conftest import NORDLJUS, connect


def _posted(sandbox) -> list:
    return sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)


def _in_the_apps_activity_log(entry) -> str:
    """The entry's line in the app's activity panel, in English; core's errors are left untranslated after."""
    from core.errors import translate_with
    from tui.i18n import language, set_language
    from tui.widgets.activity_panel import activity_line

    before = language()
    set_language("en")
    try:
        return activity_line(entry).plain
    finally:
        set_language(before)
        translate_with(None)


def _with_terminal(cli, args: tuple[str, ...], typed: str):
    """Runs bokslut with a terminal on stdin (so it may ask) and the answer already typed."""
    keyboard, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            cli.command(*args), stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env
        )
        os.write(keyboard, typed.encode())
        out, err = process.communicate(timeout=120)
    finally:
        os.close(terminal)
        os.close(keyboard)
    return process.returncode, out, err


def test_a_clean_export_sends_each_entry_once_and_records_where_it_went(nordljus, sandbox):
    cli = nordljus.cli
    depreciation = nordljus.add(
        draft("Avskrivning inventarier 2025", ("7832", "12000.00", "10", None, "Plan 20 %"), ("1229", "-12000.00"))
    )
    accrual = nordljus.add(
        draft(
            "Upplupen IT-kostnad",
            ("6540", "3500.50", "20", "0002", "Support december"),
            ("2990", "-3500.50", None, None, "Upplupet"),
        )
    )
    tax = nordljus.add(draft("Skatt på årets resultat", ("8910", "51234.00"), ("2512", "-51234.00")))

    # A year that came from a SIE file has no Fortnox Id: Fortnox is asked for the year holding its last day.
    FiscalYear.update(fortnox_id=None).where(FiscalYear.id == nordljus.year.id).execute()
    series = cli("fortnox-series", "--company", NORDLJUS, "--year", "2025", "--json").json()
    by_code = {item["code"]: (item["manual"], item["preselected"]) for item in series}
    assert by_code["I"] == (True, True) and by_code["B"] == (False, False) and by_code["A"] == (True, False)
    assert [item["code"] for item in series if item["preselected"]] == ["I"]

    unasked = nordljus.export()  # no --yes and no terminal to ask on
    assert unasked.returncode == 2 and "add --yes" in unasked.stderr
    declined = _with_terminal(cli, ("export-fortnox", "--company", NORDLJUS, "--year", "2025", "--series", "I"), "n\n")
    assert declined[0] == 2, declined
    assert "3 closing entries will be sent to Fortnox series I" in declined[1]
    assert "Skatt på årets resultat" in declined[1]
    assert _posted(sandbox) == []

    code, out, err = _with_terminal(
        cli, ("export-fortnox", "--company", NORDLJUS, "--year", "2025", "--series", "I"), "y\n"
    )
    assert code == 0, err
    assert re.findall(r"entry \d+: [^\n]*", out) == [
        f"entry {depreciation.id}: sent as I 1", f"entry {accrual.id}: sent as I 2", f"entry {tax.id}: sent as I 3"
    ]  # fmt: skip
    assert "Fortnox series I: 3 sent, 0 found after a lost answer, 0 skipped, 0 failed." in out

    posted = _posted(sandbox)
    assert [(v.series, v.number, v.year_id) for v in posted] == [("I", n, YEAR_2025_ID) for n in (1, 2, 3)]
    voucher = posted[1]
    assert (voucher.description, voucher.transaction_date) == ("Upplupen IT-kostnad", dt.date(2025, 12, 31))
    assert accrual.marker in voucher.comments and voucher.comments.startswith("Bokslutsverifikation från bokslut")
    assert [(r.account, r.amount_ore, r.cost_center, r.project, r.transaction_information) for r in voucher.rows] == [
        (6540, 350050, "20", "0002", "Support december"), (2990, -350050, "", "", "Upplupet")
    ]  # fmt: skip

    listed = cli("closing", "list", "--company", NORDLJUS, "--year", "2025", "--json").json()
    assert [(e["id"], e["status"], e["fortnox"]) for e in listed] == [
        (entry.id, "exported", {"series": "I", "number": number, "year": YEAR_2025_ID})
        for entry, number in ((depreciation, 1), (accrual, 2), (tax, 3))
    ]
    assert [a.state for a in ExportAttempt.select().order_by(ExportAttempt.id)] == ["posted"] * 3

    exports = list_activity(nordljus.db, kind="export")
    assert [(e.status, e.counts.get("sent")) for e in exports] == [("done", 3), ("failed", None), ("failed", None)]
    assert f"entry {accrual.id}: sent as I 2" in exports[0].message
    line = _in_the_apps_activity_log(exports[0])
    assert "3 sent, 0 failed  Export to Fortnox series I: 3 sent" in line and "0/0/0" not in line

    again = nordljus.export("--yes", "--json")
    assert again.returncode == 0, again.stderr
    assert again.json()["entries"] == [] and again.json()["counts"]["sent"] == 0
    assert len(_posted(sandbox)) == 3


def test_the_preflight_lists_every_problem_per_entry_and_nothing_is_sent(nordljus, sandbox):
    del sandbox.sandbox.company(NORDLJUS_TENANT).chart(YEAR_2025_ID)[6570]  # known here, gone from Fortnox's 2025 chart
    add = nordljus.add
    inactive = add(draft("Utvecklingsutgifter", ("1010", "1000"), ("2990", "-1000")))
    not_in_chart = add(draft("Bankkostnader", ("6570", "250"), ("2990", "-250")))
    no_cost_centre = add(draft("IT-tjänster", ("6540", "800"), ("2990", "-800")))
    project_on_bank = add(draft("Bank med projekt", ("1930", "500", None, "0001"), ("2990", "-500")))
    locked = add(draft("Avskrivning mars", ("7832", "100"), ("1229", "-100"), date=dt.date(2025, 3, 15)))
    # Transaction information and quantity rules: only the single-account GET shows them.
    no_row_text = add(draft("Placering", ("1880", "700"), ("2990", "-700")))
    needs_quantity = add(draft("Lager", ("1460", "900", None, None, "Inventering"), ("2990", "-900")))
    # Local validation refuses these three; an entry from an older bokslut or edited in the file must still be caught.
    characters, too_long, unbalanced, clean = (
        add(draft(f"Periodisering {n}", ("1790", "100"), ("5010", "-100"))) for n in range(4)
    )
    ClosingEntry.update(text="Hyra | ”januari”").where(ClosingEntry.id == characters.id).execute()
    ClosingEntry.update(text="x" * 201).where(ClosingEntry.id == too_long.id).execute()
    first_row = (ClosingRow.entry == unbalanced.id) & (ClosingRow.position == 1)
    ClosingRow.update(amount=ClosingRow.amount + 1).where(first_row).execute()

    refused = nordljus.export("--yes", "--json")
    assert refused.returncode == 2
    preflight = refused.json()
    assert preflight["clean"] is False and preflight["general"] == []
    problems = {int(entry_id): " | ".join(found) for entry_id, found in preflight["problems"].items()}
    assert set(problems) == {e.id for e in (inactive, not_in_chart, no_cost_centre, project_on_bank, no_row_text,
                                            needs_quantity, characters, too_long, unbalanced)}  # fmt: skip
    assert "rows[1].text: account 1880 requires transaction information in Fortnox" in problems[no_row_text.id]
    assert "rows[1].account: account 1460 requires a quantity in Fortnox" in problems[needs_quantity.id]
    assert "account 1010 is not active in Fortnox" in problems[inactive.id]
    assert "account 6570 is not in Fortnox's chart of accounts for 2025-01-01..2025-12-31" in problems[not_in_chart.id]
    assert "rows[1].cost_center: account 6540 requires a cost centre" in problems[no_cost_centre.id]
    assert "rows[1].project: account 1930 allows no project in Fortnox; remove 0001" in problems[project_on_bank.id]
    # The locked period is Fortnox's to decide (a closing series takes it): a warning, not a problem.
    assert preflight["locked_through"] == "2025-03-31"
    (warning,) = preflight["warnings"]
    assert warning["key"] == "export_locked_period_warning"
    named = f"{locked.id} (2025-03-15, Avskrivning mars)"
    assert warning["params"] == {"count": 1, "locked_through": "2025-03-31", "series": "I", "entries": named}
    (locked_item,) = [item for item in preflight["entries"] if item["id"] == locked.id]
    assert locked_item["problems"] == [] and [w["key"] for w in locked_item["warnings"]] == [
        "export_entry_in_locked_period"
    ]
    assert "'|'" in problems[characters.id] and "'”'" in problems[characters.id]
    assert "201 characters long; Fortnox allows at most 200" in problems[too_long.id]
    assert "not balanced" in problems[unbalanced.id]
    assert f"entry {inactive.id} (2025-12-31, 'Utvecklingsutgifter'):" in refused.stderr  # the text form, per line
    assert {entry["id"] for entry in preflight["entries"]} >= {clean.id}

    missing = nordljus.export("--yes", "--json", series="Z")
    assert missing.returncode == 2
    assert missing.json()["general"][0].startswith("series: Fortnox has no voucher series Z in the financial year")
    not_manual = nordljus.export("--yes", "--json", series="B")
    assert "voucher series B is not a manual series" in not_manual.json()["general"][0]
    assert "choose one of the manual series A, F, G, H, I, J, K, M" in not_manual.json()["general"][0]

    assert _posted(sandbox) == []
    assert not ExportAttempt.select().exists()
    assert {e.status for e in ClosingEntry.select()} == {"not_exported"}


def test_an_expired_connection_is_renewed_by_a_new_import_before_exporting(nordljus, sandbox):
    entry = nordljus.add(draft("Skatt på årets resultat", ("8910", "1000.00"), ("2512", "-1000.00")))
    expired = httpx.post(f"{sandbox.base_url}/sandbox/companies/{NORDLJUS_TENANT}/expire")  # as the demo can
    assert expired.json() == {"tenant": NORDLJUS_TENANT, "done": "expire"}

    refused = nordljus.export("--yes")
    assert refused.returncode == 2
    assert "you need to perform a new import to reconnect before you can export" in refused.stderr
    assert "bokslut connect --company 556123-4567, then bokslut import-fortnox --company 556123-4567" in refused.stderr
    assert _posted(sandbox) == [] and ClosingEntry.get_by_id(entry.id).status == "not_exported"

    assert connect(nordljus.cli, NORDLJUS).returncode == 0
    assert nordljus.cli("import-fortnox", "--company", NORDLJUS).returncode == 0
    done = nordljus.export("--yes", "--json")
    assert done.returncode == 0, done.stderr
    assert done.json()["counts"]["sent"] == 1 and ClosingEntry.get_by_id(entry.id).fortnox_number == 1



def test_after_a_disconnect_the_export_says_not_connected_not_expired(nordljus, sandbox):
    nordljus.add(draft("Skatt på årets resultat", ("8910", "1000.00"), ("2512", "-1000.00")))
    assert nordljus.cli("disconnect", "--company", NORDLJUS).returncode == 0
    refused = nordljus.export("--yes")
    assert refused.returncode == 2
    assert "Nordljus Konsult AB is not connected to Fortnox, so nothing was exported" in refused.stderr
    assert "expired" not in refused.stderr and _posted(sandbox) == []


def test_a_locked_period_warns_then_fortnox_decides_the_closing_series_takes_it_another_not(nordljus, sandbox):
    """Nordljus has locked through 2025-03-31 and its series I is its closing series ("ej låsbar serie"), which the
    API does not show: bokslut warns, sends, and records Fortnox's own answer per entry."""
    march = nordljus.add(draft("Avskrivning mars", ("7832", "100.00"), ("1229", "-100.00"), date=dt.date(2025, 3, 15)))
    year_end = nordljus.add(draft("Skatt på årets resultat", ("8910", "1000.00"), ("2512", "-1000.00")))

    elsewhere = nordljus.export("--yes", "--json", series="A")
    assert elsewhere.returncode == 2  # an entry failed
    assert (
        "bokslut: warning: 1 entry is dated in Fortnox's locked period (through 2025-03-31): "
        f"{march.id} (2025-03-15, Avskrivning mars). Fortnox takes them only if A is its closing series"
    ) in elsewhere.stderr
    results = {item["id"]: item for item in elsewhere.json()["entries"]}
    refusal = "Sandbox Administratör har låst perioden t.o.m. 2025-03-31. Lås upp perioden för att fortsätta"
    assert (results[march.id]["outcome"], results[march.id]["code"]) == ("failed", 2000401)
    assert results[march.id]["message"] == f"Fortnox refused the voucher (code 2000401): {refusal}"
    assert (results[year_end.id]["outcome"], results[year_end.id]["code"]) == ("sent", None)
    failed = ClosingEntry.get_by_id(march.id)
    assert (failed.status, failed.failure) == ("failed", f"Fortnox refused the voucher (code 2000401): {refusal}")
    attempt = ExportAttempt.get(ExportAttempt.entry == march.id)
    assert (attempt.state, attempt.series, attempt.message) == ("failed", "A", failed.failure)
    assert [(v.series, v.transaction_date) for v in _posted(sandbox)] == [("A", dt.date(2025, 12, 31))]

    closing = nordljus.export("--yes", "--json", series="I")  # the failed entry is a candidate again
    assert closing.returncode == 0, closing.stderr
    assert "Fortnox takes them only if I is its closing series" in closing.stderr
    assert [(item["id"], item["outcome"], item["number"]) for item in closing.json()["entries"]] == [
        (march.id, "sent", 1)
    ]
    exported = ClosingEntry.get_by_id(march.id)
    assert (exported.status, exported.fortnox_series, exported.fortnox_number) == ("exported", "I", 1)
    assert [(v.series, v.number, v.transaction_date) for v in _posted(sandbox)][-1] == ("I", 1, dt.date(2025, 3, 15))
