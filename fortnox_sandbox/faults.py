"""Failures a test can switch on in-process, so the client's retry and outcome-unknown paths meet real HTTP trouble.

    sandbox.faults.add_latency(0.5, path="/3/sie")  # seconds added before each matching request is answered
    sandbox.faults.fail(2, status=503)              # the next 2 requests answer 5xx
    sandbox.faults.throttle(3, retry_after=5)       # the next 3 answer 429 (a burst, as if the limit were hit)
    sandbox.faults.drop(1, path="/3/vouchers")      # the next matching connection closes without a response
    sandbox.faults.drop_after_commit(1)             # the next POST /3/vouchers is committed, then its answer dropped
    sandbox.faults.echo(1, status=400)              # the next request's headers and body come back in its error
    sandbox.faults.hold(event, path="/3/sie")       # the next matching request waits until `event` is set
    sandbox.faults.clear()

fail() with status 500 answers Fortnox's JSON system error (code 1000003); other 5xx an HTML outage page, as a
load balancer would. echo() plays a careless gateway: the error answer repeats the request, bearer token, Basic
credential and form body included, in Fortnox's ErrorInformation and in OAuth's error_description. `path` is a prefix of the URL path (e.g. "/3/vouchers", "/oauth-v1/token"); None matches
every request, OAuth included. A dropped answer starts the response and then aborts it, so the client never gets
a complete one: over a real connection uvicorn closes the socket and httpx raises RemoteProtocolError; through
httpx.ASGITransport the ConnectionDropped exception itself reaches the caller.
Faults are used up in the order they were added, one per matching request.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

VOUCHERS_PATH = "/3/vouchers"
_JSON = [(b"content-type", b"application/json")]
_SERVER_ERROR_BODY = b'{"ErrorInformation":{"error":1,"message":"Ett systemfel har uppst\\u00e5tt.","code":1000003}}'
_OUTAGE_BODY = b"<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1></body></html>"


class ConnectionDropped(Exception):
    """Raised after the response has started, which makes the server abort the connection."""


@dataclass
class _Fault:
    kind: str  # "fail", "throttle", "drop", "drop_after_commit", "echo" or "hold"
    remaining: int
    path: str | None
    method: str | None = None
    status: int = 503
    retry_after: int = 5
    gate: threading.Event | None = None  # a hold's: the request goes on once it is set
    timeout: float = 30.0  # a hold's: then the request is answered 503 instead
    skip: int = 0  # a hold's: matching requests let through before the one held
    reached: threading.Event | None = None  # a hold's: set once the held request is waiting

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (self.path is None or path.startswith(self.path))


class Faults:
    """The armed faults; shared between the test's thread and the server's."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self._latency: list[tuple[float, str | None]] = []
        self.holds: list[bool] = []  # each hold used up: True if its event let the request go on, False if it timed out

    def add_latency(self, seconds: float, path: str | None = None) -> None:
        with self._lock:
            self._latency.append((seconds, path))

    def fail(self, count: int, status: int = 503, path: str | None = None) -> None:
        if not 500 <= status <= 599:
            raise ValueError("fail() injects server errors: status must be 5xx")
        self._arm(_Fault("fail", count, path, status=status))

    def throttle(self, count: int, retry_after: int = 5, path: str | None = None) -> None:
        self._arm(_Fault("throttle", count, path, retry_after=retry_after))

    def drop(self, count: int, path: str | None = None) -> None:
        self._arm(_Fault("drop", count, path))

    def echo(self, count: int, status: int = 400, path: str | None = None, method: str | None = None) -> None:
        self._arm(_Fault("echo", count, path, method=method, status=status))

    def hold(
        self,
        gate: threading.Event,
        path: str | None = None,
        timeout: float = 30.0,
        *,
        after: int = 0,
        reached: threading.Event | None = None,
    ) -> None:
        """The next matching request after `after` others waits for `gate` (set by the test, from any thread) before it
        is answered, so a test can tell (or stop) what its client does while that request is outstanding; `reached`
        is set once it waits."""
        self._arm(_Fault("hold", 1, path, gate=gate, timeout=timeout, skip=after, reached=reached))

    def drop_after_commit(self, count: int) -> None:
        self._arm(_Fault("drop_after_commit", count, VOUCHERS_PATH, method="POST"))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._latency.clear()
            self.holds.clear()

    def _arm(self, fault: _Fault) -> None:
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def latency(self, path: str) -> float:
        with self._lock:
            return sum(seconds for seconds, prefix in self._latency if prefix is None or path.startswith(prefix))

    def take(self, method: str, path: str, *, committed: bool = False) -> _Fault | None:
        """Use up one matching fault: a before-the-handler kind, or (committed=True) a drop_after_commit."""
        with self._lock:
            for fault in self._faults:
                if (fault.kind == "drop_after_commit") == committed and fault.matches(method, path):
                    if fault.skip:
                        fault.skip -= 1
                        continue
                    fault.remaining -= 1
                    if not fault.remaining:
                        self._faults.remove(fault)
                    return fault
            return None


