"""Our binding descriptions are i18n keys ("key.…"); each node translates its own copy when it is created."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from tui.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """So the language can be chosen at launch, after the classes (and their BINDINGS) exist.

    A binding whose footer label is short (80 columns) carries its full name as the tooltip, also a key: the
    command palette and the F1 help show that name (`full_name`)."""
    node._bindings = BindingsMap(
        replace(binding, description=_translated(binding.description), tooltip=_translated(binding.tooltip))
        for _key, binding in node._bindings
    )


def _translated(text: str) -> str:
    return t(text) if text.startswith("key.") else text


def full_name(binding: Binding) -> str:
    """The action's name in the palette and the help: the full one when the footer shows a short one."""
    return binding.tooltip or binding.description
