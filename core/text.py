"""Text from SIE files and Fortnox is outside data: it is shown as characters, never as terminal codes, and a
server's words never carry one of our secrets onward."""

from __future__ import annotations

import base64
import logging
import re
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

# C0, DEL and C1 controls, and the bidirectional controls that let one name masquerade as another (U+202E turns
# "gpj.exe" around); U+2028/U+2029 break lines in some terminals.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What JSON must escape besides what json.dumps escapes: the C1 controls and the bidi controls above.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The controls a terminal acts on, kept out of text such as CSV that is written to it (tab and line ends stay).
_TERMINAL_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

OUTSIDE_TEXT_LIMIT = 2000  # characters of a server's or a file's words that are kept in a message
REDACTED = "[redacted]"


@dataclass(frozen=True)
class Notice:
    """Something the user should hear of once, not a failure: str() is the English, key and params translate it."""

    key: str
    params: dict = field(default_factory=dict)
    english: str = ""

    def __str__(self) -> str:
        return self.english


def counted(count: int, singular: str, plural: str) -> str:
    """A count as English says it: "1 voucher", "2 vouchers", "0 vouchers" (the singular for exactly one)."""
    return f"{count} {singular if count == 1 else plural}"


def printable(value: object) -> str:
    """One line with every control character (escape sequences, bells, newlines, bidi overrides) made a space."""
    return _CONTROL.sub(" ", str(value))


def json_safe(text: str) -> str:
    """JSON text (as json.dumps writes it) with C1 and bidi controls escaped as \\uXXXX too; they can only stand
    inside strings, so the document means the same."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def terminal_safe(text: str) -> str:
    """Text for a terminal that keeps its lines and tabs but no escape sequence, bell, NUL or bidi control."""
    return _TERMINAL_UNSAFE.sub(" ", text)


def excerpt(value: object, limit: int = 80) -> str:
    """At most `limit` characters of a bad field, so an error message never repeats a megabyte of it."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)".replace(",", " ")


class _Secrets:
    """The live secrets of this process (tokens, the client secret, the Basic credential) in every form a server
    could echo them in; shared by threads, so the token renewal and the HTTP client register from either."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._forms: set[str] = set()

    def add(self, secret: str | None) -> None:
        if not secret or len(secret) < 6:  # a short value would redact ordinary words
            return
        encoded = base64.b64encode(secret.encode()).decode()
        forms = {secret, quote(secret, safe=""), quote_plus(secret), encoded, encoded.rstrip("=")}
        with self._lock:
            self._forms |= forms

    def redact(self, text: str) -> str:
        with self._lock:
            forms = sorted(self._forms, key=len, reverse=True)  # a longer form first: it may contain a shorter one
        for form in forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text


_secrets = _Secrets()


def register_secret(*secrets: str | None) -> None:
    """Remember a secret this process holds, so no outside text repeats it in a message, a log or the store."""
    for secret in secrets:
        _secrets.add(secret)


def register_basic_credential(user: str, password: str) -> None:
    """HTTP Basic auth sends base64("user:password"): an echoing server repeats that, not the parts."""
    register_secret(password, base64.b64encode(f"{user}:{password}".encode()).decode())


def outside_text(value: object, limit: int = OUTSIDE_TEXT_LIMIT) -> str:
    """Words from a server or a file as they may become a message: no live secret, at most `limit` characters."""
    text = _secrets.redact(str(value))
    return text if len(text) <= limit else text[:limit] + "…"


class OutsideTextLogFilter(logging.Filter):
    """Any library's log record may carry a server's words (an echoed token, a terminal escape): its final message,
    args included, and its traceback lose every live secret and every control before a handler writes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):  # arguments that do not fit: still said, never raised here
            message = f"{record.msg} {record.args}"
        record.msg, record.args = printable(_secrets.redact(message)), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = terminal_safe(_secrets.redact(record.exc_text))
        if record.stack_info:
            record.stack_info = terminal_safe(_secrets.redact(record.stack_info))
        return True


class _StderrAtEmit(logging.StreamHandler):
    """Writes to sys.stderr as it is when a record comes, as Python's last-resort handler does: the app replaces
    sys.stderr while it runs, and a stream bound at start would write across its screen."""

    def __init__(self) -> None:
        logging.Handler.__init__(self, logging.WARNING)  # what reached stderr before a handler was installed
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self):  # StreamHandler's attribute, read at each record
        return sys.stderr


def guard_logging() -> None:
    """Every door calls this first: the root logger gets a stderr handler if it has none, and each of its handlers
    the OutsideTextLogFilter, so no log line of any module repeats a live secret or a terminal control."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(_StderrAtEmit())
    for handler in root.handlers:
        if not any(isinstance(existing, OutsideTextLogFilter) for existing in handler.filters):
            handler.addFilter(OutsideTextLogFilter())
