"""Names from a hostile SIE file through every door: they show as the characters typed, never as markup, terminal
codes, bidi tricks or spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.text import printable
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle

COMPANY = "Ond[/] AB [link=https://evil.example]klicka[/link]"
FORMULA = '=HYPERLINK("https://evil.example","x")'
# OSC 52 (writes the clipboard), clear screen, BEL, a bidi override and a C1 CSI.
TERMINAL_TRICKS = "Bank\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202egpj.exe\u009b31m"
HOSTILE_SIE = (
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#FNAMN "' + COMPANY + '"\n#ORGNR 556677-8899\n'
    '#RAR 0 20250101 20251231\n#KONTO 1930 "' + TERMINAL_TRICKS + '"\n#KONTO 3001 "' + FORMULA.replace('"', '\\"')
    + '"\n#KONTO 2440 "@SUM(1+1) Försäljning"\n#RES 0 3001 -80.00\n'
    '#VER A 1 20250115 "Sale"\n{\n#TRANS 1930 {} 100.00\n#TRANS 3001 {} -80.00\n#TRANS 2440 {} -20.00\n}\n'
)
RAW_CONTROLS = ("\x1b", "\x07", "\u009b", "\u202e", "\x00")


@pytest.fixture
def hostile_file(tmp_path):
    path = tmp_path / "hostile.se"
    path.write_bytes(HOSTILE_SIE.encode("utf-8"))
    return path


@pytest.fixture
def hostile_cli(cli, hostile_file):
    imported = cli("import-sie", str(hostile_file))
    assert imported.returncode == 0, imported.stderr
    return cli


def test_bidi_and_c1_controls_are_not_printable():
    assert printable("a\u202eb\u2066c\u2069d\u200fe\u009bf") == "a b c d e f"


def test_cli_text_and_json_carry_no_terminal_code(hostile_cli):
    text = hostile_cli("trial-balance")
    assert text.returncode == 0, text.stderr
    assert "Bank" in text.stdout and not any(code in text.stdout for code in RAW_CONTROLS)
    as_json = hostile_cli("trial-balance", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert not any(code in as_json.stdout for code in RAW_CONTROLS)  # escaped as \uXXXX, so the JSON keeps them
    assert TERMINAL_TRICKS in [account["name"] for account in as_json.json()["accounts"]]


def test_a_csv_report_on_a_terminal_writes_no_escape_and_runs_no_formula(hostile_cli, tmp_path):
    shown = hostile_cli("report", "trial-balance", "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    assert not any(code in shown.stdout for code in RAW_CONTROLS)
    written = tmp_path / "saldo.csv"
    assert hostile_cli("report", "trial-balance", "--format", "csv", "--output", str(written)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(written.read_text(encoding="utf-8"))))
    headings = {row["account"]: row["heading"] for row in rows if row["account"]}
    assert headings["3001"] == "'" + FORMULA
    assert headings["2440"].startswith("'@SUM")
    amounts = [value for row in rows for key, value in row.items() if key not in {"level", "kind", "key", "account", "heading"}]
    assert "-80.00" in amounts  # numbers stay numbers, minus sign and all


def test_a_json_report_on_a_terminal_escapes_c1_and_bidi(hostile_cli):
    shown = hostile_cli("report", "trial-balance")
    assert shown.returncode == 0, shown.stderr
    assert not any(code in shown.stdout for code in RAW_CONTROLS)
    assert TERMINAL_TRICKS in _strings(json.loads(shown.stdout))  # escaped, not lost


def _strings(document) -> set[str]:
    if isinstance(document, dict):
        return set().union(*map(_strings, document.values()))
    if isinstance(document, list):
        return set().union(*map(_strings, document))
    return {document} if isinstance(document, str) else set()


def test_xlsx_keeps_a_formula_as_text(hostile_cli, tmp_path):
    from openpyxl import load_workbook

    written = tmp_path / "saldo.xlsx"
    assert hostile_cli("report", "trial-balance", "--format", "xlsx", "--output", str(written)).returncode == 0
    cells = [cell for row in load_workbook(written).active.iter_rows() for cell in row if cell.value == FORMULA]
    assert cells and all(cell.data_type == "s" for cell in cells)


async def test_f1_shows_a_company_name_with_markup_as_typed(make_app, store, hostile_file):
    from core.importer import import_sie
    from tui.screens.help import HelpScreen

    import_sie(store, hostile_file)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")  # the company's overview: its title is the company's name
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        title = app.screen.query_one("VerticalScroll").border_title
        assert "[/]" in str(title) or "\\[/]" in str(title)
        assert app.return_code is None  # still running: no MarkupError
