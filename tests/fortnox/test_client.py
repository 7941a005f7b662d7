"""The Fortnox API client: headers, throttling, the retry rules (never a blind POST retry), errors, paging, money.

Status and body handling is tested through httpx.MockTransport; dropped connections, time-outs and refused
connections go over real loopback sockets, because their exact httpx exceptions are what the retry rules key on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from core.fortnox.client import FortnoxClient, RetryPolicy, encode_json
from core.fortnox.errors import (
    FortnoxError,
    FortnoxForbidden,
    FortnoxNotFound,
    FortnoxOutcomeUnknown,
    FortnoxRejected,
    FortnoxUnauthorized,
    FortnoxUnavailable,
    parse_error_body,
)
from core.fortnox.oauth import authorization_request, code_from_callback, exchange_code, refresh
from fortnox_sandbox.app import SandboxConfig
from fortnox_sandbox.browser import give_consent
from fortnox_sandbox.data import NORDLJUS
from fortnox_sandbox.serve import RunningSandbox, running_sandbox
from core.fortnox.settings import FortnoxSettings
from core.fortnox.throttle import DEFAULT_LIMITS, RateLimiter
from tests.fortnox.test_throttle import FakeClock

API = "https://api.fortnox.se/3"
SECRET = "eyJhbGciOi.secret-access-token"
REFRESHED = "eyJhbGciOi.refreshed-secret-token"
CASSETTES = Path(__file__).resolve().parents[2].parent / "shared" / "fortnox" / "cassettes" / "accodeing-fortnox-api"


class Tokens:
    def __init__(self) -> None:
        self.refreshes = 0

    async def access_token(self) -> str:
        return SECRET

    async def refreshed_access_token(self) -> str:
        self.refreshes += 1
        return REFRESHED


def answer(status: int, data: object = None, *, raw: bytes | None = None, headers: dict | None = None):
    content = raw if raw is not None else encode_json(data)
    return (status, content, {"Content-Type": "application/json", **(headers or {})})


class Script:
    """A MockTransport handler answering each request with the next scripted answer; the last one repeats."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        item = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(item, Exception):
            raise item
        status, content, headers = item
        return httpx.Response(status, content=content, headers=headers)


class Rig:
    """Builds clients whose limiter and backoff run on a fake clock, recording every wait."""

    def __init__(self) -> None:
        self.tokens = Tokens()
        self.clock = FakeClock()
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self.clock.sleep(seconds)

    def client(self, script: Script | None = None, api_url: str = API, **options) -> FortnoxClient:
        options.setdefault("limiter", RateLimiter(clock=self.clock, sleep=self.clock.sleep))
        return FortnoxClient(
            api_url,
            self.tokens,
            transport=httpx.MockTransport(script) if script else None,
            sleep=self.sleep,
            uniform=lambda: 0.5,
            **options,
        )


@pytest.fixture
def rig() -> Rig:
    return Rig()


class LoopbackServer:
    """A bare HTTP/1.1 server on 127.0.0.1 doing what the test scripts per request: answer, drop, or never answer."""

    def __init__(self, *actions: bytes | str) -> None:
        self.actions = list(actions)
        self.requests: list[bytes] = []
        self.release = asyncio.Event()
        self.server: asyncio.Server | None = None

    @property
    def api_url(self) -> str:
        host, port = self.server.sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/3"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:")), 0
        )
        self.requests.append(head + await reader.readexactly(length))
        action = self.actions.pop(0)
        if action == "hang":
            await self.release.wait()
        elif action != "drop":
            writer.write(action)
            await writer.drain()
        writer.close()


def http_answer(status: int, data: object) -> bytes:
    body = encode_json(data)
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


@pytest.fixture
async def loopback():
    servers: list[LoopbackServer] = []

    async def start(*actions: bytes | str) -> LoopbackServer:
        server = LoopbackServer(*actions)
        server.server = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.release.set()
        server.server.close()
        await server.server.wait_closed()


VOUCHER = {"Voucher": {"Description": "Bokslut", "VoucherRows": [{"Account": 1930, "Debit": Decimal("100.00")}]}}


