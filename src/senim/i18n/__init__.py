"""Sentences in Kazakh, Russian and English.

Catalogs are YAML files beside this module, one per area
(`<area>.yaml`, keys `<area>.<name>`, each `{kk, ru, en}`), loaded on first
use of their area so that a command pays only for what it prints.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

LANGUAGES = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "en"
_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def catalog(area: str) -> dict[str, dict[str, str]]:
    import yaml

    path = _HERE / f"{area}.yaml"
    try:
        loader = yaml.CSafeLoader
    except AttributeError:  # PyYAML built without libyaml
        loader = yaml.SafeLoader
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader) or {}


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The sentence `key` in `lang`, with `{name}` fields filled from `values`."""
    area = key.split(".", 1)[0]
    entry = catalog(area).get(key)
    if entry is None:
        raise KeyError(f"no sentence {key!r} in the {area} catalog")
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return template.format(**values) if values else template
