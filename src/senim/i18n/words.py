"""The manifest's fields and codes in words (catalog `words.yaml`).

    field_label("failure_impact", "ru")                       -> "последствия сбоя"
    value_label("failure_impact", "life_health", "kk")        -> "адам өмірі мен денсаулығына қауіп"
    fact_value("markets", ["KZ", "EU"], "en")                 -> "Kazakhstan, the European Union"

A result field of the rule packs is named as the packs name it
(`kz.risk`, `eu.high_risk`). A code the catalog lacks is shown as written.
"""

from __future__ import annotations

from typing import Any

from senim.i18n import catalog, text


def _known(key: str) -> bool:
    return key in catalog("words")


def field_label(field: str, lang: str) -> str:
    key = f"words.field.{field}"
    return text(key, lang) if _known(key) else field


def value_label(field: str, value: Any, lang: str) -> str:
    """One value of a field in words: a code by the catalog, a boolean as yes or no."""
    if isinstance(value, bool):
        return text(f"words.bool.{str(value).lower()}", lang)
    key = f"words.value.{field}.{value}"
    if _known(key):
        return text(key, lang)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def fact_value(field: str, value: Any, lang: str) -> str:
    """A fact's value in words; a list's items joined."""
    if value is None or value == []:
        return text("words.empty", lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_label(field, v, lang) for v in value)
    return value_label(field, value, lang)


def shown_value(field: str, shown: str, lang: str) -> str:
    """A value as the rule engine writes it ('life_health, emergency', 'true', '[]') in words."""
    if shown in ("true", "false"):
        return text(f"words.bool.{shown}", lang)
    if shown in ("[]", "—"):
        return text("words.empty", lang)
    parts = shown.split(", ")
    return ", ".join(value_label(field, part, lang) for part in parts)
