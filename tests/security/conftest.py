"""Planted attacks: hostile names, an echoing server, a full disk, a damaged store. Each test fails without its fix."""

from __future__ import annotations

from tests.fortnox.conftest import connected, sandbox  # noqa: F401  (the connected company over real HTTP)
from tests.tui.conftest import data_dir, make_app, store  # noqa: F401,E402  (an app over a real store)
