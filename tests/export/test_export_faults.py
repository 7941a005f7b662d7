"""Exactly once under trouble: hundreds of closing entries exported while the sandbox loses answers after committing,
times out, answers 429 and 5xx, and while the exporting `bokslut` is killed (kill -9) at random moments and started
again, alone or two at a time. Afterwards every entry is in Fortnox exactly once and marked exported with its
number, or marked failed with Fortnox's reason; none is missing, none doubled.

The sandbox runs in this process; the in-process tests move its clock instead of waiting out 429s and the throttle.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import re
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

import core.fortnox.connection
from core.activity import list_activity
from core.closing.entries import create_entry
from core.export.fortnox import EntryResult, PreflightNotClean, export_to_fortnox
from core.fortnox.client import RetryPolicy
from fortnox_sandbox.app import SandboxConfig, create_sandbox
from core.store.models import ClosingEntry, ExportAttempt
from tests.export.conftest import NORDLJUS_TENANT, YEAR_2025_ID, draft, serving_behind
from tests.fortnox.conftest import NORDLJUS, connect
from tests.postgres import raw_connection

MARKER = re.compile(r"bokslut:[0-9a-f]{16}")
VOUCHERS = "/3/vouchers"  # a prefix: POST /3/vouchers, the reads of /3/vouchers/sublist/I, and /3/voucherseries


class CommitsLate:
    """In front of the sandbox: the next POST /3/vouchers is received whole, then held before the sandbox saves it.

    A client that gives up meanwhile has sent a voucher Fortnox is still working on: it will exist, but not yet.
    (The sandbox's own add_latency waits before reading the request, so a client that gives up saves nothing.)
    """

    def __init__(self, app) -> None:
        self.app = app
        self._held: list[float] = []
        self._throttled = 0

    def arm(self, seconds: float, *, after_429s: int = 0) -> None:
        """`after_429s`: the POSTs before it are refused with 429 first (Retry-After 1), as the rate limit does."""
        self._held.append(seconds)
        self._throttled += after_429s

    async def __call__(self, scope, receive, send) -> None:
        if not (self._held and scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == VOUCHERS):
            await self.app(scope, receive, send)
            return
        if self._throttled:
            self._throttled -= 1
            headers = [(b"content-type", b"application/json"), (b"retry-after", b"1")]
            await send({"type": "http.response.start", "status": 429, "headers": headers})
            await send({"type": "http.response.body", "body": b'{"message":"Too many requests"}'})
            return
        seconds = self._held.pop(0)
        body, more = b"", True
        while more:
            message = await receive()
            body, more = body + message.get("body", b""), message.get("more_body", False)
        await asyncio.sleep(seconds)
        replayed = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay():
            return replayed.pop() if replayed else {"type": "http.disconnect"}

        await self.app(scope, replay, send)


@pytest.fixture
def late():
    return {}


@pytest.fixture(params=[False, True], ids=["lists with Comments", "lists without Comments"])
def sandbox(late, request):
    """Without Fortnox's rate limit (two bokslut processes at 4 requests/s each would exceed it), and with
    CommitsLate in front (in `late["commits"]`). Every test runs twice: once with voucher lists that carry Comments,
    and once with lists that lack them (as recorded real lists do), where the lists prove nothing absent."""
    config = SandboxConfig(vouchers_per_year=150, rate_limit=False, lean_voucher_lists=request.param, record_exchanges=True)
    made = create_sandbox(config)
    late["commits"] = CommitsLate(made.app)
    with serving_behind(made, late["commits"]) as running:
        yield running


def _entries(books, count: int, *, inactive_account_every: int = 0) -> list[ClosingEntry]:
    made = []
    for n in range(count):
        cost_account = "6110" if inactive_account_every and n % inactive_account_every == 0 else "5010"
        made.append(
            create_entry(
                books.db, books.company, books.year,
                draft(f"Periodisering {n}", ("1790", f"{100 + n}.25"), (cost_account, f"-{100 + n}.25")),
            )
        )  # fmt: skip
    return made


def _assert_each_in_fortnox_once(sandbox, entries: list[ClosingEntry]) -> Counter:
    """Every entry exported with the number Fortnox gave its one voucher, or failed with Fortnox's reason."""
    posted = sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)
    vouchers: dict[str, list] = {}
    for voucher in posted:
        for marker in MARKER.findall(voucher.comments or ""):
            vouchers.setdefault(marker, []).append(voucher)
    outcome = Counter()
    for entry in (ClosingEntry.get_by_id(entry.id) for entry in entries):
        found = vouchers.pop(entry.marker, [])
        outcome[entry.status] += 1
        if entry.status == "failed":
            assert found == []
            assert "Fortnox refused the voucher (code 2000550): Konto 6110 är inte aktivt" in entry.failure
            continue
        assert len(found) == 1, f"entry {entry.id}: {len(found)} vouchers in Fortnox"
        assert entry.status == "exported", (entry.id, entry.status, entry.failure)
        assert (entry.fortnox_series, entry.fortnox_number, entry.fortnox_year) == (
            found[0].series, found[0].number, found[0].year_id
        )  # fmt: skip
    assert vouchers == {}  # nothing in Fortnox that is not one of these entries
    assert not ExportAttempt.select().where(ExportAttempt.state == "intent").exists()
    return outcome


