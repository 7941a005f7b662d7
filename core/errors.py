"""The base of every error that is the user's to fix, shown as one message and never as a traceback."""

import asyncio


class BokslutError(Exception):
    """Bad input or a refused operation; str(error) is the whole message for the user."""


def user_message(error: BaseException) -> str:
    """One readable line for the user, whatever failed; the CLI and the app both show this, never a traceback."""
    if isinstance(error, BokslutError):
        return str(error)
    if isinstance(error, (asyncio.CancelledError, KeyboardInterrupt)):  # the user stopped it: nothing failed by itself
        return "cancelled"
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}. Check the path and its permissions."
    return f"{type(error).__name__}: {error}"
