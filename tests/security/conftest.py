"""Planted attacks: hostile names, an echoing server, a full disk, a damaged store. Each test fails without its fix."""

from __future__ import annotations

from tests.export.conftest import nordljus  # noqa: F401  (connected, imported, and bokslut on the same data)
from tests.fortnox.conftest import connected, fortnox_cli, sandbox  # noqa: F401  (the connected company over real HTTP)
from tests.tui.conftest import data_dir, make_app, store  # noqa: F401  (an app over a real store)
