"""The one error type the SIE reader raises, and the warnings it collects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.errors import BokslutError


class SieError(BokslutError):
    """A file the reader will not accept; the message says where, what was expected and what to do.

    Keyed by its frame (file, line, field, expected): `problem`, `expected` and `hint` are the reader's English."""

    key = "sie_file"

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        problem: str,
        *,
        field: str = "",
        expected: str = "",
        hint: str = "",
    ) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.field = field
        self.expected = expected
        self.hint = hint
        params = dict(file=self.path, line=line, problem=problem, field=field, expected=expected, hint=hint)
        super().__init__(self.message, params=params)

    @property
    def message(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        parts = [f"{where}: {self.problem}"]
        if self.field:
            parts.append(f"field {self.field}")
        if self.expected:
            parts.append(f"expected {self.expected}")
        text = "; ".join(parts)
        return f"{text}. {self.hint}" if self.hint else text


@dataclass(frozen=True, slots=True)
class SieWarning:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message
