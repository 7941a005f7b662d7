"""The sandbox answers like the recorded real Fortnox and like Fortnox's own OpenAPI schemas.

Recorded exchanges (shared/fortnox/cassettes) fix key names, key casing and JSON types; the OpenAPI spec
(shared/fortnox/openapi) fixes the fields each resource may carry. Token responses are test_oauth.py's business.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache

import pytest
import yaml

from fortnox_sandbox.api import to_json
from fortnox_sandbox.recording import Exchange
from tests.conftest import SHARED as SHARED_ROOT
from tests.fortnox_sandbox.openapi import answer_problems, assert_valid, request_problems

SHARED = SHARED_ROOT / "fortnox"
CASSETTES = SHARED / "cassettes"
OPENAPI = SHARED / "openapi" / "fortnox-openapi.json"

# Known, documented differences between the 2014-2015 recordings and today's API (reference 3.5):
# Project on accounts and voucher rows was 0 then and is "" now (and in the spec).
NEWER_TYPES = {"Project": ("number", "string")}

pytestmark = pytest.mark.skipif(
    not SHARED.exists(),
    reason=f"{SHARED} is missing: ../shared (recordings and OpenAPI spec) is not beside the checkout",
)


@cache
def cassette(name: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads the 1.4 MB recording in a blink
    return yaml.load((CASSETTES / name).read_text(encoding="utf-8"), Loader=loader)


def recorded(name: str, interaction: int = 0) -> tuple[int, dict]:
    """Status and JSON body of one recorded exchange; `name` is relative to the cassettes folder."""
    response = cassette(name)["http_interactions"][interaction]["response"]
    return response["status"]["code"], json.loads(response["body"]["string"], parse_float=Decimal)


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, Decimal)):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def assert_same_shape(real: object, ours: object, where: str = "$") -> None:
    """Every key the recording has exists in our answer with the same casing and JSON type (recursively)."""
    real_type, our_type = json_type(real), json_type(ours)
    key = where.rsplit(".", 1)[-1]
    assert real_type == our_type or NEWER_TYPES.get(key) == (real_type, our_type), f"{where}: {real_type} vs {our_type}"
    if isinstance(real, dict):
        missing = set(real) - set(ours)
        assert not missing, f"{where} lacks {sorted(missing)} (has {sorted(ours)})"
        for name in real:
            assert_same_shape(real[name], ours[name], f"{where}.{name}")
    elif isinstance(real, list) and real and ours:
        assert_same_shape(real[0], ours[0], f"{where}[0]")


async def body(client, path: str, status: int = 200, **params) -> dict:
    answer = await client.get(path, params=params)
    assert answer.status_code == status, answer.text
    return json.loads(answer.content, parse_float=Decimal)


# --- recordings ----------------------------------------------------------------------------------------------


async def test_single_account_matches_the_recording(api):
    _, real = recorded("arsredovisning-online-fortnox-client/get_single_account.yml")
    assert_same_shape(real, await body(api, "/3/accounts/1930", financialyear=2))


async def test_account_list_items_match_the_recording(api):
    _, real = recorded("arsredovisning-online-fortnox-client/account_balances.yml", 2)
    assert "Accounts" in real
    assert_same_shape(real, await body(api, "/3/accounts", financialyear=2))


async def test_single_voucher_matches_the_recording(api):
    _, real = recorded("arsredovisning-online-fortnox-client/get_single_voucher.yml")
    ours = await body(api, "/3/vouchers/A/5", financialyear=2)
    assert_same_shape(real, ours)
    assert [row["Removed"] for row in ours["Voucher"]["VoucherRows"]].count(True) == 2


async def test_voucher_list_items_match_the_recording(api):
    _, real = recorded("arsredovisning-online-fortnox-client/get_limited_voucher_list.yml")
    assert_same_shape(real, await body(api, "/3/vouchers", financialyear=2, limit=100, todate="2025-03-31"))


async def test_financial_years_page_like_the_recording(api):
    _, first = recorded("arsredovisning-online-fortnox-client/get_financial_years_page_size_1.yml", 0)
    _, second = recorded("arsredovisning-online-fortnox-client/get_financial_years_page_size_1.yml", 1)
    ours_first = await body(api, "/3/financialyears", limit=1)
    ours_second = await body(api, "/3/financialyears", limit=1, page=2)
    assert_same_shape(first, ours_first)
    assert ours_first["MetaInformation"] == {"@TotalResources": 3, "@TotalPages": 3, "@CurrentPage": 1}
    assert ours_second["MetaInformation"]["@CurrentPage"] == second["MetaInformation"]["@CurrentPage"] == 2
    _, with_method = recorded("arsredovisning-online-fortnox-client/account_balances.yml", 0)
    assert_same_shape(with_method, await body(api, "/3/financialyears", date="2025-07-31"))


async def test_a_date_outside_every_year_gives_the_recorded_empty_list(api):
    _, real = recorded("arsredovisning-online-fortnox-client/get_financial_year_for_wrong_date.yml")
    assert await body(api, "/3/financialyears", date="2011-06-13") == real


async def test_projects_match_the_recordings(api):
    _, real_list = recorded("accodeing-fortnox-api/projects_all.yml")
    ours_list = await body(api, "/3/projects")
    assert_same_shape(real_list, ours_list)
    assert set(ours_list["Projects"][0]) == set(real_list["Projects"][0])
    _, real_one = recorded("accodeing-fortnox-api/projects_find_id_1.yml")
    ours_one = await body(api, "/3/projects/0001")
    assert_same_shape(real_one, ours_one)
    assert set(ours_one["Project"]) == set(real_one["Project"])


async def test_project_not_found_is_the_recorded_404(api):
    status, real = recorded("accodeing-fortnox-api/projects_find_failure.yml")
    assert await body(api, "/3/projects/123456789", status) == real


async def test_an_invalid_filter_is_the_recorded_400(api):
    status, real = recorded("accodeing-fortnox-api/invoices_filter_invalid.yml")
    assert await body(api, "/3/vouchers", status, filter="doesntexist") == real


async def test_an_expired_token_is_the_recorded_401(api, asgi_sandbox):
    status, real = recorded("accodeing-fortnox-api/authentication_expired_token.yml")
    asgi_sandbox.oauth.expire_access_tokens()
    answer = await api.get("/3/companyinformation")
    assert answer.status_code == status and answer.headers["content-type"] == "application/json"
    assert answer.json() == real


def test_json_is_written_like_fortnox_writes_it():
    """Escaped slashes and non-ASCII, and amounts without trailing zeros, as in the recordings."""
    _, real = recorded("arsredovisning-online-fortnox-client/get_single_voucher.yml")
    assert '"Debit":92.7' in to_json(real) and "https:\\/\\/api.fortnox.se" in to_json(real)
    assert to_json({"Credit": Decimal("38780.00"), "Debit": Decimal("0.00"), "Name": "Företag"}) == (
        '{"Credit":38780,"Debit":0,"Name":"F\\u00f6retag"}'
    )
    with pytest.raises(TypeError):
        to_json({"Debit": 1.5})


# --- OpenAPI schemas -------------------------------------------------------------------------------------------


SCHEMAS = {
    "/3/companyinformation": "fortnox_CompanyInfo_Wrap",
    "/3/financialyears": "fortnox_FinancialYear_WrapList",
    "/3/financialyears/2": "fortnox_FinancialYear_Wrap",
    "/3/accounts": "fortnox_AccountListItem_Wrap",
    "/3/accounts/1930": "fortnox_AccountSingleItem_Wrap",
    "/3/vouchers": "fortnox_VoucherListItem_List",
    "/3/vouchers/sublist/A": "fortnox_VoucherListItem_List",
    "/3/vouchers/A/5": "fortnox_Voucher_Wrap",
    "/3/voucherseries": "fortnox_VoucherSeriesListItem_List",
    "/3/voucherseries/I": "fortnox_VoucherSeries_Wrap",
    "/3/costcenters": "fortnox_CostCenter_List",
    "/3/costcenters/10": "fortnox_CostCenter_Wrap",
    "/3/projects": "fortnox_ProjectListItem_List",
    "/3/projects/0001": "fortnox_Project_Wrap",
    "/3/settings/lockedperiod": "fortnox_LockedPeriod_Wrap",
    "/3/projects/999": "fortnox_ErrorInformationWrap",
}


@pytest.mark.parametrize("path, schema_name", SCHEMAS.items(), ids=SCHEMAS.keys())
async def test_answers_follow_the_openapi_schemas(api, path, schema_name):
    answer = await api.get(path, params={"financialyear": 2} if "/3/accounts" in path or "voucher" in path else {})
    assert answer.status_code == (404 if schema_name == "fortnox_ErrorInformationWrap" else 200), answer.text
    assert_valid(json.loads(answer.content, parse_float=Decimal), schema_name)


async def test_a_posted_voucher_follows_the_openapi_schema(api):
    voucher = {
        "Description": "Bokslut", "TransactionDate": "2025-12-31", "VoucherSeries": "I",
        "VoucherRows": [{"Account": 8910, "Debit": 10}, {"Account": 2512, "Credit": 10}],
    }  # fmt: skip
    answer = await api.post("/3/vouchers", params={"financialyear": 2}, content=to_json({"Voucher": voucher}))
    assert answer.status_code == 201, answer.text
    assert_valid(json.loads(answer.content, parse_float=Decimal), "fortnox_Voucher_Wrap")


def test_the_schema_check_refuses_what_fortnox_would_not_send():
    """Guards the guard: a made-up key, a wrong type and a null where nothing allows it all fail."""
    wrongs = ({"Invented": 1}, {"VoucherNumber": "1"}, {"Description": None})
    for wrong in ({"Voucher": voucher} for voucher in wrongs):
        with pytest.raises(AssertionError):
            assert_valid(wrong, "fortnox_Voucher_Wrap")


# --- the client's requests held to the spec (the end-to-end tests check theirs at teardown) ----------------------


def exchange(method: str, path: str, query: dict | None = None, body: object = None, status: int = 200, answer=None):
    return Exchange(method, path, tuple((query or {}).items()), body, status, "application/json", answer)


VOUCHER = {
    "Description": "Bokslut", "TransactionDate": "2025-12-31", "VoucherSeries": "I",
    "Comments": "Bokslutsverifikation från bokslut, bokslut:0123456789abcdef",
    "VoucherRows": [{"Account": 8910, "Debit": 10}, {"Account": 2512, "Credit": 10, "TransactionInformation": "x"}],
}  # fmt: skip

ALLOWED = {
    "the voucher POST without Year (taken from the query)": exchange("POST", "/3/vouchers", {"financialyear": "2"}, {"Voucher": VOUCHER}),
    "paging a list": exchange("GET", "/3/vouchers/sublist/I", {"financialyear": "2", "limit": "500", "page": "2"}),
    "a SIE file's year in lower case": exchange("GET", "/3/sie/4", {"financialyear": "2"}),
    "financial years by date in lower case": exchange("GET", "/3/financialyears", {"date": "2025-12-31"}),
    "one account of a year": exchange("GET", "/3/accounts/1930", {"financialyear": "2"}),
    "a series' next number": exchange("GET", "/3/voucherseries/I", {"financialyear": "2"}),
    "one voucher": exchange("GET", "/3/vouchers/I/12", {"financialyear": "2"}),
}  # fmt: skip

REFUSED = {
    "an unknown path": exchange("GET", "/3/voucherlist"),
    "a method the path lacks": exchange("DELETE", "/3/vouchers/I/12"),
    "an unknown query parameter": exchange("GET", "/3/vouchers", {"financialyear": "2", "voucherseries": "I"}),
    "the spec's spelling is not ours to vary": exchange("GET", "/3/accounts/1930", {"FinancialYear": "2"}),
    "a year that is no integer": exchange("GET", "/3/vouchers", {"financialyear": "2025-12-31"}),
    "a voucher number that is no integer": exchange("GET", "/3/vouchers/I/twelve"),
    "paging where nothing is listed": exchange("GET", "/3/companyinformation", {"limit": "500"}),
    "a voucher field the spec lacks": exchange("POST", "/3/vouchers", body={"Voucher": {**VOUCHER, "Marker": "x"}}),
    "a voucher without its text": exchange("POST", "/3/vouchers", body={"Voucher": {k: v for k, v in VOUCHER.items() if k != "Description"}}),
    "one row only": exchange("POST", "/3/vouchers", body={"Voucher": {**VOUCHER, "VoucherRows": VOUCHER["VoucherRows"][:1]}}),
    "an account as text": exchange("POST", "/3/vouchers", body={"Voucher": {**VOUCHER, "VoucherRows": [{"Account": "8910"}] * 2}}),
    "a row text over 100 characters": exchange("POST", "/3/vouchers", body={"Voucher": {**VOUCHER, "VoucherRows": [{"Account": 8910, "TransactionInformation": "x" * 101}] * 2}}),
    "a POST without a body": exchange("POST", "/3/vouchers"),
    "a body where the operation takes none": exchange("GET", "/3/vouchers", body={"Voucher": VOUCHER}),
}  # fmt: skip


@pytest.mark.parametrize("request_made", ALLOWED.values(), ids=ALLOWED.keys())
def test_the_allow_lists_let_through_what_fortnox_takes(request_made):
    assert request_problems(request_made) == []


@pytest.mark.parametrize("request_made", REFUSED.values(), ids=REFUSED.keys())
def test_a_request_shape_the_spec_does_not_allow_fails(request_made):
    assert request_problems(request_made)


def test_answers_are_held_to_the_operations_schema_with_the_known_exceptions():
    """The allow-listed ways real answers differ from the spec pass; a made-up field or an undescribed status fails."""
    assert answer_problems(exchange("GET", "/3/companyinformation", status=401, answer={"message": "unauthorized"})) == []
    assert answer_problems(exchange("GET", "/3/sie/4", answer=None)) == []
    lower = {"ErrorInformation": {"error": 1, "message": "Ett ogiltigt filter har använts.", "code": 2000587}}
    assert answer_problems(exchange("GET", "/3/vouchers", status=400, answer=lower)) == []
    assert answer_problems(exchange("GET", "/3/voucherseries/I", answer={"VoucherSeries": {"Code": "I", "Invented": 1}}))
    assert answer_problems(exchange("GET", "/3/companyinformation", status=401, answer={"ErrorInformation": {}}))
    assert answer_problems(exchange("POST", "/3/vouchers", status=200, answer={"Voucher": {}}))  # the spec says 201


async def test_the_sandbox_records_what_a_real_client_sent_over_http():
    """The recorder and the check together, over loopback: the end-to-end tests rely on both."""
    import httpx

    from fortnox_sandbox.app import SandboxConfig
    from fortnox_sandbox.serve import running_sandbox
    from tests.fortnox_sandbox.conftest import access_token
    from tests.fortnox_sandbox.openapi import contract_problems

    with running_sandbox(SandboxConfig(vouchers_per_year=50, record_exchanges=True)) as running:
        async with httpx.AsyncClient(base_url=running.base_url) as client:
            client.headers["Authorization"] = f"Bearer {await access_token(client, running.sandbox)}"
            posted = await client.post("/3/vouchers", params={"financialyear": 2}, content=to_json({"Voucher": VOUCHER}))
            assert posted.status_code == 201, posted.text
            await client.get("/3/vouchers", params={"financialyear": 2, "limit": 100, "sortorder": "descending"})
        recorded_exchanges = running.sandbox.exchanges
    assert [str(made) for made in recorded_exchanges] == [
        "POST /3/vouchers?financialyear=2 -> 201",
        "GET /3/vouchers?financialyear=2&limit=100&sortorder=descending -> 200",
    ]
    assert recorded_exchanges[0].body == json.loads(to_json({"Voucher": VOUCHER}), parse_float=Decimal)
    problems = contract_problems(recorded_exchanges)
    assert len(problems) == 1 and "'sortorder' is not in the spec" in problems[0], problems
