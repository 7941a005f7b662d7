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
from fortnox_sandbox.browser import give_consent
from core.sie.errors import FIX_HINT, PHRASES, Counted, Phrase, SieError
from core.sie.reader import SieLimits, SieReader
from tests.fortnox.conftest import FJALLBACKEN, NORDLJUS
from tests.store.test_rejected_files import BAD_LINES
from tests.store.test_rejected_files import BASE as REJECTED_BASE
from tests.tui.catalogs import placeholders, texts
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
        SieError("/books/2025.se", 3, Phrase("open_brace_without_ver"), expected=Phrase("open_brace_after_ver"),
                 hint=FIX_HINT),
        SieError("/books/2025.se", None, "no key: a caller's own English", field="1 (etikett)", hint="Choose another."),
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
        "/books/2025.se, rad 3: en { som inte kommer efter en #VER; förväntat { bara på raden efter #VER. "
        "Rätta raden eller exportera filen igen från bokföringsprogrammet."
    )
    assert no_sie == "/books/2025.se: no key: a caller's own English; fält 1 (etikett). Choose another."
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
        assert f"Importen misslyckades: {bad}, rad 3: en {{ som inte kommer efter en #VER; förväntat {{ bara " \
            "på raden efter #VER. Rätta raden eller exportera filen igen" in flat, flat


def test_every_sie_phrase_core_can_say_has_both_texts_and_the_english_is_cores():
    """core.sie.errors.PHRASES holds every sentence the reader can say (a Phrase takes its English from there), so a
    new one without its texts fails here."""
    assert len(PHRASES) > 100
    english, swedish = texts("en"), texts("sv")
    for key, core_english in PHRASES.items():
        if isinstance(core_english, Counted):  # core says this count in both forms; the app picks by the same param
            forms = (core_english.one, core_english.other)
            assert english[f"sie.{key}"] == forms, key
        else:
            forms = (core_english,)
            assert english[f"sie.{key}"][-1] == core_english, key  # else core says a count in the plural form alone
        assert not set(forms) & set(swedish[f"sie.{key}"]), key


REJECTED_BLOCK = [*REJECTED_BASE[:-1], "{line}", REJECTED_BASE[-1]]  # the line inside the last voucher's block
BAD_SIE_FILES = [
    pytest.param(REJECTED_BLOCK, line, SieLimits(), key, id=key)
    for line, key in zip(BAD_LINES[1:], ("not_a_number", "missing", "block_not_closed"), strict=True)  # [0]: importer
] + [
    pytest.param(lines, "", limits, key, id=key)
    for lines, limits, key in [
        (["#FLAGGA 0", "{"], SieLimits(), "open_brace_without_ver"),
        (["#FLAGGA 0", "}"], SieLimits(), "close_brace_without_block"),
        (["#FLAGGA 0", "KONTO 1930"], SieLimits(), "no_label"),
        (["#FLAGGA 0", "#TRANS 1930 {} 1.00"], SieLimits(), "row_outside_ver"),
        (["#FLAGGA 0", '#VER A 1 20240105 "x"', "#KONTO 1930 Bank"], SieLimits(), "ver_without_rows"),
        (["#FLAGGA 0", '#VER A 1 20240105 "x"', "{", "#TRANS 1930 {} 12,50", "}"], SieLimits(), "number_with_comma"),
        (["#FLAGGA 0", '#VER A 1 20240105 "x"', "{", "#TRANS 1930 {} 1.00"], SieLimits(), "ends_inside_voucher"),
        (["#FLAGGA 0", "#KSUMMA", "#KONTO 1930 Bank"], SieLimits(), "ends_without_ksumma"),
        (["#FLAGGA 0", "#KSUMMA", "#KONTO 1930 Bank", "#KSUMMA 123"], SieLimits(), "checksum_differs"),
        (["#FLAGGA 0", "#RAR 0 20241231 20240101"], SieLimits(), "year_ends_before_start"),
        (["#FLAGGA 0", '#UNDERDIM 21 "Avdelning"'], SieLimits(), "missing"),
        (["#FLAGGA 0", "#PSALDO 0 202413 1930 {} 1.00"], SieLimits(), "period_not_a_month"),
        (["#FLAGGA 0", "#KONTO 19X0 Bank"], SieLimits(), "account_not_numeric"),
        (["#FLAGGA 0", "#OBJEKT 1 a A", "#OBJEKT 1 b B", "#OBJEKT 1 c C"], SieLimits(max_objects_per_dimension=2),
         "too_many_objects"),  # more than 1: core's English says every count in the plural
        (["#FLAGGA 0", "#KONTO 1930 {a {b}}"], SieLimits(), "list_inside_list"),
        (["not SIE"], SieLimits(), "not_sie"),
    ]
]


def phrases_in(value) -> list[Phrase]:
    """A Phrase and the phrases it holds."""
    if not isinstance(value, Phrase):
        return []
    return [value, *(inner for param in value.params.values() for inner in phrases_in(param))]


