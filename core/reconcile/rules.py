"""reconcile.toml read once: attachment limits, suggested offset accounts, the tax-account classes, VAT boxes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path


@dataclass(frozen=True)
class VatBox:
    box: str
    ranges: tuple[tuple[str, str], ...]
    sign: int

    def holds(self, account: str) -> bool:
        return any(first <= account <= last and len(account) == len(first) for first, last in self.ranges)


@cache
def rules() -> dict:
    with (Path(__file__).with_name("reconcile.toml")).open("rb") as handle:
        return tomllib.load(handle)


def max_files() -> int:
    return rules()["attachments"]["max_files"]


def max_bytes() -> int:
    return rules()["attachments"]["max_bytes"]


def table_offset(account: str) -> str | None:
    """The reference's suggested offset account for a reconciled account, if it names one."""
    return next((pair["offset"] for pair in rules()["offset"] if account in pair["accounts"]), None)


def tax_account() -> str:
    return rules()["tax_account"]["account"]


def tax_account_class(accounts: set[str]) -> str:
    """What a movement on the tax account was, by the voucher's other accounts; "unclassified" when none fits."""
    for entry in rules()["tax_account"]["classes"]:
        if accounts & set(entry["accounts"]):
            return entry["name"]
    return "unclassified"


def vat_boxes() -> tuple[VatBox, ...]:
    return tuple(
        VatBox(entry["box"], tuple(tuple(pair) for pair in entry["ranges"]), entry["sign"])
        for entry in rules()["vat"]["box"]
    )


def vat() -> dict:
    return rules()["vat"]


def settled_vat_account(account: str) -> bool:
    """2610-2649 but dormant VAT: what a settlement clears to 2650."""
    rule = vat()
    return rule["settled_first"] <= account <= rule["settled_last"] and len(account) == 4 and (
        account not in rule["dormant"]
    )
