"""The wording of warnings and the AI source types, from the law's labelling data (the packs' labelling section, law/packs/*/data/labelling.yaml)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from senim.errors import ParameterError

LANGUAGES = ("kk", "ru", "en")
ACTIONS = ("created", "edited")


@lru_cache(maxsize=1)
def data() -> dict:
    from senim.law.pack import legal_data

    return legal_data("labelling")


def action(name: str) -> dict:
    entry = data()["actions"].get(name)
    if entry is None:
        raise ParameterError(f"{name!r} is not one of {', '.join(ACTIONS)}", field="action")
    return entry


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ParameterError(f"{lang!r} is not one of {', '.join(LANGUAGES)}", field="lang")
    return lang


def languages(value: Any) -> tuple[str, ...]:
    """The warning's languages, in the order given: one code (``"kk"``), several
    written ``"kk,ru"``, or a sequence of codes (``["kk", "ru"]``).

    >>> languages("kk"), languages(" kk , ru "), languages(("ru", "en"))
    (('kk',), ('kk', 'ru'), ('ru', 'en'))
    """
    if isinstance(value, str):
        codes = [part.strip() for part in value.split(",")]
    elif isinstance(value, (list, tuple)) and all(isinstance(part, str) for part in value):
        codes = [part.strip() for part in value]
    else:
        raise ParameterError(f"expected a language code or a list of them ({', '.join(LANGUAGES)}), "
                             f"got {type(value).__name__}", field="lang")
    if not codes or codes == [""]:
        raise ParameterError(f"give at least one language ({', '.join(LANGUAGES)})", field="lang")
    seen: list[str] = []
    for code in codes:
        check_lang(code)
        if code in seen:
            raise ParameterError(f"{code!r} is given twice; name each language once", field="lang")
        seen.append(code)
    return tuple(seen)


def banner_text(action_name: str, lang: str) -> str:
    return action(action_name)["banner"][check_lang(lang)]


def spoken_text(action_name: str, lang: str) -> str:
    return action(action_name)["spoken"][check_lang(lang)]


def ai_source_types() -> frozenset[str]:
    return frozenset(data()["ai_source_types"]["types"])


def duty_refs() -> dict[str, dict]:
    return {key: {"ref": value["ref"], "confidence": value["confidence"]} for key, value in data()["duty"].items()}
