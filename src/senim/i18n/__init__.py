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


def plural_category(lang: str, number: object) -> str:
    """CLDR's plural category of a whole number in `lang`: one, few, many or other.

    Kazakh nouns stay singular after a numeral (one form: other); Russian
    has one (1, 21), few (2-4, 22-24) and many (5-20, 25...); English one
    and other."""
    if not isinstance(number, int) or isinstance(number, bool):
        return "other"
    if lang == "ru":
        if number % 10 == 1 and number % 100 != 11:
            return "one"
        if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
            return "few"
        return "many"
    if lang == "en":
        return "one" if number == 1 else "other"
    return "other"


def text(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The sentence `key` in `lang`, with `{name}` fields filled from `values`.

    A language's entry may be a mapping of plural forms (`one`, `few`,
    `many`, `other`), chosen by the number in the field `entry["by"]`
    (default `count`; a mapping of languages to fields when they differ)."""
    area = key.split(".", 1)[0]
    entry = catalog(area).get(key)
    if entry is None:
        raise KeyError(f"no sentence {key!r} in the {area} catalog")
    template = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    if isinstance(template, dict):
        forms = template
        by = entry.get("by", "count")
        by = by.get(lang, "count") if isinstance(by, dict) else by
        template = forms.get(plural_category(lang, values.get(by))) or forms["other"]
    return template.format(**values) if values else template


def has(key: str) -> bool:
    """Whether the catalog has the sentence `key`."""
    return key in catalog(key.split(".", 1)[0])
