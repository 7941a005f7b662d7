"""The base of every error that is the user's to fix, shown as one message and never as a traceback."""


class BokslutError(Exception):
    """Bad input or a refused operation; str(error) is the whole message for the user."""
