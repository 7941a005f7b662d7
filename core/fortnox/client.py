"""The Fortnox REST API client: throttled, retrying where that is safe, and exact with money.

Retry decisions (a duplicated voucher is worse than a failed one):
- GET is safe to repeat: it is retried on 429, 5xx, time-outs and transport errors, with full-jitter backoff.
- POST is retried only when Fortnox surely did not act on it: the connection was never made (connect error or
  connect/pool time-out), or Fortnox answered 429 (the rate limiter refuses before processing), or 401 (refused
  before processing; retried once after a token refresh).
- Every other POST failure raises FortnoxOutcomeUnknown: a time-out or dropped connection after sending, an answer cut
  off mid-body, and also any 5xx, because a gateway time-out (502/504) or an error raised after the commit can come
  after Fortnox saved the voucher. The caller must check Fortnox (or its export ledger) before sending again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx

from core.fortnox.errors import (
    FortnoxError,
    FortnoxOutcomeUnknown,
    FortnoxUnavailable,
    error_for_refusal,
    parse_error_body,
)
from core.fortnox.throttle import RateLimiter, Sleep, shared_limiter
from core.money import from_ore, to_ore
from core.scratch import written_whole
from core.text import outside_text, printable, register_secret

log = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024
MAX_ERROR_BODY_BYTES = 64 * 1024  # enough for any error Fortnox sends; a 50 MB error page is not kept whole
PAGE_LIMIT = 500  # Fortnox's maximum page size; the default of 100 would quintuple the requests

T = TypeVar("T")


class TokenSource(Protocol):
    async def access_token(self) -> str:
        """A valid bearer token (may refresh)."""
        ...

    async def refreshed_access_token(self) -> str:
        """After a 401: force one refresh."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries in all, the first included
    base: float = 0.5  # seconds; the backoff ceiling doubles from here
    cap: float = 30.0  # no single wait is longer; a longer Retry-After gives up instead
    rate_limit_window: float = 5.0  # Fortnox's sliding window: after a 429 wait at least this long

    def backoff(self, retry_number: int, uniform: Callable[[], float]) -> float:
        """Full jitter, so clients that failed together do not come back together."""
        return uniform() * min(self.cap, self.base * 2**retry_number)


@dataclass
class ClientStats:
    """Counters for the benchmark and the import summary."""

    requests: int = 0
    rate_limited: int = 0  # 429 answers
    retries: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


