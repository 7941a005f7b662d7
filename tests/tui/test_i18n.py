"""Every text exists in Swedish and English, with the same placeholders, and every key the code uses exists."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tui.catalogs import catalog, placeholders, plural_keys, texts
from tui.i18n import LANGUAGES, choose_language, format_money, set_language

TUI = Path(__file__).resolve().parents[2] / "tui"
ENGLISH = texts("en")
SWEDISH = texts("sv")


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_says_its_language_and_plural_rule(language):
    found = catalog(language)
    assert str(found.locale) == language
    assert found.plural_forms == "nplurals=2; plural=(n != 1);"
    assert found.charset == "utf-8"


def test_both_languages_have_every_key_and_say_each_the_same_way():
    """A key in one catalog only, or a count with plural forms in one language only, fails here."""
    assert SWEDISH.keys() == ENGLISH.keys()
    assert plural_keys("sv") == plural_keys("en")


def test_no_text_is_empty():
    empty = {(language, key) for language in LANGUAGES for key, forms in texts(language).items() if not all(forms)}
    assert empty == set()


def test_both_languages_take_the_same_placeholders():
    """Across languages, and across a text's singular and plural forms."""
    differing = {
        key for key in SWEDISH
        if len({frozenset(placeholders(form)) for form in (*SWEDISH[key], *ENGLISH[key])}) != 1
    }  # fmt: skip
    assert differing == set()


KEY = r"""["']([a-z_]+\.[a-z_]+)["']"""
BY_VALUE = (
    "status.", "kind.", "check.", "check_name.", "check_column.", "check_word.", "template_text.", "step.",
    "listener_reason.", "error.", "integrity.", "integrity_outcome.", "problem.", "oauth_error.", "token_store.",
    "summary.",
    "sie.", "closing.history.", "warning.", "notice.", "export_result.", "sie_skip.",
)  # fmt: skip


