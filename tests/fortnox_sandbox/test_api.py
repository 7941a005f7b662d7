"""The sandbox's /3/ API through httpx: envelopes, paging, scopes, limits, voucher posting, SIE and faults."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from fortnox_sandbox import api as codes
from fortnox_sandbox.api import to_json
from fortnox_sandbox.app import Sandbox, SandboxConfig, create_sandbox
from fortnox_sandbox.browser import give_consent_blocking
from fortnox_sandbox.data import FJALLBACKEN, NORDLJUS
from fortnox_sandbox.faults import ConnectionDropped
from fortnox_sandbox.serve import running_sandbox
from core.sie.model import Balance, BalanceKind, RowKind, Voucher
from core.sie.reader import SieReader

from .conftest import access_token, asgi_client

LATEST = 2  # Nordljus 2025
PREVIOUS = 1  # Nordljus 2024


def decoded(response: httpx.Response) -> dict:
    return json.loads(response.content, parse_float=Decimal)


def closing_voucher(**changes) -> dict:
    """A valid year-end tax voucher for Nordljus 2025, after the locked period."""
    voucher = {
        "Description": "Bokslut 2025: skatt",
        "TransactionDate": "2025-12-31",
        "VoucherSeries": "I",
        "Comments": "run 42",
        "VoucherRows": [
            {"Account": 8910, "Debit": Decimal("12345.67"), "Credit": 0, "TransactionInformation": "Skatt 20,6 %"},
            {"Account": 2512, "Debit": 0, "Credit": Decimal("12345.67")},
        ],
    }
    voucher.update(changes)
    return voucher


async def post(client: httpx.AsyncClient, voucher: dict, year: int = LATEST) -> httpx.Response:
    body = to_json({"Voucher": voucher})  # Decimal amounts as JSON numbers, as the real client sends them
    return await client.post("/3/vouchers", params={"financialyear": year}, content=body)


def assert_rejected(response: httpx.Response, code: int, status: int = 400) -> str:
    assert response.status_code == status, response.text
    error = decoded(response)["ErrorInformation"]
    if status == 400:
        assert set(error) == {"error", "message", "code"}
        assert error["code"] == code
        return error["message"]
    assert set(error) == {"Error", "Message", "Code"}
    assert error["Code"] == code
    return error["Message"]


# --- companies, years, paging --------------------------------------------------------------------------------


async def test_company_information_names_the_tenant(open_api):
    nordljus, fjallbacken = await open_api(), await open_api(FJALLBACKEN.tenant_id)
    first = decoded(await nordljus.get("/3/companyinformation"))["CompanyInformation"]
    second = decoded(await fjallbacken.get("/3/companyinformation"))["CompanyInformation"]
    assert (first["DatabaseNumber"], first["OrganizationNumber"], first["CompanyName"]) == (
        1105837, "556123-4567", "Nordljus Konsult AB")
    assert (second["DatabaseNumber"], second["OrganizationNumber"]) == (1209341, "559012-3450")


async def test_financial_year_ids_are_small_and_not_chronological(api):
    years = decoded(await api.get("/3/financialyears"))["FinancialYears"]
    assert [(year["Id"], year["FromDate"], year["ToDate"]) for year in years] == [
        (1, "2024-01-01", "2024-12-31"), (2, "2025-01-01", "2025-12-31"), (3, "2023-01-01", "2023-12-31")]
    found = decoded(await api.get("/3/financialyears", params={"date": "2023-06-30"}))
    assert [year["Id"] for year in found["FinancialYears"]] == [3]
    assert decoded(await api.get("/3/financialyears/3"))["FinancialYear"]["FromDate"] == "2023-01-01"
    assert_rejected(await api.get("/3/financialyears/9"), codes.SANDBOX_FINANCIAL_YEAR_NOT_FOUND, 404)


async def test_an_empty_list_says_no_pages_but_page_one(api):
    empty = decoded(await api.get("/3/financialyears", params={"date": "2011-06-13"}))
    meta = {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1}
    assert empty == {"MetaInformation": meta, "FinancialYears": []}


async def test_pages_cover_every_item_once(api):
    first = decoded(await api.get("/3/accounts", params={"financialyear": LATEST}))
    total = first["MetaInformation"]["@TotalResources"]
    assert len(first["Accounts"]) == 100 and first["MetaInformation"]["@TotalPages"] == -(-total // 100)
    numbers = []
    for page in range(1, 5):
        chunk = decoded(await api.get("/3/accounts", params={"financialyear": LATEST, "limit": 70, "page": page}))
        assert chunk["MetaInformation"] == {"@TotalResources": total, "@TotalPages": 4, "@CurrentPage": page}
        numbers += [account["Number"] for account in chunk["Accounts"]]
    assert numbers == sorted(set(numbers)) and len(numbers) == total
    assert len(decoded(await api.get("/3/vouchers", params={"limit": 500}))["Vouchers"]) == 500
    beyond = decoded(await api.get("/3/accounts", params={"page": 99}))
    assert beyond["Accounts"] == [] and beyond["MetaInformation"]["@CurrentPage"] == 99


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"limit": "x"}, {"page": 0}])
async def test_bad_paging_parameters_are_refused(api, params):
    assert_rejected(await api.get("/3/vouchers", params=params), codes.INVALID_PARAMETER)


async def test_an_unknown_filter_is_refused_with_lower_case_keys(api):
    message = assert_rejected(await api.get("/3/vouchers", params={"filter": "doesntexist"}), codes.INVALID_FILTER)
    assert message == "Ett ogiltigt filter har använts."


# --- accounts and vouchers ------------------------------------------------------------------------------------


async def test_accounts_carry_the_rules_the_demo_data_obeys(api, asgi_sandbox):
    def account(number, year):
        return api.get(f"/3/accounts/{number}", params={"financialyear": year})

    assert decoded(await account(1250, PREVIOUS))["Account"]["Active"] is True
    assert decoded(await account(1250, LATEST))["Account"]["Active"] is False
    assert decoded(await account(1010, 3))["Account"]["Active"] is False
    assert decoded(await account(6540, LATEST))["Account"]["CostCenterSettings"] == "MANDATORY"
    assert decoded(await account(1930, LATEST))["Account"]["ProjectSettings"] == "NOTALLOWED"
    assert_rejected(await account(9999, LATEST), codes.ACCOUNT_NOT_FOUND, 404)
    for company in asgi_sandbox.companies.values():
        for year in company.years:
            book = company.book(year.id)
            rows = [row for index in range(len(book)) for row in book.voucher(index).rows]
            assert not [row for row in rows if row.account in (1010, 6540)]
            assert not [row for row in rows if row.account == 1930 and row.project]
            assert year != company.latest or not [row for row in rows if row.account == 1250]


async def test_voucher_lists_carry_no_rows_and_follow_series_then_number(api):
    listed = decoded(await api.get("/3/vouchers", params={"financialyear": LATEST, "limit": 500}))["Vouchers"]
    assert all("VoucherRows" not in item for item in listed)
    keys = [(item["VoucherSeries"], item["VoucherNumber"]) for item in listed]
    assert keys == sorted(keys)
    series_a = decoded(await api.get("/3/vouchers/sublist/A", params={"financialyear": LATEST}))["Vouchers"]
    assert {item["VoucherSeries"] for item in series_a} == {"A"}
    january = decoded(await api.get("/3/vouchers", params={"fromdate": "2025-01-01", "todate": "2025-01-31"}))
    assert {item["TransactionDate"][:7] for item in january["Vouchers"]} == {"2025-01"}


async def test_a_single_voucher_shows_removed_rows_that_balance_each_other(api):
    voucher = decoded(await api.get("/3/vouchers/A/5", params={"financialyear": LATEST}))["Voucher"]
    removed = [row for row in voucher["VoucherRows"] if row["Removed"]]
    kept = [row for row in voucher["VoucherRows"] if not row["Removed"]]
    assert len(removed) == 2 and sum(row["Debit"] - row["Credit"] for row in removed) == 0
    assert sum(row["Debit"] - row["Credit"] for row in kept) == 0
    assert_rejected(await api.get("/3/vouchers/A/99999"), codes.SANDBOX_VOUCHER_NOT_FOUND, 404)


async def test_json_balances_add_up_like_the_recorded_company():
    """IB + the non-removed rows of every voucher = BalanceCarriedForward, walked through the JSON API alone."""
    sandbox = create_sandbox(SandboxConfig(vouchers_per_year=120, rate_limit=False))
    async with asgi_client(sandbox) as client:
        client.headers["Authorization"] = "Bearer " + await access_token(client, sandbox)
        listed = decoded(await client.get("/3/vouchers", params={"financialyear": PREVIOUS, "limit": 500}))
        movements: dict[int, Decimal] = defaultdict(Decimal)
        for item in listed["Vouchers"]:
            url = f"/3/vouchers/{item['VoucherSeries']}/{item['VoucherNumber']}"
            voucher = decoded(await client.get(url, params={"financialyear": PREVIOUS}))["Voucher"]
            for row in voucher["VoucherRows"]:
                if not row["Removed"]:
                    movements[row["Account"]] += row["Debit"] - row["Credit"]
        assert listed["MetaInformation"]["@TotalResources"] == len(listed["Vouchers"]) > 100
        for number, movement in movements.items():
            account = decoded(await client.get(f"/3/accounts/{number}", params={"financialyear": PREVIOUS}))["Account"]
            assert account["BalanceBroughtForward"] + movement == account["BalanceCarriedForward"], number


# --- posting ----------------------------------------------------------------------------------------------------


async def test_a_posted_voucher_takes_the_next_number_and_shows_everywhere(api, asgi_sandbox):
    series = decoded(await api.get("/3/voucherseries/I", params={"financialyear": LATEST}))["VoucherSeries"]
    before = decoded(await api.get("/3/accounts/8910", params={"financialyear": LATEST}))["Account"]
    answer = await post(api, closing_voucher())
    assert answer.status_code == 201, answer.text
    created = decoded(answer)["Voucher"]
    assert (created["VoucherSeries"], created["Year"]) == ("I", LATEST)
    assert created["VoucherNumber"] == series["NextVoucherNumber"]
    assert created["VoucherRows"][0]["Debit"] == Decimal("12345.67")
    assert created["VoucherRows"][0]["Description"] == "Skatt som belastar årets resultat"
    fetched = decoded(await api.get(f"/3/vouchers/I/{created['VoucherNumber']}", params={"financialyear": LATEST}))
    assert fetched["Voucher"] == created
    after = decoded(await api.get("/3/accounts/8910", params={"financialyear": LATEST}))["Account"]
    assert after["BalanceCarriedForward"] - before["BalanceCarriedForward"] == Decimal("12345.67")
    again = decoded(await post(api, closing_voucher()))["Voucher"]
    assert again["VoucherNumber"] == created["VoucherNumber"] + 1
    posted = asgi_sandbox.vouchers_posted(NORDLJUS.tenant_id)
    assert [(v.series, v.number, v.comments) for v in posted] == [("I", 1, "run 42"), ("I", 2, "run 42")]


def _rows(*rows: tuple) -> list[dict]:
    return [dict(zip(("Account", "Debit", "Credit"), row[:3]), **(row[3] if len(row) > 3 else {})) for row in rows]


REJECTIONS = {
    "date outside the year": (dict(TransactionDate="2026-01-02"), codes.SANDBOX_FINANCIAL_YEAR_NOT_FOUND),
    "series missing": (dict(VoucherSeries="Z"), codes.SANDBOX_SERIES_NOT_FOUND),
    "series not manual": (dict(VoucherSeries="B"), codes.SANDBOX_SERIES_NOT_MANUAL),
    "one row": (dict(VoucherRows=_rows((8910, 5, 0))), codes.SANDBOX_TOO_FEW_ROWS),
    "unknown account": (dict(VoucherRows=_rows((8910, 5, 0), (9998, 0, 5))), codes.ACCOUNT_NOT_IN_CHART),
    "inactive account": (dict(VoucherRows=_rows((1250, 5, 0), (1930, 0, 5))), codes.ACCOUNT_INACTIVE),
    "cost centre mandatory": (
        dict(VoucherRows=_rows((6540, 5, 0), (1930, 0, 5))), codes.SANDBOX_COST_CENTER_MANDATORY),
    "unknown cost centre": (
        dict(VoucherRows=_rows((6540, 5, 0, {"CostCenter": "99"}), (1930, 0, 5))), codes.SANDBOX_COST_CENTER_NOT_FOUND),
    "project not allowed": (
        dict(VoucherRows=_rows((6570, 5, 0), (1930, 0, 5, {"Project": "0001"}))), codes.SANDBOX_PROJECT_NOT_ALLOWED),
    "unknown project": (
        dict(VoucherRows=_rows((6570, 5, 0, {"Project": "0999"}), (1930, 0, 5))), codes.PROJECT_NOT_FOUND),
    "pipe": (dict(Description="Skatt | moms"), codes.INVALID_CHARACTERS),
    "curly quote": (dict(Description="Skatt \u201dslutlig\u201d"), codes.INVALID_CHARACTERS),
    "a digit not ASCII": (dict(Description="Kvartal \u0663"), codes.INVALID_CHARACTERS),
    "description too long": (dict(Description="x" * 201), codes.TOO_LONG),
    "comments too long": (dict(Comments="x" * 1001), codes.TOO_LONG),
    "row text too long": (
        dict(VoucherRows=_rows((6570, 5, 0, {"TransactionInformation": "x" * 101}), (1930, 0, 5))), codes.TOO_LONG),
    "unbalanced": (dict(VoucherRows=_rows((6570, 5, 0), (1930, 0, 4))), codes.SANDBOX_UNBALANCED),
    "three decimals": (
        dict(VoucherRows=_rows((6570, Decimal("1.005"), 0), (1930, 0, Decimal("1.005")))), codes.SANDBOX_INVALID_AMOUNT),
    "no description": (dict(Description=""), codes.INCORRECT_BODY),
    "transaction information mandatory": (
        dict(VoucherRows=_rows((1880, 5, 0), (1930, 0, 5))), codes.SANDBOX_TRANSACTION_INFORMATION_MANDATORY),
    "quantity mandatory": (dict(VoucherRows=_rows((1460, 5, 0), (1930, 0, 5))), codes.SANDBOX_QUANTITY_MANDATORY),
}


@pytest.mark.parametrize("change, code", REJECTIONS.values(), ids=REJECTIONS.keys())
async def test_every_precondition_has_its_code_and_commits_nothing(api, asgi_sandbox, change, code):
    assert_rejected(await post(api, closing_voucher(**change)), code)
    assert asgi_sandbox.vouchers_posted(NORDLJUS.tenant_id) == []
    series = decoded(await api.get("/3/voucherseries/I", params={"financialyear": LATEST}))["VoucherSeries"]
    assert series["NextVoucherNumber"] == 1


async def test_the_longest_allowed_texts_and_whitelisted_symbols_pass(api):
    row_text = "€ § ½ – ’ (ok) & 100 %".ljust(100, ".")
    rows = _rows((6540, 5, 0, {"CostCenter": "10", "TransactionInformation": row_text}), (1930, 0, 5))
    answer = await post(api, closing_voucher(Description="Å" * 200, Comments="ö" * 1000, VoucherRows=rows))
    assert answer.status_code == 201, answer.text


async def test_a_locked_period_refuses_with_fortnox_wording(api):
    locked = closing_voucher(TransactionDate="2025-03-31", VoucherSeries="A")
    message = assert_rejected(await post(api, locked), codes.PERIOD_LOCKED)
    unlock = "Lås upp perioden för att fortsätta."
    assert message == f"Sandbox Administratör har låst perioden t.o.m. 2025-03-31. {unlock}"
    assert decoded(await api.get("/3/settings/lockedperiod")) == {"LockedPeriod": {"EndDate": "2025-03-31"}}
    earlier = closing_voucher(TransactionDate="2024-12-31", VoucherSeries="H")
    assert_rejected(await post(api, earlier, year=PREVIOUS), codes.PERIOD_LOCKED)
    assert (await post(api, closing_voucher(TransactionDate="2025-04-01", VoucherSeries="A"))).status_code == 201


async def test_the_closing_series_takes_vouchers_in_the_locked_period_and_the_api_does_not_tell_it_apart(
    api, asgi_sandbox
):
    """Nordljus's series I is its "Bokslutsserie, ej låsbar serie"; Fortnox's VoucherSeries has no field for it."""
    answer = await post(api, closing_voucher(TransactionDate="2025-03-15"))
    assert answer.status_code == 201, answer.text
    in_earlier_year = await post(api, closing_voucher(TransactionDate="2024-12-31"), year=PREVIOUS)
    assert in_earlier_year.status_code == 201, in_earlier_year.text
    series = {
        item["Code"]: item
        for item in decoded(await api.get("/3/voucherseries", params={"financialyear": LATEST}))[
            "VoucherSeriesCollection"
        ]
    }
    assert set(series["I"]) == set(series["A"]) == {"@url", "Approver", "Code", "Description", "Manual", "Year"}
    posted = asgi_sandbox.vouchers_posted(NORDLJUS.tenant_id)
    assert [(v.series, v.transaction_date.isoformat()) for v in posted] == [("I", "2025-03-15"), ("I", "2024-12-31")]


async def test_automatic_locking_locks_whole_months_behind_today_except_in_the_closing_series():
    sandbox = create_sandbox(SandboxConfig(vouchers_per_year=100, auto_lock_months=1))
    today = sandbox.clock.now().date()
    last_month_end = (today.replace(day=1) - timedelta(days=1)).isoformat()  # one whole month behind today
    assert last_month_end >= "2025-12-31"  # so the whole demo year 2025 is locked automatically
    async with asgi_client(sandbox) as client:
        client.headers["Authorization"] = f"Bearer {await access_token(client, sandbox)}"
        assert decoded(await client.get("/3/settings/lockedperiod")) == {"LockedPeriod": {"EndDate": last_month_end}}
        message = assert_rejected(await post(client, closing_voucher(VoucherSeries="A")), codes.PERIOD_LOCKED)
        unlock = "Lås upp perioden för att fortsätta."
        assert message == f"Automatlåsning har låst perioden t.o.m. {last_month_end}. {unlock}"
        assert (await post(client, closing_voucher())).status_code == 201  # series I: year-end 2025-12-31


async def test_lean_voucher_lists_carry_no_comments_but_the_single_voucher_does():
    """As the recorded list get_limited_voucher_list.yml: only @url, ReferenceNumber, ReferenceType, VoucherNumber,
    VoucherSeries and Year."""
    sandbox = create_sandbox(SandboxConfig(vouchers_per_year=100, lean_voucher_lists=True))
    async with asgi_client(sandbox) as client:
        client.headers["Authorization"] = f"Bearer {await access_token(client, sandbox)}"
        created = decoded(await post(client, closing_voucher()))["Voucher"]
        listed = decoded(await client.get("/3/vouchers/sublist/I", params={"financialyear": LATEST}))["Vouchers"]
        assert listed == [
            {
                "@url": f"http://sandbox.test/3/vouchers/I/1?financialyear={LATEST}",
                "ReferenceNumber": "",
                "ReferenceType": "MANUAL",
                "VoucherNumber": created["VoucherNumber"],
                "VoucherSeries": "I",
                "Year": LATEST,
            }
        ]
        single = decoded(await client.get("/3/vouchers/I/1", params={"financialyear": LATEST}))["Voucher"]
        assert single["Comments"] == "run 42"


async def test_the_second_company_has_no_lock_and_takes_earlier_years(open_api):
    client = await open_api(FJALLBACKEN.tenant_id)
    assert decoded(await client.get("/3/settings/lockedperiod")) == {"LockedPeriod": {}}
    answer = await post(client, closing_voucher(TransactionDate="2024-03-01", VoucherSeries="A"), year=3)
    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("body, code", [(b"{not json", codes.JSON_SYNTAX), (b'{"Vouchers": {}}', codes.INCORRECT_BODY)])
async def test_a_broken_body_is_refused(api, body, code):
    assert_rejected(await api.post("/3/vouchers", content=body), code)


# --- authentication, scopes, rate limit --------------------------------------------------------------------------


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic Zm9vOmJhcg=="])
async def test_a_bad_bearer_gets_the_recorded_401(anonymous, header):
    answer = await anonymous.get("/3/accounts", headers={"Authorization": header} if header else {})
    assert answer.status_code == 401 and answer.json() == {"message": "unauthorized"}


async def test_an_expired_token_gets_401(api, asgi_sandbox):
    assert (await api.get("/3/companyinformation")).status_code == 200
    asgi_sandbox.oauth.expire_access_tokens()
    assert (await api.get("/3/companyinformation")).json() == {"message": "unauthorized"}


@pytest.mark.parametrize(
    "path", ["/3/companyinformation", "/3/costcenters", "/3/projects", "/3/settings/lockedperiod"]
)
async def test_a_resource_outside_the_granted_scopes_is_forbidden(open_api, path):
    client = await open_api(scopes=("bookkeeping",))
    assert (await client.get("/3/accounts")).status_code == 200
    assert_rejected(await client.get(path), codes.NOT_AUTHORISED_FOR_SCOPE, 403)


async def test_the_26th_request_in_five_seconds_gets_429_until_the_window_moves(open_api, asgi_sandbox):
    client = await open_api()
    other_company = await open_api(FJALLBACKEN.tenant_id)
    for _ in range(25):
        assert (await client.get("/3/settings/lockedperiod")).status_code == 200
    refused = await client.get("/3/settings/lockedperiod")
    assert refused.status_code == 429 and refused.json() == {"message": "Too many requests"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 5
    assert (await other_company.get("/3/settings/lockedperiod")).status_code == 200
    asgi_sandbox.clock.advance(5)
    assert (await client.get("/3/settings/lockedperiod")).status_code == 200


async def test_the_rate_limit_can_be_switched_off():
    sandbox = create_sandbox(SandboxConfig(rate_limit=False))
    async with asgi_client(sandbox) as client:
        client.headers["Authorization"] = "Bearer " + await access_token(client, sandbox)
        statuses = {(await client.get("/3/settings/lockedperiod")).status_code for _ in range(40)}
    assert statuses == {200}


# --- SIE ----------------------------------------------------------------------------------------------------------


def read_sie(content: bytes, tmp_path, name: str = "export.se") -> tuple[SieReader, list[Voucher], list[Balance]]:
    path = tmp_path / name
    path.write_bytes(content)
    reader = SieReader(path)
    items = list(reader)
    return reader, [i for i in items if isinstance(i, Voucher)], [i for i in items if isinstance(i, Balance)]


@pytest.mark.parametrize("sie_type", [1, 2, 3, 4])
async def test_sie_is_cp437_with_crlf_and_no_checksum(api, tmp_path, sie_type):
    answer = await api.get(f"/3/sie/{sie_type}", params={"financialyear": LATEST})
    assert answer.status_code == 200
    text = answer.content.decode("cp437")
    assert text.count("\n") == text.count("\r\n") > 100
    assert "#KSUMMA" not in text and f"#SIETYP {sie_type}\r\n" in text
    assert "Nordljus Konsult AB" in text and "Försäljning".encode("cp437") in answer.content
    reader, vouchers, _ = read_sie(answer.content, tmp_path)
    assert reader.header.org_number == "556123-4567" and reader.encoding == "cp437"
    assert bool(vouchers) == (sie_type == 4)


async def test_sie_balances_agree_with_the_json_accounts(api, tmp_path):
    await post(api, closing_voucher())  # a POST must show in the next download, not a cached one
    await api.get("/3/sie/4", params={"financialyear": LATEST})
    await post(api, closing_voucher(Description="Andra"))
    content = (await api.get("/3/sie/4", params={"financialyear": LATEST})).content
    reader, vouchers, balances = read_sie(content, tmp_path)
    assert [v.text for v in vouchers if v.series == "I"] == ["Bokslut 2025: skatt", "Andra"]
    assert any(row.kind is RowKind.BTRANS for v in vouchers for row in v.rows)
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for voucher in vouchers:
        for row in voucher.transactions():
            sums[row.account] += row.amount
    opening = {b.account: b.amount for b in balances if b.kind is BalanceKind.IB and b.year_index == 0}
    closing_kinds = (BalanceKind.UB, BalanceKind.RES)
    closing = {b.account: b.amount for b in balances if b.kind in closing_kinds and b.year_index == 0}
    assert set(sums) <= set(closing) | {a for a, s in sums.items() if opening.get(a, 0) + s == 0}
    for number in ("1930", "1510", "2641", "3001", "8910", "2512"):
        account = decoded(await api.get(f"/3/accounts/{number}", params={"financialyear": LATEST}))["Account"]
        assert opening.get(number, Decimal(0)) == account["BalanceBroughtForward"]
        carried = account["BalanceCarriedForward"]
        assert opening.get(number, Decimal(0)) + sums[number] == closing.get(number, 0) == carried
    assert any(b.year_index == -1 for b in balances) and reader.header.years[-1].start.year == 2024


async def test_the_previous_year_in_sie_closes_where_this_year_opens(api, tmp_path):
    """#RAR -1 comes from the generator until that year is loaded, then from its vouchers: both must agree."""

    async def year_balances() -> dict[int, set]:
        content = (await api.get("/3/sie/4", params={"financialyear": LATEST})).content
        _, _, balances = read_sie(content, tmp_path)
        return {
            index: {(b.kind, b.account, b.amount) for b in balances if b.year_index == index and b.kind in kinds}
            for index in (0, -1)
        }

    kinds = (BalanceKind.IB, BalanceKind.UB, BalanceKind.RES)
    before = await year_balances()
    assert (await api.get("/3/accounts/1930", params={"financialyear": PREVIOUS})).status_code == 200  # loads 2024
    await post(api, closing_voucher())  # makes the next download a fresh one
    after = await year_balances()
    assert before[-1] == after[-1] and len(after[-1]) > 20
    closing_2024 = {(account, amount) for kind, account, amount in after[-1] if kind is BalanceKind.UB}
    assert closing_2024 == {(account, amount) for kind, account, amount in after[0] if kind is BalanceKind.IB}


