"""The interface's own settings from the config file: `language` and the `[keymap]` table; the language chosen
in the app's settings is written back into the file (`save_language`).

```toml
language = "sv"            # or "en"; default: Swedish when the locale is, else English
[keymap]
"app.activity" = "f6"   # binding id = key(s), comma-separated; ids are listed in the F1 help
```
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from core.config import ConfigError, Settings
from tui.i18n import LANGUAGES, choose_language


@dataclass(frozen=True, slots=True)
class Preferences:
    language: str
    keymap: dict[str, str] = field(default_factory=dict)


def load_preferences(settings: Settings, environ: Mapping[str, str] = os.environ) -> Preferences:
    """From the file `load_settings` has already read, and refused if missing or malformed."""
    config = settings.config
    where = settings.config_file
    language = config.get("language")
    if language is not None and language not in LANGUAGES:
        raise ConfigError(f"{where}: language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    keymap = config.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) and v for v in keymap.values()):
        raise ConfigError(f'{where}: [keymap] must map binding ids to keys, e.g. "app.activity" = "f6".')
    return Preferences(choose_language(language, environ), dict(keymap))


_TABLE = re.compile(r"^\s*\[")  # a [table] or [[array]] header: top-level keys must come before the first
_LANGUAGE = re.compile(r"""^(\s*language\s*=\s*)("[^"]*"|'[^']*')""")


def save_language(path: Path, language: str) -> None:
    """Write `language` into the config file by editing that one line (or adding it before the first table), so the
    user's other settings, keymap and comments stay as they were; the result is read back before it is written."""
    if language not in LANGUAGES:
        raise ValueError(f"language {language!r} is not one of {', '.join(LANGUAGES)}")
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        old = tomllib.loads(before)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error}); the language was not saved.") from None
    lines = before.splitlines(keepends=True)
    first_table = next((index for index, line in enumerate(lines) if _TABLE.match(line)), len(lines))
    setting = f'"{language}"'
    found = next((index for index in range(first_table) if _LANGUAGE.match(lines[index])), None)
    if found is not None:
        lines[found] = _LANGUAGE.sub(lambda match: match[1] + setting, lines[found], count=1)
    else:
        at = first_table  # above the comments that introduce the first table, so they stay with it
        while at > 0 and lines[at - 1].lstrip().startswith("#"):
            at -= 1
        while at > 0 and not lines[at - 1].strip():  # and the blank line before them
            at -= 1
        if at > 0 and not lines[at - 1].endswith("\n"):
            lines[at - 1] += "\n"
        lines.insert(at, f"language = {setting}\n")
    after = "".join(lines)
    if tomllib.loads(after) != {**old, "language": language}:  # e.g. a multi-line string that looked like a key
        raise ConfigError(f"{path}: the language could not be saved without changing other settings; "
                          f'set language = "{language}" in it by hand.')  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(after, encoding="utf-8")  # in place: the file keeps its permissions
