"""The text catalogs as the tests read them: with Babel, not with the app's own reader (tui.catalogs)."""

from __future__ import annotations

import string
from functools import cache

from babel.messages.pofile import read_po

from tui.catalogs import po_path


@cache
def catalog(language: str):
    with po_path(language).open("rb") as file:
        return read_po(file)


@cache
def texts(language: str) -> dict[str, tuple[str, ...]]:
    """Each key's text, or its forms (singular, plural) when it says a count."""
    return {
        message.id[0] if message.pluralizable else message.id: tuple(message.string) if message.pluralizable
        else (message.string,)
        for message in catalog(language) if message.id
    }  # fmt: skip


def plural_keys(language: str) -> set[str]:
    return {message.id[0] for message in catalog(language) if message.id and message.pluralizable}


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conversion in string.Formatter().parse(text) if name}
