"""A locked period's closing entries (reconciliation.md §1.9): they can no longer be edited, deleted or restored,
which would change its frozen figures, and they are still exported, since the lock stops changes, not the transfer
to the books (domain.md §1.6). Through the CLI over a real store."""

from __future__ import annotations

import json

from tests.closing.test_cli import YEAR, add, demo_cli, entry_list  # noqa: F401 (demo_cli: a fixture)


def entry(day: str, text: str, amount: str = "250.00") -> dict:
    return {"date": day, "text": text, "rows": [{"account": "5010", "debit": amount, "credit": "0"},
                                                {"account": "2990", "debit": "0", "credit": amount}]}


def test_an_entry_in_a_locked_period_cannot_change_and_is_still_exported(demo_cli, tmp_path):
    kept = add(demo_cli, entry("2025-01-20", "Hyra januari"))
    gone = add(demo_cli, entry("2025-01-25", "Felbokad"))
    assert kept.returncode == 0 and gone.returncode == 0, kept.stderr + gone.stderr
    kept_id, gone_id = (e["id"] for e in sorted(entry_list(demo_cli), key=lambda e: e["date"]))
    assert demo_cli("closing", "delete", str(gone_id)).returncode == 0
    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    before = entry_list(demo_cli)

    for action, *more in (("delete", str(kept_id)), ("restore", str(gone_id))):
        refused = demo_cli("closing", action, *more)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert "lies in period 2025-01, which is locked" in refused.stderr
        assert "bokslut period unlock 2025-01" in refused.stderr
    moved = demo_cli("closing", "edit", str(kept_id), "--from-json", "-",
                     stdin=json.dumps(entry("2025-02-10", "Hyra januari", "999.00")))
    assert moved.returncode == 2 and "period 2025-01, which is locked" in moved.stderr, moved.stderr
    assert entry_list(demo_cli) == before  # nothing changed

    out = tmp_path / "bokslut.si"
    exported = demo_cli("export-closing-sie", *YEAR, str(out))
    assert exported.returncode == 0, exported.stderr
    written = out.read_bytes().decode("cp437")
    assert '"Hyra januari' in written and "#TRANS 5010 {} 250.00" in written and "Felbokad" not in written


def test_the_reversal_of_an_entry_not_for_the_books_stays_out_of_them_too(demo_cli, tmp_path):
    """Review B8 (domain.md §1.6): an entry not applicable for transfer counts only here, so its reversal must not
    reach the books either; before, the export sent the reversal alone, a one-sided -500 on 5010."""
    assert add(demo_cli, entry("2025-12-31", "Intern justering", "500.00")).returncode == 0
    (original,) = entry_list(demo_cli)
    assert demo_cli("closing", "not-applicable", str(original["id"])).returncode == 0
    reversed_ = demo_cli("closing", "reverse", str(original["id"]))
    assert reversed_.returncode == 0, reversed_.stderr
    statuses = {e["text"]: e["status"] for e in entry_list(demo_cli)}
    assert statuses == {"Intern justering": "not_applicable", "Återföring: Intern justering": "not_applicable"}

    exported = demo_cli("export-closing-sie", *YEAR, str(tmp_path / "bokslut.si"))
    assert exported.returncode == 2 and "no closing entries of 2025 left to export" in exported.stderr
    assert not (tmp_path / "bokslut.si").exists()


def test_a_paused_period_takes_no_closing_entries_until_the_one_before_is_locked_again(demo_cli):
    """Review B9 (reconciliation.md §1.2): while January is temporarily unlocked, February is paused and accepts
    no amounts; January itself takes them, and February again once January is locked."""
    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    assert demo_cli("period", "unlock", "2025-01", *YEAR).returncode == 0
    refused = add(demo_cli, entry("2025-02-11", "Hyra februari"))
    assert refused.returncode == 2, refused.stdout
    assert "2025-02-11 lies in period 2025-02, paused while period 2025-01 is temporarily unlocked" in refused.stderr
    assert "bokslut period lock 2025-01" in refused.stderr and entry_list(demo_cli) == []
    assert add(demo_cli, entry("2025-01-11", "Hyra januari")).returncode == 0
    assert demo_cli("period", "lock", "2025-01", *YEAR).returncode == 0
    assert add(demo_cli, entry("2025-02-11", "Hyra februari")).returncode == 0
    assert sorted(e["text"] for e in entry_list(demo_cli)) == ["Hyra februari", "Hyra januari"]


def test_an_entry_that_changes_no_balance_is_refused_but_a_move_between_cost_centres_is_not(demo_cli):
    """Review D5: 6110 against 6110 (or the accrual template given 2990 as its cost account) was saved, an entry
    that moves nothing. Between two cost centres of one account it does move something."""
    nothing = {"date": "2025-12-31", "text": "Ingenting", "rows": [
        {"account": "6110", "debit": "100", "credit": "0"}, {"account": "6110", "debit": "0", "credit": "100"}]}
    refused = add(demo_cli, nothing)
    assert refused.returncode == 2 and "changes no balance" in refused.stderr, refused.stderr
    assert entry_list(demo_cli) == []
    moved = {"date": "2025-12-31", "text": "Omföring", "rows": [
        {"account": "6110", "debit": "100", "credit": "0", "cost_center": "10"},
        {"account": "6110", "debit": "0", "credit": "100", "cost_center": "20"}]}
    saved = add(demo_cli, moved)
    assert saved.returncode == 0, saved.stderr


def test_a_reversal_of_a_long_text_is_cut_visibly_to_fortnox_s_limit(demo_cli):
    """Review D7 (exports): 'Återföring: ' before a 200-character text was cut at 200 with no sign of it."""
    long_text = "Periodisering " + "x" * 186
    assert len(long_text) == 200
    assert add(demo_cli, entry("2025-12-31", long_text)).returncode == 0
    (original,) = entry_list(demo_cli)
    assert demo_cli("closing", "reverse", str(original["id"])).returncode == 0
    reversal = next(e for e in entry_list(demo_cli) if e["id"] != original["id"])
    assert len(reversal["text"]) == 200 and reversal["text"].startswith("Återföring: Periodisering xxx")
    assert reversal["text"].endswith("x...")
