"""Fortnox's text rules, one rule for bokslut's preflight and the sandbox: its character class after NFC (the
backslash and a decomposed "å" pass, another script's digits do not) and its lengths counted in NFC characters.
Real `bokslut export-fortnox` against the sandbox over loopback."""

from __future__ import annotations

from core.store.models import ClosingEntry
from tests.export.conftest import NORDLJUS_TENANT, draft

DECOMPOSED_ARETS = "A\u030arets"  # "Årets" as macOS writes it: A followed by the combining ring above
ARABIC_INDIC_THREE = "\u0663"  # a digit (Nd), but not an ASCII one


def test_backslash_and_decomposed_letters_are_sent_in_nfc_and_other_digits_are_refused(nordljus, sandbox):
    path_text = nordljus.add(draft("Arkiv C:\\bokslut 2025", ("8910", "100"), ("2512", "-100")))
    decomposed = nordljus.add(draft("Skatt", ("8910", "200", None, None, "Skatt"), ("2512", "-200")))
    # 200 characters once composed, 240 code points as stored: within Fortnox's 200.
    long_decomposed = nordljus.add(draft("Avsättning", ("1790", "300"), ("5010", "-300")))
    foreign_digit = nordljus.add(draft("Moms", ("1790", "400"), ("5010", "-400")))
    ClosingEntry.update(text=f"{DECOMPOSED_ARETS} skatt").where(ClosingEntry.id == decomposed.id).execute()
    ClosingEntry.update(text=DECOMPOSED_ARETS * 40).where(ClosingEntry.id == long_decomposed.id).execute()
    ClosingEntry.update(text=f"Moms kvartal {ARABIC_INDIC_THREE}").where(ClosingEntry.id == foreign_digit.id).execute()

    refused = nordljus.export("--yes", "--json")
    assert refused.returncode == 2
    problems = refused.json()["problems"]
    assert set(problems) == {str(foreign_digit.id)}
    (problem,) = problems[str(foreign_digit.id)]
    assert "ARABIC-INDIC DIGIT THREE" in problem and "Fortnox does not accept" in problem

    ClosingEntry.update(text="Moms kvartal 3").where(ClosingEntry.id == foreign_digit.id).execute()
    sent = nordljus.export("--yes", "--json")
    assert sent.returncode == 0, sent.stderr
    by_marker = {v.comments: v.description for v in sandbox.sandbox.vouchers_posted(NORDLJUS_TENANT)}
    texts = {entry.id: next(d for c, d in by_marker.items() if entry.marker in c) for entry in
             (path_text, decomposed, long_decomposed, foreign_digit)}  # fmt: skip
    assert texts == {
        path_text.id: "Arkiv C:\\bokslut 2025",
        decomposed.id: "\u00c5rets skatt",
        long_decomposed.id: "\u00c5rets" * 40,
        foreign_digit.id: "Moms kvartal 3",
    }
