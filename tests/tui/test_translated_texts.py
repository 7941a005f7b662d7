"""Texts that come from core (check names and messages, errors, import steps, the listener) reach a Swedish reader
in Swedish, with numbers written the Swedish way; in English they read as core wrote them."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from decimal import Decimal

import pytest
from rich.console import Console
from textual.widgets import Static

from core.errors import BokslutError, user_message
from core.fortnox.errors import error_for_refusal
from core.fortnox.importer import Step
from core.fortnox.listener import Announcement, ListenerState
from core.fortnox.oauth import ConnectionExpired, code_from_callback, code_from_query, connection_expired
from core.fortnox.sandbox.browser import give_consent
from core.sie.errors import SieError
from core.sie.reader import FIX_HINT
from tests.fortnox.conftest import FJALLBACKEN, NORDLJUS
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tests.tui.test_fortnox_screens import new_company, open_connect, paste
from tests.tui.test_fortnox_screens import sandbox  # noqa: F401 (the fixture: the sandbox on loopback)
from tui.i18n import set_language
from tui.jobs import ImportJob
from tui.screens.checks import ChecksScreen, check_message
from tui.screens.connect import listener_words


@pytest.fixture
def swedish():
    set_language("sv")
    yield
    set_language("en")


def keyed_errors() -> list[BokslutError]:
    from core.fortnox.connection import FortnoxCompanyMismatch
    from core.store.models import Company

    company = Company(name="Nordljus AB", org_number="5561234567")
    return [
        SieError("/books/2025.se", 3, "a { that does not follow a #VER", expected="{ only after #VER", hint=FIX_HINT),
        SieError("/books/2025.se", None, "this is not a SIE file", field="1 (etikett)", hint="Choose another."),
        FortnoxCompanyMismatch(company, "Fjällbäcken AB", "5590123450"),
        connection_expired(),
        raised_by(code_from_callback, "", "s"),
        error_for_refusal("GET", "/3/vouchers", 403, b'{"ErrorInformation": {"code": 2000663, "message": "Saknas"}}'),
        error_for_refusal("POST", "/3/vouchers", 400, b'{"ErrorInformation": {"code": 2000588, "message": "Fel"}}'),
        raised_by(code_from_query, "error=access_denied&error_description=Nekad&state=s", "s"),
        raised_by(code_from_query, "state=s", "s"),
    ]


def raised_by(function, *args) -> BokslutError:
    with pytest.raises(BokslutError) as raised:
        function(*args)
    return raised.value


def test_english_keyed_errors_read_exactly_as_core_wrote_them():
    """The CLI prints core's sentence; the English app says the same through its texts."""
    set_language("en")
    for error in keyed_errors():
        assert user_message(error) == str(error), error.key


def test_the_session_says_not_connected_and_expired_in_the_readers_language(tmp_path, swedish):
    """What an import or export meets first when the connection is gone."""
    import httpx

    from core.fortnox.session import Authorizer
    from core.fortnox.settings import FortnoxSettings
    from core.fortnox.tokens import FileTokenStore, StoredToken

    fortnox = FortnoxSettings("bokslut-test", "secret", auth_url="http://fortnox.invalid/oauth-v1")
    store = FileTokenStore(tmp_path / "tokens.json")

    async def renewed() -> str:
        async with httpx.AsyncClient() as http:  # never reached: both refusals come before any request
            return await Authorizer(fortnox, store, "fortnox:5561234567", tmp_path / "fortnox.lock", http).access_token()

    with pytest.raises(ConnectionExpired) as missing:
        asyncio.run(renewed())
    assert user_message(missing.value) == "bokslut är inte anslutet till Fortnox för det här företaget. Anslut till " \
        "Fortnox först."
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=fortnox.connection_days + 1)
    store.save("fortnox:5561234567", StoredToken("refresh", long_ago, "bookkeeping"))
    with pytest.raises(ConnectionExpired) as lapsed:
        asyncio.run(renewed())
    assert user_message(lapsed.value).startswith("Kopplingen till Fortnox gick ut ")
    set_language("en")
    assert user_message(lapsed.value) == str(lapsed.value)


