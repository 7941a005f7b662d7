"""INK2R (the räkenskapsschema) from a year's final balances, and the INK2 main form from the tax sheet.

The rules are in shared/reference/tax-ink2-sru.md §9-§10; the codes and BAS intervals are data in ink2r.toml. Each
account goes to a field by its own #SRU code from the SIE file when that is an INK2R code, else by the BAS table,
else by a flagged fallback. Amounts are summed in öre per field in the form's direction, then rounded to whole
kronor; the year's result (3.26/3.27) is derived from the rounded fields and any balance-sheet rounding difference
goes to 2.28, so the return balances in kronor exactly when the books balance in öre.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import peewee as pw

from core.errors import BokslutError
from core.integrity import BALANCE_CLASSES
from core.money import to_ore
from core.reports.bas import account_number  # a longer sub-account (193010) counts as its first four digits [P]
from core.reports.statements import year_figures
from core.store.models import Account, Company, FiscalYear

DATA = Path(__file__).with_name("ink2r.toml")

ASSET, CLAIM, INCOME, COST = "asset", "claim", "income", "cost"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    code: int
    field: str  # the printed field number, "2.26"
    kind: str  # asset, claim, income or cost
    type: str  # "A" (may be negative) or "B" (never negative)


@dataclass(frozen=True, slots=True)
class PairSpec:
    field: str
    income: int
    cost: int


@dataclass(frozen=True, slots=True)
class Reclassification:
    accounts: tuple[tuple[int, int], ...]
    field: int
    to: int


@dataclass(frozen=True, slots=True)
class Table:
    """ink2r.toml, read once."""

    fields: Mapping[int, FieldSpec]
    pairs: tuple[PairSpec, ...]
    intervals: tuple[tuple[int, int, FieldSpec | PairSpec], ...]
    purchases: tuple[tuple[int, int], ...]
    purchase_choices: tuple[int, ...]
    purchase_default: int
    profit: int
    loss: int
    free_equity: int
    ignore_sru: tuple[tuple[int, int], ...]
    reclassify: tuple[Reclassification, ...]
    fallback: tuple[tuple[int, int, int], ...]
    ink2: Mapping
    first_day: int
    last_day: int

    def pair_of(self, code: int) -> PairSpec | None:
        return next((pair for pair in self.pairs if code in (pair.income, pair.cost)), None)

    def target_of_code(self, code: int) -> FieldSpec | PairSpec | None:
        """A field code designates its field; a code that only exists in a pair designates the pair (§9.2)."""
        return self.fields.get(code) or self.pair_of(code)

    def codes_of_kind(self, *kinds: str) -> frozenset[int]:
        return frozenset(code for code, spec in self.fields.items() if spec.kind in kinds)

    @property
    def income_codes(self) -> frozenset[int]:
        return self.codes_of_kind(INCOME) | {pair.income for pair in self.pairs}

    @property
    def cost_codes(self) -> frozenset[int]:
        return self.codes_of_kind(COST) | {pair.cost for pair in self.pairs}

    @property
    def type_b_codes(self) -> frozenset[int]:
        return frozenset(code for code, spec in self.fields.items() if spec.type == "B") | {self.profit, self.loss}


def _intervals(texts: Iterable[str]) -> tuple[tuple[int, int], ...]:
    ranges = []
    for text in texts:
        low, _, high = text.partition("-")
        ranges.append((int(low), int(high or low)))
    return tuple(ranges)


@cache
def table() -> Table:
    with DATA.open("rb") as handle:
        data = tomllib.load(handle)
    fields = {
        entry["code"]: FieldSpec(entry["code"], entry["field"], entry["kind"], entry.get("type", "A"))
        for entry in data["field"]
    }
    pairs = tuple(PairSpec(entry["field"], entry["income"], entry["cost"]) for entry in data["pair"])
    targets = [(entry, fields[entry["code"]]) for entry in data["field"]] + list(zip(data["pair"], pairs))
    intervals = [(low, high, target) for entry, target in targets for low, high in _intervals(entry["accounts"])]
    result = data["result"]
    return Table(
        fields=fields,
        pairs=pairs,
        intervals=tuple(sorted(intervals, key=lambda interval: interval[:2])),
        purchases=_intervals(data["purchases"]["accounts"]),
        purchase_choices=tuple(data["purchases"]["choices"]),
        purchase_default=data["purchases"]["default"],
        profit=result["profit"],
        loss=result["loss"],
        free_equity=result["free_equity"],
        ignore_sru=_intervals(result["ignore_sru"]),
        reclassify=tuple(
            Reclassification(_intervals(entry["accounts"]), entry["field"], entry["to"]) for entry in data["reclassify"]
        ),
        fallback=tuple(
            (low, high, entry["code"]) for entry in data["fallback"] for low, high in _intervals(entry["accounts"])
        ),
        ink2=data["ink2"],
        first_day=data["dates"]["first_day"],
        last_day=data["dates"]["last_day"],
    )


def _within(number: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(low <= number <= high for low, high in ranges)


# --- the result ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    """Something for the accountant to review; the figures are still complete. English text beside key + params."""

    key: str
    params: Mapping[str, object]
    message: str


@dataclass(frozen=True, slots=True)
class AccountLine:
    """Where one account's balance went: the code (for a pair, the code its group's net chose) and how it was found."""

    account: str
    code: int
    ore: int  # the balance in öre, debit positive, as in the books
    source: str  # "sru" (the file's own #SRU code), "bas" (the BAS table), "fallback" (flagged analogy)


@dataclass(frozen=True, slots=True)
class Ink2r:
    fields: Mapping[int, int]  # code -> whole kronor, zeros left out, ascending by code
    accounts: tuple[AccountLine, ...]
    notes: tuple[Note, ...]

    @property
    def result(self) -> int:
        """The year's result as INK2R reports it: 3.26 − 3.27."""
        spec = table()
        return self.fields.get(spec.profit, 0) - self.fields.get(spec.loss, 0)

    def to_json(self) -> dict:
        return {
            "fields": {str(code): amount for code, amount in self.fields.items()},
            "accounts": [
                {"account": line.account, "code": line.code, "amount_ore": line.ore, "source": line.source}
                for line in self.accounts
            ],
            "notes": [{"key": note.key, "params": dict(note.params), "message": note.message} for note in self.notes],
        }


