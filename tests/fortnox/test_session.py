"""The Authorizer keeps a single-use refresh-token chain intact: across tasks, sessions and OS processes."""

import asyncio
import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from filelock import FileLock

from core.errors import BokslutError
from core.fortnox.oauth import ConnectionExpired, OAuthError
from core.fortnox.session import Authorizer, complete_connection, connection_state, disconnect
from core.fortnox.settings import FortnoxSettings
from core.fortnox.tokens import FileTokenStore, StoredToken

KEY = "fortnox:5566778899"
CLIENT_SECRET = "client-secret-DO-NOT-SHOW"
FORTNOX = FortnoxSettings("bokslut-test", CLIENT_SECRET, auth_url="http://fortnox.test/oauth-v1")
START = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self):
        self.time = START

    def __call__(self) -> datetime:
        return self.time

    def advance(self, **delta) -> None:
        self.time += timedelta(**delta)


class StrictFortnox:
    """Fortnox's token endpoint as far as rotation goes: each refresh token works once, then is dead."""

    def __init__(self):
        self._lock = threading.Lock()
        self.issued = 0
        self.current: str | None = None
        self.rejected: list[str] = []
        self.revoked: list[str] = []

    def grant(self) -> str:
        """A consent: the first refresh token of a chain."""
        with self._lock:
            return self._issue()["refresh_token"]

    def _issue(self) -> dict:
        self.issued += 1
        self.current = f"refresh-DO-NOT-SHOW-{self.issued}"
        return {
            "access_token": f"access-DO-NOT-SHOW-{self.issued}",
            "refresh_token": self.current,
            "expires_in": 3600,
            "token_type": "bearer",
            "scope": "companyinformation bookkeeping costcenter project settings",
        }

    def answer(self, path: str, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            if path.endswith("/revoke"):
                if form["token"] != self.current:
                    return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
                self.revoked.append(self.current)
                self.current = None
                return 200, {"revoked": True}
            if form["grant_type"] == "authorization_code":
                return 200, self._issue()
            if form["refresh_token"] != self.current:
                self.rejected.append(form["refresh_token"])
                self.current = None  # Fortnox may kill the whole chain when a token is reused
                return 400, {"error": "invalid_grant", "error_description": "Invalid refresh token"}
            return 200, self._issue()

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            form = {name: values[0] for name, values in parse_qs(request.content.decode()).items()}
            status, body = self.answer(request.url.path, form)
            return httpx.Response(status, content=json.dumps(body).encode(), headers={"Content-Type": "text/html"})

        return httpx.MockTransport(handle)


@pytest.fixture
def fortnox_server() -> StrictFortnox:
    return StrictFortnox()


@pytest.fixture
async def http(fortnox_server):
    async with httpx.AsyncClient(transport=fortnox_server.transport()) as client:
        yield client


@pytest.fixture
def store(tmp_path: Path) -> FileTokenStore:
    return FileTokenStore(tmp_path / "fortnox-tokens.json")


@pytest.fixture
def connected(store, fortnox_server) -> StoredToken:
    token = StoredToken(fortnox_server.grant(), START - timedelta(days=10), "bookkeeping")
    store.save(KEY, token)
    return token


def authorizer(store, http, tmp_path: Path, clock=None, **options) -> Authorizer:
    return Authorizer(FORTNOX, store, KEY, tmp_path / "fortnox.lock", http, clock=clock or Clock(), **options)


class SavingFails:
    def __init__(self, inner):
        self.inner, self.kind = inner, inner.kind

    def load(self, key):
        return self.inner.load(key)

    def save(self, key, token):
        raise OSError(28, "No space left on device")

    def delete(self, key):
        self.inner.delete(key)


async def test_the_first_use_renews_and_saves_the_new_token(store, http, connected, fortnox_server, tmp_path):
    clock = Clock()
    access = await authorizer(store, http, tmp_path, clock).access_token()
    assert access == "access-DO-NOT-SHOW-2"
    saved = store.load(KEY)
    assert saved.refresh_token == fortnox_server.current == "refresh-DO-NOT-SHOW-2"
    assert saved.obtained == clock.time  # renewed: the 30 days start again
    assert saved.scope == "companyinformation bookkeeping costcenter project settings"


async def test_an_unsaved_renewal_is_never_used(store, http, connected, tmp_path):
    with pytest.raises(BokslutError, match="could not save it.*connect again") as caught:
        await authorizer(SavingFails(store), http, tmp_path).access_token()
    assert "DO-NOT-SHOW" not in str(caught.value)


async def test_access_lasts_until_a_minute_before_expiry(store, http, connected, fortnox_server, tmp_path):
    clock = Clock()
    session = authorizer(store, http, tmp_path, clock)
    first = await session.access_token()
    clock.advance(seconds=3600 - 61)
    assert await session.access_token() == first
    assert fortnox_server.issued == 2
    clock.advance(seconds=2)
    assert await session.access_token() != first
    assert fortnox_server.issued == 3


async def test_after_a_401_callers_share_one_forced_refresh(store, http, connected, fortnox_server, tmp_path):
    session = authorizer(store, http, tmp_path)
    stale = await session.access_token()
    fresh = await asyncio.gather(*(session.refreshed_access_token() for _ in range(3)))
    assert set(fresh) == {"access-DO-NOT-SHOW-3"} != {stale}
    assert fortnox_server.issued == 3 and fortnox_server.rejected == []


async def test_each_session_renews_from_what_the_last_one_saved(store, http, connected, fortnox_server, tmp_path):
    for _ in range(3):
        await authorizer(store, http, tmp_path).access_token()
    assert fortnox_server.rejected == []
    assert store.load(KEY).refresh_token == fortnox_server.current == "refresh-DO-NOT-SHOW-4"


async def test_not_connected_means_connect_first(store, http, fortnox_server, tmp_path):
    with pytest.raises(ConnectionExpired, match="not connected to Fortnox.*Connect to Fortnox first"):
        await authorizer(store, http, tmp_path).access_token()
    assert fortnox_server.issued == 0


async def test_a_rejected_token_is_kept_as_expired(store, http, connected, fortnox_server, tmp_path):
    fortnox_server.current = "revoked-in-fortnox"
    with pytest.raises(ConnectionExpired, match="expired or was revoked"):
        await authorizer(store, http, tmp_path).access_token()
    assert store.load(KEY).rejected
    assert connection_state(store, KEY, FORTNOX, START).status == "expired"
    with pytest.raises(ConnectionExpired):
        await authorizer(store, http, tmp_path).access_token()
    assert fortnox_server.rejected == [connected.refresh_token]  # not sent again


async def test_past_the_connection_days_it_is_expired_here_too(store, http, connected, fortnox_server, tmp_path):
    """Fortnox would take the token up to 45 days; the product promises 30, and the status says expired."""
    clock = Clock()
    clock.advance(days=20)  # connected 10 days before START: 30 days now
    assert connection_state(store, KEY, FORTNOX, clock()).status == "expired"
    with pytest.raises(ConnectionExpired, match="expired on 2026-12-14: it lasts 30 days.*Connect again"):
        await authorizer(store, http, tmp_path, clock).access_token()
    assert fortnox_server.rejected == [] and store.load(KEY) == connected  # nothing sent, nothing changed


async def test_a_held_lock_times_out_with_a_clear_message(store, http, connected, tmp_path):
    with FileLock(tmp_path / "fortnox.lock"):
        with pytest.raises(BokslutError, match="Another bokslut has been renewing the Fortnox connection"):
            await authorizer(store, http, tmp_path, lock_timeout=0.05).access_token()


async def test_cancelling_while_waiting_for_the_lock_leaves_it_free(store, http, connected, tmp_path):
    held = FileLock(tmp_path / "fortnox.lock")
    held.acquire()
    waiting = asyncio.create_task(authorizer(store, http, tmp_path).access_token())
    await asyncio.sleep(0)  # one step: it has tried the lock and is waiting for it
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    held.release()
    assert await authorizer(store, http, tmp_path, lock_timeout=2).access_token()


async def test_cancelling_mid_refresh_still_saves_what_fortnox_issued(store, connected, fortnox_server, tmp_path):
    arrived, answer = asyncio.Event(), asyncio.Event()
    plain = fortnox_server.transport()

    async def slow(request: httpx.Request) -> httpx.Response:
        arrived.set()
        await answer.wait()
        return await plain.handle_async_request(request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(slow)) as http:
        renewing = asyncio.create_task(authorizer(store, http, tmp_path).access_token())
        await arrived.wait()
        renewing.cancel()
        answer.set()
        with pytest.raises(asyncio.CancelledError):
            await renewing
    assert store.load(KEY).refresh_token == fortnox_server.current == "refresh-DO-NOT-SHOW-2"


async def test_complete_connection_saves_the_refresh_token(store, http, fortnox_server):
    tokens = await complete_connection(http, FORTNOX, store, KEY, "code", FORTNOX.redirect_uri, clock=Clock())
    assert tokens.missing_scopes == ()
    assert store.load(KEY) == StoredToken(fortnox_server.current, START, tokens.scope)


def test_connection_state_counts_days_from_the_last_renewal(store):
    assert connection_state(store, KEY, FORTNOX, START).status == "disconnected"
    assert connection_state(store, KEY, FORTNOX, START).store_kind == store.kind
    store.save(KEY, StoredToken("r", START, "bookkeeping"))
    for elapsed, status, days_left in [
        (timedelta(0), "connected", 30),
        (timedelta(days=1, hours=23), "connected", 29),
        (timedelta(days=29, hours=23), "connected", 1),
        (timedelta(days=30), "expired", 0),
        (timedelta(days=44), "expired", 0),
    ]:
        state = connection_state(store, KEY, FORTNOX, START + elapsed)
        assert (state.status, state.days_left, state.obtained) == (status, days_left, START)


async def test_disconnect_revokes_and_forgets(store, http, connected, fortnox_server):
    assert await disconnect(http, FORTNOX, store, KEY) is True
    assert fortnox_server.revoked == [connected.refresh_token]
    assert store.load(KEY) is None
    assert await disconnect(http, FORTNOX, store, KEY) is False


async def test_disconnect_forgets_a_token_fortnox_no_longer_knows(store, http, connected, fortnox_server):
    fortnox_server.current = None
    assert await disconnect(http, FORTNOX, store, KEY) is False
    assert store.load(KEY) is None


async def test_disconnect_offline_keeps_the_token_to_retry(store, connected):
    def offline(request):
        raise httpx.ConnectError("no route")

    async with httpx.AsyncClient(transport=httpx.MockTransport(offline)) as http:
        with pytest.raises(OAuthError, match="Could not reach"):
            await disconnect(http, FORTNOX, store, KEY)
    assert store.load(KEY) == connected


async def test_no_secret_in_repr_or_errors(store, http, connected, tmp_path):
    session = authorizer(store, http, tmp_path)
    await session.access_token()
    assert "DO-NOT-SHOW" not in repr(session) and "DO-NOT-SHOW" not in repr(store.load(KEY))
    assert CLIENT_SECRET not in repr(FORTNOX)


# Two OS processes renewing at once --------------------------------------------------------------------------------

RENEWING_PROCESS = """
import asyncio, os, sys
from pathlib import Path
import httpx
from core.fortnox.session import Authorizer
from core.fortnox.settings import FortnoxSettings
from core.fortnox.tokens import FileTokenStore

async def main(auth_url, data_dir, sessions):
    client = os.environ["BOKSLUT_FORTNOX_CLIENT_ID"], os.environ["BOKSLUT_FORTNOX_CLIENT_SECRET"]
    fortnox = FortnoxSettings(*client, auth_url=auth_url)
    store = FileTokenStore(Path(data_dir) / "fortnox-tokens.json")
    print("ready", flush=True)
    sys.stdin.readline()
    async with httpx.AsyncClient() as http:
        for _ in range(sessions):
            await Authorizer(fortnox, store, "fortnox:5566778899", Path(data_dir) / "fortnox.lock", http).access_token()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


@pytest.fixture
def loopback_fortnox(fortnox_server):
    """The strict token endpoint on a real loopback port, so separate processes share one chain."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            form = {name: values[0] for name, values in parse_qs(self.rfile.read(length).decode()).items()}
            status, body = fortnox_server.answer(self.path, form)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/oauth-v1"
    server.shutdown()
    server.server_close()
    thread.join()


def renew_in_two_processes(fortnox: FortnoxSettings, data_dir: Path, sessions: int) -> None:
    """Both processes start renewing at the same moment, each with a new session (a renewal) per round."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "BOKSLUT_FORTNOX_CLIENT_ID": fortnox.client_id,
        "BOKSLUT_FORTNOX_CLIENT_SECRET": fortnox.client_secret,
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RENEWING_PROCESS, fortnox.auth_url, str(data_dir), str(sessions)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout.readline() == "ready\n", process.stderr.read()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        outcomes = [process.communicate(timeout=60) for process in processes]
    finally:
        for process in processes:
            process.kill()
    assert [process.returncode for process in processes] == [0, 0], outcomes


def test_two_processes_renewing_at_once_never_break_the_chain(tmp_path, fortnox_server, loopback_fortnox):
    store = FileTokenStore(tmp_path / "fortnox-tokens.json")
    store.save(KEY, StoredToken(fortnox_server.grant(), START, "bookkeeping"))
    renew_in_two_processes(replace(FORTNOX, auth_url=loopback_fortnox), tmp_path, sessions=20)
    assert fortnox_server.rejected == []
    assert fortnox_server.issued == 1 + 2 * 20
    assert store.load(KEY).refresh_token == fortnox_server.current


# Against the sandbox: the real flow end to end over loopback HTTP -----------------------------------------------


def sandbox_settings(running) -> FortnoxSettings:
    return FortnoxSettings(
        running.client_id, running.client_secret, running.redirect_uri, running.auth_url, running.api_url,
        token_store="file",
    )


async def test_connect_renew_and_disconnect_against_the_sandbox(sandbox, tmp_path):
    from core.fortnox.listener import wait_for_code
    from core.fortnox.oauth import authorization_request, refresh
    from fortnox_sandbox.browser import give_consent

    fortnox = sandbox_settings(sandbox)
    store = FileTokenStore(tmp_path / "fortnox-tokens.json")
    request = authorization_request(fortnox)
    listening = asyncio.Event()
    waiting = asyncio.create_task(wait_for_code(request, None, on_listening=lambda _: listening.set()))
    await listening.wait()
    redirect = await give_consent(request.url, sandbox.sandbox.tenants[0].org_number)
    async with httpx.AsyncClient() as http:
        assert (await http.get(redirect)).status_code == 200  # the browser reaches the listener
        code = await waiting
        tokens = await complete_connection(http, fortnox, store, KEY, code, request.redirect_uri)
        assert tokens.missing_scopes == ()
        first_refresh_token = store.load(KEY).refresh_token
        session = Authorizer(fortnox, store, KEY, tmp_path / "fortnox.lock", http)
        bearer = {"Authorization": f"Bearer {await session.access_token()}"}
        answer = await http.get(f"{fortnox.api_url}/companyinformation", headers=bearer)
        assert answer.status_code == 200, answer.text
        assert store.load(KEY).refresh_token != first_refresh_token  # renewed on first use
        with pytest.raises(ConnectionExpired):
            await refresh(http, fortnox, first_refresh_token)  # single use, as at Fortnox
        assert connection_state(store, KEY, fortnox, datetime.now(UTC)).status == "connected"
        last_refresh_token = store.load(KEY).refresh_token
        assert await disconnect(http, fortnox, store, KEY) is True
        assert connection_state(store, KEY, fortnox, datetime.now(UTC)).status == "disconnected"
        with pytest.raises(ConnectionExpired):
            await refresh(http, fortnox, last_refresh_token)


def test_two_processes_against_the_sandbox_never_break_the_chain(sandbox, tmp_path):
    from core.fortnox.oauth import authorization_request, code_from_callback
    from fortnox_sandbox.browser import give_consent_blocking

    fortnox = sandbox_settings(sandbox)
    store = FileTokenStore(tmp_path / "fortnox-tokens.json")
    request = authorization_request(fortnox)
    code = code_from_callback(give_consent_blocking(request.url), request.state)  # the pasted address

    async def connect_then_renew_once() -> None:
        async with httpx.AsyncClient() as http:
            await complete_connection(http, fortnox, store, KEY, code, request.redirect_uri)
            renew_in_two_processes(fortnox, tmp_path, sessions=10)
            await Authorizer(fortnox, store, KEY, tmp_path / "fortnox.lock", http).access_token()

    asyncio.run(connect_then_renew_once())
