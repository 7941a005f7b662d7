"""Fortnox's REST API under /3/ as the sandbox plays it: envelopes, paging, scopes, errors and voucher posting.

Shapes follow the reference (fortnox-api.md sections 3-7) and the recorded exchanges in shared/fortnox/cassettes.
Where real Fortnox is undocumented the sandbox decides, always the same way:

- Error key casing by kind: 404 and 403 use the capitalised keys of projects_find_failure.yml
  ({"ErrorInformation":{"Error":1,"Message":..,"Code":..}}); 400 validation errors use the lower-case keys of
  invoices_filter_invalid.yml ({"ErrorInformation":{"error":1,"message":..,"code":..}}).
- Codes Fortnox does not document are the SANDBOX_* constants below; messages are Swedish like Fortnox's.
- `limit` above 500, below 1 or not a number, and `page` below 1, answer 400 code 2000588.
- Without `financialyear` (or `financialyeardate`) the latest financial year is used.
- POST /3/vouchers checks in the order of reference 5.2: year and date, series exists, series manual, at least two
  rows, accounts exist and are active, locked period, dimensions, characters and lengths, balance. Amounts must be
  non-negative with at most two decimals. Voucher-level CostCenter/Project are accepted and ignored.
- The locked period (by hand and automatic) refuses every series but a closing series ("ej låsbar serie").
- With lean voucher lists, list items carry only what the 2015 recording get_limited_voucher_list.yml shows: no
  Comments, Description or TransactionDate. The single voucher still carries them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from fortnox_sandbox.clock import Clock
from fortnox_sandbox.data import (
    MANDATORY,
    NOTALLOWED,
    AccountInfo,
    Company,
    CostCenter,
    FinancialYear,
    Project,
    RowData,
    SeriesInfo,
    VoucherData,
    YearBook,
    reference_type,
)
from fortnox_sandbox.oauth import Grant, OAuthServer, Unauthorized
from fortnox_sandbox.ratelimit import SlidingWindowLimiter
from core.closing.texts import COMMENTS_MAX, DESCRIPTION_MAX, ROW_TEXT_MAX, refused_characters
from core.money import from_ore

DEFAULT_LIMIT = 100
MAX_LIMIT = 500

# Documented codes (reference 7.2).
PERIOD_LOCKED = 2000401
INVALID_CHARACTERS = 2000359
TOO_LONG = 2000107
ACCOUNT_NOT_FOUND = 2000423
ACCOUNT_NOT_IN_CHART = 2001304
ACCOUNT_INACTIVE = 2000550
INVALID_FILTER = 2000587
INVALID_PARAMETER = 2000588
NOT_AUTHORISED_FOR_SCOPE = 2000663
PROJECT_NOT_FOUND = 2001161
INCORRECT_BODY = 2001392
JSON_SYNTAX = 2002115
# Fortnox documents no code for these; the sandbox picks its own range (2999xxx) so none passes for a real one.
SANDBOX_FINANCIAL_YEAR_NOT_FOUND = 2999101
SANDBOX_SERIES_NOT_FOUND = 2999102
SANDBOX_SERIES_NOT_MANUAL = 2999103
SANDBOX_TOO_FEW_ROWS = 2999104
SANDBOX_COST_CENTER_NOT_FOUND = 2999105
SANDBOX_COST_CENTER_MANDATORY = 2999106
SANDBOX_COST_CENTER_NOT_ALLOWED = 2999107
SANDBOX_PROJECT_MANDATORY = 2999108
SANDBOX_PROJECT_NOT_ALLOWED = 2999109
SANDBOX_UNBALANCED = 2999110
SANDBOX_INVALID_AMOUNT = 2999111
SANDBOX_VOUCHER_NOT_FOUND = 2999112
SANDBOX_SERIES_CODE_NOT_FOUND = 2999113
SANDBOX_SIE_TYPE = 2999114
SANDBOX_TRANSACTION_INFORMATION_MANDATORY = 2999115
SANDBOX_TRANSACTION_INFORMATION_NOT_ALLOWED = 2999116
SANDBOX_QUANTITY_MANDATORY = 2999117
SANDBOX_QUANTITY_NOT_ALLOWED = 2999118

SCOPE_BY_RESOURCE = {
    "companyinformation": "companyinformation",
    "financialyears": "bookkeeping",
    "accounts": "bookkeeping",
    "vouchers": "bookkeeping",
    "voucherseries": "bookkeeping",
    "sie": "bookkeeping",
    "costcenters": "costcenter",
    "projects": "project",
    "settings": "settings",  # lockedperiod: undocumented, the sandbox asks for "settings"
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ORE = Decimal("0.01")


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def response(self) -> Response:
        if self.status == 400:
            body = {"error": 1, "message": self.message, "code": self.code}
        else:
            body = {"Error": 1, "Message": self.message, "Code": self.code}
        return json_response({"ErrorInformation": body}, self.status)


def invalid(code: int, message: str) -> ApiError:
    return ApiError(400, code, message)


def not_found(code: int, message: str) -> ApiError:
    return ApiError(404, code, message)


# --- JSON with Decimal numbers ----------------------------------------------------------------------------


def to_json(value: Any) -> str:
    """Compact JSON like Fortnox's: Decimal as a plain number (never via float), escaped slashes and non-ASCII."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_string(key)}:{to_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(map(to_json, value)) + "]"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, float):
        raise TypeError("the sandbox writes money as Decimal, never float")
    return json.dumps(value)


