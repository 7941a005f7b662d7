"""#KSUMMA: the optional CRC-32 over a SIE file's records (sie4.md §8, spec §10).

The CRC is standard CRC-32 (zlib's) over each record's label and field texts, concatenated
without separators, quotes, escapes or braces, as CP437 bytes. Reader and writer share this
class so a file we write verifies when we read it.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence


class Ksumma:
    """Incremental #KSUMMA CRC-32 (sie4.md §8)."""

    __slots__ = ("_crc", "_encoding")

    def __init__(self, encoding: str = "cp437") -> None:
        """`encoding` other than CP437 only to verify files that were written in another charset."""
        self._crc = 0
        self._encoding = encoding

    def add(self, label: str, fields: Sequence[str | Sequence[str]]) -> None:
        """Add one record: its label (with `#`) and its unquoted, unescaped field texts.

        An object list is given as the sequence of its member texts. Characters CP437 lacks
        count as `?`, so the value is defined for any text.
        """
        parts = [label]
        for field in fields:
            if isinstance(field, str):
                parts.append(field)
            else:
                parts.extend(field)
        self._crc = zlib.crc32("".join(parts).encode(self._encoding, "replace"), self._crc)

    def value(self) -> int:
        """The unsigned 32-bit checksum, as written after the closing `#KSUMMA`."""
        return self._crc
