"""`bokslut reconcile vat` per VAT period (reconciliation.md §3.2-§3.4) over small years written here, and the demo
company's year end; every expected figure is summed by hand here (or from the SIE file's own records), never by the
code under test."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from core.reconcile import rules
from tests.reconcile.test_cli import YEAR as DEMO_YEAR
from tests.reconcile.test_cli import demo, ok, refused  # noqa: F401 (demo: a fixture)

ORG = "556677-8899"
YEAR = ("--company", ORG, "--year", "2025")


def write_sie(path: Path, vouchers: list[tuple[str, list[tuple[str, str]]]], year: int = 2025) -> Path:
    """A year of vouchers (date, rows) numbered A1, A2, ... in the order given."""
    accounts = sorted({account for _, rows in vouchers for account, _ in rows} | {"2081"})
    lines = ["#FLAGGA 0", "#SIETYP 4", '#FNAMN "Moms AB"', f"#ORGNR {ORG}", f"#RAR 0 {year}0101 {year}1231"]
    lines += [f'#KONTO {account} "Konto {account}"' for account in accounts]
    lines += ["#IB 0 1930 100000.00", "#IB 0 2081 -100000.00"]
    for number, (day, rows) in enumerate(vouchers, start=1):
        lines += [f'#VER A {number} {day} "Verifikation {number}"', "{"]
        lines += [f"#TRANS {account} {{}} {amount}" for account, amount in rows]
        lines.append("}")
    path.write_bytes(("\n".join(lines) + "\n").encode("cp437"))
    return path


def books(cli, tmp_path: Path, vouchers, vat_period: str):
    ok(cli("import-sie", str(write_sie(tmp_path / "moms.se", vouchers))))
    ok(cli("checks", "vat-period", vat_period, "--company", ORG))
    return lambda period, *more: ok(cli("reconcile", "vat", *YEAR, "--period", period, *more, "--json"))


def boxes(result: dict) -> dict[str, dict]:
    return {box["box"]: box for box in result["boxes"]}


def figures(result: dict, key: str) -> dict[str, Decimal | None]:
    return {box: None if values[key] is None else Decimal(values[key]) for box, values in boxes(result).items()}


def test_no_account_is_in_two_boxes():
    """§3.3: an account belongs to exactly one box, so no order of the boxes decides where an amount counts."""
    held = {}
    for number in map(str, range(1000, 10000)):
        holding = [box.box for box in rules.vat_boxes() if box.holds(number)]
        assert len(holding) <= 1, (number, holding)
        if holding:
            held[number] = holding[0]
    # §3.2: EU freight 3521 in 35, 3522 and 3542 in 36, 3541 in 39; 3510-3540 otherwise in 05
    assert (held["3521"], held["3522"], held["3542"], held["3541"], held["3510"], held["3540"]) == (
        "35", "36", "36", "39", "05", "05")


def test_eu_freight_counts_in_box_35_alone(cli, tmp_path):
    vat = books(cli, tmp_path, [
        ("20250115", [("1930", "12000.00"), ("3001", "-8000.00"), ("3521", "-2000.00"), ("2611", "-2000.00")]),
    ], "month")
    booked = figures(vat("2025-01"), "booked")
    assert (booked["05"], booked["35"], booked["10"]) == (Decimal("8000.00"), Decimal("2000.00"), Decimal("2000.00"))


def test_services_and_goods_on_304x_and_305x_are_taxable_sales_in_box_05(cli, tmp_path):
    """The demo and charts like Fortnox's book Swedish sales of services on 3041-3043 and goods on 3051-3053."""
    vat = books(cli, tmp_path, [
        ("20250115", [("1930", "16250.00"), ("3001", "-1000.00"), ("3041", "-10000.00"), ("3052", "-2000.00"),
                      ("2611", "-2750.00"), ("2621", "-240.00"), ("3004", "-260.00")]),
    ], "month")
    booked = figures(vat("2025-01"), "booked")
    assert (booked["05"], booked["42"]) == (Decimal("1000.00") + Decimal("10000.00") + Decimal("2000.00"), Decimal("260.00"))