@pytest.mark.parametrize(("lines", "bad_line", "limits", "key"), BAD_SIE_FILES)
def test_a_bad_sie_file_reads_wholly_in_swedish_and_as_core_wrote_it_in_english(
    tmp_path, swedish, lines, bad_line, limits, key
):
    path = tmp_path / "bad.se"
    path.write_text("\n".join(lines).replace("{line}", bad_line) + "\n", encoding="cp437")
    with pytest.raises(SieError) as raised:
        list(SieReader(path, limits))
    error = raised.value
    assert error.problem.key == key
    words = user_message(error)
    phrases = [phrase for part in (error.problem, error.expected, error.hint) for phrase in phrases_in(part)]
    assert phrases and all(str(phrase) not in words for phrase in phrases), words
    assert "expected" not in words and "field" not in words and "förväntat" in words, words
    set_language("en")
    assert user_message(error) == str(error)


def test_sizes_and_limits_are_written_the_swedish_way(tmp_path, swedish):
    path = tmp_path / "big.se"
    path.write_bytes(b"#FLAGGA 0\n" + b"#KONTO 1930 Bank\n" * 40_000)
    with pytest.raises(SieError) as too_big:
        SieReader(path, SieLimits(max_bytes=512 * 1024))
    assert user_message(too_big.value).startswith(f"{path}: filen är större än 0,5 MB;")
    assert str(too_big.value).startswith(f"{path}: the file is larger than 0.5 MB;")
    many = SieError(path, 9, Phrase("too_many_objects", dimension="6", limit=10_000),
                    expected=Phrase("objects_per_dimension", limit=10_000))
    assert user_message(many) == f"{path}, rad 9: dimension 6 har fler än 10\u00a0000 objekt; förväntat högst " \
        "10\u00a0000 objekt per dimension"
    assert str(many) == f"{path}:9: dimension 6 has more than 10000 objects; expected at most 10000 objects per " \
        "dimension"


def test_the_readers_warnings_have_their_swedish_words(tmp_path, swedish):
    from tui.i18n import sie_words

    path = tmp_path / "odd.se"
    path.write_text('#FLAGGA 0\n#FORMAT UTF8\n#SIETYP 7\n#KTYP 1930 Q\n#VER A 1 240105 "x"\n{\n'
                    '#TRANS 1930 {} 1.005\n#TRANS 3001 {} -1.005\n#NYTT 1\n}\n', encoding="cp437")
    reader = SieReader(path)
    list(reader)
    words = [sie_words(warning.message) for warning in reader.warnings]
    assert words == [
        "#FORMAT UTF8 är inte PC8; teckenuppsättningen avgörs av filens byte",
        "#SIETYP '7' är inte 1, 2, 3 eller 4; hoppades över",
        "#KTYP 'Q' för konto 1930 är inte T, S, K eller I; hoppades över",
        "datumet 240105 har sex siffror; läst som 2024-01-05 (fält 3)",
        "beloppet 1.005 har fler än två decimaler (fält 3)",
        "beloppet -1.005 har fler än två decimaler (fält 3)",
        "okänd post #NYTT inuti en verifikation hoppades över",
    ]
    assert str(reader.warnings[1]) == "line 3: #SIETYP '7' is not 1, 2, 3 or 4; ignored"  # the CLI's, unchanged
    assert sie_words("an importer's own warning") == "an importer's own warning"


def test_every_import_check_and_outcome_core_writes_has_a_text():
    """core.integrity keeps English only: its check ids and 'not checked' reasons are read from its source, so a
    new one (or new words) fails here instead of showing English to a Swedish reader."""
    import re
    from pathlib import Path

    from core import integrity
    from tui.screens.overview import NOT_CHECKED

    source = Path(integrity.__file__).read_text(encoding="utf-8")
    ids = set(re.findall(r'(?:_result|CheckResult)\(\s*"([a-z-]+)"', source))
    assert len(ids) == 7
    assert {f"integrity.{check_id}" for check_id in ids} - texts("sv").keys() == set()
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
        assert "Verifikationer vars transaktioner inte summerar till noll: inga skillnader" in checks
        assert "inte kontrollerat, inget importerat föregående år med utgående balanser" in checks
        assert "#" not in checks  # no SIE record names: transactions, opening balances
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

    assert {f"oauth_error.{error}" for error in ERROR_WORDS} - texts("sv").keys() == set()


