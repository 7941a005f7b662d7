"""Names from a hostile SIE file through every door (the CLI, the reports, F1 and the screens of the year's work):
they show as the characters typed, never as markup, terminal codes, bidi tricks or spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core import ledger
from core.checks.vat import set_vat_period
from core.closing import history
from core.closing.entries import create_entry, update_entry
from core.importer import import_sie
from core.text import printable
from tests.export.conftest import draft
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.screens.activity_detail import ActivityDetailScreen
from tui.screens.closing import ClosingScreen
from tui.screens.closing_history import ClosingHistoryScreen
from tui.screens.reconcile import (
    ReconcileAccountScreen,
    ReconcileAnalysisScreen,
    ReconcileScreen,
    ReconcileVatScreen,
)
from tui.screens.system_tasks import SystemTasksScreen
from tui.screens.tax import TaxScreen
from tui.widgets.row_table import RowTable

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


def test_a_name_cannot_start_a_line_of_its_own_in_text_output(cli, tmp_path):
    """NEL, U+2028 and FS are line breaks to str.splitlines(): a name holding them must not forge a line that reads
    like bokslut's own (here a fake all-clear) in any command's text output."""
    forged = "Ond AB" + "".join(f"{brk}bokslut: checks: all ok" for brk in ("\u0085", "\u2028", "\x1c", "\x0b"))
    path = tmp_path / "forged.se"
    path.write_bytes(HOSTILE_SIE.replace(COMPANY, forged).encode("utf-8"))
    imported = cli("import-sie", str(path))
    assert imported.returncode == 0, imported.stderr
    for command in (("companies",), ("status",), ("activity",), ("trial-balance",)):
        shown = cli(*command)
        assert shown.returncode == 0, shown.stderr
        assert not any(line.startswith("bokslut:") for line in shown.stdout.split("\n")), (command, shown.stdout)
        assert "Ond AB bokslut: checks: all ok" in shown.stdout, command  # the name is there, on its own line


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


def test_a_json_report_on_a_terminal_or_in_a_file_escapes_c1_and_bidi(hostile_cli, tmp_path):
    shown = hostile_cli("report", "trial-balance")
    assert shown.returncode == 0, shown.stderr
    assert not any(code in shown.stdout for code in RAW_CONTROLS)
    assert TERMINAL_TRICKS in _strings(json.loads(shown.stdout))  # escaped, not lost
    written = tmp_path / "saldo.json"  # a file is shown with cat too
    assert hostile_cli("report", "trial-balance", "--output", str(written)).returncode == 0
    assert not any(code in written.read_text(encoding="utf-8") for code in RAW_CONTROLS)
    assert json.loads(written.read_text(encoding="utf-8")) == json.loads(shown.stdout)


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


# The screens of the year's work, on a file whose every name carries markup, terminal codes and C1 and bidi controls.
SCREEN_COMPANY = "Ond[/] AB [link=http://x]y[/link]"
SCREEN_SIE = "\n".join([
    "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", f'#FNAMN "{SCREEN_COMPANY}"', "#ORGNR 556677-8899",
    "#RAR 0 20250101 20251231",
    '#KONTO 1930 "[bold red]Bank[/]\x1b]52;c;ZXZpbA==\x07\x1b[2J\u202eX\u009b31m"',
    '#KONTO 2081 "[/]Aktiekapital [link=http://x]y[/link]"',
    '#KONTO 2611 "[/]Moms [link=http://x]y[/link]"',
    '#KONTO 2641 "[bold red]Ingående\u202e moms"', '#KONTO 2650 "Redovisningskonto för moms"',
    '#KONTO 3001 "[bold red]Försäljning[/]\x1b[2J"',
    '#KONTO 6570 "[link=http://x]Avgift[/link]\u2066\u0085"',
    "#IB 0 1930 50000.00", "#IB 0 2081 -50000.00",
    '#VER A 1 20250115 "[bold red]Sale[/] \x1b]52;c;ZXZpbA==\x07"', "{",
    "#TRANS 1930 {} 125000.00", "#TRANS 3001 {} -100000.00", "#TRANS 2611 {} -25000.00", "}",
    '#VER "[/]M" 1 20250212 "Momsredovisning"', "{", "#TRANS 2611 {} 25000.00", "#TRANS 2650 {} -25000.00", "}",
    '#VER A 2 20250220 "[/]Fee\u202e"', "{",
    "#TRANS 6570 {} 800.00", "#TRANS 2641 {} 200.00", "#TRANS 1930 {} -1000.00", "}",
]) + "\n"
SCREEN_FILE_NAME = "ond[bold red]fil [link=y]z\x1b[2J\u202e.se"  # a file name holds no "/"
MARKUP = ("[/]", "[link=", "[bold red]")


def shown_on_screen(app) -> tuple[str, list[str]]:
    """What the terminal shows of the current screen: its characters, and any terminal link it carries."""
    strips = app.screen._compositor.render_strips()
    text = "\n".join(strip.text for strip in strips)
    links = [segment.style.link for strip in strips for segment in strip if segment.style and segment.style.link]
    return text, links


def assert_literal(app, screen_type, *expected: str) -> str:
    """The screen is up (no MarkupError ended the app), shows `expected` as typed, runs no link and no control."""
    assert app.return_code is None and isinstance(app.screen, screen_type), app.screen
    text, links = shown_on_screen(app)
    assert links == [], (screen_type.__name__, links)
    assert not any(code in text for code in (*RAW_CONTROLS, "\u2066", "\u0085")), (screen_type.__name__, text)
    for fragment in expected:
        assert fragment in text, (screen_type.__name__, fragment, text)
    return text


async def test_the_year_end_screens_show_hostile_names_as_typed(make_app, store, tmp_path, monkeypatch):
    path = tmp_path / SCREEN_FILE_NAME
    path.write_bytes(SCREEN_SIE.encode("utf-8"))
    import_sie(store, path)
    company = ledger.resolve_company(store)
    year = ledger.resolve_fiscal_year(store, company)
    set_vat_period(store, company, "month")  # the file's one settlement reports January: a monthly VAT period
    # An entry's own texts are held to what Fortnox takes; its history also says who (a login name) and a server's
    # reason for a failed export.
    monkeypatch.setenv("LOGNAME", "[bold red]anna[/]\u202e")
    entry = create_entry(store, company, year, draft("Rättelse", ("6570", "100"), ("1930", "-100")))
    update_entry(store, entry, draft("Ny text", ("6570", "150"), ("1930", "-150"), date=year.end))
    with store.atomic():
        history.record(entry.id, "failed", reason="[link=http://x]Fortnox säger nej[/link] \x1b]52;c;ZXZpbA==\x07")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "x")
        for _view in ("sheet", "funds", "drafts"):  # the tax screen shows little from the file: the views hold
            assert_literal(app, TaxScreen)  # field codes and account numbers
            await press(pilot, "v")
        await press(pilot, "p", *"[/]x[link=http://x]y")  # a pasted allocation that is no amount is said back
        assert_literal(app, TaxScreen, "[/]x[link=http://x]y")
        await press(pilot, "escape", "escape", "a")
        assert_literal(app, ReconcileScreen, SCREEN_COMPANY, "1930 [bold red]Bank[/]")
        await press(pilot, "enter")
        assert_literal(app, ReconcileAccountScreen, "1930 [bold red]Bank[/]")
        await press(pilot, "escape", "v")
        assert_literal(app, ReconcileVatScreen, "[/]M1")  # settled by the file's voucher, its series as typed
        await press(pilot, "escape", "n")
        assert_literal(app, ReconcileAnalysisScreen, "[bold red]Försäljning[/")
        await press(pilot, "c", *"[link=http://x]y[/link]", "enter")  # a comment typed is kept as typed too
        comment = app.screen.query_one(RowTable).get_row("3001")[6]  # beyond 80 columns: the cell itself
        assert comment.plain == "[link=http://x]y[/link]" and not comment.spans
        assert_literal(app, ReconcileAnalysisScreen)
        await press(pilot, "escape", "escape", "e")
        assert isinstance(app.screen, ClosingScreen)
        await press(pilot, "l")
        assert_literal(app, ClosingHistoryScreen, "[bold red]anna[/]")
        await press(pilot, "end")  # the failed export, its reason in full below the lines
        assert_literal(app, ClosingHistoryScreen, "[link=http://x]Fortnox säger nej[/link]")
        await press(pilot, "escape", "escape", "escape", "f3")
        assert isinstance(app.screen, SystemTasksScreen)
        await press(pilot, "enter")
        assert_literal(app, ActivityDetailScreen, SCREEN_COMPANY, "ond[bold red]fil [link=y]z")
