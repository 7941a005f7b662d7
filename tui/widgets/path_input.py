"""A field for a file's path as people give it: Tab completes it the way a shell does, and a path pasted in quotes
(as a file manager copies it) or with its spaces escaped is read as the file it names."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from textual import events
from textual.widgets import Input


def typed_path(text: str) -> Path | None:
    """The path in what was typed: quotes and backslash escapes as a shell reads them, ~ expanded; None if empty."""
    text = text.strip()
    if not text:
        return None
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote (a path being typed or completed): the text inside it
        words = [text.strip("'\"")]
    return Path(" ".join(words) if len(words) > 1 and not text.startswith(("'", '"')) else words[0]).expanduser()


def completed(text: str) -> str | None:
    """The text with the path completed as far as it is unambiguous (a folder gets its "/"); None when nothing
    can be added."""
    quoted = text.lstrip()[:1] in ("'", '"')
    path = typed_path(text)
    if path is None:
        return None
    raw = str(path) + ("/" if text.rstrip("'\"").endswith("/") else "")
    folder, _, start = raw.rpartition("/")
    where = Path(folder or ("/" if raw.startswith("/") else "."))
    try:
        names = sorted(entry.name for entry in os.scandir(where) if entry.name.startswith(start))
    except OSError:
        return None
    if not start:
        names = [name for name in names if not name.startswith(".")]
    if not names:
        return None
    common = os.path.commonprefix(names)
    whole = (folder + "/" if folder or raw.startswith("/") else "") + common
    if len(names) == 1 and (where / common).is_dir():
        whole += "/"
    if whole == raw:
        return None
    return f'"{whole}' if quoted or " " in whole else whole


class PathInput(Input):
    """Tab completes the path; when there is nothing to complete it moves on like any other field."""

    @property
    def path(self) -> Path | None:
        return typed_path(self.value)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab":
            longer = completed(self.value)
            if longer is not None:
                event.prevent_default()
                event.stop()
                self.value = longer
                self.cursor_position = len(longer)
                return
        await super()._on_key(event)