def test_a_refund_settled_to_1650_is_box_49_and_its_payout_is_found(cli, tmp_path):
    """§3.2: box 49 is 2650, and 1650 for a refund. Output VAT 2 000, input VAT 5 000: 3 000 back."""
    vat = books(cli, tmp_path, [
        ("20250110", [("1930", "10000.00"), ("3001", "-8000.00"), ("2611", "-2000.00")]),
        ("20250120", [("4010", "20000.00"), ("2641", "5000.00"), ("2440", "-25000.00")]),
        ("20250131", [("2611", "2000.00"), ("2641", "-5000.00"), ("1650", "3000.00")]),
        ("20250212", [("1630", "3000.00"), ("1650", "-3000.00")]),
    ], "month")
    result = vat("2025-01")
    forty_nine = boxes(result)["49"]
    assert (Decimal(forty_nine["booked"]), Decimal(forty_nine["reported"]), forty_nine["reported_source"]) == (
        Decimal("-3000.00"), Decimal("-3000.00"), "inferred")
    assert Decimal(forty_nine["difference"]) == 0 and result["differences"] == []
    assert (result["settlement"]["number"], Decimal(result["settlement"]["amount_2650"])) == ("3", Decimal("3000.00"))
    assert (result["payment"]["number"], result["payment"]["account"], Decimal(result["payment"]["amount"])) == (
        "4", "1630", Decimal("3000.00"))
    said = cli("reconcile", "vat", *YEAR, "--period", "2025-01")
    assert said.returncode == 0 and "settled A3 2025-01-31: 1650 3000.00, 3740 0.00" in said.stdout


def test_yearly_vat_is_open_until_the_years_end(cli, tmp_path):
    """A VAT year with monthly reconciliation: February is two months of a VAT period still open, so nothing is
    compared (before, February's 100 was compared with December's settlement of 350)."""
    vat = books(cli, tmp_path, [
        ("20250110", [("1930", "1250.00"), ("3001", "-1000.00"), ("2611", "-250.00")]),
        ("20250214", [("1930", "500.00"), ("3001", "-400.00"), ("2611", "-100.00")]),
        ("20251231", [("2611", "350.00"), ("2650", "-350.00")]),
    ], "year")
    february = vat("2025-02")
    assert (february["start"], february["end"]) == ("2025-01-01", "2025-02-28")
    assert february["vat_period"] == {"key": "2025", "label": "2025", "kind": "year", "start": "2025-01-01",
                                      "end": "2025-12-31", "open": True}
    assert figures(february, "booked")["10"] == Decimal("350.00")
    assert figures(february, "reported")["49"] is None and february["differences"] == []
    assert february["settlement"] is None
    refused(cli("reconcile", "vat", *YEAR, "--period", "2025-02", "--reported", "49=350"), "still open")
    said = cli("reconcile", "vat", *YEAR, "--period", "2025-02")
    assert said.returncode == 0 and "VAT period 2025 (open until 2025-12-31" in said.stdout.splitlines()[0]

    for period in ("2025-12", "year-end"):
        closed = vat(period)
        assert (closed["start"], closed["end"], closed["vat_period"]["open"]) == ("2025-01-01", "2025-12-31", False)
        assert figures(closed, "booked")["10"] == Decimal("350.00") and closed["settlement"]["number"] == "3"
        assert figures(closed, "reported")["49"] == Decimal("350.00") and closed["differences"] == []


def test_quarterly_vat_with_monthly_reconciliation(cli, tmp_path):
    """Q1's VAT (250 + 100) is settled on 31 March and paid on 12 May; Q2's 500 on 30 June."""
    vat = books(cli, tmp_path, [
        ("20250110", [("1930", "1250.00"), ("3001", "-1000.00"), ("2611", "-250.00")]),
        ("20250214", [("1930", "500.00"), ("3001", "-400.00"), ("2611", "-100.00")]),
        ("20250331", [("2611", "350.00"), ("2650", "-350.00")]),
        ("20250415", [("1930", "2500.00"), ("3001", "-2000.00"), ("2611", "-500.00")]),
        ("20250512", [("2650", "350.00"), ("1630", "-350.00")]),
        ("20250630", [("2611", "500.00"), ("2650", "-500.00")]),
    ], "quarter")
    february = vat("2025-02")
    assert (february["vat_period"]["label"], february["vat_period"]["open"]) == ("2025Q1", True)
    assert figures(february, "booked")["10"] == Decimal("350.00") and february["settlement"] is None
    refused(cli("reconcile", "vat", *YEAR, "--period", "2025-02", "--reported", "10=350"), "still open")

    march = vat("2025-03", "--reported", "10=340")
    assert (march["start"], march["end"], march["vat_period"]["open"]) == ("2025-01-01", "2025-03-31", False)
    assert figures(march, "booked")["10"] == Decimal("350.00")
    assert (march["settlement"]["number"], march["payment"]["number"]) == ("3", "5")
    assert figures(march, "difference") == {"10": Decimal("10.00"), "49": Decimal("0.00"), "05": None}
    assert march["differences"] == ["10"]

    april = vat("2025-04")  # Q2 open: March's reported figure is Q1's, not shown here
    assert (april["start"], april["vat_period"]["label"], april["vat_period"]["open"]) == ("2025-04-01", "2025Q2", True)
    assert figures(april, "booked")["10"] == Decimal("500.00") and figures(april, "reported")["10"] is None

    june = vat("2025-06")
    assert (june["start"], june["end"], june["settlement"]["number"]) == ("2025-04-01", "2025-06-30", "6")
    assert figures(june, "reported")["49"] == Decimal("500.00") and june["differences"] == []