def _string(text: str) -> str:
    return json.dumps(text).replace("/", "\\/")


def _number(amount: Decimal) -> str:
    """92.70 -> 92.7 and 38780.00 -> 38780, as Fortnox writes amounts."""
    return format(amount.normalize(), "f") if amount else "0"


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(to_json(body), status_code=status, media_type="application/json", headers=headers)


# --- the API -----------------------------------------------------------------------------------------------

Handler = Callable[[Request, Company], Awaitable[Response]]


class FortnoxApi:
    """Routes relative to /3; every request is authenticated, rate limited and scope checked before its handler."""

    def __init__(
        self,
        companies: dict[int, Company],
        oauth: OAuthServer,
        clock: Clock,
        limiter: SlidingWindowLimiter | None,
        lean_voucher_lists: bool = False,
    ) -> None:
        self._companies = companies
        self._oauth = oauth
        self._clock = clock
        self._limiter = limiter
        self._list_item = _lean_voucher_list_item if lean_voucher_lists else _voucher_list_item

    @property
    def routes(self) -> list[Route]:
        endpoints: list[tuple[str, Handler, Sequence[str]]] = [
            ("/companyinformation", self.company_information, ["GET"]),
            ("/financialyears", self.financial_years, ["GET"]),
            ("/financialyears/{id:int}", self.financial_year, ["GET"]),
            ("/accounts", self.accounts, ["GET"]),
            ("/accounts/{number:int}", self.account, ["GET"]),
            ("/vouchers", self.vouchers, ["GET"]),
            ("/vouchers", self.post_voucher, ["POST"]),
            ("/vouchers/sublist", self.vouchers, ["GET"]),
            ("/vouchers/sublist/{series}", self.vouchers, ["GET"]),
            ("/vouchers/{series}/{number:int}", self.voucher, ["GET"]),
            ("/voucherseries", self.voucher_series_list, ["GET"]),
            ("/voucherseries/{code}", self.voucher_series, ["GET"]),
            ("/costcenters", self.cost_centers, ["GET"]),
            ("/costcenters/{code}", self.cost_center, ["GET"]),
            ("/projects", self.projects, ["GET"]),
            ("/projects/{number}", self.project, ["GET"]),
            ("/settings/lockedperiod", self.locked_period, ["GET"]),
            ("/sie/{type:int}", self.sie, ["GET"]),
        ]
        routes = []
        for path, handler, methods in endpoints:
            endpoint = self._guarded(path, handler)
            routes.append(Route(path, endpoint, methods=list(methods)))
            routes.append(Route(path + "/", endpoint, methods=list(methods)))  # recorded clients call /3/projects/
        return routes

    def _guarded(self, path: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        scope = SCOPE_BY_RESOURCE[path.split("/")[1]]

        async def endpoint(request: Request) -> Response:
            try:
                grant = self._oauth.authenticate(request.headers.get("authorization"))
            except Unauthorized:
                return json_response({"message": "unauthorized"}, 401)
            if self._limiter is not None:
                retry_after = self._limiter.admit((grant.client_id, grant.tenant_id))
                if retry_after is not None:
                    return json_response({"message": "Too many requests"}, 429, {"Retry-After": str(retry_after)})
            try:
                company = self._authorised_company(grant, scope)
                _reject_filter(request)
                return await handler(request, company)
            except ApiError as error:
                return error.response()

        return endpoint

    def _authorised_company(self, grant: Grant, scope: str) -> Company:
        if scope not in grant.scopes:
            raise ApiError(403, NOT_AUTHORISED_FOR_SCOPE, f"Har inte behörighet för scope: {scope}.")
        return self._companies[grant.tenant_id]

    # --- company and years

    async def company_information(self, request: Request, company: Company) -> Response:
        tenant = company.tenant
        address = company.header.address
        street = address[1] if len(address) > 1 else ""
        zip_code, _, city = (address[2] if len(address) > 2 else "").rpartition(" ")
        info = {
            "Address": street,
            "City": city,
            "CompanyName": tenant.name,
            "CountryCode": "SE",
            "DatabaseNumber": tenant.tenant_id,
            "OrganizationNumber": tenant.org_number,
            "VisitAddress": street,
            "VisitCity": city,
            "VisitCountryCode": "SE",
            "VisitZipCode": zip_code,
            "ZipCode": zip_code,
        }
        return json_response({"CompanyInformation": info})

    async def financial_years(self, request: Request, company: Company) -> Response:
        years: Iterable[FinancialYear] = sorted(company.years, key=lambda year: year.id)
        wanted = request.query_params.get("date")
        if wanted is not None:
            day = _parse_date(wanted, "date")
            years = [year for year in years if year.holds(day)]
        base = _base(request)
        return _page(request, "FinancialYears", list(years), lambda year: _financial_year(base, year))

    async def financial_year(self, request: Request, company: Company) -> Response:
        year = company.year(request.path_params["id"])
        if year is None:
            raise not_found(SANDBOX_FINANCIAL_YEAR_NOT_FOUND, "Kan inte hitta räkenskapsåret.")
        return json_response({"FinancialYear": _financial_year(_base(request), year)})

    # --- accounts

    async def accounts(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        book = company.book(year.id)
        base = _base(request)
        chart = list(company.chart(year.id).values())
        return _page(request, "Accounts", chart, lambda account: _account(base, year, account, book.opening))

    async def account(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        account = company.chart(year.id).get(request.path_params["number"])
        if account is None:
            raise not_found(ACCOUNT_NOT_FOUND, "Kan inte hitta kontot.")
        with company.lock:
            book = company.book(year.id)
            body = _account(_base(request), year, account, book.opening)
            body["BalanceCarriedForward"] = from_ore(book.closing(account.number))
        body.update(
            OpeningQuantities=[],
            QuantitySettings=account.quantity_settings,
            QuantityUnit="",
            TransactionInformation="",
            TransactionInformationSettings=account.transaction_information_settings,
        )
        return json_response({"Account": dict(sorted(body.items()))})

    # --- vouchers

    async def vouchers(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        params = request.query_params
        series = request.path_params.get("series") or params.get("voucherseries")
        first = _parse_date(params["fromdate"], "fromdate") if "fromdate" in params else date.min
        last = _parse_date(params["todate"], "todate") if "todate" in params else date.max
        base = _base(request)
        with company.lock:
            book = company.book(year.id)
            if series is not None and series not in book.by_series:
                raise not_found(SANDBOX_SERIES_NOT_FOUND, f"Verifikationsserien {series} finns inte.")
            indices = [index for index in book.ordered(series) if first <= book.transaction_date(index) <= last]
            return _page(request, "Vouchers", indices, lambda index: self._list_item(base, year, book, index))

    async def voucher(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        with company.lock:
            found = company.book(year.id).find(request.path_params["series"], request.path_params["number"])
        if found is None:
            raise not_found(SANDBOX_VOUCHER_NOT_FOUND, "Kan inte hitta verifikationen.")
        return json_response({"Voucher": _voucher(_base(request), found, company.chart(year.id))})

    async def post_voucher(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        draft = _parse_voucher(await request.body())
        with company.lock:  # check and commit as one step, so two posts cannot take the same number
            series, day, description, comments, rows = _validate(draft, year, company, self._clock.now().date())
            posted = company.post(year.id, series, day, description, rows, comments, self._clock.now().date())
        return json_response({"Voucher": _voucher(_base(request), posted, company.chart(year.id))}, 201)

    async def voucher_series_list(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        base = _base(request)
        return _page(
            request, "VoucherSeriesCollection", list(company.series), lambda series: _series(base, year, series)
        )

    async def voucher_series(self, request: Request, company: Company) -> Response:
        year = _year(request, company)
        code = request.path_params["code"]
        series = next((series for series in company.series if series.code == code), None)
        if series is None:
            raise not_found(SANDBOX_SERIES_CODE_NOT_FOUND, f"Verifikationsserien {code} finns inte.")
        body = _series(_base(request), year, series)
        with company.lock:
            body["NextVoucherNumber"] = company.book(year.id).next_number(code)
        return json_response({"VoucherSeries": dict(sorted(body.items()))})

    # --- cost centres, projects, lock, SIE

    async def cost_centers(self, request: Request, company: Company) -> Response:
        base = _base(request)
        return _page(request, "CostCenters", list(company.cost_centers), lambda centre: _cost_center(base, centre))

    async def cost_center(self, request: Request, company: Company) -> Response:
        code = request.path_params["code"]
        centre = next((centre for centre in company.cost_centers if centre.code == code), None)
        if centre is None:
            raise not_found(SANDBOX_COST_CENTER_NOT_FOUND, "Kan inte hitta kostnadsstället.")
        return json_response({"CostCenter": _cost_center(_base(request), centre)})

    async def projects(self, request: Request, company: Company) -> Response:
        base = _base(request)
        return _page(request, "Projects", list(company.projects), lambda project: _project(base, project))

    async def project(self, request: Request, company: Company) -> Response:
        number = request.path_params["number"]
        project = next((project for project in company.projects if project.number == number), None)
        if project is None:
            raise not_found(PROJECT_NOT_FOUND, "Kan inte hitta projektet.")
        body = _project(_base(request), project)
        body.update(Comments="", ContactPerson=None)
        return json_response({"Project": dict(sorted(body.items()))})

    async def locked_period(self, request: Request, company: Company) -> Response:
        lock = company.lock_on(self._clock.now().date())
        return json_response({"LockedPeriod": {"EndDate": lock[0].isoformat()} if lock else {}})

    async def sie(self, request: Request, company: Company) -> Response:
        sie_type = request.path_params["type"]
        if sie_type not in (1, 2, 3, 4):
            raise invalid(SANDBOX_SIE_TYPE, "Ogiltig SIE-typ. Välj 1, 2, 3 eller 4.")
        year = _year(request, company)
        content = company.sie(year.id, sie_type, self._clock.now().date())
        return Response(content, media_type="application/octet-stream")


# --- request parsing ---------------------------------------------------------------------------------------


def _reject_filter(request: Request) -> None:
    if "filter" in request.query_params:
        raise invalid(INVALID_FILTER, "Ett ogiltigt filter har använts.")


def _parse_date(text: str, name: str) -> date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(INVALID_PARAMETER, f"Ogiltig parameter: {name}. Ange datum som ÅÅÅÅ-MM-DD.") from None


def _int_parameter(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise invalid(INVALID_PARAMETER, f"Ogiltig parameter: {name}.")
    return int(text)


def _year(request: Request, company: Company) -> FinancialYear:
    """The financial year a request means: financialyear=Id, else financialyeardate, else the latest."""
    params = request.query_params
    if "financialyear" in params:
        text = params["financialyear"]
        year = company.year(int(text)) if text.isdigit() else None
    elif "financialyeardate" in params:
        year = company.year_for(_parse_date(params["financialyeardate"], "financialyeardate"))
    else:
        return company.latest
    if year is None:
        raise invalid(SANDBOX_FINANCIAL_YEAR_NOT_FOUND, "Räkenskapsåret finns inte.")
    return year


def _page(request: Request, key: str, items: Sequence[Any], render: Callable[[Any], dict]) -> Response:
    limit = _int_parameter(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    page = _int_parameter(request, "page", 1, 1, 10**9)
    total = len(items)
    meta = {"@TotalResources": total, "@TotalPages": math.ceil(total / limit), "@CurrentPage": page}
    chunk = items[(page - 1) * limit : page * limit]
    return json_response({"MetaInformation": meta, key: [render(item) for item in chunk]})


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}/3"


# --- rendering ---------------------------------------------------------------------------------------------


def _financial_year(base: str, year: FinancialYear) -> dict:
    return {
        "@url": f"{base}/financialyears/{year.id}",
        "AccountChartType": "BAS 2025",
        "AccountingMethod": "ACCRUAL",
        "FromDate": year.from_date.isoformat(),
        "Id": year.id,
        "ToDate": year.to_date.isoformat(),
    }


def _account(base: str, year: FinancialYear, account: AccountInfo, opening: dict[int, int]) -> dict:
    return {
        "@url": f"{base}/accounts/{account.number}?financialyear={year.id}",
        "Active": account.active,
        "BalanceBroughtForward": from_ore(opening.get(account.number, 0)),
        "CostCenter": "",
        "CostCenterSettings": account.cost_center_settings,
        "Description": account.description,
        "Number": account.number,
        "Project": "",
        "ProjectSettings": account.project_settings,
        "SRU": account.sru,
        "VATCode": account.vat_code,
        "Year": year.id,
    }


def _voucher_list_item(base: str, year: FinancialYear, book: YearBook, index: int) -> dict:
    series, number, day, description, comments = book.list_fields(index)
    return {
        "@url": f"{base}/vouchers/{series}/{number}?financialyear={year.id}",
        "ApprovalState": 0,
        "Comments": comments,
        "Description": description,
        "ReferenceNumber": "",
        "ReferenceType": reference_type(series),
        "TransactionDate": day.isoformat(),
        "VoucherNumber": number,
        "VoucherSeries": series,
        "Year": year.id,
    }


def _lean_voucher_list_item(base: str, year: FinancialYear, book: YearBook, index: int) -> dict:
    full = _voucher_list_item(base, year, book, index)
    return {name: full[name] for name in _LEAN_LIST_FIELDS}


_LEAN_LIST_FIELDS = ("@url", "ReferenceNumber", "ReferenceType", "VoucherNumber", "VoucherSeries", "Year")


def _voucher(base: str, voucher: VoucherData, chart: dict[int, AccountInfo]) -> dict:
    return {
        "@url": f"{base}/vouchers/{voucher.series}/{voucher.number}?financialyear={voucher.year_id}",
        "ApprovalState": 0,
        "Comments": voucher.comments,
        "CostCenter": "",
        "Description": voucher.description,
        "Project": "",
        "ReferenceNumber": "",
        "ReferenceType": voucher.reference_type,
        "TransactionDate": voucher.transaction_date.isoformat(),
        "VoucherNumber": voucher.number,
        "VoucherRows": [_voucher_row(row, chart) for row in voucher.rows],
        "VoucherSeries": voucher.series,
        "Year": voucher.year_id,
    }


def _voucher_row(row: RowData, chart: dict[int, AccountInfo]) -> dict:
    account = chart.get(row.account)
    return {
        "Account": row.account,
        "CostCenter": row.cost_center,
        "Credit": from_ore(-row.amount_ore) if row.amount_ore < 0 else Decimal(0),
        "Debit": from_ore(row.amount_ore) if row.amount_ore > 0 else Decimal(0),
        "Description": account.description if account else "",
        "Project": row.project,
        "Quantity": row.quantity or Decimal(0),
        "Removed": row.removed,
        "TransactionInformation": row.transaction_information,
    }


def _series(base: str, year: FinancialYear, series: SeriesInfo) -> dict:
    return {
        "@url": f"{base}/voucherseries/{series.code}?financialyear={year.id}",
        "Approver": {"Id": 0, "Name": ""},
        "Code": series.code,
        "Description": series.description,
        "Manual": series.manual,
        "Year": year.id,
    }


def _cost_center(base: str, centre: CostCenter) -> dict:
    return {
        "@url": f"{base}/costcenters/{centre.code}",
        "Active": True,
        "Code": centre.code,
        "Description": centre.description,
        "Note": "",
    }


def _project(base: str, project: Project) -> dict:
    return {
        "@url": f"{base}/projects/{project.number}",
        "Description": project.description,
        "EndDate": None,
        "ProjectLeader": None,
        "ProjectNumber": project.number,
        "StartDate": None,
        "Status": "ONGOING",
    }


# --- POST /3/vouchers ---------------------------------------------------------------------------------------


def _parse_voucher(body: bytes) -> dict:
    try:
        document = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise invalid(JSON_SYNTAX, "Felaktig JSON-syntax i anropet.") from None
    voucher = document.get("Voucher") if isinstance(document, dict) else None
    if not isinstance(voucher, dict):
        raise invalid(INCORRECT_BODY, "Anropet saknar ett Voucher-objekt.")
    return voucher


def _required_text(draft: dict, name: str) -> str:
    value = draft.get(name)
    if not isinstance(value, str) or not value:
        raise invalid(INCORRECT_BODY, f"Fältet {name} saknas eller är tomt.")
    return value


def _optional_text(container: dict, name: str) -> str:
    value = container.get(name)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):  # Project 0 in older Fortnox data means none
        return "" if value == 0 else str(value)
    if not isinstance(value, str):
        raise invalid(INCORRECT_BODY, f"Fältet {name} måste vara text.")
    return value


def _validate(
    draft: dict, year: FinancialYear, company: Company, today: date
) -> tuple[str, date, str, str | None, list[RowData]]:
    description = _required_text(draft, "Description")
    day = _parse_date(_required_text(draft, "TransactionDate"), "TransactionDate")
    series_code = _required_text(draft, "VoucherSeries")
    comments = _optional_text(draft, "Comments") or None
    raw_rows = draft.get("VoucherRows")
    if not isinstance(raw_rows, list) or not all(isinstance(row, dict) for row in raw_rows):
        raise invalid(INCORRECT_BODY, "Fältet VoucherRows måste vara en lista med rader.")

    if not year.holds(day):
        raise invalid(
            SANDBOX_FINANCIAL_YEAR_NOT_FOUND,
            f"Datumet {day.isoformat()} ligger inte i räkenskapsåret "
            f"{year.from_date.isoformat()} - {year.to_date.isoformat()}.",
        )
    series = next((series for series in company.series if series.code == series_code), None)
    if series is None:
        raise invalid(SANDBOX_SERIES_NOT_FOUND, "Ogiltig verifikationsserie angiven.")
    if not series.manual:
        raise invalid(SANDBOX_SERIES_NOT_MANUAL, f"Verifikationsserien är inte manuell ({series.code}).")
    if len(raw_rows) < 2:
        raise invalid(SANDBOX_TOO_FEW_ROWS, "En verifikation måste ha minst två rader.")

    chart = company.chart(year.id)
    accounts = [_row_account(row, chart) for row in raw_rows]
    lock = company.lock_on(today) if series.lockable else None
    if lock is not None and day <= lock[0]:
        locked_through, locked_by = lock
        raise invalid(
            PERIOD_LOCKED,
            f"{locked_by} har låst perioden t.o.m. {locked_through.isoformat()}. "
            "Lås upp perioden för att fortsätta.",
        )
    rows = [_row(raw, account, company) for raw, account in zip(raw_rows, accounts, strict=True)]

    _check_text("Description", description, DESCRIPTION_MAX)
    _check_text("Comments", comments or "", COMMENTS_MAX)
    for row in rows:
        _check_text("TransactionInformation", row.transaction_information, ROW_TEXT_MAX)
    if sum(row.amount_ore for row in rows):
        debit = sum(row.amount_ore for row in rows if row.amount_ore > 0)
        credit = -sum(row.amount_ore for row in rows if row.amount_ore < 0)
        raise invalid(
            SANDBOX_UNBALANCED,
            f"Verifikationen är inte balanserad: debet {from_ore(debit)}, kredit {from_ore(credit)}.",
        )
    return series.code, day, description, comments, rows


def _row_account(row: dict, chart: dict[int, AccountInfo]) -> AccountInfo:
    number = row.get("Account")
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or number not in chart:
        raise invalid(ACCOUNT_NOT_IN_CHART, f"Kunde inte hitta konto {number}.")
    account = chart[number]
    if not account.active:
        raise invalid(ACCOUNT_INACTIVE, f"Konto {number} är inte aktivt.")
    return account


def _row(raw: dict, account: AccountInfo, company: Company) -> RowData:
    cost_center = _optional_text(raw, "CostCenter")
    project = _optional_text(raw, "Project")
    number = account.number
    if cost_center and not any(centre.code == cost_center for centre in company.cost_centers):
        raise invalid(SANDBOX_COST_CENTER_NOT_FOUND, f"Kostnadsstället {cost_center} finns inte.")
    if not cost_center and account.cost_center_settings == MANDATORY:
        raise invalid(SANDBOX_COST_CENTER_MANDATORY, f"Kostnadsställe är obligatoriskt för konto {number}.")
    if cost_center and account.cost_center_settings == NOTALLOWED:
        raise invalid(SANDBOX_COST_CENTER_NOT_ALLOWED, f"Kostnadsställe är inte tillåtet för konto {number}.")
    if project and not any(known.number == project for known in company.projects):
        raise invalid(PROJECT_NOT_FOUND, "Kan inte hitta projektet.")
    if not project and account.project_settings == MANDATORY:
        raise invalid(SANDBOX_PROJECT_MANDATORY, f"Projekt är obligatoriskt för konto {number}.")
    if project and account.project_settings == NOTALLOWED:
        raise invalid(SANDBOX_PROJECT_NOT_ALLOWED, f"Projekt är inte tillåtet för konto {number}.")
    information = _optional_text(raw, "TransactionInformation")
    if not information and account.transaction_information_settings == MANDATORY:
        raise invalid(
            SANDBOX_TRANSACTION_INFORMATION_MANDATORY, f"Transaktionsinformation är obligatorisk för konto {number}."
        )
    if information and account.transaction_information_settings == NOTALLOWED:
        raise invalid(
            SANDBOX_TRANSACTION_INFORMATION_NOT_ALLOWED,
            f"Transaktionsinformation är inte tillåten för konto {number}.",
        )
    quantity = _quantity(raw)
    if not quantity and account.quantity_settings == MANDATORY:
        raise invalid(SANDBOX_QUANTITY_MANDATORY, f"Antal är obligatoriskt för konto {number}.")
    if quantity and account.quantity_settings == NOTALLOWED:
        raise invalid(SANDBOX_QUANTITY_NOT_ALLOWED, f"Antal är inte tillåtet för konto {number}.")
    debit = _money(raw, "Debit")
    credit = _money(raw, "Credit")
    return RowData(
        account=number,
        amount_ore=int((debit - credit).scaleb(2)),
        cost_center=cost_center,
        project=project,
        transaction_information=information,
        quantity=quantity,
    )


def _money(row: dict, name: str) -> Decimal:
    value = row.get(name, 0)
    if value is None:
        return Decimal(0)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise invalid(SANDBOX_INVALID_AMOUNT, f"Fältet {name} måste vara ett belopp.")
    amount = Decimal(value)
    if amount < 0 or amount != amount.quantize(_ORE):
        raise invalid(SANDBOX_INVALID_AMOUNT, f"Fältet {name} måste vara ett belopp ≥ 0 med högst två decimaler.")
    return amount


def _quantity(row: dict) -> Decimal | None:
    value = row.get("Quantity")
    if value is None:
        return None
    try:
        return Decimal(value) if not isinstance(value, bool) else None
    except (InvalidOperation, TypeError):
        raise invalid(SANDBOX_INVALID_AMOUNT, "Fältet Quantity måste vara ett tal.") from None


def _check_text(name: str, value: str, longest: int) -> None:
    """Fortnox's class and lengths, the same rule bokslut's preflight applies, on the text exactly as received."""
    if refused_characters(value):
        raise invalid(INVALID_CHARACTERS, f"Värdet innehåller ej tillåtna tecken. ({name})")
    if len(value) > longest:
        raise invalid(TOO_LONG, f"Värdet är för långt. ({name}, högst {longest} tecken)")