class _Trouble:
    """Arms one fault every few entries, from the export's own progress, so the faults fall all through the run."""

    def __init__(self, sandbox, commits: CommitsLate, rng: random.Random, entries: int, deactivate_at: int) -> None:
        self.faults = sandbox.sandbox.faults
        self.commits = commits
        self.chart = sandbox.sandbox.company(NORDLJUS_TENANT).chart(YEAR_2025_ID)
        self.rng = rng
        self.deactivate_at = deactivate_at
        self.last_fault_at = entries - 10  # a time-out is cleared by the POST it slows, so one must still follow
        self.seen: set[int] = set()
        self.steps = 0
        self.next_fault = 3
        self.slow = False
        self.armed = Counter()

    def __call__(self, result: EntryResult) -> None:
        self.steps += 1
        self.seen.add(result.entry_id)
        if self.slow and result.outcome == "uncertain":  # that POST timed out; Fortnox still saves it a bit later
            self.faults.clear()
            self.slow = False
        if self.steps == self.deactivate_at:  # after the preflight, so only Fortnox itself can refuse it
            self.chart[6110] = dataclasses.replace(self.chart[6110], active=False)
        if self.steps < self.next_fault or self.slow or len(self.seen) > self.last_fault_at:
            return
        self.next_fault = self.steps + self.rng.randint(2, 6)
        kind = self.rng.choice(["lost answer", "dropped", "503", "500", "429", "time-out", "saved after time-out"])
        self.armed[kind] += 1
        if kind == "lost answer":
            self.faults.drop_after_commit(1)
        elif kind == "dropped":
            self.faults.drop(1, path=VOUCHERS)
        elif kind in ("503", "500"):
            self.faults.fail(1, status=int(kind), path=VOUCHERS)
        elif kind == "saved after time-out":
            self.commits.arm(0.6)  # beyond the client's 0.25 s
        elif kind == "429":
            self.faults.throttle(self.rng.randint(1, 3), path=VOUCHERS)
        else:
            self.faults.add_latency(0.6, path=VOUCHERS)  # the client gives up first, and then nothing is saved
            self.slow = True


def _quick(connected, monkeypatch, *, timeout: float, wait_seconds: int, **client_options):
    """A short client time-out and a short wait before an unanswered POST counts as absent."""
    client = core.fortnox.connection.FortnoxClient
    monkeypatch.setattr(core.fortnox.connection, "FortnoxClient", partial(client, timeout=timeout, **client_options))
    return dataclasses.replace(connected.settings, config={"export": {"unanswered_wait_seconds": wait_seconds}})


async def test_two_hundred_entries_through_lost_answers_time_outs_429s_and_5xx(
    nordljus, connected, sandbox, late, monkeypatch
):
    entries = _entries(nordljus, 200, inactive_account_every=25)
    settings = _quick(connected, monkeypatch, timeout=0.25, wait_seconds=1)
    trouble = _Trouble(sandbox, late["commits"], random.Random(20251231), entries=200, deactivate_at=100)

    report = await export_to_fortnox(nordljus.db, settings, nordljus.company, nordljus.year, "I", on_entry=trouble)

    outcome = _assert_each_in_fortnox_once(sandbox, entries)
    assert outcome["exported"] + outcome["failed"] == 200 and outcome["failed"] >= 3
    counts = report.counts
    assert (counts["sent"] + counts["found"], counts["failed"]) == (outcome["exported"], outcome["failed"])
    assert counts["found"] > 0 and counts["resolved"] >= counts["found"] and counts["unsent"] == 0
    assert set(trouble.armed) == {"lost answer", "dropped", "503", "500", "429", "time-out", "saved after time-out"}
    export = list_activity(nordljus.db, kind="export")[0]
    assert (export.status, export.counts) == ("done", counts)
    assert "found in Fortnox as I" in export.message and "Konto 6110 är inte aktivt" in export.message

    failed = {entry.id for entry in entries if ClosingEntry.get_by_id(entry.id).status == "failed"}
    with pytest.raises(PreflightNotClean) as refused:  # failed entries are candidates again; the preflight sees why
        await export_to_fortnox(nordljus.db, settings, nordljus.company, nordljus.year, "I")
    assert set(refused.value.preflight.problems) == failed
    assert "account 6110 is not active in Fortnox" in refused.value.preflight.problems[min(failed)][0]

    trouble.chart[6110] = dataclasses.replace(trouble.chart[6110], active=True)  # the user fixed it in Fortnox
    again = await export_to_fortnox(nordljus.db, settings, nordljus.company, nordljus.year, "I")
    assert (again.counts["sent"], sorted(again.results)) == (len(failed), sorted(failed))  # only those, nothing twice
    assert _assert_each_in_fortnox_once(sandbox, entries) == {"exported": 200}