async def test_sends_bearer_token_and_json_headers_under_the_api_base(rig):
    script = Script(answer(200, {"CompanyInformation": {"CompanyName": "Test AB"}}), answer(201, VOUCHER | {}))
    async with rig.client(script) as client:
        assert await client.get_json("/companyinformation") == {"CompanyInformation": {"CompanyName": "Test AB"}}
        await client.post_json("/vouchers", VOUCHER, params={"financialyear": 2})

    get, post = script.requests
    assert str(get.url) == "https://api.fortnox.se/3/companyinformation"
    assert get.headers["Authorization"] == f"Bearer {SECRET}"
    assert get.headers["Accept"] == "application/json"
    assert "Content-Type" not in get.headers
    assert str(post.url) == "https://api.fortnox.se/3/vouchers?financialyear=2"
    assert post.headers["Content-Type"] == "application/json"
    assert client.stats.requests == 2
    assert client.stats.bytes_sent == len(post.content)


async def test_get_retries_429_and_5xx_then_succeeds_waiting_at_least_one_window_after_the_429(rig):
    script = Script(
        answer(429, {"message": "Too Many Requests"}), answer(503, raw=b"<html>down</html>"), answer(200, {"A": 1})
    )
    async with rig.client(script) as client:
        assert await client.get_json("/accounts") == {"A": 1}

    assert len(script.requests) == 3
    assert client.stats.requests == 3 and client.stats.rate_limited == 1 and client.stats.retries == 2
    policy = RetryPolicy()
    assert rig.waits == [policy.rate_limit_window + 0.5 * policy.base, 0.5 * policy.base * 2]


async def test_429_honours_retry_after_and_holds_back_everyone_sharing_the_limiter(rig):
    waits = []

    async def sleep_without_time_passing(seconds: float) -> None:
        waits.append(seconds)

    script = Script(answer(429, {}, headers={"Retry-After": "12"}), answer(200, {}))
    client = FortnoxClient(
        API,
        rig.tokens,
        transport=httpx.MockTransport(script),
        limiter=RateLimiter(clock=rig.clock, sleep=rig.clock.sleep),
        sleep=sleep_without_time_passing,
        uniform=lambda: 0.0,
    )
    async with client:
        await client.get_json("/accounts")

    assert waits == [12.0]
    assert rig.clock.now == 12.0  # only the shared limiter's hold-off can have made the fake time pass


async def test_retry_after_beyond_the_cap_gives_up_at_once(rig):
    script = Script(answer(429, {}, headers={"Retry-After": "3600"}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxUnavailable, match="wait 3600 s"):
            await client.get_json("/accounts")
    assert len(script.requests) == 1


async def test_get_retries_transport_errors_then_succeeds(rig):
    script = Script(httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), answer(200, {"ok": True}))
    async with rig.client(script) as client:
        assert await client.get_json("/financialyears") == {"ok": True}
    assert len(script.requests) == 3


async def test_retries_used_up_raise_unavailable_with_the_last_problem(rig):
    script = Script(answer(503, {"ErrorInformation": {"Error": 1, "Message": "Systemfel", "Code": 1000003}}))
    async with rig.client(script, retry=RetryPolicy(attempts=4)) as client:
        with pytest.raises(FortnoxUnavailable) as caught:
            await client.get_json("/vouchers")

    assert len(script.requests) == 4
    assert str(caught.value) == (
        "Fortnox did not answer GET /vouchers after 4 attempts (the last: HTTP 503, code 1000003: Systemfel); "
        "try again in a few minutes."
    )
    assert (caught.value.status, caught.value.code, caught.value.fortnox_message) == (503, 1000003, "Systemfel")


