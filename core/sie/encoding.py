"""Which character set a SIE file really uses, decided from its bytes (sie4.md §3, §10.1).

SIE requires CP437 (`#FORMAT PC8`), but real exports that declare PC8 are often UTF-8 or
Latin-1/Windows-1252, so `#FORMAT` is never trusted. One chunked pass over the bytes decides;
memory stays constant and pure-ASCII chunks cost almost nothing (`bytes.isascii`).
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

CP437 = "cp437"
UTF8 = "utf-8"
CP1252 = "cp1252"
LATIN1 = "latin-1"

UTF8_BOM = codecs.BOM_UTF8
# å ä ö Å Ä Ö ü é in CP437, and the same letters in Latin-1/Windows-1252.
_CP437_SWEDISH = tuple(bytes([b]) for b in (0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x81, 0x82))
_LATIN1_SWEDISH = tuple(bytes([b]) for b in (0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xFC, 0xE9))
# Bytes Windows-1252 leaves undefined; a file holding them is decoded as Latin-1 instead.
_CP1252_UNDEFINED = tuple(bytes([b]) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D))

# The lead byte of å ä ö Å Ä Ö é ü in UTF-8: decides for UTF-8 text with a few stray bytes.
_UTF8_SWEDISH_LEAD = b"\xc3"
_ASCII = bytes(range(128))
CHUNK_SIZE = 1 << 20


@dataclass(frozen=True, slots=True)
class EncodingDecision:
    encoding: str  # "cp437", "utf-8", "cp1252" or "latin-1"
    has_bom: bool  # a UTF-8 byte order mark that the text layer must skip
    non_ascii: bool  # False: every byte is ASCII, so all candidates read the same text
    clean: bool = True  # False: mostly UTF-8 with some invalid bytes, which read as U+FFFD
    sha256: str = ""  # of the file's bytes, taken in the same pass so an import reads the file once less

    @property
    def codec(self) -> str:
        """The codec to open the file with (skips the BOM)."""
        return "utf-8-sig" if self.has_bom else self.encoding


class FileTooLarge(ValueError):
    """The file grew past the caller's limit after its size was checked."""


class LineTooLong(ValueError):
    """A chunk without a line break: no SIE record is that long, and reading it would need the memory."""


def detect_encoding(path: str | Path, max_bytes: int | None = None) -> EncodingDecision:
    """Valid UTF-8 with multi-byte sequences wins; otherwise CP437 unless Latin-1 letters dominate.

    Also bounds the line length to about two chunks, so the line-by-line read that follows
    keeps its memory constant, and takes the file's SHA-256 on the way.
    """
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder(UTF8)()
    utf8_valid = True
    non_ascii = False
    cp437_letters = latin1_letters = utf8_letters = cp1252_undefined = 0
    size = 0
    has_bom = False
    with open(path, "rb") as stream:
        first = True
        while chunk := stream.read(CHUNK_SIZE):
            size += len(chunk)
            digest.update(chunk)
            if max_bytes is not None and size > max_bytes:
                raise FileTooLarge(f"file is larger than {max_bytes} bytes")
            if len(chunk) == CHUNK_SIZE and b"\n" not in chunk and b"\r" not in chunk:
                raise LineTooLong(f"a line is longer than {CHUNK_SIZE} bytes")
            if first:
                first = False
                if chunk.startswith(UTF8_BOM):
                    has_bom = True
                    chunk = chunk[len(UTF8_BOM) :]
            if chunk.isascii() and not (utf8_valid and utf8.getstate()[0]):
                continue
            non_ascii = True
            if utf8_valid:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    utf8_valid = False
            high = chunk.translate(None, _ASCII)  # a few percent of the bytes: cheap to count
            cp437_letters += sum(high.count(b) for b in _CP437_SWEDISH)
            latin1_letters += sum(high.count(b) for b in _LATIN1_SWEDISH)
            cp1252_undefined += sum(high.count(b) for b in _CP1252_UNDEFINED)
            utf8_letters += high.count(_UTF8_SWEDISH_LEAD)
    if utf8_valid:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8_valid = False
    if not non_ascii:
        encoding = UTF8 if has_bom else CP437
    elif utf8_valid:
        encoding = UTF8
    elif utf8_letters > max(cp437_letters, latin1_letters):
        return EncodingDecision(UTF8, has_bom, non_ascii, clean=False, sha256=digest.hexdigest())
    elif latin1_letters > cp437_letters:
        encoding = LATIN1 if cp1252_undefined else CP1252
    else:
        encoding = CP437
    return EncodingDecision(encoding, has_bom and encoding == UTF8, non_ascii, sha256=digest.hexdigest())
