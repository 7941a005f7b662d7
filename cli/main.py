"""The `bokslut` command: no command starts the terminal app, any command runs here.

This is the composition root: the only place that starts the app (tui), the Fortnox stand-in (fortnox_sandbox)
and the commands, each a door over core. Exit 0 on success and 2 on bad input, with one line on stderr;
`--json` prints one document on stdout.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from cli import books, checks, closing, companies, export_fortnox, export_sie, fortnox, periods, reconcile, reports, tax
from cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL_ERROR, EXIT_OK, fail
from core import scratch
from core.config import Settings, load_settings
from core.errors import BokslutError, user_message
from core.store.db import open_store, store_failure, take_notices
from core.text import guard_logging, printable

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a program the signal ended would exit: `set -o pipefail` sees it

COMMAND_GROUPS = (books, companies, fortnox, closing, export_fortnox, export_sie, reports, periods, checks, tax, reconcile)


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are bad input too: one line on stderr and exit 2, like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bokslut", description="Year-end closing for Swedish companies.")
    parser.add_argument("--data-dir", help="where the store lives (default: the user's data directory)")
    parser.add_argument("--config", help="settings file (default: config.toml in the user's config directory)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def run_command(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    settings = None
    try:
        settings = load_settings(args.data_dir, args.config)
        _say_notices(settings.notices)
        scratch.start(settings.data_dir)
        status = args.handler(args, settings)
        sys.stdout.flush()  # a closed pipe is met here, not in the flush at exit where nothing can answer it
        return status
    except BrokenPipeError:  # what reads the output stopped early (| head): nothing to tell, and stdout is gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
        return EXIT_BROKEN_PIPE
    except (BokslutError, OSError) as error:
        return fail(user_message(error))
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a failing store is the user's to fix; anything else is a bug of ours
        failure = store_failure(error, settings.store) if settings is not None else None
        if failure is not None:
            return fail(user_message(failure))
        log = _write_crash_report(settings)
        where = f"the details are in {log}" if log is not None else "the details could not be written down"
        print(f"bokslut: internal error; {where}. Please report it.", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    finally:
        _say_notices(take_notices())


def _say_notices(notices) -> None:
    """What core did that the user should hear of once (a store made private, a config file others can read)."""
    for notice in notices:
        print(printable(f"bokslut: {notice}"), file=sys.stderr)


def _write_crash_report(settings: Settings | None) -> Path | None:
    """Best effort and private (a traceback can hold names from the books); a full disk must not hide the real error."""
    directory = settings.data_dir if settings else Path(tempfile.gettempdir())
    log = directory / "crash.log"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)
        with open(descriptor, "a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n{traceback.format_exc()}\n")
    except OSError:
        return None
    return log


def _interface_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """The global options when nothing else was given (run the interface), else None (run the CLI)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--config")
    parser.add_argument("--sandbox", action="store_true")
    options, rest = parser.parse_known_args(argv)
    return None if rest else options


def main(argv: Sequence[str] | None = None) -> int:
    """The one entry of both doors, the commands and the app: logging is guarded before either runs."""
    guard_logging()
    argv = sys.argv[1:] if argv is None else list(argv)
    options = _interface_options(argv)
    if options is None:
        return run_command(argv)
    from tui.app import BokslutApp  # Textual loads only when the interface runs, keeping the CLI quick
    from tui.preferences import load_preferences

    try:
        settings = load_settings(options.data_dir, options.config)
        scratch.start(settings.data_dir)
        preferences = load_preferences(settings)
        db = open_store(settings.store)
    except (BokslutError, OSError) as error:
        print(printable(f"bokslut: {user_message(error)}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    if not options.sandbox:
        BokslutApp(db, settings, preferences).run()
        return EXIT_OK
    with demo_sandbox() as consent:
        BokslutApp(db, settings, preferences, sandbox_consent=consent).run()
    return EXIT_OK


@contextmanager
def demo_sandbox() -> Iterator[Callable[[str, str], str]]:
    """`bokslut --sandbox` (make demo): the built-in Fortnox sandbox on loopback, this process pointed at it, tokens
    in a file (never the user's keyring), and consent given from the app instead of a browser."""
    from fortnox_sandbox.browser import give_consent_blocking
    from fortnox_sandbox.serve import running_sandbox

    with running_sandbox(redirect_uri=f"http://127.0.0.1:{_free_port()}/callback") as sandbox:
        os.environ.update(sandbox.environment(), BOKSLUT_TOKEN_STORE="file")
        yield give_consent_blocking


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
