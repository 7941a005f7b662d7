"""Issue 18's flow in a real terminal: a new company, connected in the built-in sandbox as a service account
(issue 15), imported without another key, a new year that the source does not have yet said so, and the language
switched in the app settings; at 80×24 in Swedish and at 120×40 in English."""

from __future__ import annotations

import shlex
import time
import tomllib

import pytest

from tests.tui.test_tmux import DEADLINE_SECONDS, Tmux, bokslut_command, pytestmark  # noqa: F401  (skipped without tmux)

WORDS = {
    "sv": {
        "empty": "Inga företag ännu", "new": "n Nytt företag", "org": "Organisationsnummer", "connect": "c Anslut", "listening": "Lyssnar på",
        "service": "(•) Tjänstekonto", "connected_service": "ansluten (tjänstekonto)",
        "done": "Klart: Nordljus Konsult AB (556123-4567)", "new_year": "Nytt år", "no_new_year": "Inget nytt år att",
        "checks": "Kontroller", "settings_title": "Appens inställningar", "switched_title": "App settings",
        "other": "en",
    },
    "en": {
        "empty": "No companies yet", "new": "n New company", "org": "Organisation number", "connect": "c Connect", "listening": "Listening on",
        "service": "(•) Service account", "connected_service": "connected (service account)",
        "done": "Done: Nordljus Konsult AB (556123-4567)", "new_year": "New year", "no_new_year": "No new year to",
        "checks": "Checks", "settings_title": "App settings", "switched_title": "Appens inställningar",
        "other": "sv",
    },
}


@pytest.fixture
def tmux():
    session = Tmux()
    yield session
    session.run("kill-server", check=False)


@pytest.mark.parametrize(("language", "width", "height"), [("sv", 80, 24), ("en", 120, 40)])
def test_the_start_guide_goes_on_by_itself_and_the_language_is_the_apps(tmux, data_dir, tmp_path, language, width,
                                                                         height):  # fmt: skip
    words = WORDS[language]
    config = tmp_path / "config.toml"
    config.write_text(f'language = "{language}"\n', encoding="utf-8")
    command = ["env", f"BOKSLUT_CONFIG={config}", *bokslut_command(), "--data-dir", str(data_dir), "--sandbox"]
    tmux.run("new-session", "-d", "-x", str(width), "-y", str(height), "-s", "app", shlex.join(command))

    tmux.wait_for(words["empty"])
    _wait_until_gone(tmux, words["new"])  # the path field has the focus now (its footer has no n): no race with it
    tmux.keys("Escape")  # an empty store starts in the path field
    tmux.wait_for(words["new"])
    tmux.keys("n")
    tmux.wait_for(words["org"])
    tmux.keys("Nordljus Konsult AB", literal=True)
    tmux.keys("Tab")
    tmux.keys("556123-4567", literal=True)
    tmux.keys("Enter")  # Fortnox is the source chosen: the start guide leads on to connecting
    tmux.wait_for(words["connect"])
    tmux.keys("c")
    tmux.wait_for(words["listening"])
    tmux.keys("C-t")  # a service account: the kind and the cleared listener line come in one frame
    tmux.wait_for(words["service"])
    tmux.wait_for(words["listening"])  # the new attempt's listener, once the user login's let the port go
    tmux.keys("C-o")  # the sandbox's consent; no other key from here to the imported books
    tmux.wait_for(words["done"])
    tmux.wait_for(words["connected_service"])

    tmux.keys("Escape")  # the overview, with the books
    tmux.wait_for(words["checks"])
    tmux.keys("y")
    tmux.wait_for(words["new_year"])
    tmux.keys("Enter")  # connected: the import at once; Fortnox has no year after the last one yet
    tmux.wait_for(words["no_new_year"])

    tmux.keys("Escape")
    tmux.wait_for(words["checks"])
    tmux.keys("Escape")
    tmux.wait_for(words["new"])
    tmux.keys("s")
    tmux.wait_for(words["settings_title"])
    tmux.keys("l")
    tmux.wait_for(words["switched_title"])
    assert tomllib.loads(config.read_text(encoding="utf-8")) == {"language": words["other"]}
    tmux.keys("C-q")


def _wait_until_gone(tmux, text: str) -> None:
    """Poll the pane until `text` is no longer shown; fail with the last screen after the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while text in (shown := tmux.screen()):
        assert time.monotonic() < deadline, f"{text!r} never went away; the screen was:\n{shown}"
        time.sleep(0.1)
