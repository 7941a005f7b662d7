"""Runs the sandbox over real HTTP on loopback: in the background for tests and the demo, or in front for the CLI."""

from __future__ import annotations

import shlex
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from starlette.types import ASGIApp

from core.errors import BokslutError
from fortnox_sandbox.app import ADMIN_PATH, Sandbox, SandboxConfig, create_sandbox

HOST = "127.0.0.1"  # never all interfaces: the sandbox hands out tokens to whoever asks
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"
STARTUP_DEADLINE_SECONDS = 10.0


class SandboxUnavailable(BokslutError):
    """The sandbox server could not start, most often because the port is taken."""


@dataclass(frozen=True)
class RunningSandbox:
    """Where a started sandbox answers, and the app credentials it accepts, in the shape FortnoxSettings wants."""

    base_url: str
    redirect_uri: str
    client_id: str
    client_secret: str = field(repr=False)
    sandbox: Sandbox = field(repr=False)

    @property
    def auth_url(self) -> str:
        return self.base_url + "/oauth-v1"

    @property
    def api_url(self) -> str:
        return self.base_url + "/3"

    def environment(self) -> dict[str, str]:
        """The settings that point bokslut at this sandbox (its client secret is its own, not a real secret)."""
        return {
            "BOKSLUT_FORTNOX_CLIENT_ID": self.client_id,
            "BOKSLUT_FORTNOX_CLIENT_SECRET": self.client_secret,
            "BOKSLUT_FORTNOX_REDIRECT_URI": self.redirect_uri,
            "BOKSLUT_FORTNOX_AUTH_URL": self.auth_url,
            "BOKSLUT_FORTNOX_API_URL": self.api_url,
        }


@contextmanager
def running_sandbox(
    config: SandboxConfig | None = None, port: int = 0, redirect_uri: str = DEFAULT_REDIRECT_URI
) -> Iterator[RunningSandbox]:
    """A sandbox served on 127.0.0.1 (a free port unless one is given) until the with-block ends."""
    with _serving(config, port, redirect_uri) as (running, _):
        yield running


def serve_forever(port: int, config: SandboxConfig | None = None) -> None:
    """For `bokslut sandbox`: print the settings to point bokslut at the sandbox, then serve until Ctrl-C."""
    with _serving(config, port, DEFAULT_REDIRECT_URI) as (running, thread):
        print(shell_assignments(running), flush=True)
        try:
            thread.join()
        except KeyboardInterrupt:
            pass


def shell_assignments(running: RunningSandbox) -> str:
    """Shell lines to eval or source (`bokslut sandbox > sandbox.env &` then `. ./sandbox.env`); the companies
    follow as comments so the shell ignores them."""
    lines = [f"export {name}={shlex.quote(value)}" for name, value in running.environment().items()]
    # Collapsing whitespace keeps a name with a line break from ending the comment inside an eval.
    lines += [
        f"# company: {' '.join(tenant.org_number.split())} {' '.join(tenant.name.split())}"
        for tenant in running.sandbox.tenants
    ]
    tenants = ", ".join(f"{tenant.tenant_id} ({' '.join(tenant.org_number.split())})" for tenant in running.sandbox.tenants)
    lines.append(
        f"# to expire or revoke the connections to a company: curl -X POST {running.base_url}{ADMIN_PATH}/companies/ID/"
        f"expire (or /revoke); ID: {tenants}"
    )  # last: scripts read the settings up to the first company line
    return "\n".join(lines)


@contextmanager
def _serving(
    config: SandboxConfig | None, port: int, redirect_uri: str
) -> Iterator[tuple[RunningSandbox, threading.Thread]]:
    sandbox = create_sandbox(config)
    with serve_in_background(sandbox.app, port) as (bound_port, thread):
        running = RunningSandbox(
            base_url=f"http://{HOST}:{bound_port}",
            redirect_uri=redirect_uri,
            client_id=sandbox.config.client_id,
            client_secret=sandbox.config.client_secret,
            sandbox=sandbox,
        )
        yield running, thread


@contextmanager
def serve_in_background(app: ASGIApp, port: int = 0) -> Iterator[tuple[int, threading.Thread]]:
    """Any ASGI app on 127.0.0.1 in a daemon thread; yields the bound port and the thread serving it."""
    listening = _bind(port)
    server = uvicorn.Server(
        uvicorn.Config(app, host=HOST, port=port, log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, name="fortnox-sandbox", daemon=True)
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield listening.getsockname()[1], thread
    finally:
        server.should_exit = True
        thread.join()
        listening.close()


def _bind(port: int) -> socket.socket:
    """Bound here rather than by uvicorn so a taken port is an error for the caller, not a dying thread."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((HOST, port))
    except OSError as error:
        listening.close()
        raise SandboxUnavailable(
            f"The Fortnox sandbox cannot listen on {HOST} port {port} ({error.strerror}); choose another port."
        ) from error
    return listening


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    """uvicorn offers no start-up event, so poll its flag against a deadline."""
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SandboxUnavailable(f"The Fortnox sandbox did not start within {STARTUP_DEADLINE_SECONDS:.0f} s.")
        time.sleep(0.01)
