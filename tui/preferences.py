"""The interface's own settings from the config file: `language` and the `[keymap]` table.

```toml
language = "sv"            # or "en"; default: Swedish when the locale is, else English
[keymap]
"app.activity" = "f6"   # binding id = key(s), comma-separated; ids are listed in the F1 help
```
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

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
