"""Where the text catalogs are, and their compiled (.mo) form made from the .po when it is missing or older.

The .po files are the source (edited by hand, updated with Babel, see the Makefile's `catalogs` targets); the .mo
files are build products. `make` compiles them with `pybabel compile`; the app compiles a missing or stale one itself
at first use with the small stdlib compiler below, so a checkout or an install without Babel (a runtime dependency
the app does not need) still speaks both languages.
"""

from __future__ import annotations

import ast
import os
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

DOMAIN = "bokslut"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

# Keys looked up by a value from core or the store (f"check.{id}.{key}", f"sie.{phrase}", ...) and keys written
# outside t()/tn() calls (binding descriptions, tables of keys) are in no call Babel can find: the catalogs keep them,
# and the tests hold them to core and to the code.


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def is_stale(language: str) -> bool:
    """No .mo, or one older than its .po: the .po was edited since it was compiled."""
    mo = mo_path(language)
    return not mo.exists() or mo.stat().st_mtime < po_path(language).stat().st_mtime


def compiled(language: str) -> bytes:
    """The language's catalog as .mo bytes; written beside the .po when the directory is writable (an installed
    package's may not be: then the bytes serve from memory)."""
    data = compile_po(po_path(language).read_text(encoding="utf-8"))
    mo = mo_path(language)
    try:
        with tempfile.NamedTemporaryFile(dir=mo.parent, prefix=f".{mo.name}.", delete=False) as file:
            file.write(data)
        os.replace(file.name, mo)  # atomic: a second process compiling at the same time reads a whole file
    except OSError:
        pass
    return data


def read_po(text: str) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(msgid,) or (msgid, msgid_plural), and the msgstr or msgstr[0..]; fuzzy and obsolete entries are left out,
    as msgfmt does."""
    fields: dict[str, str] = {}
    field = ""
    fuzzy = False

    def entry():
        if "msgid" in fields and not fuzzy:
            ids = (fields["msgid"], fields["msgid_plural"]) if "msgid_plural" in fields else (fields["msgid"],)
            strings = tuple(value for name, value in sorted(fields.items()) if name.startswith("msgstr"))
            yield ids, strings

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#,") and "fuzzy" in line:
            yield from entry()
            fields, fuzzy = {}, True
        elif line.startswith('"'):
            fields[field] += ast.literal_eval(line)
        elif line.startswith("msg"):
            field, _, quoted = line.partition(" ")
            if field == "msgid" and "msgid" in fields:
                yield from entry()
                fields, fuzzy = {}, False
            fields[field] = ast.literal_eval(quoted)
        elif not line and "msgid" in fields:  # a blank line ends an entry
            yield from entry()
            fields, fuzzy = {}, False
    yield from entry()


def compile_po(text: str) -> bytes:
    """The GNU .mo format gettext reads: a header, two tables of (length, offset), then the ids and the strings."""
    messages = {
        "\0".join(ids).encode(): "\0".join(strings).encode() for ids, strings in read_po(text) if any(strings)
        or not ids[0]
    }
    keys = sorted(messages)
    ids = strings = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strings), len(messages[key])))
        ids += key + b"\0"
        strings += messages[key] + b"\0"
    ids_start = 7 * 4 + 16 * len(keys)
    strings_start = ids_start + len(ids)
    id_table = [number for start, length, _, _ in offsets for number in (length, start + ids_start)]
    string_table = [number for _, _, start, length in offsets for number in (length, start + strings_start)]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"<{4 * len(keys)}I", *id_table, *string_table) + ids + strings


def extract_text_keys(fileobj, keywords, comment_tags, options):
    """Babel extractor (babel.cfg) over the app's modules: the key of every t() and tn() call, both keys of a
    `t("a" if ... else "b")` (Babel's Python extractor would join them into one); an f-string key is looked up by
    value and kept by extract_kept_keys."""
    for node in ast.walk(ast.parse(fileobj.read())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("t", "tn") and node.args:
            key = node.args[0]
            for found in (key.body, key.orelse) if isinstance(key, ast.IfExp) else (key,):
                if isinstance(found, ast.Constant) and isinstance(found.value, str):
                    yield node.lineno, node.func.id, found.value if node.func.id == "t" else (found.value, None), []


def extract_kept_keys(fileobj, keywords, comment_tags, options):
    """Babel extractor (babel.cfg) over the English catalog: every key it holds, with its plural form, so that
    `pybabel update` keeps the keys no t()/tn() call names; the tests report a key nothing uses any more."""
    for ids, _strings in read_po(fileobj.read().decode("utf-8")):
        if ids[0]:
            yield (0, "tn", (ids[0], None), []) if len(ids) > 1 else (0, "t", ids[0], [])
