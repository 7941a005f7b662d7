"""Serving the sandbox: loopback only, clean start and stop, and the shell lines that point bokslut at it."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
import pytest

from fortnox_sandbox.serve import RunningSandbox, SandboxUnavailable, running_sandbox, shell_assignments

ROOT = Path(__file__).resolve().parents[2]


def outward_address() -> str | None:
    """This machine's address on a non-loopback interface, found without sending a packet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing only, nothing is sent
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def refuses_connection(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as attempt:
        attempt.settimeout(5)
        return attempt.connect_ex((host, port)) == errno.ECONNREFUSED


def test_serves_on_loopback_only_and_stops_on_exit():
    with running_sandbox() as running:
        url = urlsplit(running.base_url)
        assert url.hostname == "127.0.0.1" and url.port
        assert running.auth_url == running.base_url + "/oauth-v1"
        assert running.api_url == running.base_url + "/3"
        assert httpx.post(running.auth_url + "/token").status_code == 401
        elsewhere = outward_address()
        if elsewhere is not None:
            assert refuses_connection(elsewhere, url.port)
    assert refuses_connection("127.0.0.1", url.port)


def test_a_taken_port_is_reported_as_a_user_error():
    with socket.socket() as occupant:
        occupant.bind(("127.0.0.1", 0))
        occupant.listen()
        port = occupant.getsockname()[1]
        with pytest.raises(SandboxUnavailable, match=str(port)), running_sandbox(port=port):
            pass


def test_the_client_secret_stays_out_of_repr():
    with running_sandbox() as running:
        assert running.client_secret not in repr(running)


def test_shell_assignments_evaluate_in_a_shell_and_list_the_companies():
    with running_sandbox() as running:
        text = shell_assignments(running)
        names = ["CLIENT_ID", "CLIENT_SECRET", "REDIRECT_URI", "AUTH_URL", "API_URL"]
        script = 'eval "$1"; ' + "; ".join(f'printf "%s\\n" "$BOKSLUT_FORTNOX_{name}"' for name in names)
        printed = subprocess.run(["bash", "-c", script, "_", text], capture_output=True, text=True, check=True)
        assert printed.stdout.splitlines() == [
            running.client_id, running.client_secret, running.redirect_uri, running.auth_url, running.api_url
        ]
        assert urlsplit(running.redirect_uri).hostname == "127.0.0.1"
        comments = [line for line in text.splitlines() if line.startswith("#")]
        assert comments[:-1] == [
            f"# company: {tenant.org_number} {tenant.name}" for tenant in running.sandbox.tenants
        ]
        admin = f"{running.base_url}/sandbox/companies/ID/expire (or /revoke); ID: 1105837 (556123-4567), "
        assert comments[-1].startswith("# to expire or revoke the connections to a company: curl -X POST " + admin)
        assert all(line.startswith(("export BOKSLUT_FORTNOX_", "# ")) for line in text.splitlines())


def test_shell_assignments_quote_values_and_keep_names_inside_their_comment():
    hostile = SimpleNamespace(
        tenants=[SimpleNamespace(tenant_id=1, org_number="556677-8899", name="Evil AB\nexport BOKSLUT_PWNED=1")]
    )
    running = RunningSandbox(
        base_url="http://127.0.0.1:1", redirect_uri="http://127.0.0.1:8765/callback",
        client_id="id with 'quotes' $(touch /nonexistent)", client_secret="s3cret", sandbox=hostile,
    )  # fmt: skip
    text = shell_assignments(running)
    script = 'eval "$1"; printf "%s|%s\\n" "$BOKSLUT_FORTNOX_CLIENT_ID" "${BOKSLUT_PWNED-unset}"'
    printed = subprocess.run(["bash", "-c", script, "_", text], capture_output=True, text=True, check=True)
    assert printed.stdout == "id with 'quotes' $(touch /nonexistent)|unset\n"
    assert "# company: 556677-8899 Evil AB export BOKSLUT_PWNED=1" in text.splitlines()


def test_serve_forever_prints_the_settings_first_and_stops_on_ctrl_c():
    command = [sys.executable, "-c", "from fortnox_sandbox.serve import serve_forever; serve_forever(0)"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        try:
            first = process.stdout.readline()
            assert first.startswith("export BOKSLUT_FORTNOX_CLIENT_ID=")
            lines = [first]
            while not lines[-1].startswith("export BOKSLUT_FORTNOX_API_URL="):
                lines.append(process.stdout.readline())
            api_url = lines[-1].strip().split("=", 1)[1]
            assert httpx.post(api_url.removesuffix("/3") + "/oauth-v1/token").status_code == 401
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0, process.stderr.read()
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