def test_swedish_keyed_errors_are_swedish(swedish):
    sie, no_sie, mismatch, expired, pasted, forbidden, refused, denied, no_code = map(user_message, keyed_errors())
    assert sie == (
        "/books/2025.se, rad 3: a { that does not follow a #VER; förväntat { only after #VER. "
        "Rätta raden eller exportera filen igen från bokföringsprogrammet."
    )
    assert no_sie == "/books/2025.se: this is not a SIE file; fält 1 (etikett). Choose another."
    assert mismatch.startswith("Fortnox-företaget Fjällbäcken AB har organisationsnummer 559012-3450, men Nordljus")
    assert expired.startswith("Kopplingen till Fortnox har gått ut")
    assert pasted.startswith("Inget klistrades in.")
    assert forbidden.startswith("Fortnox nekade åtkomst till /3/vouchers (code 2000663): Saknas. Kopplingen fick inte")
    assert refused == "Fortnox avvisade POST /3/vouchers (code 2000588): Fel."
    assert denied == "Anslutningen till Fortnox misslyckades: du godkände inte i Fortnox (Fortnox sa: Nekad). Anslut " \
        "igen för att försöka på nytt."
    assert no_code.startswith("Fortnox skickade tillbaka webbläsaren utan auktoriseringskod.")
    assert user_message(BokslutError("no key here")) == "no key here"  # without a key: core's English
    assert user_message(ConnectionExpired("not connected yet")) == "not connected yet"


def test_import_steps_and_the_listener_in_the_readers_language(swedish):
    step = Step("fetch-year", {"start": "2025-01-01", "end": "2025-12-31"})
    assert str(step) == "fetch 2025-01-01..2025-12-31"  # the CLI and the activity log
    assert ImportJob(1, None, step=step).step == "hämtar 2025-01-01–2025-12-31"
    assert ImportJob(1, None, step="").step == ""
    listening = ListenerState(True, "http://127.0.0.1:8765/callback", port=8765)
    assert listener_words(listening).startswith("Lyssnar på http://127.0.0.1:8765/callback")
    busy = ListenerState(False, "http://127.0.0.1:8765/callback", "port 8765 on 127.0.0.1: …", "port-in-use", 8765)
    assert "port 8765 används av ett annat program" in listener_words(busy)
    assert Announcement(busy).startswith("Not listening for Fortnox's answer: port 8765 on 127.0.0.1")  # the CLI


def test_check_messages_format_counts_and_amounts_the_swedish_way(swedish):
    from core.checks.builtin import CHECKS

    rounds = next(check for check in CHECKS if check.id == "round-amounts")
    message = check_message(rounds, "round-amounts.found", {"count": 1234, "minimum": "10000.00"}, "English")
    assert message == "1\u00a0234 jämna belopp (hela tusental från 10\u00a0000,00) på resultatkonton"
    unknown = check_message(rounds, "round-amounts.something-new", {}, "core's English")
    assert unknown == "core's English"