def test_backoff_is_full_jitter_under_a_doubling_cap():
    policy = RetryPolicy(base=0.5, cap=3.0)
    assert [policy.backoff(n, lambda: 1.0) for n in range(5)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.backoff(3, lambda: 0.0) == 0.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_is_never_retried_after_a_5xx(rig, status):
    script = Script(answer(status, {}), answer(201, VOUCHER))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxOutcomeUnknown, match="Check in Fortnox before sending it again"):
            await client.post_json("/vouchers", VOUCHER)
    assert len(script.requests) == 1
    assert client.stats.requests == 1 and client.stats.retries == 0


async def test_post_whose_connection_drops_after_sending_is_not_retried(rig, loopback):
    server = await loopback("drop", http_answer(201, VOUCHER))
    async with rig.client(api_url=server.api_url) as client:
        with pytest.raises(FortnoxOutcomeUnknown) as caught:
            await client.post_json("/vouchers", VOUCHER)

    assert len(server.requests) == 1
    assert server.requests[0].endswith(encode_json(VOUCHER))  # the whole voucher reached the server
    assert "connection dropped" in str(caught.value)


async def test_post_that_times_out_after_sending_is_not_retried(rig, loopback):
    server = await loopback("hang", http_answer(201, VOUCHER))
    async with rig.client(api_url=server.api_url, timeout=0.3) as client:
        with pytest.raises(FortnoxOutcomeUnknown, match="no answer within 0.3 s"):
            await client.post_json("/vouchers", VOUCHER)
    assert len(server.requests) == 1


async def test_post_whose_answer_is_cut_off_is_not_retried(rig, loopback):
    truncated = http_answer(201, VOUCHER)[:-10]
    server = await loopback(truncated, http_answer(201, VOUCHER))
    async with rig.client(api_url=server.api_url) as client:
        with pytest.raises(FortnoxOutcomeUnknown, match=r"the answer \(HTTP 201\) was cut off"):
            await client.post_json("/vouchers", VOUCHER)
    assert len(server.requests) == 1


async def test_post_answered_with_something_not_json_is_unknown_not_failed(rig):
    script = Script(answer(201, raw=b"<html>Created</html>", headers={"Content-Type": "text/html"}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxOutcomeUnknown, match=r"its answer \(HTTP 201\) was not JSON"):
            await client.post_json("/vouchers", VOUCHER)
    async with rig.client(script) as client:
        with pytest.raises(FortnoxError, match="not with a JSON object"):
            await client.get_json("/vouchers")


async def test_get_is_retried_after_a_dropped_connection_and_a_time_out(rig, loopback):
    server = await loopback("drop", "hang", http_answer(200, {"Accounts": []}))
    async with rig.client(api_url=server.api_url, timeout=0.3) as client:
        assert await client.get_json("/accounts") == {"Accounts": []}
    assert len(server.requests) == 3


async def test_post_that_could_not_connect_is_retried_because_nothing_was_sent(rig):
    script = Script(httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), answer(201, VOUCHER))
    async with rig.client(script) as client:
        assert await client.post_json("/vouchers", VOUCHER) == json.loads(encode_json(VOUCHER), parse_float=Decimal)
    assert len(script.requests) == 3


async def test_post_to_a_closed_port_ends_unavailable_not_unknown(rig):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    async with rig.client(api_url=f"http://127.0.0.1:{port}/3", retry=RetryPolicy(attempts=3)) as client:
        with pytest.raises(FortnoxUnavailable, match="after 3 attempts \\(the last: could not connect"):
            await client.post_json("/vouchers", VOUCHER)
    assert client.stats.requests == 3


async def test_post_answered_429_is_retried_because_fortnox_did_not_process_it(rig):
    script = Script(answer(429, {}), answer(201, {"Voucher": {"VoucherNumber": 7}}))
    async with rig.client(script) as client:
        assert await client.post_json("/vouchers", VOUCHER) == {"Voucher": {"VoucherNumber": 7}}
    assert len(script.requests) == 2
    assert script.requests[0].content == script.requests[1].content


async def test_401_refreshes_the_token_once_and_retries_with_the_new_one(rig):
    script = Script(answer(401, {"message": "unauthorized"}), answer(200, {"ok": 1}))
    async with rig.client(script) as client:
        assert await client.post_json("/vouchers", VOUCHER) == {"ok": 1}
    assert rig.tokens.refreshes == 1
    sent = [request.headers["Authorization"] for request in script.requests]
    assert sent == [f"Bearer {SECRET}", f"Bearer {REFRESHED}"]


