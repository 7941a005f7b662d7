"""The sandbox answers like the recorded real Fortnox and like Fortnox's own OpenAPI schemas.

Recorded exchanges (shared/fortnox/cassettes) fix key names, key casing and JSON types; the OpenAPI spec
(shared/fortnox/openapi) fixes the fields each resource may carry. Token responses are test_oauth.py's business.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from fortnox_sandbox.api import to_json
from tests.conftest import SHARED as SHARED_ROOT

SHARED = SHARED_ROOT / "fortnox"
CASSETTES = SHARED / "cassettes"
OPENAPI = SHARED / "openapi" / "fortnox-openapi.json"

# Known, documented differences between the 2014-2015 recordings and today's API (reference 3.5):
# Project on accounts and voucher rows was 0 then and is "" now (and in the spec).
NEWER_TYPES = {"Project": ("number", "string")}
# Fields the recordings show as null although the spec types them as plain strings.
NULL_IN_RECORDINGS = frozenset({"VATCode", "Comments", "EndDate", "StartDate", "ProjectLeader", "ContactPerson"})

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


@cache
def components() -> dict:
    """The spec's schemas as JSON Schema: nullable honoured, recorded nulls allowed, unknown keys refused."""

    def convert(schema: object, name: str = "") -> object:
        if isinstance(schema, list):
            return [convert(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        converted = {key: convert(value, key) for key, value in schema.items() if key != "nullable"}
        if "properties" in schema:
            converted["properties"] = {key: convert(value, key) for key, value in schema["properties"].items()}
            converted["additionalProperties"] = False
        if "type" in schema and (schema.get("nullable") or name in NULL_IN_RECORDINGS):
            converted["type"] = [schema["type"], "null"]
        return converted

    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    schemas = {name: convert(schema) for name, schema in spec["components"]["schemas"].items()}
    meta = {"$ref": "#/components/schemas/fortnox_MetaInformation"}
    for schema in schemas.values():  # the spec leaves MetaInformation out of most list envelopes
        if schema.get("properties") and any(s.get("type") == "array" for s in schema["properties"].values()):
            schema["properties"].setdefault("MetaInformation", meta)
    return schemas


def assert_valid(instance: dict, schema_name: str) -> None:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": {"schemas": components()}}
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


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
