"""`bokslut reconcile ...` as a user runs it, over the demo company's books; the expected figures are summed here
from the SIE file's own #IB and #TRANS records, never by the code under test."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from core.demo import write_demo_sie
from tests.closing import DEMO

YEAR = ("--company", DEMO.org_number, "--year", "2025")
_VER = re.compile(r'#VER\s+"?(\w*)"?\s+"?(\w+)"?\s+(\d{8})')
_TRANS = re.compile(r"#TRANS\s+(\d+)\s+\{[^}]*\}\s+(-?[\d.]+)")


class SieBook:
    """The file's own records: opening balances and each voucher's (series, number, date, rows)."""

    def __init__(self, path: Path) -> None:
        self.opening: dict[str, Decimal] = defaultdict(Decimal)
        self.vouchers: list[tuple[str, str, dt.date, list[tuple[str, Decimal]]]] = []
        for line in path.read_bytes().decode("latin-1").splitlines():
            line = line.strip()
            if line.startswith("#IB 0 "):
                _, _, account, amount, *_ = line.split()
                self.opening[account] += Decimal(amount)
            elif match := _VER.match(line):
                day = dt.datetime.strptime(match[3], "%Y%m%d").date()
                self.vouchers.append((match[1], match[2], day, []))
            elif match := _TRANS.match(line):
                self.vouchers[-1][3].append((match[1], Decimal(match[2])))

    def balance(self, account: str, end: dt.date) -> Decimal:
        return self.opening[account] + sum(
            (amount for _, _, day, rows in self.vouchers if day <= end for a, amount in rows if a == account),
            Decimal(0),
        )


@pytest.fixture
def demo(cli, tmp_path):
    path = write_demo_sie(DEMO, tmp_path / "demo.se")
    imported = cli("import-sie", str(path))
    assert imported.returncode == 0, imported.stderr
    return cli, SieBook(path)


def ok(run):
    assert run.returncode == 0, run.stderr
    return run.json() if run.stdout.startswith("{") else run


def refused(run, words: str) -> None:
    assert run.returncode == 2, run.stdout
    assert run.stderr.count("\n") == 1 and words in run.stderr, run.stderr


def show(cli, account: str, period: str = "2025-03") -> dict:
    return ok(cli("reconcile", "show", *YEAR, "--period", period, "--account", account, "--json"))


MARCH_END = dt.date(2025, 3, 31)


def test_bank_difference_becomes_an_entry_and_is_signed_then_approved_by_someone_else(demo):
    cli, book = demo
    balance = book.balance("1930", MARCH_END)
    statement = balance - Decimal("125.40")  # the bank says less: a fee the books lack
    shown = show(cli, "1930")
    assert (Decimal(shown["balance"]), shown["status"], shown["basis"]) == (balance, "not_started", "none")

    added = ok(cli("reconcile", "add-line", *YEAR, "--period", "2025-03", "--account", "1930", "--amount",
                   str(statement), "--reference", "Kontoutdrag mars", "--date", "2025-03-31", "--json"))
    assert (Decimal(added["difference"]), added["status"]) == (Decimal("125.40"), "in_progress")
    refused(cli("reconcile", "status", "reconciled", *YEAR, "--period", "2025-03", "--account", "1930"),
            "difference of 125.40")

    booked = ok(cli("reconcile", "to-entry", *YEAR, "--period", "2025-03", "--account", "1930", "--offset", "6570",
                    "--json"))
    assert Decimal(booked["balance"]) == statement and booked["difference"] == "0.00"
    entry = ok(cli("closing", "show", str(booked["created_entry"]), "--json"))
    assert entry["date"] == "2025-03-31"
    rows = {row["account"]: (row["debit"], row["credit"]) for row in entry["rows"]}
    assert rows == {"1930": ("0.00", "125.40"), "6570": ("125.40", "0.00")}
    assert booked["closing_entry"] == booked["created_entry"]

    signed = ok(cli("reconcile", "status", "reconciled", *YEAR, "--period", "2025-03", "--account", "1930", "--json"))
    assert (signed["status"], signed["prepared_by"], signed["stale"]) == ("reconciled", getpass.getuser(), False)
    refused(cli("reconcile", "status", "approved", *YEAR, "--period", "2025-03", "--account", "1930"),
            "someone else approves it")
    cli.extra_env.update(USER="granskare", LOGNAME="granskare")
    approved = ok(cli("reconcile", "status", "approved", *YEAR, "--period", "2025-03", "--account", "1930", "--json"))
    assert (approved["status"], approved["approved_by"]) == ("approved", "granskare")

    # The books change under it (another entry on 1930 in March): the sign-off no longer holds.
    draft = {"date": "2025-03-15", "text": "Rättelse", "rows": [
        {"account": "1930", "debit": "10.00", "credit": "0"}, {"account": "6570", "debit": "0", "credit": "10.00"}]}
    ok(cli("closing", "add", *YEAR, "--from-json", "-", stdin=json.dumps(draft)))
    changed = show(cli, "1930")
    assert (changed["stale"], Decimal(changed["difference"])) == (True, Decimal("10.00"))
    progress = ok(cli("reconcile", "progress", *YEAR, "--json"))
    march = next(p for p in progress["periods"] if p["period"] == "2025-03")
    assert march["reconciled"] == 0 and march["stale"] == 1


def test_an_explained_difference_may_be_signed(demo):
    cli, book = demo
    balance = book.balance("1510", MARCH_END)
    ok(cli("reconcile", "add-line", *YEAR, "--period", "2025-03", "--account", "15xx", "--amount",
           str(balance - 1), "--reference", "Kundreskontra"))
    ok(cli("reconcile", "comment", *YEAR, "--period", "2025-03", "--account", "15xx", "Inbetalning 1 kr okänd"))
    signed = ok(cli("reconcile", "status", "reconciled", *YEAR, "--period", "2025-03", "--account", "15xx",
                    "--json"))
    expected = sum((book.balance(a, MARCH_END) for a in book.opening.keys() | {r[0] for v in book.vouchers
                    for r in v[3]} if a.startswith("15")), Decimal(0))
    assert Decimal(signed["balance"]) == expected
    assert (signed["status"], Decimal(signed["difference"])) == ("reconciled", expected - balance + 1)
    refused(cli("reconcile", "to-entry", *YEAR, "--period", "2025-03", "--account", "15xx"), "--on ACCOUNT")


def test_vat_settlement_account_is_specified_by_its_open_settlement(demo):
    cli, book = demo
    settlements = [(s, n, day, dict(rows)) for s, n, day, rows in book.vouchers
                   if day <= MARCH_END and any(a == "2650" for a, _ in rows)]
    series, number, day, rows = settlements[-1]
    shown = show(cli, "2650")
    assert Decimal(shown["balance"]) == book.balance("2650", MARCH_END)
    assert shown["basis"] == "automatic" and shown["difference"] == "0.00"
    (line,) = [l for l in shown["automatic"]["lines"] if l["label"] == "open-settlement"]
    assert Decimal(line["amount"]) == rows["2650"]
    (source,) = line["sources"]
    assert (source["series"], source["number"], source["date"]) == (series, number, day.isoformat())
    cleared = {row["account"] for row in source["rows"]}
    assert {"2611", "2641"} <= cleared

    vat = show(cli, "2611")
    assert vat["automatic"]["kind"] == "vat-account" and Decimal(vat["balance"]) == book.balance("2611", MARCH_END)


def test_files_are_kept_with_limits_and_exported(demo, tmp_path):
    cli, _ = demo
    args = (*YEAR, "--period", "2025-03", "--account", "1930")
    statement = tmp_path / "kontoutdrag.pdf"
    statement.write_bytes(b"%PDF-1.4 mars\n" * 100)
    listed = ok(cli("reconcile", "attach", *args, str(statement), "--json"))
    (kept,) = listed["files"]
    assert (kept["name"], kept["size"], kept["sha256"]) == (
        "kontoutdrag.pdf", statement.stat().st_size, hashlib.sha256(statement.read_bytes()).hexdigest())
    out = tmp_path / "out"
    out.mkdir()
    ok(cli("reconcile", "attachments", *args, "--export", str(kept["id"]), "--to", str(out)))
    assert (out / "kontoutdrag.pdf").read_bytes() == statement.read_bytes()

    big = tmp_path / "big.bin"
    big.write_bytes(b"0" * (10 * 1024 * 1024 + 1))
    refused(cli("reconcile", "attach", *args, str(big)), "at most 10485760 bytes")
    for number in range(11):
        ok(cli("reconcile", "attach", *args, str(statement)))
    refused(cli("reconcile", "attach", *args, str(statement)), "already has 12 files")


def test_locked_period_is_frozen_and_unlocking_records_why(demo):
    cli, _ = demo
    args = (*YEAR, "--period", "2025-01", "--account", "1930")
    ok(cli("reconcile", "add-line", *args, "--amount", "100", "--reference", "Kassa"))
    ok(cli("period", "lock", "2025-01", *YEAR))
    refused(cli("reconcile", "add-line", *args, "--amount", "1"), "period 2025-01 is locked")
    refused(cli("reconcile", "unlock", *YEAR, "--period", "2025-01", "--reason", " "), "say why")
    ok(cli("reconcile", "unlock", *YEAR, "--period", "2025-01", "--reason", "Rättelse av bankavgift"))
    shown = ok(cli("reconcile", "add-line", *args, "--amount", "1", "--json"))
    unlocks = [e for e in shown["events"] if e["action"] == "unlock"]
    assert unlocks == [{"action": "unlock", "actor": getpass.getuser(), "happened": unlocks[0]["happened"],
                        "details": {"reason": "Rättelse av bankavgift"}}]


def test_carry_forward_copies_lines_set_to_carry(demo):
    cli, _ = demo
    args = (*YEAR, "--period", "2025-01", "--account", "2440")
    ok(cli("reconcile", "add-line", *args, "--amount", "-500", "--reference", "Leverantör A"))
    ok(cli("reconcile", "add-line", *args, "--amount", "-20", "--reference", "Engångs", "--no-carry"))
    carried = ok(cli("reconcile", "carry-forward", *YEAR, "--period", "2025-01", "--json"))
    assert (carried["to"], carried["copied"]) == ("2025-02", ["2440"])
    february = show(cli, "2440", "2025-02")
    assert [(l["reference"], l["amount"]) for l in february["lines"]] == [("Leverantör A", "-500.00")]
    assert february["status"] == "in_progress"


def test_bad_input_is_one_line(demo):
    cli, _ = demo
    refused(cli("reconcile", "show", *YEAR, "--period", "2025-03", "--account", "3001"), "not a balance account")
    refused(cli("reconcile", "show", *YEAR, "--period", "2025-13", "--account", "1930"), "not a period")
    refused(cli("reconcile", "add-line", *YEAR, "--period", "2025-03", "--account", "1930", "--amount", "1.234"),
            "not an amount")
    refused(cli("reconcile", "to-entry", *YEAR, "--period", "2025-03", "--account", "2650"), "no difference")
    refused(cli("reconcile", "to-entry", *YEAR, "--period", "2025-03", "--account", "1930"), "--offset ACCOUNT")


def test_vat_boxes_against_the_settlement(demo):
    cli, book = demo
    march = [(s, n, day, rows) for s, n, day, rows in book.vouchers if dt.date(2025, 3, 1) <= day <= MARCH_END]
    ordinary = [rows for _, _, _, rows in march if not any(a in ("2650", "1650") for a, _ in rows)]
    output_25 = -sum((v for rows in ordinary for a, v in rows if "2610" <= a <= "2613" or a == "2616"), Decimal(0))
    input_vat = sum((v for rows in ordinary for a, v in rows if "2640" <= a <= "2647" or a == "2649"), Decimal(0))
    settlement = next((s, n, day, dict(rows)) for s, n, day, rows in book.vouchers
                      if day >= MARCH_END and any(a == "2650" for a, _ in rows))
    result = ok(cli("reconcile", "vat", *YEAR, "--period", "2025-03", "--json"))
    boxes = {b["box"]: b for b in result["boxes"]}
    assert Decimal(boxes["10"]["booked"]) == output_25 and Decimal(boxes["48"]["booked"]) == input_vat
    assert Decimal(boxes["10"]["rounded"]) == int(output_25)  # whole kronor, truncated (reconcile.toml)
    assert (result["settlement"]["series"], result["settlement"]["number"]) == settlement[:2]
    assert Decimal(result["settlement"]["amount_2650"]) == settlement[3]["2650"]
    assert Decimal(result["settlement"]["rounding_3740"]) == settlement[3].get("3740", 0)
    assert (boxes["49"]["reported_source"], Decimal(boxes["49"]["reported"])) == ("inferred", -settlement[3]["2650"])

    reported = ok(cli("reconcile", "vat", *YEAR, "--period", "2025-03", "--reported", "10=1", "--json"))
    ten = next(b for b in reported["boxes"] if b["box"] == "10")
    assert Decimal(ten["difference"]) == int(output_25) - 1 and "10" in reported["differences"]


def test_income_analysis_with_a_comment(demo):
    cli, book = demo
    ok(cli("reconcile", "comment", *YEAR, "--period", "2025-03", "--account", "6570", "Fler bankärenden"))
    rows = ok(cli("reconcile", "analysis", *YEAR, "--period", "2025-03", "--json"))["accounts"]
    fees = next(r for r in rows if r["account"] == "6570")
    in_march = sum((v for _, _, day, rs in book.vouchers if dt.date(2025, 3, 1) <= day <= MARCH_END
                    for a, v in rs if a == "6570"), Decimal(0))
    to_date = sum((v for _, _, day, rs in book.vouchers if day <= MARCH_END for a, v in rs if a == "6570"),
                  Decimal(0))
    assert (Decimal(fees["period"]), Decimal(fees["year_to_date"])) == (in_march, to_date)
    assert [c["text"] for c in fees["comments"]] == ["Fler bankärenden"]
