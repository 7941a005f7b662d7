"""Connect a company to Fortnox with no browser on this machine: open the address anywhere, approve, and either the
redirect listener catches the answer (through `ssh -L`) or the user pastes the address the browser ends on.

A user login is the default (the product's flow); Ctrl+T switches to a Fortnox service account, which a system
administrator consents to once in the browser the same way, or which takes a tenant id whose consent is given."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qs, urlsplit

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from core.errors import user_message
from core.fortnox.listener import Announcement, ListenerState
from core.store.models import Company
from core.store.orgnr import format_org_number
from tui.fortnox import Conversation, tell
from tui.i18n import store_words, t, tn
from tui.messages import ConnectEnded, ConnectShown, FortnoxWorkEnded
from tui.screens.base import BokslutScreen
from tui.text import literal


def listener_words(state: ListenerState) -> str:
    """The listener's state in the reader's language (a reason without a key stays as the system gave it)."""
    if state.listening:
        return t("listener.listening", url=state.url)
    reason = t(f"listener_reason.{state.why}", port=state.port) if state.why else state.reason
    return t("listener.not_listening", reason=reason)


def kind_choices(service_account: bool) -> Text:
    """"(•) User login  ( ) Service account": which kind of connection this attempt makes."""
    text = Text()
    for service, key in ((False, "connect.kind_user"), (True, "connect.kind_service")):
        chosen = service == service_account
        text.append(f"  {'(•)' if chosen else '( )'} {t(key)}", style="bold" if chosen else "")
    return text


def listener_port(authorize_url: str) -> str | None:
    """The port of the redirect address inside the authorize URL: the one `ssh -L` must carry."""
    redirect = parse_qs(urlsplit(authorize_url).query).get("redirect_uri", [""])[0]
    parts = urlsplit(redirect)
    if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1"):
        return None
    return str(parts.port or 80)


@dataclass(frozen=True, slots=True)
class ConnectAttempt:
    """What one connect worker does: its number, the kind of connection, and the attempt it must outlast."""

    number: int
    service_account: bool
    tenant_id: int | None
    previous: Conversation | None


class ConnectScreen(BokslutScreen):
    """The connection runs in a thread of the app's with its own event loop; Esc cancels it and the listener closes.

    With `then_import` (the start guide, the import settings) a connection made dismisses the screen with True, the
    connection's words in a notice, so the screen that asked goes on to the import without another key.

    Switching the kind or submitting a tenant id cancels the attempt under way and starts another; each attempt has
    a number, so what a cancelled one says on its way out is not taken for the new one's words."""

    HELP_KEY = "help.connect"
    BINDINGS = [
        Binding("ctrl+y", "copy", "key.copy_address", id="connect.copy"),  # a letter would go into the paste field
        Binding("ctrl+t", "switch_kind", "key.connect_kind", id="connect.kind"),
        Binding("ctrl+o", "sandbox_consent", "key.sandbox_consent", id="connect.sandbox"),
        Binding("r", "retry", "key.retry", id="connect.retry"),
        Binding("escape", "cancel", "key.cancel", id="connect.cancel"),
    ]

    def __init__(self, company_id: int, then_import: bool = False, service_account: bool = False) -> None:
        super().__init__()
        self.company_id = company_id
        self.then_import = then_import
        self.service_account = service_account
        self.attempt = 0
        self.url: str | None = None
        self.state = "starting"  # starting, waiting, checking, connected, failed
        self.conversation: Conversation | None = None
        self.waiting = asyncio.Event()  # set once the address and the listener's state are shown (tests wait on it)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="connect", can_focus=False):
            yield Static(id="connect-kind")
            yield Static(id="connect-open")
            yield Static(id="connect-url")
            yield Static(id="connect-listener")
            yield Static(id="connect-next")
        yield Input(placeholder=t("connect.paste_placeholder"), id="connect-paste")
        yield Input(placeholder=t("connect.tenant_placeholder"), id="connect-tenant", type="integer", max_length=12)
        yield Static(id="connect-result")

    def on_mount(self) -> None:
        self.set_title(t("connect.title"))
        self.start()

    def start(self, tenant_id: int | None = None) -> None:
        """A new attempt; one still under way is cancelled, and the new one waits until it has let its listener go.
        With `tenant_id` (a service account already consented to) there is no address and nothing to wait for."""
        previous = self.conversation
        if previous is not None:
            previous.cancel()
        self.attempt += 1
        self.state, self.url = "starting", None
        self.waiting.clear()
        self.query_one("#connect-kind", Static).update(kind_choices(self.service_account))
        self.query_one("#connect-open", Static).update(
            t("connect.open_service" if self.service_account else "connect.open")
        )
        preparing = t("connect.tenant_checking", tenant=tenant_id) if tenant_id is not None else t("connect.preparing")
        self.query_one("#connect-url", Static).update(Text(preparing, style="dim"))
        self.query_one("#connect-listener", Static).update("")
        self.query_one("#connect-next", Static).update("")
        self.query_one("#connect-result", Static).update("")
        field = self.query_one("#connect-paste", Input)
        field.clear()
        field.disabled = tenant_id is not None
        tenant = self.query_one("#connect-tenant", Input)
        tenant.display = self.service_account
        tenant.disabled = tenant_id is not None
        if tenant_id is None:
            tenant.clear()
            self.set_focus(field)
        else:
            self.state = "checking"
            self.set_focus(None)
        self.conversation = Conversation()
        self.refresh_bindings()
        # The app's worker, not this screen's: leaving the screen cancels the conversation, and the thread
        # finishes (the listener closed, the attempt on record) before the app forgets it.
        attempt = ConnectAttempt(self.attempt, self.service_account, tenant_id, previous)
        self.app.run_worker(
            partial(self._connect, self.app, self.conversation, attempt),
            thread=True, group="fortnox", exit_on_error=False,
        )

    def _connect(self, app, conversation: Conversation, attempt: ConnectAttempt) -> None:
        """In the worker thread: only messages leave it. `app` is handed in: once this screen has gone (Esc),
        it no longer knows its app."""
        from core.fortnox.connection import connect_company

        settings = app.settings
        number = attempt.number

        def shown_url(url: str) -> None:
            tell(self, ConnectShown(url=url, attempt=number))

        def listening(announcement: Announcement) -> None:
            tell(self, ConnectShown(listening=listener_words(announcement.state), attempt=number))

        def work(lines):
            """Inside the conversation, so that even a failed look-up lets the next attempt go on."""
            return connect_company(
                settings, Company.get_by_id(self.company_id), pasted=lines, on_url=shown_url, on_listening=listening,
                service_account=attempt.service_account, tenant_id=attempt.tenant_id,
            )  # fmt: skip

        if attempt.previous is not None:
            attempt.previous.finished.wait()  # cancelled: it lets the listener's port go as it ends
        with app.db.connection_context():
            try:
                tell(self, ConnectEnded(result=conversation.run(work), attempt=number))
            except asyncio.CancelledError:
                tell(self, ConnectEnded(attempt=number))
            except Exception as error:  # a readable line, never a traceback; the attempt is on record
                tell(self, ConnectEnded(error=user_message(error), attempt=number))
        app.post_message(FortnoxWorkEnded())

    def on_connect_shown(self, message: ConnectShown) -> None:
        if message.attempt != self.attempt:
            return
        if message.url is not None:
            self.url = message.url
            self.query_one("#connect-url", Static).update(literal(message.url, style="bold", wrap=True))
            self.app.load_history()  # the connect is on record as running
        if message.listening is not None:
            self.state = "waiting"
            self.query_one("#connect-listener", Static).update(literal(message.listening, wrap=True))
            port = listener_port(self.url or "")
            next_text = t("connect.next_ssh", port=port) if port else t("connect.next_paste")
            self.query_one("#connect-next", Static).update(Text(next_text, style="dim"))
            self.waiting.set()
        self.refresh_bindings()

    @on(Input.Submitted, "#connect-paste")
    def pasted(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if not typed:
            self.show_result(literal(t("connect.nothing_pasted"), wrap=True))
            return
        if self.conversation is not None and self.conversation.paste(typed):
            self.state = "checking"
            event.input.disabled = True
            self.show_result(literal(t("connect.checking"), wrap=True))

    @on(Input.Submitted, "#connect-tenant")
    def tenant_typed(self, event: Input.Submitted) -> None:
        """A tenant whose service-account consent an administrator has already given: no browser needed."""
        typed = event.value.strip()
        if not typed.isdigit() or int(typed) <= 0:
            self.show_result(literal(t("connect.no_tenant"), wrap=True))
            return
        if self.state in ("starting", "waiting", "failed"):
            self.start(tenant_id=int(typed))

    def on_connect_ended(self, message: ConnectEnded) -> None:
        if message.attempt != self.attempt:
            return
        for field in self.query(Input):
            field.disabled = True
        self.set_focus(None)
        if message.result is not None:
            self.state = "connected"
            found = message.result.company
            days = message.result.days_left
            org = format_org_number(found.org_number)
            if message.result.service_account:
                words = t("connect.connected_service", name=found.name, org=org)
            else:
                words = tn("connect.connected", days, name=found.name, org=org, days=days)
            text = Text(overflow="fold")
            text.append_text(literal(words, style="bold green", wrap=True))
            text.append("\n")
            text.append_text(literal(t("connect.store", store=store_words(message.result.store_kind)), wrap=True))
            if message.result.missing_scopes:
                missing = message.result.missing_scopes
                warning = tn("connect.scope_warning", len(missing), scopes=", ".join(missing))
                text.append("\n")
                text.append_text(literal(warning, style="yellow", wrap=True))
            self.show_result(text)
            if self.then_import:
                self.notify(text.plain, title=t("connect.title"), timeout=10, markup=False)
                self.dismiss(True)
                return
        elif message.error is not None:
            self.state = "failed"
            text = Text(overflow="fold")
            text.append_text(literal(t("connect.failed", message=message.error), style="bold red", wrap=True))
            text.append("\n")
            text.append_text(literal(t("connect.retry_hint"), wrap=True))
            self.show_result(text)
        self.refresh_bindings()

    def show_result(self, text: Text) -> None:
        self.query_one("#connect-result", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "copy":
            return self.url is not None and self.state in ("waiting", "checking")
        if action == "retry":
            return self.state == "failed"
        if action == "switch_kind":
            return self.state in ("starting", "waiting", "failed")
        if action == "sandbox_consent":
            return self.app.sandbox_consent is not None and self.url is not None and self.state == "waiting"
        return True

    def action_copy(self) -> None:
        """OSC 52: the terminal (tmux with set-clipboard on) puts it on the clipboard of the machine in front."""
        if self.url is not None:
            self.app.copy_to_clipboard(self.url)
            self.notify(t("connect.copied"), timeout=4)

    def action_sandbox_consent(self) -> None:
        """The demo's stand-in for the browser: the sandbox's consent page is answered here, and the address it
        ends on is pasted like a user would."""
        if self.url is None or self.app.sandbox_consent is None:
            return
        self.state = "checking"
        self.query_one("#connect-paste", Input).disabled = True
        self.show_result(literal(t("connect.checking"), wrap=True))
        self.refresh_bindings()
        self.app.run_worker(
            partial(self._consent_in_sandbox, self.app, self.url, self.conversation, self.attempt),
            thread=True, group="fortnox", exit_on_error=False,
        )

    def _consent_in_sandbox(self, app, url: str, conversation: Conversation | None, attempt: int) -> None:
        with app.db.connection_context():
            org_number = Company.get_by_id(self.company_id).org_number or ""
        try:
            redirect = app.sandbox_consent(url, org_number)
        except Exception as error:  # e.g. the sandbox has no such company: shown like any failed connect
            tell(self, ConnectEnded(error=user_message(error), attempt=attempt))
            if conversation is not None:
                conversation.cancel()
            return
        if conversation is not None:
            conversation.paste(redirect)

    def action_switch_kind(self) -> None:
        """User login or service account: the attempt under way gives way to one of the other kind."""
        if self.check_action("switch_kind", ()):
            self.service_account = not self.service_account
            self.start()

    def action_retry(self) -> None:
        if self.state == "failed":
            self.start()

    def action_cancel(self) -> None:
        if self.conversation is not None:
            self.conversation.cancel()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self.conversation is not None:
            self.conversation.cancel()
