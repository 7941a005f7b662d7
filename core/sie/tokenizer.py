"""Splits one SIE line into its label and fields (sie4.md §2, §13.3).

Rules: fields are separated by runs of blanks (space, TAB and the other ASCII separators that
`str.split` knows); `"…"` quotes a field and `\\"` is the only escape (any other backslash is
literal); `{…}` is one field, an object list, whose members may be quoted (a quoted `}` is
text); an unquoted token ends at a blank, a brace or a quote; `""` is an empty value.

Speed matters (a big export has millions of lines), so instead of walking characters the line
is cut at its quotes with `str.split('"')`: even pieces are outside quotes, odd pieces are
quoted texts. Only lines holding `\\"` need a regex to find the real quotes.
"""

from __future__ import annotations

import re

from core.sie.errors import Phrase

Field = str | list[str]  # a list is an object list: its member texts in order

# Blanks between fields. Beyond space and TAB these are control characters the spec forbids in
# text; treating them as blanks keeps the fast `str.split()` and the slow path identical.
SEPARATORS = " \t\x0b\x0c\x1c\x1d\x1e\x1f"
LINE_STRIP = SEPARATORS + "\r\n"
_SEPARATOR_RUN = re.compile("[ \t\x0b\x0c\x1c-\x1f]+")
_UNESCAPED_QUOTE = re.compile(r'(?<!\\)"')


class TokenError(ValueError):
    """A line the grammar cannot split; `field` is the 1-based position after the label."""

    def __init__(self, problem: Phrase, field: int, expected: Phrase, *, unclosed_quote: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field
        self.expected = expected
        self.unclosed_quote = unclosed_quote


def _words(text: str) -> list[str]:
    """Blank-separated words; `str.split()` alone would also split at NBSP and U+0085."""
    if text.isascii():
        return text.split()
    text = text.strip(SEPARATORS)
    return _SEPARATOR_RUN.split(text) if text else []


def split_fields(line: str) -> list[Field]:
    """The label followed by the fields of a stripped, non-empty line."""
    escaped = '\\"' in line
    pieces = _UNESCAPED_QUOTE.split(line) if escaped else line.split('"')
    if not len(pieces) & 1:
        raise TokenError(Phrase("unclosed_quote"), _count(pieces), Phrase("closing_quote"), unclosed_quote=True)
    fields: list[Field] = []
    members: list[str] | None = None  # the open object list, if any
    quoted = False
    for piece in pieces:
        if quoted:
            if escaped:
                piece = piece.replace('\\"', '"')
            (fields if members is None else members).append(piece)
        elif piece:
            if escaped:
                piece = piece.replace('\\"', '"')
            if "{" in piece or "}" in piece:
                for word in _words(piece.replace("{", " { ").replace("}", " } ")):
                    if word == "{":
                        if members is not None:
                            raise TokenError(Phrase("list_inside_list"), len(fields), Phrase("close_list"))
                        members = []
                    elif word == "}":
                        if members is None:
                            raise TokenError(Phrase("list_not_opened"), len(fields), Phrase("open_list_before"))
                        fields.append(members)
                        members = None
                    else:
                        (fields if members is None else members).append(word)
            elif members is None:
                fields.extend(_words(piece))
            else:
                members.extend(_words(piece))
        quoted = not quoted
    if members is not None:
        raise TokenError(Phrase("list_not_closed"), len(fields), Phrase("close_list_at_end"))
    return fields


def _count(pieces: list[str]) -> int:
    """Roughly which field an unclosed quote starts, for the error message."""
    return max(1, len(_words(" ".join(pieces[::2]))) + len(pieces) // 2 - 1)
