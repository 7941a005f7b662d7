"""Plays the user's browser on the sandbox consent page, so tests and the demo can connect without a real browser."""

from __future__ import annotations

import asyncio
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from core.errors import BokslutError
from core.store.orgnr import normalise_org_number
from fortnox_sandbox import consent_page
from fortnox_sandbox.oauth import DEMO_PASSWORD, DEMO_USER


class ConsentFailed(BokslutError):
    """The sandbox did not hand out a redirect; the message says what the page reported."""


async def give_consent(authorize_url: str, org_number: str | None = None, *, deny: bool = False) -> str:
    """Log in as the demo user, pick the company (the first unless org_number is given) and allow or deny.

    Returns the redirect target (the app's redirect URI with code or error) without following it, as the app's
    redirect listener is the one meant to receive it.
    """
    async with httpx.AsyncClient(follow_redirects=False, timeout=10.0) as client:
        page = await client.get(authorize_url)
        if page.is_redirect:  # auto-consent, or an error such as invalid_scope sent straight back to the app
            return page.headers["location"]
        if page.status_code != 200:
            raise ConsentFailed(f"The sandbox consent page answered {page.status_code}: {_visible_text(page.text)}")
        form = _ConsentForm.parse(page.text)
        fields = {
            **form.hidden,
            consent_page.USERNAME_FIELD: DEMO_USER,
            consent_page.PASSWORD_FIELD: DEMO_PASSWORD,
            consent_page.TENANT_FIELD: form.tenant_for(org_number),
            consent_page.DECISION_FIELD: consent_page.DENY if deny else consent_page.ALLOW,
        }
        answer = await client.post(urljoin(str(page.url), form.action), data=fields)
        if not answer.is_redirect:
            raise ConsentFailed(
                f"The sandbox did not accept the consent ({answer.status_code}): {_visible_text(answer.text)}"
            )
        return answer.headers["location"]


def give_consent_blocking(authorize_url: str, org_number: str | None = None, *, deny: bool = False) -> str:
    """For callers without an event loop, e.g. a synchronous test beside running_sandbox()."""
    return asyncio.run(give_consent(authorize_url, org_number, deny=deny))


class _ConsentForm(HTMLParser):
    """Reads the form the way a browser would: its action, hidden fields and the company choices."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.hidden: dict[str, str] = {}
        self.tenants: dict[str, str] = {}  # org number -> form value

    @classmethod
    def parse(cls, html: str) -> _ConsentForm:
        form = cls()
        form.feed(html)
        form.close()
        return form

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = attributes.get("action", "")
        elif tag == "input" and attributes.get("type") == "hidden":
            self.hidden[attributes.get("name", "")] = attributes.get("value", "")
        elif tag == "input" and attributes.get("name") == consent_page.TENANT_FIELD:
            self.tenants[attributes.get(consent_page.ORG_NUMBER_ATTRIBUTE, "")] = attributes.get("value", "")

    def tenant_for(self, org_number: str | None) -> str:
        if not self.tenants:
            raise ConsentFailed("The sandbox consent page offered no company to choose.")
        if org_number is None:
            return next(iter(self.tenants.values()))
        by_digits = {normalise_org_number(offered): tenant for offered, tenant in self.tenants.items()}
        wanted = normalise_org_number(org_number)
        if wanted not in by_digits:
            offered = ", ".join(self.tenants)
            raise ConsentFailed(f"The sandbox user has no company {org_number}; the page offers {offered}.")
        return by_digits[wanted]


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in {"style", "title", "script"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"style", "title", "script"}

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def _visible_text(html: str) -> str:
    """The page's words without markup: error messages must be text, and short."""
    parser = _TextOnly()
    parser.feed(html)
    return " ".join(parser.parts)[:300]
