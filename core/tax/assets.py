"""Inventarier under räkenskapsenlig avskrivning (reference §8): the asset register, the lowest tax value by the
30-rule and the 20-rule, and the ceiling it puts on accumulated överavskrivningar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import peewee as pw

from core.errors import BokslutError
from core.money import format_amount
from core.store.models import Company, TaxAsset
from core.tax import rules
from core.tax.rules import HUNDRED, ZERO


@dataclass(frozen=True)
class AssetRegister:
    registered: bool  # the company keeps an asset register; without one nothing limits överavskrivningar
    opening_tax_value: Decimal
    acquisitions: Decimal  # this year's, still held at year end
    earlier_proceeds: Decimal  # for assets acquired before this year and disposed of in it (capped, §8.2)
    underlag: Decimal
    floor_30: Decimal
    floor_20: Decimal
    lowest: Decimal  # L = min(floor_30, floor_20)
    plan_residual: Decimal  # R: the equipment accounts' closing balance in the final books
    excess_opening: Decimal  # accumulated överavskrivningar at the start (credit positive)
    excess_booked: Decimal  # ... at year end in the final books
    ceiling: Decimal  # the most accumulated överavskrivningar can be at year end: max(0, R - L)
    plan_above_tax: bool  # R < L: plan depreciation beyond what tax allows, for manual handling [U]

    def to_json(self) -> dict:
        return {
            key: format_amount(value) if isinstance(value, Decimal) else value for key, value in self.__dict__.items()
        }


def _is_equipment(number: str) -> bool:
    assets = rules.section("assets")
    return assets["first_account"] <= number <= assets["last_account"]


def _share_20(acquired: dt.date, start: dt.date) -> Decimal:
    """80/60/40/20 % by how many beskattningsår back the asset was acquired (12-month years assumed [P])."""
    for back, share in enumerate(rules.section("assets")["rule_20_shares"]):
        if acquired >= rules.years_back(start, back):
            return Decimal(share)
    return ZERO


def asset_register_from(
    assets: list[TaxAsset],
    opening: Mapping[str, Decimal],
    closing: Mapping[str, Decimal],
    start: dt.date,
    end: dt.date,
    opening_tax_value: Decimal | None,
) -> AssetRegister:
    """Pure: the register's figures for one year from its assets and the final books."""
    excess_accounts = rules.section("assets")["excess_accounts"]
    excess_opening = -sum((opening.get(number, ZERO) for number in excess_accounts), ZERO)
    excess_booked = -sum((closing.get(number, ZERO) for number in excess_accounts), ZERO)
    if opening_tax_value is None:
        opening_tax_value = sum((v for n, v in opening.items() if _is_equipment(n)), ZERO) - excess_opening
    held = [asset for asset in assets if asset.acquired <= end and (asset.disposed is None or asset.disposed > end)]
    acquisitions = sum((asset.cost for asset in held if asset.acquired >= start), ZERO)
    proceeds = sum(
        (
            asset.proceeds or ZERO
            for asset in assets
            if asset.acquired < start and asset.disposed is not None and start <= asset.disposed <= end
        ),
        ZERO,
    )
    earlier_proceeds = min(proceeds, max(opening_tax_value + acquisitions, ZERO))
    underlag = opening_tax_value + acquisitions - earlier_proceeds
    deduction = rules.section("assets")["rule_30_share"] * Decimal(rules.months(start, end)) / 12  # prorated [U]
    floor_30 = rules.whole_kronor(underlag * (HUNDRED - deduction) / HUNDRED)
    floor_20 = rules.whole_kronor(sum((asset.cost * _share_20(asset.acquired, start) / HUNDRED for asset in held), ZERO))
    lowest = min(floor_30, floor_20)
    plan_residual = sum((v for n, v in closing.items() if _is_equipment(n)), ZERO)
    return AssetRegister(
        registered=bool(assets),
        opening_tax_value=opening_tax_value,
        acquisitions=acquisitions,
        earlier_proceeds=earlier_proceeds,
        underlag=underlag,
        floor_30=floor_30,
        floor_20=floor_20,
        lowest=lowest,
        plan_residual=plan_residual,
        excess_opening=excess_opening,
        excess_booked=excess_booked,
        ceiling=max(plan_residual - lowest, ZERO),
        plan_above_tax=plan_residual < lowest,
    )


def company_assets(company_id: int) -> list[TaxAsset]:
    return list(TaxAsset.select().where(TaxAsset.company == company_id).order_by(TaxAsset.acquired, TaxAsset.id))


def _checked_amount(amount: Decimal, what: str) -> Decimal:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
        raise BokslutError(
            f"the {what} must be an amount of zero or more, like 12000.00",
            key="tax_asset_amount_invalid",
            params={"what": what},
        )
    return amount


def add_asset(db: pw.Database, company: Company, description: str, acquired: dt.date, cost: Decimal) -> TaxAsset:
    """An acquisition: one asset, or a batch bought together, at its acquisition cost."""
    return TaxAsset.create(
        company=company.id, description=description.strip(), acquired=acquired, cost=_checked_amount(cost, "cost")
    )


def dispose_asset(db: pw.Database, asset_id: int, disposed: dt.date, proceeds: Decimal) -> TaxAsset:
    """A disposal (sale, scrapping, loss): the price or insurance compensation received, zero when none."""
    asset = TaxAsset.get_or_none(TaxAsset.id == asset_id)
    if asset is None:
        raise BokslutError(f"no asset {asset_id} in the register", key="tax_asset_missing", params={"id": asset_id})
    if disposed < asset.acquired:
        raise BokslutError(
            f"asset {asset_id} cannot be disposed of before it was acquired ({asset.acquired.isoformat()})",
            key="tax_asset_disposed_early",
            params={"id": asset_id, "acquired": asset.acquired.isoformat()},
        )
    asset.disposed, asset.proceeds = disposed, _checked_amount(proceeds, "proceeds")
    asset.save()
    return asset


def asset_json(asset: TaxAsset) -> dict:
    return {
        "id": asset.id,
        "description": asset.description,
        "acquired": asset.acquired.isoformat(),
        "cost": format_amount(asset.cost),
        "disposed": asset.disposed.isoformat() if asset.disposed else None,
        "proceeds": format_amount(asset.proceeds) if asset.proceeds is not None else None,
    }
