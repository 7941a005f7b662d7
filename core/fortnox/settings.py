"""Which Fortnox app and addresses bokslut uses: the [fortnox] table of the config file, overridden by environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from core.config import ConfigError, Settings

TOKEN_STORE_KINDS = ("auto", "keyring", "file")
MAX_CONNECTION_DAYS = 45  # Fortnox's refresh token lives 45 days; promising more would be a lie

_ENV_OVERRIDES = {
    "client_id": "BOKSLUT_FORTNOX_CLIENT_ID",
    "client_secret": "BOKSLUT_FORTNOX_CLIENT_SECRET",
    "redirect_uri": "BOKSLUT_FORTNOX_REDIRECT_URI",
    "auth_url": "BOKSLUT_FORTNOX_AUTH_URL",
    "api_url": "BOKSLUT_FORTNOX_API_URL",
    "token_store": "BOKSLUT_TOKEN_STORE",
}
_URL_KEYS = ("redirect_uri", "auth_url", "api_url")


@dataclass(frozen=True)
class FortnoxSettings:
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str = "http://localhost:8765/callback"
    auth_url: str = "https://apps.fortnox.se/oauth-v1"
    api_url: str = "https://api.fortnox.se/3"
    connection_days: int = 30
    token_store: str = "auto"

    def require_client(self) -> None:
        """Connecting needs a registered Fortnox app; say where its credentials go before opening a browser."""
        for key, value in (("client_id", self.client_id), ("client_secret", self.client_secret)):
            if not value:
                raise ConfigError(
                    f"The Fortnox {key.replace('_', ' ')} is not set. Set {_ENV_OVERRIDES[key]} or {key} "
                    "in the [fortnox] table of the config file (from your app in Fortnox's Developer Portal)."
                )


def fortnox_settings(settings: Settings, environ: Mapping[str, str] = os.environ) -> FortnoxSettings:
    config_name = str(settings.config_file) if settings.config_file else "the config file"
    table = settings.config.get("fortnox", {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"{config_name}: [fortnox] must be a table, e.g. [fortnox] on a line of its own.")
    defaults = FortnoxSettings(client_id="", client_secret="")
    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for key, variable in _ENV_OVERRIDES.items():
        if environ.get(variable):
            values[key], sources[key] = environ[variable], variable
        elif key in table:
            values[key], sources[key] = table[key], f"{config_name}: [fortnox] {key}"
        else:
            values[key], sources[key] = getattr(defaults, key), key
    for key in _ENV_OVERRIDES:
        if not isinstance(values[key], str):
            raise ConfigError(f"{sources[key]} must be text in quotes.")  # never echoed: it may be the secret
    for key in _URL_KEYS:
        _require_http_url(str(values[key]), sources[key])
    for key in ("auth_url", "api_url"):  # paths are appended to these bases
        values[key] = str(values[key]).rstrip("/")
    if values["token_store"] not in TOKEN_STORE_KINDS:
        raise ConfigError(
            f"{sources['token_store']} must be one of {', '.join(TOKEN_STORE_KINDS)}, not {values['token_store']!r}."
        )
    days = table.get("connection_days", defaults.connection_days)
    if not isinstance(days, int) or isinstance(days, bool) or not 0 < days <= MAX_CONNECTION_DAYS:
        raise ConfigError(
            f"{config_name}: [fortnox] connection_days must be a whole number from 1 to {MAX_CONNECTION_DAYS} "
            f"(Fortnox's refresh token lasts {MAX_CONNECTION_DAYS} days), not {days!r}."
        )
    return FortnoxSettings(**values, connection_days=days)  # type: ignore[arg-type]


def _require_http_url(value: str, source: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{source} must be an http:// or https:// address, not {value!r}.")
