"""Our binding descriptions are i18n keys ("key.…"); each node translates its own copy when it is created."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.dom import DOMNode

from tui.i18n import t


def translate_bindings(node: DOMNode) -> None:
    """So the language can be chosen at launch, after the classes (and their BINDINGS) exist."""
    node._bindings = BindingsMap(
        replace(binding, description=t(binding.description)) if binding.description.startswith("key.") else binding
        for _key, binding in node._bindings
    )