class FortnoxClient:
    """One httpx.AsyncClient for one tenant; use `async with`."""

    def __init__(
        self,
        api_url: str,
        tokens: TokenSource,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy = RetryPolicy(),
        tenant_key: str | None = None,
        sleep: Sleep = asyncio.sleep,
        uniform: Callable[[], float] = random.random,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self.stats = ClientStats()
        self._tokens = tokens
        self._limiter = limiter
        self._tenant_key = tenant_key
        self._retry = retry
        self._sleep = sleep
        self._uniform = uniform
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._http = httpx.AsyncClient(
            base_url=self.api_url,
            transport=transport,
            timeout=self._timeout,
            headers={"Accept": "application/json", "User-Agent": "bokslut"},
        )

    async def __aenter__(self) -> FortnoxClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> dict:
        return await self._request("GET", path, params, None, self._json_receiver("GET", path))

    async def post_json(
        self,
        path: str,
        body: Mapping[str, Any],
        params: Mapping[str, Any] | None = None,
        *,
        on_send: Callable[[], None] | None = None,
    ) -> dict:
        """Never repeated once Fortnox may have received it; see FortnoxOutcomeUnknown.

        `on_send` is called just before each time the request actually leaves (a 429 or 401 sends it again later).
        """
        return await self._request(
            "POST", path, params, encode_json(body), self._json_receiver("POST", path), on_send=on_send
        )

    async def iter_all(
        self, path: str, collection_key: str, params: Mapping[str, Any] | None = None
    ) -> AsyncIterator[dict]:
        """Every item of a paged list, page by page, for lists too big to hold twice."""
        query = {"limit": PAGE_LIMIT, **(params or {})}
        page = 1
        while True:
            data = await self.get_json(path, {**query, "page": page})
            items = data.get(collection_key)
            if not isinstance(items, list):
                raise FortnoxError(
                    f"Fortnox's answer to GET {path} has no {collection_key} list; "
                    "the API may have changed, so report this to bokslut's developers.",
                    status=200,
                )
            for item in items:
                yield item
            if page >= _total_pages(data):
                return
            page += 1

    async def get_all(self, path: str, collection_key: str, params: Mapping[str, Any] | None = None) -> list[dict]:
        return [item async for item in self.iter_all(path, collection_key, params)]

    async def get_bytes(
        self, path: str, params: Mapping[str, Any] | None = None, *, max_bytes: int = MAX_DOWNLOAD_BYTES
    ) -> bytes:
        return await self._request(
            "GET", path, params, None, lambda response: self._read_body(response, path, max_bytes)
        )

    async def get_to_file(
        self, path: str, dest: Path, params: Mapping[str, Any] | None = None, *, max_bytes: int = MAX_DOWNLOAD_BYTES
    ) -> int:
        """Streams e.g. a SIE export to dest without holding it in memory; dest appears only when complete, and is
        private: these are a client's books (core.scratch).

        Returns the number of bytes written.
        """
        with written_whole(dest) as file:

            async def receive(response: httpx.Response) -> int:
                file.seek(0)
                file.truncate()  # again on a retry: a cut-off attempt leaves nothing behind
                written = 0
                async for chunk in self._body_chunks(response, path, max_bytes):
                    file.write(chunk)
                    written += len(chunk)
                return written

            return await self._request("GET", path, params, None, receive)

    def _json_receiver(self, method: str, path: str) -> Callable[[httpx.Response], Awaitable[dict]]:
        async def receive(response: httpx.Response) -> dict:
            body = await self._read_body(response, path, MAX_DOWNLOAD_BYTES)
            if not body.strip():
                return {}
            try:
                data = json.loads(body, parse_float=Decimal)
            except (ValueError, UnicodeDecodeError):
                data = None
            if not isinstance(data, dict) and method != "GET":
                raise _outcome_unknown(method, path, f"its answer (HTTP {response.status_code}) was not JSON")
            if not isinstance(data, dict):
                raise FortnoxError(
                    f"Fortnox answered {method} {path} with HTTP {response.status_code} but not with a JSON object; "
                    "try again later, and report it to bokslut's developers if it persists.",
                    status=response.status_code,
                )
            return data

        return receive

    async def _read_body(self, response: httpx.Response, path: str, max_bytes: int) -> bytes:
        body = bytearray()
        async for chunk in self._body_chunks(response, path, max_bytes):
            body += chunk
        return bytes(body)

    async def _body_chunks(self, response: httpx.Response, path: str, max_bytes: int) -> AsyncIterator[bytes]:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(path, max_bytes, response.status_code)
        received = 0
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            self.stats.bytes_received += len(chunk)
            if received > max_bytes:
                raise _too_large(path, max_bytes, response.status_code)
            yield chunk

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        content: bytes | None,
        receive: Callable[[httpx.Response], Awaitable[T]],
        *,
        on_send: Callable[[], None] | None = None,
    ) -> T:
        if self._limiter is None:
            self._limiter = shared_limiter(self.api_url, self._tenant_key)
        headers = {"Content-Type": "application/json"} if content is not None else {}
        refreshed_token: str | None = None
        refreshed_once = False
        failures = 0
        while True:
            token = refreshed_token or await self._tokens.access_token()
            refreshed_token = None
            register_secret(token)
            request = self._http.build_request(
                method, path, params=params, content=content, headers={**headers, "Authorization": f"Bearer {token}"}
            )
            await self._limiter.acquire()
            self.stats.requests += 1
            self.stats.bytes_sent += len(content or b"")
            status: int | None = None
            error_body = b""
            try:
                if on_send is not None:
                    on_send()
                response = await self._http.send(request, stream=True)
                try:
                    status = response.status_code
                    log.debug("%s %s -> %s", method, path, status)
                    if response.is_success:
                        return await receive(response)
                    error_body = await self._error_body(response)
                finally:
                    await response.aclose()
            except httpx.TransportError as error:
                problem = self._transport_problem(error, status)
                if method != "GET" and (status is not None or not _surely_unsent(error)):
                    raise _outcome_unknown(method, path, problem) from error
                status = None  # no complete answer to report
                wait = self._retry.backoff(failures, self._uniform)
            else:
                if status == 401 and not refreshed_once:
                    refreshed_once = True
                    refreshed_token = await self._tokens.refreshed_access_token()
                    self.stats.retries += 1
                    continue
                if status == 429:
                    self.stats.rate_limited += 1
                    problem = "too many requests (HTTP 429)"
                    wait = self._rate_limit_wait(method, path, response, failures)
                    self._limiter.hold_off(wait)
                elif status >= 500:
                    problem = _answer_summary(status, error_body)
                    if method != "GET":
                        problem = f"Fortnox answered {problem}, which can happen after saving"
                        raise _outcome_unknown(method, path, problem)
                    wait = self._retry.backoff(failures, self._uniform)
                else:
                    raise error_for_refusal(method, path, status, error_body)
            failures += 1
            if failures >= self._retry.attempts:
                raise FortnoxUnavailable(
                    f"Fortnox did not answer {method} {path} after {failures} attempts (the last: {problem}); "
                    "try again in a few minutes.",
                    status=status,
                    **_fortnox_details(error_body),
                )
            self.stats.retries += 1
            log.warning("Fortnox %s %s: %s; retry %d in %.1f s", method, path, printable(problem), failures, wait)
            await self._sleep(wait)

    async def _error_body(self, response: httpx.Response) -> bytes:
        """The start of an error answer: enough to read Fortnox's code and words, never the whole of a huge page."""
        body = bytearray()
        async for chunk in response.aiter_bytes():
            self.stats.bytes_received += len(chunk)
            body += chunk[: MAX_ERROR_BODY_BYTES - len(body)]
            if len(body) >= MAX_ERROR_BODY_BYTES:
                break
        return bytes(body)

    def _rate_limit_wait(self, method: str, path: str, response: httpx.Response, failures: int) -> float:
        asked = _retry_after_seconds(response.headers.get("Retry-After"))
        if asked is not None and asked > self._retry.cap:
            raise FortnoxUnavailable(
                f"Fortnox is limiting requests and asked bokslut to wait {asked:.0f} s before {method} {path}; "
                "try again later.",
                status=429,
            )
        return max(asked or 0.0, self._retry.rate_limit_window) + self._retry.backoff(failures, self._uniform)

    def _transport_problem(self, error: httpx.TransportError, status: int | None) -> str:
        detail = f": {outside_text(error)}" if str(error) else ""
        if status is not None:
            return f"the answer (HTTP {status}) was cut off{detail}"
        if isinstance(error, httpx.ConnectTimeout):
            return f"could not connect within {self._timeout.connect:g} s"
        if isinstance(error, httpx.TimeoutException):
            return f"no answer within {self._timeout.read:g} s"
        if isinstance(error, httpx.ConnectError):
            return f"could not connect{detail}"
        return f"the connection dropped before the answer came{detail}"


