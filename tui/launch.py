"""The `bokslut` command: no command starts the terminal interface, any command goes to the CLI."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from core import cli
from core.config import load_settings
from core.errors import BokslutError, user_message
from core.store.db import open_store
from core.text import printable


def _interface_options(argv: Sequence[str]) -> argparse.Namespace | None:
    """The global options when nothing else was given (run the interface), else None (run the CLI)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-dir")
    parser.add_argument("--config")
    parser.add_argument("--sandbox", action="store_true")
    options, rest = parser.parse_known_args(argv)
    return None if rest else options


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    options = _interface_options(argv)
    if options is None:
        return cli.main(argv)
    from tui.app import BokslutApp  # Textual loads only when the interface runs, keeping the CLI quick
    from tui.preferences import load_preferences

    try:
        settings = load_settings(options.data_dir, options.config)
        preferences = load_preferences(settings)
        db = open_store(settings.store)
    except (BokslutError, OSError) as error:
        print(printable(f"bokslut: {user_message(error)}"), file=sys.stderr)
        return cli.EXIT_BAD_INPUT
    if not options.sandbox:
        BokslutApp(db, settings, preferences).run()
        return cli.EXIT_OK
    with demo_sandbox() as consent:
        BokslutApp(db, settings, preferences, sandbox_consent=consent).run()
    return cli.EXIT_OK


@contextmanager
def demo_sandbox() -> Iterator[Callable[[str, str], str]]:
    """`bokslut --sandbox` (make demo): the built-in Fortnox sandbox on loopback, this process pointed at it, tokens
    in a file (never the user's keyring), and consent given from the app instead of a browser."""
    from core.fortnox.sandbox.browser import give_consent_blocking
    from core.fortnox.sandbox.serve import running_sandbox

    with running_sandbox(redirect_uri=f"http://127.0.0.1:{_free_port()}/callback") as sandbox:
        os.environ.update(sandbox.environment(), BOKSLUT_TOKEN_STORE="file")
        yield give_consent_blocking


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