async def test_a_post_fortnox_is_still_working_on_is_found_rather_than_sent_twice(
    nordljus, connected, sandbox, late, monkeypatch
):
    """The answer times out while Fortnox is still saving: the first look finds nothing, yet it must not resend."""
    (entry,) = _entries(nordljus, 1)
    settings = _quick(connected, monkeypatch, timeout=0.3, wait_seconds=2)
    seen = []

    late["commits"].arm(1.5)
    seen = []
    report = await export_to_fortnox(
        nordljus.db, settings, nordljus.company, nordljus.year, "I", on_entry=lambda result: seen.append(result.outcome)
    )

    assert seen == ["uncertain", "found"]
    assert report.results[entry.id].message == "found in Fortnox as I 1 (its answer had been lost)"
    _assert_each_in_fortnox_once(sandbox, [entry])
    assert [a.state for a in ExportAttempt.select()] == ["found"]


async def test_the_wait_for_an_unanswered_post_counts_from_its_last_sending_not_from_its_intent(
    nordljus, connected, sandbox, late, monkeypatch
):
    """A 429 holds the POST back 4 s after its intent; then it times out while Fortnox still saves it. Counted from
    the intent the 2 s wait would be over at once, the voucher not yet there, and the entry sent twice. (The
    wait after the 429 is real here, as the times in the export ledger are.)"""
    (entry,) = _entries(nordljus, 1)
    retry = RetryPolicy(rate_limit_window=4.0, base=0.1)
    settings = _quick(connected, monkeypatch, timeout=0.3, wait_seconds=2, retry=retry, sleep=asyncio.sleep)
    late["commits"].arm(1.5, after_429s=1)
    seen = []

    report = await export_to_fortnox(
        nordljus.db, settings, nordljus.company, nordljus.year, "I", on_entry=lambda result: seen.append(result.outcome)
    )

    assert seen == ["uncertain", "found"]
    assert report.results[entry.id].number == 1
    _assert_each_in_fortnox_once(sandbox, [entry])
    (attempt,) = ExportAttempt.select()
    assert attempt.state == "found" and (attempt.sent - attempt.started).total_seconds() >= 3


def _export_until_done(cli, sandbox, workers: int, kills_each: int, seed: int) -> tuple[Counter, set[str]]:
    """`bokslut export-fortnox --yes` in `workers` processes at once; each is killed (SIGKILL) `kills_each` times and
    started again, until each exits 0 by itself. A worker's first kill falls soon after its first intent is
    committed (so at least one export dies mid-way for sure); the others at random moments, start-up included.
    Returns what happened and the killed processes as the export ledger names them ("host:pid")."""
    (cli.data_dir / "no-config.toml").write_text("[export]\nunanswered_wait_seconds = 1\n")
    faults = sandbox.sandbox.faults
    happened: Counter = Counter()
    killed: set[str] = set()
    lock = threading.Lock()

    def worker(index: int) -> None:
        rng = random.Random(seed + index)
        kills = kills_each
        while True:
            with lock:  # trouble for whoever asks next
                faults.drop_after_commit(rng.randint(1, 2))
                faults.fail(1, status=503, path=VOUCHERS)
                faults.drop(1, path=VOUCHERS)
            process = subprocess.Popen(
                cli.command("export-fortnox", "--company", NORDLJUS, "--year", "2025", "--series", "I", "--yes"),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli.env,
            )  # fmt: skip
            name = f"{socket.gethostname()}:{process.pid}"
            if kills == kills_each:
                _first_intent(cli, name, process)
                delay = rng.uniform(0.0, 0.5)
            else:
                delay = rng.uniform(0.3, 3.0)
            try:
                _, err = process.communicate(timeout=delay if kills else 120)
            except subprocess.TimeoutExpired:
                process.kill()  # SIGKILL: no clean-up of any kind
                process.communicate()
                kills -= 1
                with lock:
                    happened["killed"] += 1
                    killed.add(name)
                continue
            with lock:
                happened[f"exit {process.returncode}"] += 1
                if process.returncode == 0:
                    return
                # A process may stop cleanly instead: the connection ran out, or a read's retries met only faults
                # (they pile up while processes are killed); the next process takes over, as a user would.
                if "reconnect before you can export" not in err and "try again in a few minutes" not in err:
                    raise AssertionError(err)
                # A kill between Fortnox rotating the refresh token and bokslut saving it loses the connection;
                # the user connects again, as the message says.
                happened["reconnected"] += 1
                assert connect(cli, NORDLJUS).returncode == 0

    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(worker, index) for index in range(workers)]:
            done.result()
    return happened, killed