def test_every_closing_entry_problem_core_names_has_a_text():
    """The keys are read from core/closing/entries.py, so a new keyed problem without its texts fails here."""
    import ast
    from pathlib import Path

    import core.closing.entries as entries

    tree = ast.parse(Path(entries.__file__).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Problem"]
    keys = {call.args[2].value for call in calls if len(call.args) > 2 and isinstance(call.args[2], ast.Constant)}
    keys |= {"no_cost_center", "no_project"}  # f"no_{field}" over the row's two object fields
    keys |= {"too_long", "refused_characters"}  # core.closing.texts.text_problem's, passed on whole
    assert len(keys) > 10
    for language in ("sv", "en"):
        assert {f"problem.{key}" for key in keys} - texts(language).keys() == set()


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


def test_import_and_export_summaries_read_as_the_cli_in_english_and_swedish_in_swedish(demo_store, demo_file):
    """What the app says when an import or an export is done: the CLI's summary() in English."""
    from types import SimpleNamespace

    from core.export.fortnox import ExportReport
    from core.importer import import_sie
    from tui.i18n import export_words, import_words

    result = import_sie(demo_store, demo_file)  # again: the year is replaced
    outcomes = ["sent"] * 12 + ["failed"] + ["unsent"] * 2
    report = ExportReport("I", 2, {n: SimpleNamespace(outcome=outcome) for n, outcome in enumerate(outcomes)})
    set_language("en")
    assert import_words(result.params()) == result.summary()
    assert export_words(report.params()) == report.summary()
    set_language("sv")
    try:
        swedish = import_words(result.params())
        assert ": ersatte året med " in swedish and "verifikationer" in swedish
        assert export_words(report.params()).startswith("Fortnox-serie I: 12 skickade,")
        assert "2 inte skickade" in export_words(report.params())
    finally:
        set_language("en")


def error_keys_core_raises() -> dict[str, set[str] | None]:
    """Every key a BokslutError in core can carry, read from core's source, with the params the raise names (None
    where they are not a literal): a key given to an error (or to a subclass, or to a module's helper that passes its
    own `key` on) and a subclass's own key. Keys formed at run time (Fortnox's refusals, a closing problem's) are
    held by their own tests."""
    import ast
    from pathlib import Path

    import core

    root = Path(core.__file__).parent
    modules = [path for path in root.rglob("*.py") if path.name != "cli.py" and "commands" not in path.name]
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in modules}
    classes = {
        node.name: node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    }

    def is_error(name: str, seen: frozenset = frozenset()) -> bool:
        if name == "BokslutError":
            return True
        bases = [ast.unparse(base) for base in classes[name].bases] if name in classes else []
        return any(base not in seen and is_error(base, seen | {name}) for base in bases)

    keys: dict[str, set[str] | None] = {}

    def add(key: ast.expr | None, params: set[str] | None) -> None:
        if isinstance(key, ast.IfExp):  # key="a" if ... else "b": both
            add(key.body, params)
            add(key.orelse, params)
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value:
            keys[key.value] = params

    def literal_params(call: ast.Call) -> set[str] | None:
        given = next((kw.value for kw in call.keywords if kw.arg == "params"), None)
        if given is None:
            return set()
        if isinstance(given, ast.Dict) and all(isinstance(k, ast.Constant) for k in given.keys):
            return {k.value for k in given.keys}
        return None

    for tree in trees.values():
        helpers = {  # def f(..., key, ...) whose body raises or returns an error with key=key: key's position
            node.name: [arg.arg for arg in node.args.args].index("key")
            for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
            and "key" in [arg.arg for arg in node.args.args]
            and any(isinstance(kw.value, ast.Name) and kw.value.id == "key" and kw.arg == "key"
                    for call in ast.walk(node) if isinstance(call, ast.Call) for kw in call.keywords)
        }  # fmt: skip
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and is_error(node.name):
                for item in node.body:
                    if isinstance(item, ast.Assign) and [ast.unparse(t) for t in item.targets] == ["key"]:
                        add(item.value, None)
            if not isinstance(node, ast.Call):
                continue
            called = ast.unparse(node.func)
            given = next((kw.value for kw in node.keywords if kw.arg == "key"), None)
            if is_error(called) or called == "super().__init__":
                add(given, literal_params(node))
            elif called in helpers:
                position = helpers[called]
                positional = node.args[position] if len(node.args) > position else None
                named = {kw.arg for kw in node.keywords if kw.arg not in ("key", "params")}
                add(given or positional, None if any(kw.arg is None for kw in node.keywords) else named)
    return keys


def test_every_error_key_core_raises_has_a_text_in_both_languages():
    """A new keyed error in core (tax, reconcile, closing, periods, the store, Fortnox...) without its texts fails
    here, and so does a text that names a param the raise does not give."""
    keys = error_keys_core_raises()
    assert {"store_full", "reconcile_bad_scope", "tax_slr_missing", "tax.sru_bad_value", "sie_file"} <= keys.keys()
    for language in ("sv", "en"):
        said = texts(language)
        assert {f"error.{key}" for key in keys} - said.keys() == set(), language
        unknown = {
            key: placeholders(form) - params for key, params in keys.items() if params is not None
            and key not in ("fortnox_callback", "sie_file", "closing_invalid")  # error_words composes these itself
            for form in said[f"error.{key}"] if placeholders(form) - params
        }  # fmt: skip
        assert unknown == {}, language


def test_every_closing_history_action_has_a_text():
    """The closing entry's history names each change by core's action (core.closing.history.ACTIONS)."""
    from core.closing.history import ACTIONS

    expected = {f"closing.history.{action}" for action in ACTIONS}
    for language in ("sv", "en"):
        assert expected - texts(language).keys() == set(), language
    assert {key for key in texts("en") if key.startswith("closing.history.")} == expected