async def test_a_second_401_is_unauthorized(rig):
    script = Script(answer(401, {"message": "unauthorized"}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxUnauthorized, match="Reconnect bokslut to Fortnox") as caught:
            await client.get_json("/accounts")
    assert rig.tokens.refreshes == 1 and len(script.requests) == 2
    assert (caught.value.status, caught.value.fortnox_message) == (401, "unauthorized")


@pytest.mark.parametrize(
    ("code", "message", "advice"),
    [
        (2000663, "Har inte behörighet för scope", "permission (scope)"),
        (2001101, "Det finns ingen aktiv licens för önskat scope", "no Fortnox licence"),
    ],
)
async def test_403_is_forbidden_at_once_and_says_scope_or_licence(rig, code, message, advice):
    script = Script(answer(403, {"ErrorInformation": {"Error": 1, "Message": message, "Code": code}}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxForbidden) as caught:
            await client.get_json("/sie/4")
    assert len(script.requests) == 1 and rig.tokens.refreshes == 0
    assert f"(code {code}): {message}" in str(caught.value) and advice in str(caught.value)


ACCOUNT_MISSING = "Kan inte hitta kontot."


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            b'{"ErrorInformation":{"Error":1,"Message":"Kan inte hitta kontot.","Code":2000423}}',
            2000423,
            ACCOUNT_MISSING,
        ),
        (
            b'{"ErrorInformation":{"error":1,"message":"Kan inte hitta kontot.","code":2000423}}',
            2000423,
            ACCOUNT_MISSING,
        ),
        (
            b'{"ErrorInformation":{"Error":"1","Message":"Kan inte hitta kontot.","Code":"2000423"}}',
            2000423,
            ACCOUNT_MISSING,
        ),
        (b'{"message":"unauthorized"}', None, "unauthorized"),
        (b'{"error":"invalid_grant","error_description":"Invalid refresh token"}', None, "Invalid refresh token"),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", None, None),
        (b"", None, None),
    ],
)
def test_error_bodies_of_every_shape_are_read(body, code, message):
    assert parse_error_body(body) == (code, message)


async def test_locked_period_rejection_keeps_fortnox_text_verbatim_in_one_clear_sentence(rig):
    text = "Bokföringsåret har låst perioden t.o.m. 2024-12-31."
    script = Script(answer(400, {"ErrorInformation": {"error": 1, "message": text, "code": "2000401"}}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxRejected) as caught:
            await client.post_json("/vouchers", VOUCHER)
    assert str(caught.value) == f"Fortnox refused POST /vouchers (code 2000401): {text}"
    assert (caught.value.status, caught.value.code, caught.value.fortnox_message) == (400, 2000401, text)


async def test_an_html_error_page_gives_a_short_message_not_the_html(rig):
    page = b"<!DOCTYPE html><html><head><title>Oops</title></head></html>"
    script = Script(answer(400, raw=page, headers={"Content-Type": "text/html"}))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxRejected) as caught:
            await client.get_json("/nosuchthing")
    assert str(caught.value) == "Fortnox refused GET /nosuchthing (HTTP 400; the answer was not an API response)."
    assert caught.value.code is None and caught.value.fortnox_message is None


def load_cassette(name: str) -> dict:
    yaml = pytest.importorskip("yaml")
    path = CASSETTES / name
    if not path.exists():
        pytest.skip(f"{path} is missing: ../shared is not beside the checkout")
    return yaml.safe_load(path.read_text(encoding="utf-8"))["http_interactions"][0]


def replay(interaction: dict) -> Script:
    response = interaction["response"]
    headers = {name: values[0] for name, values in response["headers"].items()}
    headers.pop("Content-Length", None)
    return Script((response["status"]["code"], response["body"]["string"].encode(), headers))