def test_every_key_in_the_code_exists_and_every_text_is_used():
    """Keys are string literals in tui/: t() calls, binding descriptions ("key.…"), HELP_KEY.
    Texts under BY_VALUE are looked up by a value from the store or core; the tests below hold them to core."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in TUI.rglob("*.py"))
    looked_up = set(re.findall(r"\bt\(\s*f?" + KEY, source)) | set(re.findall(r"""["'](key\.[a-z_]+)["']""", source))
    assert len(looked_up) > 40
    assert looked_up - ENGLISH.keys() == set()
    by_value = {key for key in ENGLISH if key.startswith(BY_VALUE)}
    assert ENGLISH.keys() - set(re.findall(KEY, source)) - by_value == set()


@pytest.mark.parametrize(
    ("configured", "environ", "expected"),
    [
        (None, {"LANG": "sv_SE.UTF-8"}, "sv"),
        (None, {"LANG": "en_GB.UTF-8"}, "en"),
        (None, {}, "en"),
        (None, {"LC_ALL": "sv_FI.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
        ("en", {"LANG": "sv_SE.UTF-8"}, "en"),
    ],
)
def test_language_from_setting_then_locale(configured, environ, expected):
    assert choose_language(configured, environ) == expected


def test_amounts_as_each_reader_writes_them():
    set_language("sv")
    try:
        assert format_money(Decimal("-1234567.8")) == "-1\u00a0234\u00a0567,80"
    finally:
        set_language("en")
    assert format_money(Decimal("-1234567.8")) == "-1,234,567.80"


def test_every_status_and_kind_the_store_can_hold_has_a_text():
    from core.activity import KINDS, STATUSES
    from core.integrity import ERROR, OK, WARNING

    keys = {f"status.{status}" for status in (*STATUSES, OK, WARNING, ERROR)} | {f"kind.{kind}" for kind in KINDS}
    assert keys - ENGLISH.keys() == set()


def builtin_message_keys() -> dict[str, set[str]]:
    """Every message key each built-in check can store, read from core/checks/builtin.py: the keys of `not_run`
    calls and `outcome` ("found", "clean") in the check's function and the module's helpers it calls."""
    import ast

    import core.checks.builtin as builtin

    tree = ast.parse(Path(builtin.__file__).read_text(encoding="utf-8"))
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}

    def keys_of(name: str, seen: set[str]) -> set[str]:
        keys: set[str] = set()
        for node in ast.walk(functions[name]):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            called = node.func.id
            if called == "outcome":
                keys |= {"found", "clean"}
            elif called == "not_run":
                keys.add(node.args[0].value)
            elif called in functions and called not in seen:
                keys |= keys_of(called, seen | {called})
        return keys

    return {check.id: keys_of(check.run.__name__, {check.run.__name__}) for check in builtin.CHECKS}


def test_every_builtin_check_has_a_name_and_every_message_in_both_languages():
    """A new check, or a new message of one, without its texts fails here."""
    keys = builtin_message_keys()
    assert len(keys) == 17 and keys["vat-settlement"] == {"no-settlement", "found", "clean"}
    for language in ("sv", "en"):
        said = texts(language)
        missing = {f"check_name.{check_id}" for check_id in keys} - said.keys()
        missing |= {
            f"{check_id}.{key}" for check_id, found in keys.items() for key in found
            if f"check.{check_id}.{key}" not in said and f"check.{key}" not in said
        }  # fmt: skip
        assert missing == set(), language


def test_every_kind_of_own_check_has_its_messages():
    from core.checks.custom import KINDS

    expected = {f"check.{kind}.{key}" for kind in KINDS for key in ("found", "clean")}
    assert expected - SWEDISH.keys() == set()


def test_check_texts_are_only_for_checks_that_exist():
    from core.checks.builtin import BUILTIN_IDS
    from core.checks.custom import KINDS

    keys = builtin_message_keys()
    shared = set().union(*keys.values())
    for key in ENGLISH:
        if key.startswith("check_name."):
            assert key.removeprefix("check_name.") in BUILTIN_IDS, key
        elif key.startswith("check."):
            owner, _, message = key.removeprefix("check.").rpartition(".")
            assert (owner in keys and message in keys[owner]) or owner in KINDS or (not owner and message in shared), key


def test_every_template_step_and_listener_reason_has_a_text():
    from core.closing.templates import TEMPLATES
    from core.fortnox.importer import STEPS

    expected = {f"template_text.{name}" for name in TEMPLATES} | {f"step.{key}" for key in STEPS}
    expected |= {f"listener_reason.{why}" for why in ("not-started", "not-loopback", "port-in-use")}
    assert expected - SWEDISH.keys() == set()
    by_core = {key for key in ENGLISH if key.startswith(("template_text.", "step."))}
    assert by_core == {key for key in expected if key.startswith(("template_text.", "step."))}


def test_every_exported_entrys_result_has_a_text_and_the_english_is_cores():
    """The export dialog and the activity detail say each entry's result from core's key; in English the words are
    the very ones the CLI prints and the log keeps."""
    from core.export.fortnox import RESULT_TEXTS

    said = {key for key in ENGLISH if key.startswith("export_result.")} - {"export_result.line"}
    assert said == {f"export_result.{key}" for key in RESULT_TEXTS}
    assert {key: ENGLISH[f"export_result.{key}"][0] for key in RESULT_TEXTS} == RESULT_TEXTS


def test_every_reason_a_sie_export_skips_an_entry_has_a_text_and_the_english_is_cores():
    from core.export.sie import SKIP_TEXTS

    said = {key for key in ENGLISH if key.startswith("sie_skip.")}
    assert said == {f"sie_skip.{key}" for key in SKIP_TEXTS}
    assert {key: ENGLISH[f"sie_skip.{key}"][0] for key in SKIP_TEXTS} == SKIP_TEXTS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_token_store_core_can_name_has_a_text(language, tmp_path):
    """The settings and connect screens say where the token is; core names three kinds of place."""
    from keyring.backends.fail import Keyring

    from core.fortnox.tokens import FileTokenStore, KeyringTokenStore
    from tui.i18n import store_words

    set_language(language)
    try:
        stores = (KeyringTokenStore(Keyring()), FileTokenStore(tmp_path / "t.json"), FileTokenStore(tmp_path / "t.json", "x"))
        words = [store_words(store.kind) for store in stores]
    finally:
        set_language("en")
    assert all("{" not in text and text for text in words)
    assert [store.kind.where in text for store, text in zip(stores, words)] == [True, True, True]
    if language == "en":
        assert words == [str(store.kind) for store in stores]
