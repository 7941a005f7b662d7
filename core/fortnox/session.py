"""Keeping a company's Fortnox connection alive: the refresh-token chain, its status, connecting and disconnecting.

Fortnox refresh tokens work once. Every refresh therefore happens under a cross-process file lock, re-reads the
stored token (another bokslut may have rotated it) and saves the new one before the new access token is used;
a crash after Fortnox answered but before the save is the only way to lose the chain.

Renewing at the first use in every session is what keeps the connection "valid 30 days, renewed on every import
and export": each renewal restarts the count. Past those days the connection is expired here too, even though
Fortnox would still take the token for up to 45: what the status shows and what works must agree.

When Fortnox rejects the stored token (invalid_grant) it is kept, marked rejected, so the status can say
"expired" rather than "disconnected" until the user connects again or disconnects.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Literal

import httpx
from filelock import FileLock, Timeout

from core.errors import BokslutError
from core.fortnox.oauth import (
    ConnectionExpired,
    TokenSet,
    client_credentials,
    connection_expired,
    exchange_code,
    refresh,
    revoke,
    utc_now,
)
from core.fortnox.settings import FortnoxSettings
from core.fortnox.tokens import StoredToken, StoreKind, TokenStore

RENEW_BEFORE_EXPIRY = timedelta(seconds=60)
LOCK_SECONDS = 60.0
LOCK_POLL_SECONDS = 0.05


def _not_connected() -> ConnectionExpired:
    return ConnectionExpired(
        "bokslut is not connected to Fortnox for this company. Connect to Fortnox first.", key="fortnox_not_connected"
    )


class Authorizer:
    """The TokenSource for FortnoxClient: one per company and session."""

    def __init__(
        self,
        fortnox: FortnoxSettings,
        store: TokenStore,
        key: str,
        lock_path: Path,
        http: httpx.AsyncClient,
        clock: Callable[[], datetime] = utc_now,
        lock_timeout: float = LOCK_SECONDS,
    ):
        self._fortnox = fortnox
        self._store = store
        self._key = key
        self._file_lock = FileLock(lock_path, thread_local=False)
        self._lock_path = lock_path
        self._lock_timeout = lock_timeout
        self._http = http
        self._clock = clock
        self._in_process = asyncio.Lock()
        self._tokens: TokenSet | None = None
        self._renewals = 0

    def __repr__(self) -> str:
        return f"Authorizer(key={self._key!r}, store={self._store.kind!r})"

    async def access_token(self) -> str:
        if self._tokens is not None and self._clock() < self._tokens.expires_at - RENEW_BEFORE_EXPIRY:
            return self._tokens.access_token
        return await self._renew(seen=self._renewals)

    async def refreshed_access_token(self) -> str:
        """After a 401; concurrent callers that saw the same stale token share one refresh."""
        return await self._renew(seen=self._renewals)

    async def _renew(self, seen: int) -> str:
        async with self._in_process:
            if self._renewals != seen and self._tokens is not None:
                return self._tokens.access_token  # another task renewed while this one waited
            await self._take_file_lock()
            rotation = asyncio.ensure_future(self._rotate_then_unlock())
            try:
                await asyncio.shield(rotation)
            except asyncio.CancelledError:
                await asyncio.wait([rotation])  # Fortnox may have used up the old token: the new one must be saved
                raise
            finally:
                if rotation.done() and not rotation.cancelled() and rotation.exception() is None:
                    self._tokens = rotation.result()
                    self._renewals += 1
            return self._tokens.access_token

    async def _take_file_lock(self) -> None:
        """Polled without blocking, so a cancelled renewal never leaves a thread holding the lock."""
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self._lock_timeout
        while True:
            try:
                self._file_lock.acquire(timeout=0)
                return
            except Timeout:
                if time.monotonic() >= deadline:
                    raise BokslutError(
                        f"Another bokslut has been renewing the Fortnox connection for {self._lock_timeout:.0f} "
                        f"seconds (lock {self._lock_path}). Close the other bokslut and try again."
                    ) from None
            await asyncio.sleep(LOCK_POLL_SECONDS)

    async def _rotate_then_unlock(self) -> TokenSet:
        try:
            return await self._rotate()
        finally:
            self._file_lock.release()

    async def _rotate(self) -> TokenSet:
        stored = await asyncio.to_thread(self._store.load, self._key)
        if stored is None:
            raise _not_connected()
        if stored.rejected:
            raise connection_expired()
        if stored.service_account:
            return await self._service_token(stored)
        lapsed = stored.obtained + timedelta(days=self._fortnox.connection_days)
        if self._clock() >= lapsed:  # the promise is N days; the status already says expired, so must this
            raise ConnectionExpired(
                f"The Fortnox connection expired on {lapsed:%Y-%m-%d}: it lasts {self._fortnox.connection_days} days "
                "after the last import or export. Connect again to renew it.",
                key="fortnox_expired_on",
                params={"date": f"{lapsed:%Y-%m-%d}", "days": self._fortnox.connection_days},
            )
        try:
            tokens = await refresh(self._http, self._fortnox, stored.refresh_token, clock=self._clock)
        except ConnectionExpired:
            await asyncio.to_thread(self._store.save, self._key, replace(stored, rejected=True))
            raise
        try:
            await asyncio.to_thread(self._store.save, self._key, _stored(tokens, self._clock()))
        except Exception as error:
            raise BokslutError(
                f"Fortnox renewed the connection but bokslut could not save it in the {self._store.kind} "
                f"({type(error).__name__}), so the old one no longer works. Fix the token store, then connect again."
            ) from None
        return tokens


    async def _service_token(self, stored: StoredToken) -> TokenSet:
        """A service account has no chain to rotate and no days to lapse: its consent lasts until revoked in Fortnox."""
        assert stored.tenant_id is not None
        try:
            return await client_credentials(self._http, self._fortnox, stored.tenant_id, clock=self._clock)
        except ConnectionExpired:
            await asyncio.to_thread(self._store.save, self._key, replace(stored, rejected=True))
            raise


def _stored(tokens: TokenSet, now: datetime) -> StoredToken:
    return StoredToken(tokens.refresh_token, now, tokens.scope)


async def complete_connection(
    http: httpx.AsyncClient,
    fortnox: FortnoxSettings,
    store: TokenStore,
    key: str,
    code: str,
    redirect_uri: str,
    *,
    clock: Callable[[], datetime] = utc_now,
) -> TokenSet:
    """Exchange the code and keep the refresh token; check tokens.missing_scopes (oauth.scope_warning) afterwards."""
    tokens = await exchange_code(http, fortnox, code, redirect_uri, clock=clock)
    await asyncio.to_thread(store.save, key, _stored(tokens, clock()))
    return tokens


@dataclass(frozen=True)
class ConnectionState:
    status: Literal["connected", "expired", "disconnected"]
    account: Literal["user", "service"] | None  # a user's login (refresh tokens) or a service account
    days_left: int | None
    obtained: datetime | None
    store_kind: StoreKind


def connection_state(store: TokenStore, key: str, fortnox: FortnoxSettings, now: datetime) -> ConnectionState:
    """Promised validity counts from the last renewal; Fortnox itself allows 45 days, so this errs on the safe side."""
    stored = store.load(key)
    if stored is None:
        return ConnectionState("disconnected", None, None, None, store.kind)
    if stored.service_account:  # no days to count: consent until revoked
        status = "expired" if stored.rejected else "connected"
        return ConnectionState(status, "service", None, stored.obtained, store.kind)
    days_left = max(0, fortnox.connection_days - (now - stored.obtained).days)
    expired = stored.rejected or now >= stored.obtained + timedelta(days=fortnox.connection_days)
    if expired:
        return ConnectionState("expired", "user", 0, stored.obtained, store.kind)
    return ConnectionState("connected", "user", days_left, stored.obtained, store.kind)


async def disconnect(http: httpx.AsyncClient, fortnox: FortnoxSettings, store: TokenStore, key: str) -> bool:
    """True if Fortnox revoked the connection; False if nothing valid was left to revoke. Deleted locally either way.

    A network failure raises before anything is deleted, so the user can retry rather than leave a live token behind.
    """
    stored = await asyncio.to_thread(store.load, key)
    if stored is None:
        return False
    # A service account's consent is revoked in Fortnox by an administrator; there is no token here to revoke.
    revoked = False if stored.rejected or stored.service_account else await revoke(http, fortnox, stored.refresh_token)
    await asyncio.to_thread(store.delete, key)
    return revoked
