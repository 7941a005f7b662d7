"""Real stores built by importing generated SIE files, and an app wired to them at 80×24."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings
from core.demo import DemoSpec, write_demo_sie
from core.importer import import_sie
from core.store.db import open_store
from tui.app import BokslutApp
from tui.i18n import set_language
from tui.preferences import Preferences

SIZE = (80, 24)
DEMO = DemoSpec(vouchers_per_year=300, years=2)

# A company whose texts look like markup and carry a terminal escape: they must show as typed.
MARKUP_SIE = (
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#FNAMN "[bold]Mark[/] AB"\n#ORGNR 556677-8899\n'
    '#RAR 0 20250101 20251231\n#KONTO 1930 "[i]Bank[/i]"\n#KONTO 3001 "Sales"\n#RES 0 3001 -100.00\n'
    '#VER A 1 20250115 "[bold]x[/] \x1b[31mred"\n{\n#TRANS 1930 {} 100.00\n#TRANS 3001 {} -100.00\n}\n'
)

# A voucher with a row added (#RTRANS, then as #TRANS, as SIE writes it) and one removed (#BTRANS) after registration.
HISTORY_SIE = (
    '#FLAGGA 0\n#FORMAT PC8\n#SIETYP 4\n#FNAMN "Historik AB"\n#ORGNR 556000-0008\n#RAR 0 20250101 20251231\n'
    '#DIM 1 "Kostnadsställe"\n#OBJEKT 1 "10" "Tio"\n#KONTO 1910 "Kassa"\n#KONTO 1930 "Bank"\n'
    '#KONTO 3001 "Försäljning"\n#VER A 7 20250115 "Sale" 20250120\n{\n#TRANS 3001 {1 "10"} -100.00 "" "row text"\n'
    '#BTRANS 1910 {} 100.00\n'
    '#RTRANS 1930 {} 100.00\n#TRANS 1930 {} 100.00\n}\n'
)


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    return write_demo_sie(DEMO, tmp_path_factory.mktemp("sie") / "demo.se")


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    path.mkdir(mode=0o700)  # as bokslut makes it: an open one is made private and said at start
    return path


@pytest.fixture
def store(data_dir):
    db = open_store(data_dir / "bokslut.sqlite3")
    yield db
    db.close()


@pytest.fixture
def demo_store(store, demo_file):
    import_sie(store, demo_file)
    return store


@pytest.fixture
def make_app(data_dir):
    """An app over the given store, English unless asked otherwise, with an optional keymap."""

    def make(db, language: str = "en", keymap: dict[str, str] | None = None) -> BokslutApp:
        return BokslutApp(db, Settings(data_dir=data_dir, config_file=None), Preferences(language, keymap or {}))

    yield make
    set_language("en")
