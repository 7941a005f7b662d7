"""The `bokslut` command: no command starts the terminal interface, any command goes to the CLI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
        db = open_store(settings.db_path)
    except (BokslutError, OSError) as error:
        print(printable(f"bokslut: {user_message(error)}"), file=sys.stderr)
        return cli.EXIT_BAD_INPUT
    BokslutApp(db, settings, preferences).run()
    return cli.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