def _too_large(path: str, max_bytes: int, status: int) -> FortnoxError:
    return FortnoxError(
        f"Fortnox's answer to GET {path} is larger than the import limit of {_size(max_bytes)}; nothing was imported. "
        "If the books really are this large, raise max_file_mb in the [import] table of the config file.",
        status=status,
    )


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MB" if count >= 1024 * 1024 else f"{count:,} bytes".replace(",", " ")


def _surely_unsent(error: httpx.TransportError) -> bool:
    """Only failures to get a connection at all prove that no byte of the request left."""
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def _outcome_unknown(method: str, path: str, problem: str) -> FortnoxOutcomeUnknown:
    return FortnoxOutcomeUnknown(
        f"bokslut cannot tell whether Fortnox saved {method} {path}: {problem}. "
        "Check in Fortnox before sending it again."
    )


def _fortnox_details(body: bytes) -> dict:
    code, message = parse_error_body(body)
    return {"code": code, "fortnox_message": message}


def _answer_summary(status: int, body: bytes) -> str:
    code, message = parse_error_body(body)
    return f"HTTP {status}" + (f", code {code}" if code is not None else "") + (f": {message}" if message else "")


def _total_pages(data: dict) -> int:
    meta = data.get("MetaInformation")
    total = meta.get("@TotalPages") if isinstance(meta, dict) else None
    if isinstance(total, int):
        return total
    return int(total) if isinstance(total, str) and total.isdigit() else 1


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is undocumented at Fortnox; read both RFC forms in case a gateway sends it."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def encode_json(value: Any) -> bytes:
    """JSON for Fortnox with every Decimal written as an amount with exactly two decimals, never through float.

    A float anywhere is refused, and so is an amount with more than two decimals: rounding here could unbalance
    a voucher.
    """
    return _encode(value).encode("ascii")


def _encode(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"amount {value} is not a number")
        return format(from_ore(to_ore(value)), "f")
    if value is None or isinstance(value, (bool, int, str)):
        return json.dumps(value)
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("JSON object keys for Fortnox must be strings")
        return "{" + ",".join(f"{json.dumps(key)}:{_encode(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_encode(item) for item in value) + "]"
    raise TypeError(f"cannot send {type(value).__name__} to Fortnox; amounts must be Decimal, never float")
