"""Fortnox's refusals as errors the user can act on, keeping Fortnox's own (Swedish) text and code verbatim.

Fortnox answers errors in several shapes: ErrorInformation with capitalised or lower-case keys and the code as a
number or a string, a bare {"message": "unauthorized"} on 401, OAuth-style {"error", "error_description"}, and HTML
pages from gateways. All of them are read here, whatever Content-Type they were served with.
"""

from __future__ import annotations

import json

from core.errors import BokslutError
from core.text import outside_text

SCOPE_NOT_GRANTED = 2000663
NO_LICENCE_CODES = frozenset({2001101, 2001103})


class FortnoxError(BokslutError):
    """str() is the whole message for the user; the attributes let code decide by status and Fortnox's code."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        fortnox_message: str | None = None,
        key: str | None = None,
        params: dict | None = None,
    ) -> None:
        super().__init__(message, key=key, params=params)
        self.status = status
        self.code = code
        self.fortnox_message = fortnox_message


class FortnoxUnauthorized(FortnoxError):
    """Fortnox rejected the access token even after one refresh."""


class FortnoxForbidden(FortnoxError):
    """A scope or licence is missing; retrying cannot help."""


class FortnoxNotFound(FortnoxError):
    pass


class FortnoxRejected(FortnoxError):
    """Fortnox refused the request itself, e.g. validation or a locked period."""


class FortnoxUnavailable(FortnoxError):
    """Fortnox could not be reached or kept failing after all retries."""


class FortnoxOutcomeUnknown(FortnoxError):
    """A write whose answer never came: Fortnox may or may not have committed it, so it must not be resent blindly."""


def parse_error_body(body: bytes) -> tuple[int | None, str | None]:
    """Fortnox's code and message from an error body of any known shape; (None, None) when it is not JSON."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    fields = {str(key).lower(): value for key, value in data.items()}
    info = fields.get("errorinformation")
    if isinstance(info, dict):
        info = {str(key).lower(): value for key, value in info.items()}
        return _as_code(info.get("code")), _as_text(info.get("message"))
    if "error_description" in fields or "error" in fields:
        return None, _as_text(fields.get("error_description") or fields.get("error"))
    return None, _as_text(fields.get("message"))


def _as_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _as_text(value: object) -> str | None:
    """Fortnox's words go into messages, logs and the activity log: never with a live secret, never unbounded."""
    return None if value is None else outside_text(value)


def fortnox_says(status: int, code: int | None, message: str | None) -> str:
    """Fortnox's answer for the middle of a sentence, e.g. ' (code 2000401): <message>'."""
    text = None if message is None else message.strip().rstrip(".")
    if text is None:
        return f" (HTTP {status}; the answer was not an API response)" if code is None else f" (code {code})"
    return f" (code {code}): {text}" if code is not None else f" (HTTP {status}): {text}"


def error_for_refusal(method: str, path: str, status: int, body: bytes) -> FortnoxError:
    """The error for a 4xx answer that retrying cannot fix (401 here means: still refused after the refresh)."""
    code, message = parse_error_body(body)
    says = fortnox_says(status, code, message)
    details = {"status": status, "code": code, "fortnox_message": message}
    words = {"key": f"fortnox_{status}", "params": {"says": says, "method": method, "path": path}}
    if status == 401:
        return FortnoxUnauthorized(
            f"Fortnox did not accept the access token even after refreshing it{says}. Reconnect bokslut to Fortnox.",
            **details, **words,
        )
    if status == 403:
        reason = "scope" if code == SCOPE_NOT_GRANTED else "licence" if code in NO_LICENCE_CODES else "other"
        words["key"] = f"fortnox_403_{reason}"
        advice = _FORBIDDEN_ADVICE[reason]
        return FortnoxForbidden(f"Fortnox refused access to {path}{says}. {advice}", **details, **words)
    if status == 404:
        return FortnoxNotFound(f"Fortnox found nothing at {method} {path}{says}.", **details, **words)
    words["key"] = "fortnox_refused"
    return FortnoxRejected(f"Fortnox refused {method} {path}{says}.", **details, **words)


_FORBIDDEN_ADVICE = {
    "scope": "The connection was not granted the permission (scope) this needs; reconnect to Fortnox and approve it.",
    "licence": "The company has no Fortnox licence for this part of Fortnox; its administrator must add it.",
    "other": "The connection lacks a permission (scope) or the company lacks a Fortnox licence for it; "
    "reconnect, or ask its administrator.",
}