async def test_recorded_404_with_capitalised_keys(rig):
    script = replay(load_cassette("projects_find_failure.yml"))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxNotFound) as caught:
            await client.get_json("/projects/123456789")
    assert (caught.value.code, caught.value.fortnox_message) == (2001161, "Kan inte hitta projektet.")
    assert str(caught.value) == (
        "Fortnox found nothing at GET /projects/123456789 (code 2001161): Kan inte hitta projektet."
    )


async def test_recorded_400_with_lower_case_keys(rig):
    script = replay(load_cassette("invoices_filter_invalid.yml"))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxRejected) as caught:
            await client.get_json("/invoices/", {"filter": "doesntexist"})
    assert (caught.value.code, caught.value.fortnox_message) == (2000587, "Ett ogiltigt filter har använts.")


async def test_recorded_expired_token_401_refreshes_then_is_unauthorized(rig):
    script = replay(load_cassette("authentication_expired_token.yml"))
    async with rig.client(script) as client:
        with pytest.raises(FortnoxUnauthorized):
            await client.get_json("/customers")
    assert rig.tokens.refreshes == 1


async def test_recorded_project_list_and_single_project(rig):
    async with rig.client(replay(load_cassette("projects_all.yml"))) as client:
        projects = await client.get_all("/projects/", "Projects")
    assert [project["ProjectNumber"] for project in projects] == ["1", "2"]
    assert projects[0]["@url"] == "https://api.fortnox.se/3/projects/1"  # escaped slashes read back
    async with rig.client(replay(load_cassette("projects_find_id_1.yml"))) as client:
        assert (await client.get_json("/projects/1"))["Project"]["Comments"] == "Updated comments"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("authentication_invalid_refresh_token.yml", "Invalid refresh token"),
        ("authentication_invalid_authorization.yml", "The client credentials are invalid"),
    ],
)
def test_recorded_oauth_errors_served_as_html_or_plain_text_are_read(name, message):
    body = load_cassette(name)["response"]["body"]["string"].encode()
    assert parse_error_body(body) == (None, message)


def paged_vouchers(request: httpx.Request) -> httpx.Response:
    page = int(request.url.params["page"])
    vouchers = [{"VoucherNumber": number} for number in range(page * 10, page * 10 + (3 if page < 3 else 1))]
    meta = {"@TotalResources": 7, "@TotalPages": 3, "@CurrentPage": page}
    return httpx.Response(200, json={"MetaInformation": meta, "Vouchers": vouchers})


async def test_get_all_follows_total_pages_with_the_largest_page_size(rig):
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return paged_vouchers(request)

    async with rig.client(handler) as client:
        vouchers = await client.get_all("/vouchers", "Vouchers", {"financialyear": 4})

    assert [voucher["VoucherNumber"] for voucher in vouchers] == [10, 11, 12, 20, 21, 22, 30]
    assert [dict(request.url.params) for request in requests] == [
        {"limit": "500", "financialyear": "4", "page": str(page)} for page in (1, 2, 3)
    ]


async def test_iter_all_yields_page_by_page(rig):
    async with rig.client(paged_vouchers) as client:
        first_page = []
        async for voucher in client.iter_all("/vouchers", "Vouchers"):
            first_page.append(voucher["VoucherNumber"])
            if len(first_page) == 3:
                break
        assert client.stats.requests == 1
    assert first_page == [10, 11, 12]


async def test_get_all_of_an_empty_list_makes_one_request(rig):
    empty = {"MetaInformation": {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1}, "FinancialYears": []}
    script = Script(answer(200, empty))
    async with rig.client(script) as client:
        assert await client.get_all("/financialyears", "FinancialYears", {"date": "2011-06-13"}) == []
    assert len(script.requests) == 1


async def test_get_all_refuses_an_answer_without_the_list(rig):
    async with rig.client(Script(answer(200, {"Vouchers": []}))) as client:
        with pytest.raises(FortnoxError, match="no Accounts list"):
            await client.get_all("/accounts", "Accounts")


