"""Fortnox's OpenAPI spec (shared/fortnox/openapi) as a check of exchanges: the client's requests (path, method,
path and query parameters, JSON body) and the sandbox's answers (the operation's response schema).

The spec is Fortnox's own but has known errors and gaps; each one this check tolerates is in an allow-list below
with its reason. Anything else the spec does not allow fails: a new request shape must be allowed by the spec, or
be argued into an allow-list here.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache

import jsonschema

from fortnox_sandbox.recording import NOT_JSON, Exchange
from tests.conftest import SHARED

OPENAPI = SHARED / "fortnox" / "openapi" / "fortnox-openapi.json"

# --- the allow-lists: the spec's own known errors ------------------------------------------------------------------

# Every list pages with `limit` and `page` (reference 3.3, the recordings get_vouchers.yml and
# get_financial_years_page_size_1.yml), but the spec documents them on no operation.
PAGING = frozenset({"limit", "page"})

# Query parameters real Fortnox takes where the spec lists none, or spells them otherwise.
UNDOCUMENTED_QUERY: dict[tuple[str, str], frozenset[str]] = {
    # The spec spells it `Date`; real calls use lower case (recording get_financial_year_for.yml: ?date=2011-07-13).
    ("GET", "/3/financialyears"): frozenset({"date"}),
    # The spec spells it `financialYear`; real calls use lower case (reference 3.6).
    ("GET", "/3/sie/{Type}"): frozenset({"financialyear"}),
    # Per-year resources take the year as every bookkeeping call does; the spec forgets it here (recordings
    # get_single_account.yml ?financialyear=2, account_balances.yml /accounts?financialyear=4).
    ("GET", "/3/accounts"): frozenset({"financialyear"}),
    ("GET", "/3/accounts/{Number}"): frozenset({"financialyear"}),
    ("GET", "/3/voucherseries"): frozenset({"financialyear"}),
    ("GET", "/3/voucherseries/{Code}"): frozenset({"financialyear"}),
    ("GET", "/3/vouchers/sublist"): frozenset({"financialyear"}),
}

# Required body fields the real service does not require: POST /3/vouchers takes the financial year from the
# `financialyear` query (reference 5.1), although the spec marks fortnox_Voucher.Year required.
NOT_REQUIRED_IN_REQUESTS: dict[tuple[str, str], dict[str, frozenset[str]]] = {
    ("POST", "/3/vouchers"): {"fortnox_Voucher": frozenset({"Year"})},
}

# Fields real answers carry as null although the spec types them as plain strings (the recordings: VATCode in
# get_single_account.yml, EndDate/StartDate/ProjectLeader in projects_all.yml, Comments/ContactPerson in
# projects_find_id_1.yml and get_single_voucher.yml).
NULL_IN_ANSWERS = frozenset({"VATCode", "Comments", "EndDate", "StartDate", "ProjectLeader", "ContactPerson"})

# Answers whose status the spec does not describe as Fortnox sends them:
# - GET /3/sie/{Type} lists 204 although the file comes as a stream with 200 (README of shared/fortnox);
# - 401 is {"message":"unauthorized"} without ErrorInformation (authentication_expired_token.yml);
# - 429 is Fortnox's rate limit answer, {"message": ...} with Retry-After (reference 3.4), not in the spec.
STREAMED = frozenset({("GET", "/3/sie/{Type}")})
BARE_MESSAGE_STATUSES = frozenset({401, 429})

# 400 validation errors come with lower-case keys (invoices_filter_invalid.yml), other errors capitalised
# (projects_find_failure.yml); the spec knows only the capitalised ones.
ERROR_KEYS = {"error": "Error", "message": "Message", "code": "Code"}


# --- the spec as JSON Schema ------------------------------------------------------------------------------------


@cache
def spec() -> dict:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


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
        if "type" in schema and (schema.get("nullable") or name in NULL_IN_ANSWERS):
            converted["type"] = [schema["type"], "null"]
        return converted

    schemas = {name: convert(schema) for name, schema in spec()["components"]["schemas"].items()}
    meta = {"$ref": "#/components/schemas/fortnox_MetaInformation"}
    for schema in schemas.values():  # the spec leaves MetaInformation out of most list envelopes
        if schema.get("properties") and any(s.get("type") == "array" for s in schema["properties"].values()):
            schema["properties"].setdefault("MetaInformation", meta)
    return schemas


@cache
def _request_components(method: str, template: str) -> dict:
    """For request bodies: no recorded nulls (bokslut sends none), and the allow-listed required fields dropped."""

    def strict(schema: object) -> object:
        if isinstance(schema, list):
            return [strict(item) for item in schema]
        if not isinstance(schema, dict):
            return schema
        converted = {key: strict(value) for key, value in schema.items() if key != "nullable"}
        if "properties" in schema:
            converted["additionalProperties"] = False
        if "type" in schema and schema.get("nullable"):
            converted["type"] = [schema["type"], "null"]
        return converted

    schemas = {name: strict(schema) for name, schema in spec()["components"]["schemas"].items()}
    for name, fields in NOT_REQUIRED_IN_REQUESTS.get((method, template), {}).items():
        schemas[name] = copy.deepcopy(schemas[name])
        schemas[name]["required"] = [field for field in schemas[name].get("required", []) if field not in fields]
    return schemas


def problems_of(instance: object, ref: str, schemas: dict) -> list[str]:
    schema = {"$ref": ref, "components": {"schemas": schemas}}
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path)) or '$'}: {error.message}" for error in errors[:5]]


def assert_valid(instance: object, schema_name: str) -> None:
    problems = problems_of(instance, f"#/components/schemas/{schema_name}", components())
    assert not problems, "\n".join(problems)


# --- operations ---------------------------------------------------------------------------------------------------


def operation(method: str, path: str) -> tuple[str, dict, dict[str, str]] | None:
    """The spec's operation for a concrete request: (path template, operation, path parameters), the template with
    the most literal segments winning (/3/vouchers/sublist/A is the sublist, not voucher "sublist" number "A")."""
    segments = path.rstrip("/").split("/")
    best: tuple[int, str, dict, dict[str, str]] | None = None
    for template, operations in spec()["paths"].items():
        found = operations.get(method.lower())
        parts = template.split("/")
        if found is None or len(parts) != len(segments):
            continue
        values: dict[str, str] = {}
        literal = 0
        for part, segment in zip(parts, segments, strict=True):
            name = re.fullmatch(r"\{(\w+)\}", part)
            if name:
                values[name.group(1)] = segment
            elif part == segment:
                literal += 1
            else:
                break
        else:
            if best is None or literal > best[0]:
                best = (literal, template, found, values)
    return None if best is None else best[1:]


def _value_problem(value: str, schema: dict) -> str | None:
    if schema.get("type") == "integer" and not re.fullmatch(r"-?\d+", value):
        return f"{value!r} is not an integer"
    return None


def request_problems(exchange: Exchange) -> list[str]:
    """What the spec (with its allow-lists) does not allow in the request; empty when it is allowed."""
    found = operation(exchange.method, exchange.path)
    if found is None:
        return [f"{exchange.method} {exchange.path}: no such operation in the spec"]
    template, op, path_values = found
    problems = []
    parameters = {(p["in"], p["name"]): p for p in op.get("parameters", []) if "name" in p}
    for name, value in path_values.items():
        problem = _value_problem(value, parameters.get(("path", name), {}).get("schema", {}))
        if problem:
            problems.append(f"path parameter {name}: {problem}")
    documented = {name for where, name in parameters if where == "query"}
    allowed = documented | UNDOCUMENTED_QUERY.get((exchange.method, template), frozenset())
    if exchange.method == "GET" and _is_list(op):
        allowed |= PAGING
    for name, value in exchange.query:
        if name not in allowed:
            problems.append(f"query parameter {name!r} is not in the spec (allowed: {sorted(allowed)})")
        elif ("query", name) in parameters:
            problem = _value_problem(value, parameters[("query", name)].get("schema", {}))
            if problem:
                problems.append(f"query parameter {name}: {problem}")
    for (where, name), parameter in parameters.items():
        if where == "query" and parameter.get("required") and name not in dict(exchange.query):
            problems.append(f"required query parameter {name} is missing")
    body = op.get("requestBody")
    if exchange.body is NOT_JSON:
        problems.append("the body is not JSON")
    elif exchange.body is not None and body is None:
        problems.append("the operation takes no body")
    elif body is not None:
        ref = next(iter(body["content"].values()))["schema"]["$ref"]
        if exchange.body is None:
            problems.append(f"the body is missing ({ref})")
        else:
            schemas = _request_components(exchange.method, template)
            problems += [f"body {problem}" for problem in problems_of(exchange.body, ref, schemas)]
    return [f"{exchange}: {problem}" for problem in problems]


def answer_problems(exchange: Exchange) -> list[str]:
    """What in the sandbox's answer the spec's response schema for the operation does not allow."""
    found = operation(exchange.method, exchange.path)
    if found is None:
        return []  # the request's own problem
    template, op, _ = found
    responses = op.get("responses", {})
    if exchange.status in BARE_MESSAGE_STATUSES:
        shape_ok = isinstance(exchange.answer, dict) and set(exchange.answer) == {"message"}
        return [] if shape_ok else [f"{exchange}: not Fortnox's bare {{\"message\": ...}} answer"]
    if (exchange.method, template) in STREAMED and exchange.status == 200:
        return [] if exchange.answer is None else [f"{exchange}: a stream was expected, not JSON"]
    described = responses.get(str(exchange.status)) or (responses.get("default") if exchange.status >= 400 else None)
    if described is None:
        return [f"{exchange}: the spec describes no {exchange.status} answer"]
    content = described.get("content", {}).get("application/json")
    if content is None:
        return [] if exchange.answer is None else [f"{exchange}: the spec describes no JSON body"]
    if exchange.answer is None:
        return [f"{exchange}: a JSON answer was expected, got {exchange.content_type or 'nothing'}"]
    answer = exchange.answer
    if exchange.status == 400 and isinstance(answer, dict) and isinstance(answer.get("ErrorInformation"), dict):
        answer = {"ErrorInformation": {ERROR_KEYS.get(k, k): v for k, v in answer["ErrorInformation"].items()}}
    return [f"{exchange}: answer {problem}" for problem in problems_of(answer, content["schema"]["$ref"], components())]


def _is_list(op: dict) -> bool:
    ref = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
    name = ref.get("$ref", "").rsplit("/", 1)[-1]
    properties = spec()["components"]["schemas"].get(name, {}).get("properties", {})
    return any(schema.get("type") == "array" for schema in properties.values())


def contract_problems(exchanges: list[Exchange]) -> list[str]:
    """Every request checked, every answer checked; each distinct problem once. A request its client abandoned
    half-sent (a time-out in the fault tests) never reached Fortnox whole: there is no shape to hold to the spec."""
    problems: dict[str, None] = {}
    for exchange in exchanges:
        if exchange.abandoned:
            continue
        for problem in request_problems(exchange) + answer_problems(exchange):
            problems.setdefault(problem)
    return list(problems)


def assert_contract_kept(exchanges: list[Exchange]) -> None:
    """For an end-to-end test's teardown: every request it made, and every answer, as the spec allows. Without
    ../shared there is no spec to hold them to (test_contract.py says so as a skip)."""
    if not OPENAPI.exists():
        return
    problems = contract_problems(exchanges)
    assert not problems, "outside Fortnox's OpenAPI spec:\n" + "\n".join(problems)