def test_a_month_is_not_compared_with_the_next_months_settlement(cli, tmp_path):
    """January has no settlement of its own; February's (on 28 February, for both months) is not January's."""
    vat = books(cli, tmp_path, [
        ("20250110", [("1930", "1250.00"), ("3001", "-1000.00"), ("2611", "-250.00")]),
        ("20250214", [("1930", "500.00"), ("3001", "-400.00"), ("2611", "-100.00")]),
        ("20250228", [("2611", "350.00"), ("2650", "-350.00")]),
    ], "month")
    january = vat("2025-01")
    assert january["settlement"] is None and january["differences"] == []
    assert figures(january, "booked")["10"] == Decimal("250.00") and figures(january, "reported")["49"] is None
    february = vat("2025-02")
    assert february["settlement"]["number"] == "3" and february["differences"] == ["49"]
    assert figures(february, "difference")["49"] == Decimal("100.00") - Decimal("350.00")


def test_the_demos_year_end_is_its_last_vat_month(demo):
    """The demo files its VAT monthly (read from its settlements): the year-end period shows December against the
    settlement of 31 December, not the whole year's VAT against it."""
    cli, book = demo
    december = [(s, n, day, rows) for s, n, day, rows in book.vouchers if dt.date(2025, 12, 1) <= day]
    ordinary = [rows for _, _, _, rows in december if not any(a in ("2650", "1650") for a, _ in rows)]
    output_25 = -sum((v for rows in ordinary for a, v in rows if "2610" <= a <= "2613" or a == "2616"), Decimal(0))
    output_12 = -sum((v for rows in ordinary for a, v in rows if "2620" <= a <= "2623" or a == "2626"), Decimal(0))
    output_6 = -sum((v for rows in ordinary for a, v in rows if "2630" <= a <= "2633" or a == "2636"), Decimal(0))
    input_vat = sum((v for rows in ordinary for a, v in rows if "2640" <= a <= "2647" or a == "2649"), Decimal(0))
    (series, number, _, rows), = [v for v in december if v[2] == dt.date(2025, 12, 31) and any(
        a == "2650" for a, _ in v[3]) and any(a == "2611" for a, _ in v[3])]
    settled = sum((amount for account, amount in rows if account == "2650"), Decimal(0))
    whole = [int(output_25), int(output_12), int(output_6), int(input_vat)]  # truncated (reconcile.toml)

    result = ok(cli("reconcile", "vat", *DEMO_YEAR, "--period", "year-end", "--json"))
    assert (result["start"], result["end"], result["vat_period"]["label"]) == ("2025-12-01", "2025-12-31", "2025-12")
    assert (figures(result, "booked")["10"], figures(result, "booked")["48"]) == (output_25, input_vat)
    assert (result["settlement"]["series"], result["settlement"]["number"]) == (series, number)
    forty_nine = boxes(result)["49"]
    assert Decimal(forty_nine["reported"]) == -settled
    assert Decimal(forty_nine["difference"]) == whole[0] + whole[1] + whole[2] - whole[3] + settled
    assert abs(Decimal(forty_nine["difference"])) < 4  # öre of four boxes, not the year's VAT


def test_the_demos_returns_are_its_boxes_in_whole_kronor(demo):
    """Each of the demo's monthly settlements (series M) clears the VAT accounts to 2650 as a return reports them:
    each box's öre dropped (reconciliation.md §3.5), so every month of 2025 reconciles with no difference."""
    cli, book = demo
    settlements = [rows for series, _, day, rows in book.vouchers if series == "M" and day.year == 2025]
    assert len(settlements) == 12
    for rows in settlements:
        cleared = [-amount for account, amount in rows if "2610" <= account <= "2649"]
        boxes = sum(Decimal(int(amount)) for amount in cleared)  # int() drops the öre towards zero
        assert sum((amount for account, amount in rows if account == "2650"), Decimal(0)) == boxes
    for month in range(1, 13):
        assert ok(cli("reconcile", "vat", *DEMO_YEAR, "--period", f"2025-{month:02d}", "--json"))["differences"] == []


