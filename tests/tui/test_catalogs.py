"""The compiled catalogs say what the .po files say, and every count is said with its plural forms."""

from __future__ import annotations

import ast
import gettext
import io
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo

from tests.tui.catalogs import catalog, placeholders, plural_keys, texts
from tui.catalogs import compile_po, is_stale, mo_path, po_path
from tui.i18n import COUNTED_BY, LANGUAGES, set_language, t, tn

TUI = Path(__file__).resolve().parents[2] / "tui"
# A count in a text is named `count` (or `days`); core's counts by other names are listed in tui.i18n.COUNTED_BY.
COUNT_NAMES = {"count", "days"}


def said_by_gettext(data: bytes) -> dict:
    """Every msgid (and (msgid, form)) with its text; the header aside, which Babel writes its own way."""
    said = gettext.GNUTranslations(io.BytesIO(data))
    assert said.plural(1) == 0 and said.plural(2) == 1
    return {key: text for key, text in said._catalog.items() if key != ""}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_says_what_the_po_says(language):
    """make compiles with pybabel, the app itself when the .mo is missing or older than the .po: after first use the
    .mo on disk holds exactly the .po's texts, as Babel compiles them."""
    set_language(language)
    try:
        t("key.quit")
    finally:
        set_language("en")
    assert not is_stale(language)
    babel_compiled = io.BytesIO()
    write_mo(babel_compiled, catalog(language))
    assert said_by_gettext(mo_path(language).read_bytes()) == said_by_gettext(babel_compiled.getvalue())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apps_own_compiler_agrees_with_babel(language):
    """What the app compiles when Babel is not installed reads exactly as Babel's .mo."""
    babel_compiled = io.BytesIO()
    write_mo(babel_compiled, catalog(language))
    own = compile_po(po_path(language).read_text(encoding="utf-8"))
    assert said_by_gettext(own) == said_by_gettext(babel_compiled.getvalue())


def test_every_count_in_the_catalogs_has_plural_forms():
    english = texts("en")
    counting = {key for key, forms in english.items() if placeholders(forms[0]) & COUNT_NAMES} | COUNTED_BY.keys()
    assert counting - plural_keys("en") == set()
    for key in plural_keys("en"):  # and a text with plural forms says the count they are chosen by
        assert placeholders(english[key][0]) & (COUNT_NAMES | {COUNTED_BY.get(key)}), key


def test_the_app_says_every_count_with_tn():
    """A t() call given a count (a keyword named count or days, or a len()) would say "1 accounts"."""
    wrong = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "t":
                for keyword in node.keywords:
                    is_len = isinstance(keyword.value, ast.Call) and getattr(keyword.value.func, "id", "") == "len"
                    if keyword.arg in COUNT_NAMES or is_len:
                        wrong.append(f"{path.name}:{node.lineno}")
    assert wrong == []


ONE_AND_TWO = {
    "en": [
        ("count.accounts", "1 account", "2 accounts"),
        ("checks.rows_count", "1 row.", "2 rows."),
        ("integrity_outcome.differences", "1 difference", "2 differences"),
        ("series.problems", "1 problem; fix it and check again (c).", "2 problems; fix them and check again (c)."),
    ],
    "sv": [
        ("count.accounts", "1 konto", "2 konton"),
        ("checks.rows_count", "1 rad.", "2 rader."),
        ("integrity_outcome.differences", "1 skillnad", "2 skillnader"),
        ("series.problems", "1 problem; rätta det och kontrollera igen (c).", "2 problem; rätta dem och kontrollera igen (c)."),
    ],
}  # fmt: skip


@pytest.fixture(params=LANGUAGES)
def language(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def test_one_and_two_in_each_language(language):
    for key, one, two in ONE_AND_TWO[language]:
        assert (tn(key, 1), tn(key, 2)) == (one, two)
    days = [tn("fortnox.connected_days", n, days=n) for n in (1, 2)]
    assert days == {"en": ["connected, 1 day left", "connected, 2 days left"],
                    "sv": ["ansluten, 1 dag kvar", "ansluten, 2 dagar kvar"]}[language]  # fmt: skip


def test_what_the_screens_say_with_one_of_each(language):
    """The import line, the import summary, a check's message and core's errors, each with a count of 1."""
    from core.checks.builtin import CHECKS
    from core.errors import BokslutError, user_message
    from tui.i18n import import_words
    from tui.screens.checks import check_message
    from tui.widgets.activity_panel import describe_counts

    counts = describe_counts({"vouchers": 1, "transactions": 1, "balances": 1})
    summary = import_words({"replaced": False, "company": "Nordljus AB", "org": "5561234567", "start": "2025-01-01",
                            "end": "2025-12-31", "vouchers": 1, "transactions": 1, "balances": 1, "problems": []})
    balance = next(check for check in CHECKS if check.id == "voucher-balance")
    message = check_message(balance, "voucher-balance.found", {"count": 1}, "1 vouchers do not balance")
    expired = user_message(BokslutError("core's English", key="fortnox_expired_on", params={"date": "2025-01-01",
                                                                                           "days": 1}))
    if language == "en":
        assert counts == "1 voucher, 1 trans, 1 balance"
        assert "imported 1 voucher, 1 transaction, 1 balance;" in summary
        assert message == "1 voucher does not balance (debit ≠ credit)"
        assert "it lasts 1 day after" in expired
    else:
        assert counts == "1 ver, 1 trans, 1 saldo"
        assert "importerade 1 verifikation, 1 transaktion, 1 saldo;" in summary
        assert message == "1 verifikation balanserar inte (debet ≠ kredit)"
        assert "den gäller 1 dag efter" in expired


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_message_is_in_a_catalog_twice(language):
    """Parallel edits can leave an entry twice; the compilers keep one of them silently, so say it here."""
    ids = [line for line in po_path(language).read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")]
    assert sorted({line for line in ids if ids.count(line) > 1}) == []
