"""Catches Fortnox's redirect on 127.0.0.1 so the user need not copy the code by hand.

It binds 127.0.0.1 at the redirect URI's port and path, so on a remote machine `ssh -L 8765:127.0.0.1:8765`
carries the browser's redirect through. Pasting the address always works too, whichever comes first.
"""

from __future__ import annotations

import asyncio
import errno
import html
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.fortnox.oauth import FOREIGN_STATE, AuthorizationRequest, OAuthError, code_from_callback, code_from_query

LISTEN_HOST = "127.0.0.1"
_LOOPBACK_NAMES = ("localhost", "127.0.0.1")
_MAX_REQUEST_HEAD = 16 * 1024
_REQUEST_SECONDS = 10.0


@dataclass(frozen=True)
class ListenerState:
    listening: bool
    url: str  # where it listens, or would have
    reason: str = ""  # why it does not listen
    why: str = ""  # the reason's key: not-started, not-loopback, port-in-use; "" when only `reason` says it
    port: int | None = None

    def describe(self) -> str:
        if self.listening:
            return f"Listening on {self.url} for Fortnox's answer (or paste the address the browser ends up on)."
        return (
            f"Not listening for Fortnox's answer: {self.reason}. After approving in Fortnox, copy the address "
            "the browser ends up on (even if the page does not load) and paste it here."
        )


class Announcement(str):
    """What `on_listening` is told: the English sentence (the CLI prints it) carrying the state itself, so the app
    can say it in its own language."""

    state: ListenerState

    def __new__(cls, state: ListenerState) -> Announcement:
        announcement = super().__new__(cls, state.describe())
        announcement.state = state
        return announcement


class RedirectListener:
    """Async context manager: a tiny HTTP server whose one job is to receive the redirect once."""

    def __init__(self, request: AuthorizationRequest):
        self._request = request
        parts = urlsplit(request.redirect_uri)
        self._path = parts.path or "/"
        self._port = parts.port or 80
        url = f"http://{LISTEN_HOST}:{self._port}{self._path}"
        self._on_this_computer = parts.scheme == "http" and parts.hostname in _LOOPBACK_NAMES
        self.state = ListenerState(False, url, "it has not started", "not-started", self._port)
        if not self._on_this_computer:
            why = f"the redirect address {request.redirect_uri} is not http://localhost"
            self.state = ListenerState(False, url, why, "not-loopback", self._port)
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task] = set()
        self._result: asyncio.Future[str] | None = None

    async def __aenter__(self) -> RedirectListener:
        self._result = asyncio.get_running_loop().create_future()
        if not self._on_this_computer:
            return self
        try:
            self._server = await asyncio.start_server(self._handle, LISTEN_HOST, self._port, limit=_MAX_REQUEST_HEAD)
        except OSError as error:
            in_use = error.errno == errno.EADDRINUSE
            why = "it is in use by another program" if in_use else error.strerror or str(error)
            key = "port-in-use" if in_use else ""
            reason = f"port {self._port} on {LISTEN_HOST}: {why}"
            self.state = ListenerState(False, self.state.url, reason, key, self._port)
        else:
            self.state = ListenerState(True, self.state.url, port=self._port)
        return self

    async def __aexit__(self, *exc_info) -> None:
        if self._server is not None:
            self._server.close()
        for handler in list(self._handlers):
            handler.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        if self._result is not None and self._result.done() and not self._result.cancelled():
            self._result.exception()  # the failure was reported through callback(); don't warn about it again

    async def callback(self) -> str:
        """The code from the redirect; OAuthError if Fortnox redirected with an error or without a code."""
        assert self._result is not None, "use RedirectListener as 'async with'"
        return await asyncio.shield(self._result)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers.add(asyncio.current_task())
        try:
            status, message = await self._answer(reader)
            await _respond(writer, status, message)
        except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
            pass  # a browser that hangs up early has nothing more to tell us
        finally:
            writer.close()
            self._handlers.discard(asyncio.current_task())

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, str]:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _REQUEST_SECONDS)
        request_line = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
        url = urlsplit(request_line[1] if len(request_line) == 3 else "")
        if request_line[0] != "GET" or url.path != self._path:
            return 404, "Not found. This address only receives the answer from Fortnox."
        if self._result.done():
            return 200, "This sign-in was already handled. You can close this window."
        try:
            code = code_from_query(url.query, self._request.state, require_state=True)
        except OAuthError as error:
            if error.key != FOREIGN_STATE:  # Fortnox's answer to this attempt: it ends the wait
                self._result.set_exception(error)
            # else any local program may call here: it must not end the user's sign-in, so the wait goes on
            return 400, str(error)
        self._result.set_result(code)
        return 200, "bokslut has received the answer from Fortnox. You can close this window and return to bokslut."


async def wait_for_code(
    request: AuthorizationRequest,
    pasted: AsyncIterator[str] | None,
    *,
    on_listening: Callable[[Announcement], None] | None = None,
) -> str:
    """Whichever comes first: the browser's redirect or a pasted line. A bad one raises OAuthError; retrying is
    the caller's choice (a new authorization request, so an old address cannot be replayed)."""
    async with RedirectListener(request) as listener:
        if on_listening is not None:
            on_listening(Announcement(listener.state))
        waiting: set[asyncio.Future] = set()
        if listener.state.listening:
            waiting.add(asyncio.ensure_future(listener.callback()))
        if pasted is not None:
            waiting.add(asyncio.ensure_future(_first_pasted_code(pasted, request.state)))
        try:
            while waiting:
                done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for finished in done:
                    code = finished.result()
                    if code is not None:
                        return code
            state = listener.state
            raise OAuthError(
                f"{state.describe()} Nothing was pasted, so connecting stopped.",
                key="fortnox_not_listening",
                params={"why": state.why, "reason": state.reason, "url": state.url, "port": state.port},
            )
        finally:
            for future in waiting:
                future.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)


async def _first_pasted_code(pasted: AsyncIterator[str], state: str) -> str | None:
    """None when the input ends without a line: the listener may still deliver."""
    async for line in pasted:
        if line.strip():
            return code_from_callback(line, state)
    return None


async def _respond(writer: asyncio.StreamWriter, status: int, message: str) -> None:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}[status]
    title = "Fortnox answered" if status == 200 else "Not connected to Fortnox"
    body = (
        f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
        "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    writer.write(head + body)
    await writer.drain()

