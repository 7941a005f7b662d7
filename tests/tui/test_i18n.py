"""Every text exists in Swedish and English, with the same placeholders, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from decimal import Decimal
from pathlib import Path

import pytest

from tui.i18n import TEXTS, choose_language, format_money, set_language

TUI = Path(__file__).resolve().parents[2] / "tui"


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}


def test_both_languages_have_every_key():
    assert TEXTS["sv"].keys() == TEXTS["en"].keys()


def test_both_languages_take_the_same_placeholders():
    differing = {key for key in TEXTS["sv"] if placeholders(TEXTS["sv"][key]) != placeholders(TEXTS["en"][key])}
    assert differing == set()


KEY = r"""["']([a-z_]+\.[a-z_]+)["']"""


def test_every_key_in_the_code_exists_and_every_text_is_used():
    """Keys are string literals in tui/: t() calls, binding descriptions ("key.…"), HELP_KEY.
    Status and kind texts are looked up by the value the store holds."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in TUI.rglob("*.py") if path.name != "i18n.py")
    looked_up = set(re.findall(r"\bt\(\s*f?" + KEY, source)) | set(re.findall(r"""["'](key\.[a-z_]+)["']""", source))
    assert len(looked_up) > 40
    assert looked_up - TEXTS["en"].keys() == set()
    by_value = {key for key in TEXTS["en"] if key.startswith(("status.", "kind."))}
    assert TEXTS["en"].keys() - set(re.findall(KEY, source)) - by_value == set()


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
    assert keys - TEXTS["en"].keys() == set()