def floats_in(value: object) -> list[float]:
    if isinstance(value, dict):
        return [found for item in value.values() for found in floats_in(item)]
    if isinstance(value, list):
        return [found for item in value for found in floats_in(item)]
    return [value] if isinstance(value, float) else []


async def test_amounts_go_out_with_two_decimals_and_come_back_as_decimal_without_float(rig):
    row = {"Account": 1930, "Debit": Decimal("0.1") + Decimal("0.2"), "Credit": Decimal("0"), "Big": Decimal("1E+3")}

    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, content=request.content, headers={"Content-Type": "application/json"})

    async with rig.client(echo) as client:
        created = await client.post_json("/vouchers", {"Voucher": {"VoucherRows": [row]}})

    assert encode_json({"Voucher": {"VoucherRows": [row]}}) == (
        b'{"Voucher":{"VoucherRows":[{"Account":1930,"Debit":0.30,"Credit":0.00,"Big":1000.00}]}}'
    )
    assert created["Voucher"]["VoucherRows"][0]["Debit"] == Decimal("0.30")
    assert floats_in(created) == []


async def test_recorded_amounts_parse_as_decimal(rig):
    async with rig.client(Script(answer(200, raw=b'{"Account":{"BalanceCarriedForward":3002.91}}'))) as client:
        account = await client.get_json("/accounts/1931")
    assert account["Account"]["BalanceCarriedForward"] == Decimal("3002.91")


@pytest.mark.parametrize(
    ("value", "error"),
    [(0.1, TypeError), (Decimal("0.125"), ValueError), (Decimal("NaN"), ValueError), ({1: "x"}, TypeError)],
)
def test_encoder_refuses_float_sub_ore_amounts_and_non_string_keys(value, error):
    with pytest.raises(error):
        encode_json({"Debit": value})


async def test_get_to_file_streams_binary_and_refuses_beyond_the_limit(rig, tmp_path):
    sie = "#FLAGGA 0\r\n#FNAMN \"Åkeri AB\"\r\n".encode("cp437") * 1000
    script = Script((200, sie, {"Content-Type": "application/octet-stream"}))
    async with rig.client(script) as client:
        assert await client.get_to_file("/sie/4", tmp_path / "export.se", {"financialyear": 1}) == len(sie)
        assert await client.get_bytes("/sie/4") == sie
        with pytest.raises(FortnoxError, match="import limit of 1 000 bytes"):
            await client.get_to_file("/sie/4", tmp_path / "big.se", max_bytes=1000)
    assert (tmp_path / "export.se").read_bytes() == sie
    assert sorted(path.name for path in tmp_path.iterdir()) == ["export.se"]  # no partial file left behind
    assert client.stats.bytes_received >= 2 * len(sie)


async def test_get_to_file_starts_over_when_a_download_is_cut_off(rig, loopback, tmp_path):
    whole = http_answer(200, {"data": "x" * 5000})
    server = await loopback(whole[:-2000], whole)
    async with rig.client(api_url=server.api_url) as client:
        written = await client.get_to_file("/sie/4", tmp_path / "export.se")
    body = whole.split(b"\r\n\r\n", 1)[1]
    assert written == len(body) and (tmp_path / "export.se").read_bytes() == body


async def test_clients_of_one_tenant_share_the_process_wide_limit(rig):
    started: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        started.append(time.monotonic())
        return httpx.Response(200, json={})

    async def job() -> None:
        transport = httpx.MockTransport(handler)
        async with FortnoxClient(API, rig.tokens, transport=transport, tenant_key="tenant-9") as client:
            for _ in range(5):
                await client.get_json("/accounts")

    await asyncio.gather(job(), job())
    started.sort()
    assert all(later - earlier >= 0.95 for earlier, later in zip(started, started[4:]))


