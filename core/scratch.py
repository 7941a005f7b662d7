"""What a process writes for a moment, which a kill leaves behind: a file being written (a `.part` beside the file
asked for) and a Fortnox import's scratch folder of a client's books in TMPDIR. Each names the process that owns it,
and at the next start those of processes that no longer run are removed, wherever they are; a live one's never.

Every file bokslut writes for the user (SIE exports, reports, XLSX workbooks, SRU files) goes through written_whole,
so a reader never sees half of one and a killed writer's part does not stay. A part is found again through its
record in the data directory's `parts` folder: it may lie in any folder the user chose.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from core.activity import pid_alive

PARTS_FOLDER = "parts"  # in the data directory: "<pid>-<random>.json" for each part being written
SCRATCH_PREFIX = "bokslut-fortnox-"  # then the importing process's id: a dead one's books are removed
PRIVATE_FILE_MODE = 0o600  # the books are the company's, whatever the umask

_records: Path | None = None  # where this process records its parts; set by start()


def start(data_dir: Path) -> list[Path]:
    """The doors' first step: this process records its parts in `data_dir`, and what processes that died left is
    removed. Returns what was removed."""
    global _records
    _records = Path(data_dir) / PARTS_FOLDER
    try:
        return [*remove_abandoned_parts(), *remove_abandoned_scratch()]
    except OSError:  # a failing removal never stops the work the user asked for
        return []


@contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through: `<name>.<pid>.part` beside it, private from its first byte, recorded
    with this process's id while it exists; it replaces `path` only when the block ends without an error."""
    path = Path(path)
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    record = _record(part)
    try:
        part.unlink(missing_ok=True)  # one of an earlier process that had this id
        try:
            descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        except OSError as error:  # name the file the user asked for, not the part
            raise OSError(error.errno, error.strerror, str(path)) from None
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), PRIVATE_FILE_MODE)
            yield handle
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
        if record is not None:
            record.unlink(missing_ok=True)


def remove_abandoned_parts() -> list[Path]:
    """The parts whose writing process of this machine no longer runs, and their records. A record only points: a
    file is removed only if it is a regular file of this user named as that process's part."""
    if _records is None or not _records.is_dir():
        return []
    removed = []
    for record in _records.glob("*.json"):
        pid = record.name.split("-", 1)[0]
        if not pid.isdigit() or pid_alive(int(pid)):
            continue
        try:
            written = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # killed while recording: no part was made yet
            written = {}
        if written.get("host") not in (None, socket.gethostname()):
            continue  # a data directory shared between machines: only that machine can tell
        part = Path(written.get("part") or "")
        if part.name.endswith(f".{pid}.part") and _ours(part):
            part.unlink(missing_ok=True)
            removed.append(part)
        record.unlink(missing_ok=True)
    return removed


def remove_abandoned_scratch() -> list[Path]:
    """A killed import leaves a client's complete books in TMPDIR (private, 0700, but still there): remove those of
    processes of this machine that no longer run. Asked of the operating system, not the store: another bokslut here
    may use another store (or none this store knows) and its import must keep its files. Returns what was removed."""
    removed = []
    for scratch in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = scratch.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        mine = scratch.is_dir() and not scratch.is_symlink() and scratch.stat().st_uid == os.getuid()
        if mine and pid.isdigit() and not pid_alive(int(pid)):
            shutil.rmtree(scratch, ignore_errors=True)
            removed.append(scratch)
    return removed


def _record(part: Path) -> Path | None:
    """Written before the part exists, so no part is ever unrecorded; None when no door said where (a library
    caller), or the data directory cannot take it (the export itself then says what is wrong, if anything)."""
    if _records is None:
        return None
    try:
        _records.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f"{os.getpid()}-", suffix=".json", dir=_records)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"host": socket.gethostname(), "part": str(part.absolute())}, handle)
    except OSError:
        return None
    return Path(name)


def _ours(path: Path) -> bool:
    try:
        status = path.lstat()
    except OSError:
        return False
    return path.is_file() and not path.is_symlink() and status.st_uid == os.getuid()
