"""What opening the store did that the user should hear of once (a store others could read, made private) is said in
the app as it is by the CLI: in the reader's language, as the characters of the path, once."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from textual.widgets._toast import Toast

from core.config import Settings
from core.store.db import open_store, take_notices
from tests.tui.catalogs import texts
from tests.tui.conftest import SIZE
from tests.tui.pilot import press, settle
from tui.app import BokslutApp
from tui.preferences import Preferences

CORE = Path(__file__).resolve().parents[2] / "core"
MADE_PRIVATE = {"en": "could be read by other users of this computer", "sv": "kunde läsas av andra användare"}


def shown_toasts(app) -> list[str]:
    """The toasts on screen as the reader sees them (rendered, so markup would be gone and a link would be a style)."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


@pytest.mark.sqlite_only
@pytest.mark.parametrize("language", ["en", "sv"])
async def test_a_store_others_could_read_is_made_private_and_the_app_says_so_once(tmp_path, language):
    data = tmp_path / "böcker [bold]x[link=y]z"  # a path is characters, never markup
    data.mkdir(mode=0o755)
    store_file = data / "bokslut.sqlite3"
    open_store(store_file).close()
    store_file.chmod(0o644)  # as a store made under a 0022 umask before bokslut made them private
    take_notices()  # what the setup's own open said is not this test's

    db = open_store(store_file)
    app = BokslutApp(db, Settings(data_dir=data, config_file=None), Preferences(language, {}))
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert stat.S_IMODE(store_file.stat().st_mode) == 0o600
            [shown] = [toast for toast in shown_toasts(app) if MADE_PRIVATE[language] in toast]
            assert f"{store_file}" in shown.replace("\n", "")  # the whole path as typed, brackets and all
            assert [n.severity for n in app._notifications] == ["warning"]
            await press(pilot, "f2")
            await press(pilot, "f2")
            assert len(app._notifications) == 1  # said once, not again as the app goes on
        db.close()

        db = open_store(store_file)  # the next start: the store is private now, so there is nothing to say
        again = BokslutApp(db, Settings(data_dir=data, config_file=None), Preferences(language, {}))
        async with again.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            assert list(again._notifications) == [] and shown_toasts(again) == []
    finally:
        db.close()


@pytest.mark.parametrize("language", ["en", "sv"])
async def test_a_config_file_others_can_read_with_the_client_secret_is_warned_of_in_the_app(
    tmp_path, store, language
):
    config = tmp_path / "config.toml"
    config.write_text('[fortnox]\nclient_id = "x"\nclient_secret = "s3cret-value"\n')
    config.chmod(0o644)
    from core.config import load_settings

    settings = load_settings(str(tmp_path / "data"), str(config), environ={})
    app = BokslutApp(store, settings, Preferences(language, {}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        [shown] = shown_toasts(app)
        assert f"chmod 600 {config}" in shown.replace("\n", "") and "s3cret-value" not in shown
        assert ("other users" if language == "en" else "andra användare") in shown


def test_every_notice_core_gives_has_a_text_in_both_languages():
    """A new notice in core without its words in the app fails here (the tax sheet's notices are its own kind)."""
    sources = (path.read_text(encoding="utf-8") for path in CORE.rglob("*.py"))
    source = "\n".join(text for text in sources if re.search(r"from core\.text import .*\bNotice\b", text))
    keys = set(re.findall(r"""\bNotice\(\s*["']([a-z_]+)["']""", source))
    assert {"store_made_private", "config_secret_readable", "store_without_text_index"} <= keys
    for language in ("sv", "en"):
        assert {f"notice.{key}" for key in keys} - texts(language).keys() == set(), language