async def test_no_token_in_any_error_or_log_line(rig, loopback, caplog):
    caplog.set_level(logging.DEBUG)
    server = await loopback("drop")
    failures = [
        (Script(answer(401, {"message": "unauthorized"})), "GET"),
        (Script(httpx.ConnectError("refused")), "GET"),
        (Script(answer(400, {"ErrorInformation": {"code": 2000359, "message": "Ogiltiga tecken"}})), "POST"),
        (Script(answer(500, {})), "POST"),
        (None, "POST"),
    ]
    errors = []
    for script, method in failures:
        async with rig.client(script, api_url=server.api_url if script is None else API) as client:
            with pytest.raises(FortnoxError) as caught:
                if method == "GET":
                    await client.get_json("/accounts")
                else:
                    await client.post_json("/vouchers", VOUCHER)
            errors.append(caught.value)

    assert len({type(error) for error in errors}) == 4
    for error in errors:
        shown = [str(error), repr(error), str(error.__cause__), repr(error.__cause__), repr(error.__dict__)]
        assert not any(secret in text for text in shown for secret in (SECRET, REFRESHED)), shown
    assert caplog.records and SECRET not in caplog.text and REFRESHED not in caplog.text


# End to end: the sandbox served by uvicorn on loopback, connected through its consent page like bokslut connects.


class SandboxTokens:
    """A TokenSource holding one sandbox connection; refreshes rotate the refresh token as Fortnox does."""

    def __init__(self, running: RunningSandbox, http: httpx.AsyncClient) -> None:
        self.fortnox = FortnoxSettings(
            client_id=running.client_id,
            client_secret=running.client_secret,
            redirect_uri=running.redirect_uri,
            auth_url=running.auth_url,
            api_url=running.api_url,
        )
        self.http = http
        self.refreshes = 0
        self.tokens = None

    async def connect(self, org_number: str) -> None:
        request = authorization_request(self.fortnox)
        redirect = await give_consent(request.url, org_number)
        code = code_from_callback(redirect, request.state)
        self.tokens = await exchange_code(self.http, self.fortnox, code, request.redirect_uri)

    async def access_token(self) -> str:
        return self.tokens.access_token

    async def refreshed_access_token(self) -> str:
        self.refreshes += 1
        self.tokens = await refresh(self.http, self.fortnox, self.tokens.refresh_token)
        return self.tokens.access_token


class Live:
    """A running sandbox, a connection to Nordljus, and clients whose waiting moves the sandbox's clock, not time."""

    def __init__(self, running: RunningSandbox, tokens: SandboxTokens) -> None:
        self.running = running
        self.sandbox = running.sandbox
        self.tokens = tokens

    def now(self) -> float:
        return self.sandbox.clock.now().timestamp()

    async def sleep(self, seconds: float) -> None:
        self.sandbox.clock.advance(seconds)
        await asyncio.sleep(0)

    def limiter(self, limits=DEFAULT_LIMITS) -> RateLimiter:
        return RateLimiter(limits, clock=self.now, sleep=self.sleep)

    def client(self, limiter: RateLimiter | None = None) -> FortnoxClient:
        return FortnoxClient(self.running.api_url, self.tokens, limiter=limiter or self.limiter(), sleep=self.sleep)

    def posted(self) -> list:
        return self.sandbox.vouchers_posted(NORDLJUS.tenant_id)

    def voucher_count(self, year_id: int) -> int:
        return sum(1 for _ in self.sandbox.company(NORDLJUS.tenant_id).book(year_id).ordered(None))


@pytest.fixture
async def live():
    with running_sandbox(SandboxConfig(vouchers_per_year=150)) as running:
        async with httpx.AsyncClient(timeout=10.0) as http:
            tokens = SandboxTokens(running, http)
            await tokens.connect(NORDLJUS.org_number)
            yield Live(running, tokens)


YEAR_2025 = {"financialyear": 2}
CLOSING = {
    "Voucher": {
        "Description": "Årets resultat",
        "TransactionDate": "2025-12-31",
        "VoucherSeries": "A",
        "VoucherRows": [
            {"Account": 8999, "Debit": Decimal("0.1") + Decimal("0.2"), "Credit": Decimal("0")},
            {"Account": 2099, "Debit": Decimal("0"), "Credit": Decimal("0.30")},
        ],
    }
}


