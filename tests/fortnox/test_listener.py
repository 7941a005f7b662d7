"""The redirect listener over real loopback sockets, racing a pasted address."""

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from core.fortnox.listener import wait_for_code
from core.fortnox.oauth import AuthorizationRequest, OAuthError

STATE = "state-1234"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_for(port: int, host: str = "localhost") -> AuthorizationRequest:
    return AuthorizationRequest("https://fortnox.test/auth", STATE, f"http://{host}:{port}/callback")


class Paste:
    """What the user types, one line at a time; close() is end of input."""

    def __init__(self):
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    def type(self, line: str) -> None:
        self._lines.put_nowait(line)

    def close(self) -> None:
        self._lines.put_nowait(None)

    async def __aiter__(self) -> AsyncIterator[str]:
        while (line := await self._lines.get()) is not None:
            yield line


class Waiting:
    """wait_for_code running in a task; `announced` is set once it says whether it listens."""

    def __init__(self, request: AuthorizationRequest, pasted=None):
        self.announced = asyncio.Event()
        self.messages: list[str] = []
        self.task = asyncio.create_task(wait_for_code(request, pasted, on_listening=self._heard))

    def _heard(self, message: str) -> None:
        self.messages.append(message)
        self.announced.set()

    async def started(self) -> str:
        await self.announced.wait()
        return self.messages[0]


def assert_no_tasks_left() -> None:
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_the_browser_redirect_delivers_the_code():
    port = free_port()
    waiting = Waiting(request_for(port))
    assert f"Listening on http://127.0.0.1:{port}/callback for Fortnox's answer" in await waiting.started()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(f"http://127.0.0.1:{port}/callback", params={"code": "the-code", "state": STATE})
    assert page.status_code == 200
    assert "You can close this window" in page.text and "the-code" not in page.text
    assert await waiting.task == "the-code"
    assert_no_tasks_left()
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again


async def test_other_paths_are_not_the_callback():
    port = free_port()
    waiting = Waiting(request_for(port))
    await waiting.started()
    async with httpx.AsyncClient() as browser:
        assert (await browser.get(f"http://127.0.0.1:{port}/favicon.ico")).status_code == 404
        assert (await browser.post(f"http://127.0.0.1:{port}/callback?code=x&state={STATE}")).status_code == 404
        assert not waiting.task.done()
        await browser.get(f"http://127.0.0.1:{port}/callback", params={"code": "the-code", "state": STATE})
    assert await waiting.task == "the-code"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"error": "access_denied", "state": STATE}, "consent was not given in Fortnox"),
        ({"state": STATE}, "without an authorization code"),
    ],
)
async def test_an_error_redirect_ends_the_wait_with_the_reason(query: dict, message: str):
    port = free_port()
    waiting = Waiting(request_for(port))
    await waiting.started()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(f"http://127.0.0.1:{port}/callback", params=query)
    assert page.status_code == 400 and message in page.text
    with pytest.raises(OAuthError, match=message):
        await waiting.task
    assert_no_tasks_left()


@pytest.mark.parametrize("query", [{"code": "x", "state": "forged"}, {"code": "x"}, {}])
async def test_a_foreign_or_missing_state_is_turned_away_and_the_wait_goes_on(query: dict):
    """Any local program can call the listener: without this attempt's state it must not end the user's sign-in."""
    port = free_port()
    waiting = Waiting(request_for(port))
    await waiting.started()
    async with httpx.AsyncClient() as browser:
        page = await browser.get(f"http://127.0.0.1:{port}/callback", params=query)
        assert page.status_code == 400 and "different sign-in attempt" in page.text
        assert not waiting.task.done()
        await browser.get(f"http://127.0.0.1:{port}/callback", params={"code": "the-code", "state": STATE})
    assert await waiting.task == "the-code"
    assert_no_tasks_left()


async def test_fortnox_text_is_shown_as_text_not_markup():
    port = free_port()
    waiting = Waiting(request_for(port))
    await waiting.started()
    query = {"error": "server_error", "error_description": "<script>alert(1)</script>", "state": STATE}
    async with httpx.AsyncClient() as browser:
        page = await browser.get(f"http://127.0.0.1:{port}/callback", params=query)
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text
    with pytest.raises(OAuthError):
        await waiting.task


async def test_a_paste_wins_the_race_and_the_listener_closes():
    port = free_port()
    paste = Paste()
    waiting = Waiting(request_for(port), paste)
    await waiting.started()
    paste.type(f"http://localhost:{port}/callback?code=pasted-code&state={STATE}")
    assert await waiting.task == "pasted-code"
    assert_no_tasks_left()
    async with httpx.AsyncClient() as browser:
        with pytest.raises(httpx.ConnectError):
            await browser.get(f"http://127.0.0.1:{port}/callback")


async def test_a_bad_paste_raises_at_once():
    paste = Paste()
    waiting = Waiting(request_for(free_port()), paste)
    await waiting.started()
    paste.type("")  # blank lines are skipped
    paste.type("code=x&state=not-ours")
    with pytest.raises(OAuthError, match="different sign-in attempt"):
        await waiting.task
    assert_no_tasks_left()


async def test_when_pasting_ends_the_listener_still_delivers():
    port = free_port()
    paste = Paste()
    waiting = Waiting(request_for(port), paste)
    await waiting.started()
    paste.close()
    async with httpx.AsyncClient() as browser:
        await browser.get(f"http://127.0.0.1:{port}/callback", params={"code": "late", "state": STATE})
    assert await waiting.task == "late"


async def test_a_taken_port_is_reported_and_pasting_still_works():
    with socket.create_server(("127.0.0.1", 0)) as occupant:
        port = occupant.getsockname()[1]
        paste = Paste()
        waiting = Waiting(request_for(port), paste)
        message = await waiting.started()
        assert f"Not listening for Fortnox's answer: port {port} on 127.0.0.1: it is in use by another" in message
        assert "paste it here" in message
        paste.type("the-bare-code")
        assert await waiting.task == "the-bare-code"


async def test_a_taken_port_and_nothing_to_paste_is_an_error():
    with socket.create_server(("127.0.0.1", 0)) as occupant:
        port = occupant.getsockname()[1]
        with pytest.raises(OAuthError, match="in use by another program.*Nothing was pasted") as refused:
            await wait_for_code(request_for(port), None)
    assert refused.value.key == "fortnox_not_listening"
    assert refused.value.params["why"] == "port-in-use" and refused.value.params["port"] == port


async def test_a_redirect_elsewhere_than_this_computer_means_paste_only():
    paste = Paste()
    waiting = Waiting(AuthorizationRequest("https://fortnox.test/auth", STATE, "https://example.com/callback"), paste)
    assert "https://example.com/callback is not http://localhost" in await waiting.started()
    paste.type("https://example.com/callback?code=c&state=" + STATE)
    assert await waiting.task == "c"


async def test_a_silent_connection_does_not_hold_up_shutdown():
    port = free_port()
    paste = Paste()
    waiting = Waiting(request_for(port), paste)
    await waiting.started()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)  # connects, never sends a request
    paste.type("the-code")
    assert await waiting.task == "the-code"
    assert await reader.read() == b""  # the listener hung up on it
    writer.close()
    assert_no_tasks_left()