def kronor(ore: int) -> int:
    """Öre to whole kronor, half away from zero [P] (§2.3)."""
    return int(Decimal(ore).scaleb(-2).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- building --------------------------------------------------------------------------------------------------


def account_sru_codes(db: pw.Database, company: Company) -> dict[str, tuple[str, ...]]:
    """Every #SRU code of each account, in file order (the store keeps them space-separated in account.sru)."""
    rows = Account.select(Account.number, Account.sru).where(Account.company == company.id, Account.sru != "").tuples()
    return {number: tuple(sru.split()) for number, sru in rows}


def build_ink2r(db: pw.Database, company: Company, fiscal_year: FiscalYear, purchases_code: int | None = None) -> Ink2r:
    """INK2R from the year's final balances: the books plus the closing entries not yet in them."""
    figures = year_figures(db, company, fiscal_year, final=True)
    closing = {account: to_ore(amount) for account, amount in figures.closing.items()}
    return ink2r_from_balances(closing, account_sru_codes(db, company), purchases_code)


def _bas_target(spec: Table, key: int, purchases_code: int) -> FieldSpec | PairSpec | None:
    if _within(key, spec.purchases):
        return spec.fields[purchases_code]
    return next((target for low, high, target in spec.intervals if low <= key <= high), None)


def _sru_target(spec: Table, key: int, codes: Iterable[str]) -> tuple[FieldSpec | PairSpec, str] | None:
    """The first of the account's #SRU codes that is an INK2R code; INK2S codes on the same account are tags."""
    if _within(key, spec.ignore_sru):
        return None
    for code in codes:
        if code.isdigit() and int(code) not in (spec.profit, spec.loss):
            target = spec.target_of_code(int(code))
            if target is not None:
                return target, code
    return None


def _balance(spec: Table, fields: Mapping[int, int]) -> int:
    """Assets less equity and liabilities: zero when the balance sheet balances."""
    return sum(
        amount if spec.fields[code].kind == ASSET else -amount
        for code, amount in fields.items()
        if code in spec.fields and spec.fields[code].kind in (ASSET, CLAIM)
    )


def _label(target: FieldSpec | PairSpec) -> str:
    return str(target.code) if isinstance(target, FieldSpec) else f"{target.income}/{target.cost}"


def ink2r_from_balances(
    closing: Mapping[str, int], sru_codes: Mapping[str, tuple[str, ...]], purchases_code: int | None = None
) -> Ink2r:
    """INK2R from closing balances in öre per account (balance accounts: UB; result accounts: the year's sum).

    `sru_codes` are the accounts' own #SRU codes from the SIE file. Raises BokslutError when an account with a
    balance has no field, or when `purchases_code` is not one of the two fields 40xx-47xx may go to.
    """
    spec = table()
    purchases_code = spec.purchase_default if purchases_code is None else purchases_code
    if purchases_code not in spec.purchase_choices:
        raise BokslutError(
            f"purchases (40xx-47xx) go to {' or '.join(map(str, spec.purchase_choices))}, not {purchases_code}",
            key="tax.ink2r_purchases_code",
            params={"code": purchases_code, "choices": ", ".join(map(str, spec.purchase_choices))},
        )
    notes: list[Note] = []
    fields: dict[int, int] = {}  # öre in the form's direction
    pair_net: dict[PairSpec, int] = {}  # öre, income positive
    placed: list[tuple[str, FieldSpec | PairSpec, int, str]] = []
    unmapped: list[str] = []
    untransferred_result = 0  # öre, credit positive: the result accounts' sum that 2099 does not hold yet

    for account, ore in sorted(closing.items()):
        if not ore:
            continue
        if not account.startswith(BALANCE_CLASSES):
            untransferred_result -= ore
        key = account_number(account)
        if key is None:
            unmapped.append(account)
            continue
        if _within(key, spec.ignore_sru):
            continue  # the result transfer (8990-8999): 3.26/3.27 are computed
        bas = _bas_target(spec, key, purchases_code)
        from_sru = _sru_target(spec, key, sru_codes.get(account, ()))
        if from_sru is not None:
            target, code = from_sru
            source = "sru"
            if bas is not None and target != bas:
                notes.append(Note(
                    "tax.ink2r_sru_differs",
                    {"account": account, "sru": code, "bas": _label(bas)},
                    f"account {account} has #SRU {code} in the file; the BAS table says {_label(bas)}",
                ))
        elif bas is not None:
            target, source = bas, "bas"
        else:
            code = next((code for low, high, code in spec.fallback if low <= key <= high), None)
            if code is None:
                unmapped.append(account)
                continue
            target, source = spec.fields[code], "fallback"
            notes.append(Note(
                "tax.ink2r_fallback",
                {"account": account, "code": code},
                f"account {account} is in no INK2R interval; it is reported on {code} by analogy: check it",
            ))
        if isinstance(target, PairSpec):
            pair_net[target] = pair_net.get(target, 0) - ore
        else:
            fields[target.code] = fields.get(target.code, 0) + (ore if target.kind in (ASSET, COST) else -ore)
        placed.append((account, target, ore, source))

    if unmapped:
        raise BokslutError(
            f"no INK2R field for the balance on {', '.join(unmapped)} (not an aktiebolag's BAS account); "
            "move it to a BAS account or give the account an INK2R #SRU code",
            key="tax.ink2r_unmapped",
            params={"accounts": ", ".join(unmapped)},
        )

    pair_codes = {}
    for pair, net in pair_net.items():
        code = pair.income if net >= 0 else pair.cost
        pair_codes[pair] = code
        fields[code] = fields.get(code, 0) + abs(net)

    for rule in spec.reclassify:
        net = sum(
            ore if spec.fields[rule.field].kind in (ASSET, COST) else -ore
            for account, target, ore, _ in placed
            if target == spec.fields[rule.field] and _within(account_number(account), rule.accounts)
        )
        if net < 0:
            fields[rule.field] -= net
            fields[rule.to] = fields.get(rule.to, 0) - net
            notes.append(Note(
                "tax.ink2r_reclassified",
                {"field": rule.field, "to": rule.to, "amount": kronor(-net)},
                f"{kronor(-net)} kr on the wrong side of {rule.field} is reported on {rule.to}",
            ))

    equity = spec.free_equity
    fields[equity] = fields.get(equity, 0) + untransferred_result  # 2.28 includes the year's result [P] (§9.3)

    for code, ore in sorted(fields.items()):
        # a negative 2.28 is an ordinary accumulated loss; elsewhere on the balance sheet it needs a look (§9.3)
        if ore < 0 and code != equity and code in spec.fields and spec.fields[code].kind in (ASSET, CLAIM):
            notes.append(Note(
                "tax.ink2r_against_direction",
                {"field": spec.fields[code].field, "code": code, "amount": kronor(ore)},
                f"{spec.fields[code].field} ({code}) is negative: {kronor(ore)} kr; check the balances behind it",
            ))

    rounded = {code: kronor(ore) for code, ore in fields.items()}
    if _balance(spec, fields) == 0:  # the books balance: the kronor rounding difference goes to 2.28 [P] (§2.3)
        rounded[equity] = rounded.get(equity, 0) + _balance(spec, rounded)
    result = sum(v for c, v in rounded.items() if c in spec.income_codes) - sum(
        v for c, v in rounded.items() if c in spec.cost_codes
    )
    rounded[spec.profit if result >= 0 else spec.loss] = abs(result)

    lines = tuple(
        AccountLine(account, pair_codes[target] if isinstance(target, PairSpec) else target.code, ore, source)
        for account, target, ore, source in placed
    )
    return Ink2r(
        fields={code: amount for code, amount in sorted(rounded.items()) if amount},
        accounts=lines,
        notes=tuple(notes),
    )


# --- INK2, the main form ---------------------------------------------------------------------------------------


def ink2_fields(ink2s: Mapping[int, int | str], manual: Mapping[int, int] | None = None) -> dict[int, int]:
    """INK2 page 1: 1.1 överskott and 1.2 underskott from the sheet (INK2S), plus the accountant's own fields.

    `manual` holds the fields that do not come from the sheet (särskild löneskatt 1.4/1.5, avkastningsskatt,
    fastighetsavgift bases, 1.16), whole kronor each.
    """
    spec = table().ink2
    fields: dict[int, int] = {}
    surplus = ink2s.get(spec["sheet_surplus"], 0)
    deficit = ink2s.get(spec["sheet_deficit"], 0) + sum(ink2s.get(code, 0) for code in spec["sheet_deficit_added"])
    if surplus:
        fields[spec["surplus"]] = surplus
    if deficit:
        fields[spec["deficit"]] = deficit
    for code, amount in (manual or {}).items():
        if code not in spec["manual"]:
            raise BokslutError(
                f"{code} is not an INK2 field the accountant fills in; choose one of "
                f"{', '.join(map(str, spec['manual']))}",
                key="tax.ink2_unknown_field",
                params={"code": code},
            )
        if amount:
            fields[code] = amount
    return dict(sorted(fields.items()))