async def test_a_swedish_user_sees_swedish_check_names_and_messages(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter", "k", "r")
        screen = app.screen
        assert isinstance(screen, ChecksScreen)
        assert "Kontrollerna är körda" in str(screen.query_one("#checks-status", Static).content)
        table = screen.query_one("#check-results")
        rows = [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]
        balance = next(row for row in rows if row[1] == "Verifikationer som inte balanserar")
        assert balance[3] == "alla verifikationer balanserar"
        assert not any("vouchers" in row[3] or "transactions" in row[3] for row in rows), rows
        red = next(index for index, line in enumerate(screen.year.lines) if line.status == "red" and line.rows)
        await press(pilot, *["down"] * red, "enter")
        headers = [str(column.label) for column in app.screen.query_one("#check-rows").columns.values()]
        assert {"Serie", "Konto"} & set(headers), headers


async def test_a_swedish_user_sees_a_sie_error_in_swedish_with_file_and_line(make_app, store, tmp_path):
    bad = tmp_path / "trasig.se"
    bad.write_bytes(b'#FLAGGA 0\r\n#SIETYP 4\r\n{\r\n')
    app = make_app(store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#import-path")
        await pilot.press(*str(bad))
        await press(pilot, "enter")
        status = str(app.screen.query_one("#import-status", Static).render())
        flat = " ".join(status.split())
        assert f"Importen misslyckades: {bad}, rad 3:" in flat, flat
        assert "Rätta raden eller exportera filen igen" in flat, flat


def test_every_import_check_and_outcome_core_writes_has_a_text():
    """core.integrity keeps English only: its check ids and 'not checked' reasons are read from its source, so a
    new one (or new words) fails here instead of showing English to a Swedish reader."""
    import re
    from pathlib import Path

    from core import integrity
    from tui.i18n import TEXTS
    from tui.screens.overview import NOT_CHECKED

    source = Path(integrity.__file__).read_text(encoding="utf-8")
    ids = set(re.findall(r'(?:_result|CheckResult)\(\s*"([a-z-]+)"', source))
    assert len(ids) == 6
    assert {f"integrity.{check_id}" for check_id in ids} - TEXTS["sv"].keys() == set()
    reasons = set(re.findall(r'"[^"]*?(not checked, [^"]*)"', source)) | {integrity.NO_VOUCHERS}
    assert reasons == NOT_CHECKED.keys()


async def test_a_swedish_user_sees_the_import_checks_in_swedish(make_app, demo_store):
    app = make_app(demo_store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "enter")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.screen.query_one("#checks", Static).content)
        checks = " ".join(console.export_text().split())
        assert "Verifikationer vars #TRANS-rader inte summerar till noll: inga skillnader" in checks
        assert "inte kontrollerat, inget importerat föregående år med #UB" in checks
        assert "differences" not in checks


def test_closing_entry_problems_in_swedish_with_swedish_amounts(demo_store, swedish):
    from core.closing.entries import ClosingEntryInvalid, EntryDraft, RowDraft, validate
    from core.store.models import FiscalYear
    from tui.i18n import problem_words

    year = FiscalYear.select().order_by(FiscalYear.end.desc()).get()
    draft = EntryDraft(
        dt.date(year.end.year + 1, 1, 1), "",
        (RowDraft("7832", Decimal("1234.5"), Decimal(0)), RowDraft("1239", Decimal(0), Decimal("1000"))),
    )  # fmt: skip
    problems = validate(demo_store, year, draft)
    words = {problem.field: problem_words(problem) for problem in problems}
    assert words["date"] == f"{draft.date} ligger utanför räkenskapsåret {year.start}–{year.end}"
    assert words["text"].startswith("transaktionen behöver en text")
    assert words["rows[2].account"].startswith("konto 1239 finns inte i företagets kontoplan; menade du 12")
    assert words["rows"] == "balanserar inte: debet 1\u00a0234,50, kredit 1\u00a0000,00, en differens på 234,50"
    message = user_message(ClosingEntryInvalid("the closing entry", problems))
    assert message.startswith("Bokslutstransaktionen är inte giltig:\n  date: ")


def test_every_answer_fortnox_can_give_at_sign_in_has_a_text():
    from core.fortnox.oauth import ERROR_WORDS
    from tui.i18n import TEXTS

    assert {f"oauth_error.{error}" for error in ERROR_WORDS} - TEXTS["sv"].keys() == set()


def test_every_closing_entry_problem_core_names_has_a_text():
    """The keys are read from core/closing/entries.py, so a new keyed problem without its texts fails here."""
    import ast
    from pathlib import Path

    import core.closing.entries as entries
    from tui.i18n import TEXTS

    tree = ast.parse(Path(entries.__file__).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem"]
    keys = {call.args[2].value for call in calls if len(call.args) > 2 and isinstance(call.args[2], ast.Constant)}
    keys |= {"no_cost_center", "no_project"}  # f"no_{field}" over the row's two object fields
    assert len(keys) > 10
    for language in ("sv", "en"):
        assert {f"problem.{key}" for key in keys} - TEXTS[language].keys() == set()


async def test_a_swedish_user_connecting_to_the_wrong_fortnox_company_reads_why_in_swedish(make_app, store, sandbox):
    app = make_app(store, language="sv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await new_company(pilot, "Nordljus Konsult AB", NORDLJUS)
        screen = await open_connect(pilot)
        listener = str(screen.query_one("#connect-listener", Static).content)
        assert listener.startswith("Lyssnar på http://127.0.0.1:"), listener
        await paste(pilot, await give_consent(screen.url, FJALLBACKEN))
        result = str(screen.query_one("#connect-result", Static).content)
        assert result.startswith("Inte ansluten: Fortnox-företaget "), result
        assert "559012-3450, men Nordljus Konsult AB har 556123-4567; inget ändrades." in result
