"""Keeps every API exchange the sandbox answers, so a test can check the client's requests against Fortnox's spec.

Switched on with SandboxConfig(record_exchanges=True). The recorder sits inside the fault injection: it sees each
request that reached the API and the sandbox's own answer to it (a dropped answer included), never an injected
fault's body. Only /3/ is kept (OAuth is not in the OpenAPI spec); a JSON body is kept parsed (numbers as Decimal),
any other body as None.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/3/"
NOT_JSON = object()  # a body that was there but is not JSON (the client sent something the spec cannot describe)


@dataclass(frozen=True, slots=True)
class Exchange:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: object  # the parsed JSON request body; None when empty, NOT_JSON when unparsable
    status: int
    content_type: str
    answer: object  # the parsed JSON answer; None when not JSON (a SIE file)
    abandoned: bool = False  # the client hung up before its request had arrived whole (its time-out): no shape

    def __str__(self) -> str:
        query = "&".join(f"{name}={value}" for name, value in self.query)
        return f"{self.method} {self.path}{'?' + query if query else ''} -> {self.status}"


class ExchangeRecorder:
    """ASGI middleware appending an Exchange per /3/ request to `exchanges` (shared with the test's thread)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self._app(scope, receive, send)
            return
        request_body = bytearray()
        hung_up = False
        body_read = False
        answer_head: dict = {}
        answer_body = bytearray()

        async def receiving() -> Message:
            nonlocal hung_up, body_read
            message = await receive()
            request_body.extend(message.get("body", b""))
            hung_up = hung_up or message["type"] == "http.disconnect"
            body_read = body_read or (message["type"] == "http.request" and not message.get("more_body", False))
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                while not body_read and not hung_up:  # refused unread (a 401): the record holds what was sent
                    await receiving()
                answer_head.update(message)
            else:
                answer_body.extend(message.get("body", b""))
            await send(message)

        try:
            await self._app(scope, receiving, sending)
        finally:
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in answer_head.get("headers", [])}
            content_type = headers.get("content-type", "")
            exchange = Exchange(
                method=scope["method"],
                path=scope["path"],
                query=tuple(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)),
                body=_parsed(bytes(request_body)) if request_body else None,
                status=answer_head.get("status", 0),
                content_type=content_type,
                answer=_parsed(bytes(answer_body)) if content_type.startswith("application/json") else None,
                abandoned=hung_up,
            )
            with self._lock:
                self._exchanges.append(exchange)


def _parsed(body: bytes) -> object:
    try:
        return json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return NOT_JSON