async def test_an_unknown_sie_type_or_year_is_refused(api):
    assert_rejected(await api.get("/3/sie/5"), codes.SANDBOX_SIE_TYPE)
    assert_rejected(await api.get("/3/sie/4", params={"financialyear": 7}), codes.SANDBOX_FINANCIAL_YEAR_NOT_FOUND)


# --- faults ---------------------------------------------------------------------------------------------------------


async def test_injected_server_errors_answer_then_stop(api, asgi_sandbox):
    asgi_sandbox.faults.fail(1, status=500)
    asgi_sandbox.faults.fail(1, status=503)
    first, second, third = [await api.get("/3/companyinformation") for _ in range(3)]
    assert first.status_code == 500 and first.json()["ErrorInformation"]["code"] == 1000003
    assert second.status_code == 503 and second.headers["content-type"].startswith("text/html")
    assert third.status_code == 200


async def test_an_injected_burst_of_429s_carries_retry_after(api, asgi_sandbox):
    asgi_sandbox.faults.throttle(2, retry_after=7)
    answers = [await api.get("/3/companyinformation") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"


async def test_faults_can_be_limited_to_a_path(api, asgi_sandbox):
    asgi_sandbox.faults.fail(1, path="/3/sie")
    assert (await api.get("/3/companyinformation")).status_code == 200
    assert (await api.get("/3/sie/1")).status_code == 503
    assert (await api.get("/3/sie/1")).status_code == 200


async def test_latency_delays_the_answer(api, asgi_sandbox):
    asgi_sandbox.faults.add_latency(0.2, path="/3/projects")
    started = time.monotonic()
    assert (await api.get("/3/projects")).status_code == 200
    assert time.monotonic() - started >= 0.2


async def test_a_dropped_connection_gets_no_answer(api, asgi_sandbox):
    asgi_sandbox.faults.drop(1, path="/3/accounts")
    with pytest.raises(ConnectionDropped):
        await api.get("/3/accounts")
    assert (await api.get("/3/accounts")).status_code == 200


async def test_a_dropped_post_answer_still_commits_the_voucher(api, asgi_sandbox):
    asgi_sandbox.faults.drop_after_commit(1)
    assert (await post(api, closing_voucher(VoucherSeries="B"))).status_code == 400  # refused: nothing to drop
    with pytest.raises(ConnectionDropped):
        await post(api, closing_voucher())
    assert [v.number for v in asgi_sandbox.vouchers_posted(NORDLJUS.tenant_id)] == [1]
    assert decoded(await post(api, closing_voucher()))["Voucher"]["VoucherNumber"] == 2


def test_over_real_http_a_drop_is_a_transport_error_and_the_limit_holds():
    config = SandboxConfig(vouchers_per_year=150)
    with running_sandbox(config) as running, httpx.Client(base_url=running.base_url) as client:
        sandbox: Sandbox = running.sandbox
        token = _blocking_token(client, sandbox, running.redirect_uri)
        client.headers["Authorization"] = f"Bearer {token}"
        assert client.get("/3/financialyears").json()["MetaInformation"]["@TotalResources"] == 3
        sandbox.faults.drop(1)
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/3/financialyears")
        sandbox.faults.drop_after_commit(1)
        body = {"Voucher": closing_voucher(VoucherRows=_rows((8910, 10, 0), (2512, 0, 10)))}
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/3/vouchers", params={"financialyear": LATEST}, content=to_json(body))
        assert [v.number for v in sandbox.vouchers_posted(NORDLJUS.tenant_id)] == [1]
        statuses = [client.get("/3/settings/lockedperiod").status_code for _ in range(30)]
        assert 429 in statuses and statuses.index(429) <= 25


def _blocking_token(client: httpx.Client, sandbox: Sandbox, redirect_uri: str) -> str:
    """The code flow over real HTTP, with the sandbox's scripted browser giving consent."""
    authorize = client.build_request("GET", "/oauth-v1/auth", params={
        "client_id": sandbox.config.client_id, "redirect_uri": redirect_uri, "response_type": "code",
        "scope": "companyinformation bookkeeping settings", "state": "s"}).url
    location = give_consent_blocking(str(authorize), NORDLJUS.org_number)
    code = parse_qs(urlsplit(location).query)["code"][0]
    answer = client.post("/oauth-v1/token", auth=(sandbox.config.client_id, sandbox.config.client_secret),
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})
    return answer.json()["access_token"]


async def test_transaction_information_and_quantity_settings_show_on_the_single_account_only(api):
    listed = decoded(await api.get("/3/accounts", params={"financialyear": LATEST, "limit": 500}))["Accounts"]
    assert all("TransactionInformationSettings" not in item and "QuantitySettings" not in item for item in listed)
    single = {
        number: decoded(await api.get(f"/3/accounts/{number}", params={"financialyear": LATEST}))["Account"]
        for number in (1880, 1460, 1930)
    }
    assert [(a["TransactionInformationSettings"], a["QuantitySettings"]) for a in single.values()] == [
        ("MANDATORY", "ALLOWED"), ("ALLOWED", "MANDATORY"), ("ALLOWED", "ALLOWED")
    ]  # fmt: skip
    rows = _rows((1880, 5, 0, {"TransactionInformation": "Placering"}), (1460, 0, 5, {"Quantity": 2}))
    assert (await post(api, closing_voucher(VoucherRows=rows))).status_code == 201