def test_the_year_shows_every_vat_period_and_explains_the_year_end_balance(cli, tmp_path):
    """§4.2 paper 5 and §3.4 step 7, quarterly VAT: Q1 settled and paid, Q2 settled with its öre to 3740 and a
    return that said 10 kr more, not yet paid; Q3 settled and paid; Q4's VAT not yet settled. The year-end 2650 is
    Q2's settlement alone (-1 000 + 1 000 - 250 - 500 + 500), and 2611 keeps Q4's 300."""
    books(cli, tmp_path, [
        ("20250115", [("1930", "10000.00"), ("3001", "-8000.00"), ("2611", "-2000.00")]),
        ("20250220", [("4010", "4000.00"), ("2641", "1000.00"), ("2440", "-5000.00")]),
        ("20250331", [("2611", "2000.00"), ("2641", "-1000.00"), ("2650", "-1000.00")]),
        ("20250512", [("2650", "1000.00"), ("1630", "-1000.00")]),
        ("20250610", [("1930", "1252.50"), ("3001", "-1002.00"), ("2611", "-250.50")]),
        ("20250630", [("2611", "250.50"), ("2650", "-250.00"), ("3740", "-0.50")]),
        ("20250801", [("1930", "2500.00"), ("3001", "-2000.00"), ("2611", "-500.00")]),
        ("20250930", [("2611", "500.00"), ("2650", "-500.00")]),
        ("20251112", [("2650", "500.00"), ("1630", "-500.00")]),
        ("20251201", [("1930", "1500.00"), ("3001", "-1200.00"), ("2611", "-300.00")]),
    ], "quarter")
    ok(cli("reconcile", "vat", *YEAR, "--period", "2025-06", "--reported", "49=260"))

    result = ok(cli("reconcile", "vat-year", *YEAR, "--json"))
    shown = [(p["key"], p["booked_49"], p["reported_49"], p["reported_source"], p["difference_49"],
              p["settlement"] and p["settlement"]["number"], p["payment"] and p["payment"]["number"])
             for p in result["periods"]]  # fmt: skip
    assert shown == [
        ("2025Q1", "1000.00", "1000.00", "inferred", "0.00", "3", "4"),
        ("2025Q2", "250.00", "260.00", "manual", "-10.00", "6", None),
        ("2025Q3", "500.00", "500.00", "inferred", "0.00", "8", "9"),
        ("2025Q4", "300.00", None, None, None, None, None),
    ]
    assert result["periods"][1]["differences"] == ["49"]
    assert result["year_end"] == {"accounts": ["2650"], "balance": "-250.00", "settled_not_paid": "-250.00",
                                  "difference": "0.00", "unsettled_vat": {"2611": "-300.00"}}
    said = cli("reconcile", "vat-year", *YEAR)
    assert said.returncode == 0
    assert "2025Q2" in said.stdout and "difference     -10.00" in said.stdout and "settled A6 2025-06-30, not paid" in said.stdout
    assert "year end: 2650 -250.00, settled and not paid -250.00, difference 0.00" in said.stdout
    assert "not settled: 2611 -300.00" in said.stdout


def test_a_return_paid_from_the_bank_is_paid_and_one_paid_short_is_left_for_the_accountant(cli, tmp_path):
    """Monthly VAT (§3.4 step 6). January's 2 000 is paid straight from the bank (1930), as some charts do: found.
    February's 1 000 is met by 900 on the tax account: no payment of that return, so the year end says 2650 holds
    100 while 1 000 was settled and not found paid, a difference of 900 for the accountant to explain."""
    books(cli, tmp_path, [
        ("20250115", [("1930", "10000.00"), ("3001", "-8000.00"), ("2611", "-2000.00")]),
        ("20250131", [("2611", "2000.00"), ("2650", "-2000.00")]),
        ("20250212", [("2650", "2000.00"), ("1930", "-2000.00")]),
        ("20250215", [("1930", "5000.00"), ("3001", "-4000.00"), ("2611", "-1000.00")]),
        ("20250228", [("2611", "1000.00"), ("2650", "-1000.00")]),
        ("20250312", [("2650", "900.00"), ("1630", "-900.00")]),
    ], "month")
    result = ok(cli("reconcile", "vat-year", *YEAR, "--json"))
    january, february = result["periods"][:2]
    assert len(result["periods"]) == 12
    assert (january["payment"]["number"], january["payment"]["account"], january["payment"]["amount"]) == (
        "3", "1930", "-2000.00")
    assert february["settlement"]["number"] == "5" and february["payment"] is None
    assert (result["year_end"]["balance"], result["year_end"]["settled_not_paid"], result["year_end"]["difference"]) == (
        "-100.00", "-1000.00", "900.00")
