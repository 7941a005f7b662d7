"""Assembles the sandbox: companies, clock, OAuth server, API, rate limit and fault injection in one ASGI app."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.types import ASGIApp

from fortnox_sandbox.api import FortnoxApi
from fortnox_sandbox.clock import Clock
from fortnox_sandbox.data import DEFAULT_VOUCHERS_PER_YEAR, Company, Tenant, VoucherData, build_companies
from fortnox_sandbox.faults import FaultMiddleware, Faults
from fortnox_sandbox.oauth import OAuthServer
from fortnox_sandbox.ratelimit import SlidingWindowLimiter
from fortnox_sandbox.recording import Exchange, ExchangeRecorder


ADMIN_PATH = "/sandbox"


@dataclass(frozen=True)
class SandboxConfig:
    client_id: str = "bokslut-sandbox"
    client_secret: str = field(default="sandbox-secret", repr=False)
    auto_consent: bool = False
    vouchers_per_year: int = DEFAULT_VOUCHERS_PER_YEAR
    rate_limit: bool = True
    auto_lock_months: int | None = None  # Fortnox's automatic locking: months before today that are locked
    lean_voucher_lists: bool = False  # voucher list items without Comments, as in the 2015 recordings
    record_exchanges: bool = False  # keep every /3/ request and answer (see recording.py) for the contract check


class Sandbox:
    """One running Fortnox stand-in; tests reach its state directly (clock, faults, companies, posted vouchers)."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.clock = Clock()
        self.companies: dict[int, Company] = build_companies(config.vouchers_per_year, config.auto_lock_months)
        self.tenants: list[Tenant] = [company.tenant for company in self.companies.values()]
        self.oauth = OAuthServer(
            self.clock, self.tenants, config.client_id, config.client_secret, auto_consent=config.auto_consent
        )
        self.faults = Faults()
        limiter = SlidingWindowLimiter(self.clock) if config.rate_limit else None
        api = FortnoxApi(self.companies, self.oauth, self.clock, limiter, config.lean_voucher_lists)
        mounts = [Mount("/oauth-v1", routes=self.oauth.routes), Mount("/3", routes=api.routes)]
        starlette = Starlette(routes=[*mounts, Mount(ADMIN_PATH, routes=self._admin_routes())])
        self._recorder = ExchangeRecorder(starlette) if config.record_exchanges else None
        self.app: ASGIApp = FaultMiddleware(self._recorder or starlette, self.faults)

    def __repr__(self) -> str:
        return f"Sandbox(tenants={[tenant.tenant_id for tenant in self.tenants]})"

    def company(self, tenant_id: int) -> Company:
        return self.companies[tenant_id]

    @property
    def exchanges(self) -> list[Exchange]:
        """The /3/ requests answered so far with their answers, oldest first (empty unless record_exchanges)."""
        return self._recorder.exchanges if self._recorder is not None else []

    def _admin_routes(self) -> list[Route]:
        """What a Fortnox user or the passing of time does to a company's connections, on request (no clock moved):
        `POST /sandbox/companies/{tenant}/expire` and `.../revoke`, for the demo (curl) and a sandbox in another
        process. Loopback only, like the whole sandbox."""
        actions = {"expire": self.oauth.expire_consents, "revoke": self.oauth.revoke_consents}

        async def act(request: Request) -> JSONResponse:
            tenant, action = request.path_params["tenant"], request.path_params["action"]
            if tenant not in self.companies or action not in actions:
                return JSONResponse({"error": f"no company {tenant} or no action {action!r}"}, 404)
            actions[action](tenant)
            return JSONResponse({"tenant": tenant, "done": action})

        return [Route("/companies/{tenant:int}/{action}", act, methods=["POST"])]

    def vouchers_posted(self, tenant_id: int) -> list[VoucherData]:
        """Vouchers committed through POST /3/vouchers, oldest first (also those whose answer was dropped)."""
        return self.companies[tenant_id].posted()


def create_sandbox(config: SandboxConfig | None = None) -> Sandbox:
    return Sandbox(config or SandboxConfig())
