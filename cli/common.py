"""What every command shares: exit statuses, printing text and JSON safely, and naming a company and year.

Command modules import this one; it imports none of them, so the command line has no circle.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from core import ledger
from core.config import Settings
from core.errors import BokslutError
from core.store.db import open_store
from core.text import json_safe, printable

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL_ERROR = 1


def say(text: str) -> None:
    """Text output may carry names from SIE files; each line is printed with its control characters defused.
    Lines end only at our own "\n": str.splitlines() also breaks at NEL, U+2028 and FS-RS, which would let a name
    start a line of its own that reads like bokslut's."""
    print("\n".join(printable(line) for line in text.removesuffix("\n").split("\n")))


def print_json(document: object) -> None:
    """Names stay readable (UTF-8), but C1 and bidi controls from a file are escaped like the C0 ones."""
    sys.stdout.write(json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n")


def fail(message: str) -> int:
    print(printable(f"bokslut: {message}"), file=sys.stderr)
    return EXIT_BAD_INPUT


def named_company(db, org_number: str | None):
    """The CLI's way to name a company is --company, so a refusal says so."""
    try:
        return ledger.resolve_company(db, org_number)
    except ledger.SeveralCompanies as error:
        raise ledger.SeveralCompanies(f"{error}. Name one with --company ORGNR.") from None


def company_year(args: argparse.Namespace, settings: Settings):
    """(store, company, fiscal year) from --company and --year: what most commands start with."""
    db = open_store(settings.store)
    company = named_company(db, args.company)
    return db, company, ledger.resolve_fiscal_year(db, company, args.year)


def place_for_file(path: str | Path, option: str = "") -> Path:
    """The path of a file a command is to write, refused as one line when it is a directory or its directory is
    missing. `option` names the flag that gave the path (e.g. "--output"); "" for a positional PATH."""
    output, give = Path(path), f"{option} " if option else ""
    if output.is_dir():
        raise BokslutError(f"{output} is a directory; give {give}a file name", key="output_is_dir",
                           params={"path": str(output)})
    if not output.parent.is_dir():
        raise BokslutError(f"{output.parent} does not exist; create it or give {give}another path",
                           key="output_no_dir", params={"path": str(output.parent)})
    return output


def file_to_write(path: str | Path, *, overwrite: bool, option: str = "") -> Path:
    """place_for_file, and an existing file (or link) is refused too unless `overwrite` (--overwrite) is given."""
    output = place_for_file(path, option)
    if os.path.lexists(output) and not overwrite:
        raise BokslutError(f"{output} exists; give --overwrite to replace it, or another path", key="output_exists",
                           params={"path": str(output)})
    return output
