"""Where the checks are found: built-in checks and the builders of the user's own kinds add themselves here.

The engine asks the registry for the checks and never imports the modules that define them, so the engine,
`builtin` and `custom` import each other in no circle: each of them imports this module, which imports none of
them by name. The modules that provide checks are listed in PROVIDERS and loaded on the first question.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.models import CheckSetting

PROVIDERS = ("core.checks.builtin", "core.checks.custom")  # each registers its checks when imported

_builtin: dict[str, Check] = {}
_kinds: dict[str, Callable[[CheckSetting], Check]] = {}


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    name: str  # English title
    run: Callable[..., list]  # (engine.Context) -> [engine.Finding]: named in words, the engine imports this module
    per_period: bool = False  # findings per period (month or quarter, as the year is divided)
    builtin: bool = True
    kind: str = "builtin"
    params: dict = field(default_factory=dict)


def register(*checks: Check) -> tuple[Check, ...]:
    """Adds built-in checks, in the order they are listed to the user."""
    for check in checks:
        if check.id in _builtin and _builtin[check.id] is not check:
            raise ValueError(f"two built-in checks have the id {check.id!r}")
        _builtin[check.id] = check
    return checks


def register_kind(*kinds: str) -> Callable:
    """Decorator: the function that builds a check of the user's own `kinds` from its stored setting."""

    def add(build: Callable[[CheckSetting], Check]) -> Callable[[CheckSetting], Check]:
        _kinds.update(dict.fromkeys(kinds, build))
        return build

    return add


def _load() -> None:
    for module in PROVIDERS:
        importlib.import_module(module)


def builtin_checks() -> list[Check]:
    _load()
    return list(_builtin.values())


def builtin_ids() -> frozenset[str]:
    _load()
    return frozenset(_builtin)


def own_check(setting: CheckSetting) -> Check:
    """The user's own check that a stored setting describes."""
    _load()
    return _kinds[setting.kind](setting)