class FaultMiddleware:
    """Outermost ASGI layer: applies latency and faults before the app, and drops committed POST answers after."""

    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self._app = app
        self._faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        delay = self._faults.latency(path)
        if delay:
            await asyncio.sleep(delay)
        fault = self._faults.take(method, path)
        if fault is not None and fault.kind == "hold":
            if fault.reached is not None:
                fault.reached.set()
            released = await asyncio.to_thread(fault.gate.wait, fault.timeout)
            self._faults.holds.append(released)
            fault = None if released else _Fault("fail", 1, path)
        if fault is not None:
            await _inject(fault, scope, receive, send)
            return
        if method == "POST" and path.rstrip("/") == VOUCHERS_PATH:
            await self._answer_or_drop(scope, receive, send)
            return
        await self._app(scope, receive, send)

    async def _answer_or_drop(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the answer back until it is known whether a voucher was committed (201) and a drop is armed."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self._app(scope, receive, hold)
        committed = bool(held) and held[0]["type"] == "http.response.start" and held[0]["status"] == 201
        if committed and self._faults.take(scope["method"], scope["path"], committed=True) is not None:
            await _drop(send)
        for message in held:
            await send(message)


async def _inject(fault: _Fault, scope: Scope, receive: Receive, send: Send) -> None:
    if fault.kind == "echo":
        await _respond(send, fault.status, _JSON, await _echo_body(scope, receive))
    elif fault.kind == "drop":
        await _drop(send)
    elif fault.kind == "throttle":
        headers = [*_JSON, (b"retry-after", str(fault.retry_after).encode())]
        await _respond(send, 429, headers, b'{"message":"Too many requests"}')
    elif fault.status == 500:
        await _respond(send, 500, _JSON, _SERVER_ERROR_BODY)
    else:
        await _respond(send, fault.status, [(b"content-type", b"text/html; charset=UTF-8")], _OUTAGE_BODY)


async def _echo_body(scope: Scope, receive: Receive) -> bytes:
    """The request as a careless gateway repeats it in its error answer."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = "\n".join(f"{name.decode('latin-1')}: {value.decode('latin-1')}" for name, value in scope["headers"])
    request = f"{scope['method']} {scope['path']}?{scope['query_string'].decode('latin-1')}\n{headers}\n\n"
    echoed = request + body.decode("latin-1")
    return json.dumps(
        {
            "ErrorInformation": {"error": 1, "message": f"Bad request: {echoed}", "code": 2000588},
            "error": "invalid_request",
            "error_description": f"Bad request: {echoed}",
        }
    ).encode()


async def _drop(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024"), *_JSON]})
    await send({"type": "http.response.body", "body": b'{"Vou', "more_body": True})
    raise ConnectionDropped("the sandbox dropped this connection on purpose (fault injection)")


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