async def test_sandbox_paged_reads_stay_under_its_rate_limit_even_for_two_jobs(live):
    shared = live.limiter()
    async with live.client(shared) as first, live.client(shared) as second:
        vouchers, accounts = await asyncio.gather(
            first.get_all("/vouchers", "Vouchers", {**YEAR_2025, "limit": 5}),
            second.get_all("/accounts", "Accounts", {**YEAR_2025, "limit": 20}),
        )
    assert len(vouchers) == live.voucher_count(2) > 100
    assert len(accounts) == len(live.sandbox.company(NORDLJUS.tenant_id).chart(2))
    assert first.stats.requests + second.stats.requests > 25  # more than one window's worth
    assert first.stats.rate_limited == second.stats.rate_limited == 0


async def test_sandbox_429s_without_the_throttle_are_waited_out(live):
    async with live.client(live.limiter([(10_000, 1.0)])) as client:
        vouchers = await client.get_all("/vouchers", "Vouchers", {**YEAR_2025, "limit": 3})
    pages = -(-live.voucher_count(2) // 3)
    assert len(vouchers) == live.voucher_count(2)
    assert client.stats.rate_limited > 0
    assert client.stats.requests == pages + client.stats.rate_limited


async def test_sandbox_posts_a_closing_voucher_with_exact_amounts(live):
    async with live.client() as client:
        created = await client.post_json("/vouchers", CLOSING, YEAR_2025)
    rows = created["Voucher"]["VoucherRows"]
    assert [(row["Account"], row["Debit"], row["Credit"]) for row in rows] == [
        (8999, Decimal("0.30"), Decimal("0.00")),
        (2099, Decimal("0.00"), Decimal("0.30")),
    ]
    assert floats_in(created) == []
    assert len(live.posted()) == 1


async def test_sandbox_post_committed_but_answer_dropped_is_unknown_and_not_duplicated(live):
    live.sandbox.faults.drop_after_commit(1)
    async with live.client() as client:
        with pytest.raises(FortnoxOutcomeUnknown):
            await client.post_json("/vouchers", CLOSING, YEAR_2025)
    assert client.stats.requests == 1
    assert len(live.posted()) == 1  # Fortnox has it: resending would have made two


async def test_sandbox_post_answered_503_is_unknown_after_one_attempt(live):
    live.sandbox.faults.fail(1, status=503)
    async with live.client() as client:
        with pytest.raises(FortnoxOutcomeUnknown, match="HTTP 503"):
            await client.post_json("/vouchers", CLOSING, YEAR_2025)
    assert client.stats.requests == 1


async def test_sandbox_post_answered_429_is_sent_again_and_saved_once(live):
    live.sandbox.faults.throttle(1, retry_after=5)
    async with live.client() as client:
        await client.post_json("/vouchers", CLOSING, YEAR_2025)
    assert client.stats.requests == 2 and client.stats.rate_limited == 1
    assert len(live.posted()) == 1


async def test_sandbox_get_survives_a_drop_and_an_outage_page(live):
    live.sandbox.faults.drop(1, path="/3/companyinformation")
    live.sandbox.faults.fail(1, status=502, path="/3/companyinformation")
    async with live.client() as client:
        info = await client.get_json("/companyinformation")
    assert info["CompanyInformation"]["OrganizationNumber"] == NORDLJUS.org_number
    assert client.stats.requests == 3


async def test_sandbox_expired_access_token_is_refreshed_once(live):
    live.sandbox.oauth.expire_access_tokens()
    async with live.client() as client:
        years = await client.get_all("/financialyears", "FinancialYears")
    assert sorted(year["Id"] for year in years) == [1, 2, 3]
    assert live.tokens.refreshes == 1


async def test_sandbox_sie_export_streams_to_a_file(live, tmp_path):
    async with live.client() as client:
        size = await client.get_to_file("/sie/4", tmp_path / "nordljus.se", YEAR_2025)
    text = (tmp_path / "nordljus.se").read_bytes().decode("cp437")
    assert size > 1000 and text.startswith("#FLAGGA")
