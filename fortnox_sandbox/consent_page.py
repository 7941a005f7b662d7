"""HTML for the sandbox's login and consent page; every echoed value is escaped because it comes from the URL."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fortnox_sandbox.data import Tenant

# Form field names shared with browser.py, which fills the form in like a user would.
USERNAME_FIELD = "username"
PASSWORD_FIELD = "password"
TENANT_FIELD = "tenant"
DECISION_FIELD = "decision"
ALLOW = "allow"
DENY = "deny"
ORG_NUMBER_ATTRIBUTE = "data-org-number"

_STYLE = """
body { font-family: sans-serif; max-width: 36em; margin: 2em auto; color: #222; }
fieldset { margin: 1em 0; } label { display: block; margin: .3em 0; }
.error { color: #a00; font-weight: bold; } .hint { color: #666; font-size: .9em; }
"""


def consent_page(
    *,
    action: str,
    hidden: Mapping[str, str],
    tenants: Sequence[Tenant],
    scopes: Iterable[str],
    demo_user: str,
    demo_password: str,
    message: str | None = None,
) -> str:
    """The Fortnox-style page: log in, pick one of the user's companies, review the scopes, allow or deny."""
    hidden_inputs = "\n".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">' for name, value in hidden.items()
    )
    companies = "\n".join(
        f'<label><input type="radio" name="{TENANT_FIELD}" value="{tenant.tenant_id}" '
        f'{ORG_NUMBER_ATTRIBUTE}="{escape(tenant.org_number)}"{" checked" if index == 0 else ""}> '
        f"{escape(tenant.name)} ({escape(tenant.org_number)})</label>"
        for index, tenant in enumerate(tenants)
    )
    scope_items = "\n".join(f"<li>{escape(scope)}</li>" for scope in scopes)
    problem = f'<p class="error">{escape(message)}</p>' if message else ""
    body = f"""<h1>Fortnox sandbox: log in and connect</h1>
{problem}
<form method="post" action="{escape(action)}">
{hidden_inputs}
<fieldset><legend>Log in</legend>
<label>E-mail <input type="text" name="{USERNAME_FIELD}" value="{escape(demo_user)}" autocomplete="username"></label>
<label>Password <input type="password" name="{PASSWORD_FIELD}" autocomplete="current-password"></label>
<p class="hint">Sandbox demo user: {escape(demo_user)}, password: {escape(demo_password)}</p>
</fieldset>
<fieldset><legend>Company</legend>
{companies}
</fieldset>
<fieldset><legend>The integration asks for access to</legend>
<ul>
{scope_items}
</ul>
</fieldset>
<button type="submit" name="{DECISION_FIELD}" value="{ALLOW}">Connect</button>
<button type="submit" name="{DECISION_FIELD}" value="{DENY}">Deny</button>
</form>"""
    return _document("Fortnox sandbox: connect", body)


def error_page(message: str) -> str:
    """Shown instead of redirecting when the client or redirect URI cannot be trusted with a redirect."""
    return _document("Fortnox sandbox: error", f'<h1>Cannot connect</h1>\n<p class="error">{escape(message)}</p>')


def _document(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )
