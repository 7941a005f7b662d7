"""The base of every error that is the user's to fix, shown as one message and never as a traceback."""

import asyncio
from collections.abc import Callable

# An interface in another language than English says keyed errors its own way; the CLI never sets one.
Translator = Callable[[str, dict], "str | None"]
_translator: Translator | None = None


class BokslutError(Exception):
    """Bad input or a refused operation; str(error) is the whole message for the user, in English.

    `key` names the sentence (stable, for translation) and `params` fill it; a subclass may give one key for all of
    its errors, a raise may give its own. Without a key the English sentence is all there is.
    """

    key = ""

    def __init__(self, *args: object, key: str | None = None, params: dict | None = None) -> None:
        super().__init__(*args)
        if key is not None:
            self.key = key
        self.params = dict(params or {})


def translate_with(translator: Translator | None) -> None:
    """The app's language for keyed errors: `translator(key, params)` gives the sentence, or None for the English."""
    global _translator
    _translator = translator


def _said(key: str, params: dict) -> str | None:
    return _translator(key, params) if _translator is not None and key else None


def user_message(error: BaseException) -> str:
    """One readable line for the user, whatever failed; the CLI and the app both show this, never a traceback."""
    if isinstance(error, BokslutError):
        return _said(error.key, error.params) or str(error)
    if isinstance(error, (asyncio.CancelledError, KeyboardInterrupt)):  # the user stopped it: nothing failed by itself
        return _said("cancelled", {}) or "cancelled"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        reason = error.strerror or str(error)
        english = f"{where}{reason}. Check the path and its permissions."
        return _said("os_error", {"where": where, "reason": reason}) or english
    return f"{type(error).__name__}: {error}"