def _first_intent(cli, name: str, process: subprocess.Popen) -> None:
    """Until the process has committed an intent (or ended): polled in the store, as another bokslut would see it."""
    with raw_connection(cli.store) as store:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if store("SELECT 1 FROM export_attempt WHERE process = ?", (name,)):
                return
            time.sleep(0.01)


def _resolved_after_kill(killed: set[str]) -> int:
    """Intents a killed export left, settled afterwards by reading Fortnox."""
    return (
        ExportAttempt.select()
        .where(ExportAttempt.process.in_(list(killed)), ExportAttempt.state.in_(["found", "absent"]))
        .count()
    )


@pytest.mark.slow
def test_one_export_killed_at_random_and_restarted_until_done(nordljus, sandbox):
    entries = _entries(nordljus, 100)
    happened, killed = _export_until_done(nordljus.cli, sandbox, workers=1, kills_each=5, seed=7)
    assert _assert_each_in_fortnox_once(sandbox, entries) == {"exported": 100}, happened
    assert happened["killed"] == 5 and _resolved_after_kill(killed) >= 1, happened


@pytest.mark.slow
def test_two_exports_at_once_killed_and_restarted_make_one_voucher_per_entry(nordljus, sandbox):
    entries = _entries(nordljus, 100)
    happened, killed = _export_until_done(nordljus.cli, sandbox, workers=2, kills_each=3, seed=11)
    assert _assert_each_in_fortnox_once(sandbox, entries) == {"exported": 100}, happened
    assert happened["killed"] == 6 and _resolved_after_kill(killed) >= 1, happened
    processes = {attempt.process for attempt in ExportAttempt.select() if attempt.state in ("posted", "found")}
    # The work was shared out between processes, not done by one alone. (Not ">= 3": whether a restarted export
    # gets past its start-up before its next kill depends on the machine's speed, not on the export.)
    assert len(processes) >= 2


async def test_an_entry_fortnox_holds_twice_is_found_once_and_the_extra_named(nordljus, connected, sandbox, monkeypatch):
    """The answer to the POST is lost, and by the time bokslut looks the series holds the voucher twice (someone
    entered it again in Fortnox): the entry is exported as the first, nothing is sent again, and the result names
    both so the user can reverse the extra one; in the Swedish app too."""
    from tui.i18n import export_result_words, set_language

    (entry,) = _entries(nordljus, 1)
    settings = _quick(connected, monkeypatch, timeout=5, wait_seconds=2)
    books = sandbox.sandbox.companies[NORDLJUS_TENANT]

    def entered_again(result: EntryResult) -> None:
        if result.outcome == "uncertain":  # the first POST is in Fortnox; its answer never came
            (posted,) = books.posted()
            books.post(posted.year_id, posted.series, posted.transaction_date, posted.description, list(posted.rows),
                       posted.comments, posted.transaction_date)  # fmt: skip

    sandbox.sandbox.faults.drop_after_commit(1)
    report = await export_to_fortnox(
        nordljus.db, settings, nordljus.company, nordljus.year, "I", on_entry=entered_again
    )

    found = report.results[entry.id]
    assert (found.outcome, found.number) == ("found", 1) and len(books.posted()) == 2
    assert found.message == (
        "found in Fortnox as I 1 (its answer had been lost); Fortnox holds it 2 times (I 1, I 2): reverse the extra "
        "ones in Fortnox"
    )
    set_language("sv")
    try:
        swedish = export_result_words(found.key, found.params)
    finally:
        set_language("en")
    assert swedish == (
        "finns i Fortnox som I 1 (svaret hade gått förlorat); Fortnox har den 2 gånger (I 1, I 2): korrigera de extra "
        "i Fortnox"
    )
