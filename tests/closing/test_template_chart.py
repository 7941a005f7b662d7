"""The company's chart decides a template's accounts: the BAS group account where the chart lacks the specific one,
and a refusal naming the accounts where it has neither."""

from __future__ import annotations

import pytest

from core.demo import write_demo_sie
from tests.closing import DEMO

YEAR = ("--company", DEMO.org_number, "--year", "2025")
_DECLARING = (b"#KONTO", b"#KTYP", b"#SRU")
_ACCOUNT_FIELD = {b"#IB": 2, b"#UB": 2, b"#RES": 2, b"#PSALDO": 3, b"#TRANS": 1}


def renumbered(data: bytes, accounts: dict[bytes, bytes | None]) -> bytes:
    """The file as a company whose chart lacks these accounts would export it: their declarations gone, their
    postings on the replacement (or, for None, their balances left out)."""
    lines = []
    for line in data.split(b"\n"):
        fields = line.split(b" ")
        if fields[0] in _DECLARING and len(fields) > 1 and fields[1] in accounts:
            continue
        where = _ACCOUNT_FIELD.get(fields[0])
        if where is not None and len(fields) > where and fields[where] in accounts:
            replacement = accounts[fields[where]]
            if replacement is None:
                continue
            fields[where] = replacement
        lines.append(b" ".join(fields))
    return b"\n".join(lines)


@pytest.fixture
def chart_cli(cli, tmp_path):
    data = write_demo_sie(DEMO, tmp_path / "demo.se").read_bytes()
    changed = renumbered(data, {b"7832": b"7830", b"2512": b"2510", b"8999": None})
    assert b" 7832 " not in changed and b" 2512 " not in changed and b" 8999 " not in changed
    path = tmp_path / "small-chart.se"
    path.write_bytes(changed)  # 7830 is in the chart as an account the vouchers use
    imported = cli("import-sie", str(path))
    assert imported.returncode == 0, imported.stderr
    return cli


def accounts(run) -> list[str]:
    assert run.returncode == 0, run.stderr
    return [row["account"] for row in run.json()["rows"]]


def test_the_group_account_where_the_chart_lacks_the_specific_one(chart_cli):
    assert accounts(chart_cli("closing", "template", "depreciation", *YEAR, "--amount", "100", "--print")) == [
        "7830", "1229"
    ]
    assert accounts(chart_cli("closing", "template", "tax", *YEAR, "--amount", "100", "--print")) == ["8910", "2510"]


def test_the_accounts_the_chart_has_are_kept(cli, tmp_path):
    assert cli("import-sie", str(write_demo_sie(DEMO, tmp_path / "demo.se"))).returncode == 0
    assert accounts(cli("closing", "template", "tax", *YEAR, "--amount", "100", "--print")) == ["8910", "2512"]


def test_a_template_with_no_account_in_the_chart_says_so(chart_cli):
    run = chart_cli("closing", "template", "year-result", *YEAR, "--print")

    assert run.returncode == 2
    assert "the year-result template books on 8999, and the company's chart has none of them" in run.stderr


def test_the_refusal_carries_its_key_and_the_accounts(chart_cli):
    from core import ledger
    from core.closing.templates import template_draft
    from core.errors import BokslutError
    from core.store.db import open_store

    db = open_store(chart_cli.store)
    try:
        company = ledger.resolve_company(db, DEMO.org_number)
        year = ledger.resolve_fiscal_year(db, company, 2025)
        with pytest.raises(BokslutError) as refused:
            template_draft(db, year, "year-result")
        assert (refused.value.key, refused.value.params) == (
            "template_account_missing", {"template": "year-result", "accounts": ["8999"]}
        )
    finally:
        db.close()
