"""The app's own settings, the same for every company: the interface's language, saved in the config file (the
user's other settings, keymap and comments kept). Reached with s on the companies screen, or Ctrl+P anywhere."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from core.config import default_config_file
from core.errors import BokslutError, user_message
from tui.i18n import LANGUAGES, language, t
from tui.navigation import Place
from tui.preferences import save_language
from tui.screens.base import BokslutScreen
from tui.text import literal
from tui.widgets.choice import CHOSEN, NOT_CHOSEN

LANGUAGE_NAMES = {"sv": "language.sv", "en": "language.en"}  # tui.i18n.LANGUAGES, each in itself


class AppSettingsScreen(BokslutScreen):
    HELP_KEY = "help.app_settings"
    BINDINGS = [
        Binding("l", "language", "key.language", id="app_settings.language"),
        Binding("escape", "app.pop_screen", "key.back", id="app_settings.back"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(id="app-settings")
        yield Static(id="app-settings-status")

    def on_mount(self) -> None:
        self.set_title(t("app_settings.title"))
        self.show()

    def show(self) -> None:
        text = Text(no_wrap=False)
        text.append(t("settings.interface") + "\n", style="bold")
        text.append(f"  {t('settings.language')}:")
        for choice in LANGUAGES:
            chosen = choice == language()
            text.append(f"  {CHOSEN if chosen else NOT_CHOSEN} {t(LANGUAGE_NAMES[choice])}", style="bold" if chosen else "")
        text.append("\n\n")
        text.append(t("app_settings.language_hint", path=str(self.config_path())), style="dim")
        self.query_one("#app-settings", Static).update(text)

    def config_path(self):
        return self.app.settings.config_file or default_config_file()

    def action_language(self) -> None:
        """Saved in the config file first, then in effect at once."""
        chosen = LANGUAGES[(LANGUAGES.index(language()) + 1) % len(LANGUAGES)]
        path = self.config_path()

        def save() -> str:
            try:
                save_language(path, chosen)
            except (BokslutError, OSError) as error:
                return user_message(error)
            return ""

        self.run_query(save, lambda error: self.language_saved(chosen, error), group="language")

    def language_saved(self, chosen: str, error: str) -> None:
        if error:
            self.query_one("#app-settings-status", Static).update(
                literal(t("settings.language_failed", message=error), style="bold red", wrap=True)
            )
            return
        # Texts and keys are translated as a screen is made: the companies screen and this one are made anew.
        self.app.change_language(chosen, [(Place.COMPANIES, {}), (Place.APP_SETTINGS, {})])
