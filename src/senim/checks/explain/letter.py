"""The letter to the person a decision affects: what was decided, why, on what data."""

from __future__ import annotations

from functools import lru_cache

from senim.checks.explain import REASONS


@lru_cache(maxsize=1)
def rights() -> dict:
    from senim.law.pack import legal_data

    return legal_data("explanation-letter")


def label(feature: str, lang: str) -> str:
    """The feature's name in words when the catalog has it, else its column name."""
    from senim.i18n import catalog, text

    key = f"explain.feature_{feature}"
    return text(key, lang) if key in catalog("explain") else feature


def shown(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def main_reasons(entry: dict, classifier: bool) -> list[dict]:
    """The contributions that drove the decision: those pushing towards the outcome
    reached, strongest first, then (if fewer than REASONS) the strongest others."""
    contributions = entry["contributions"]  # already by decreasing strength
    if not classifier:
        return contributions[:REASONS]
    towards = 1 if entry["positive"] else -1
    drove = [c for c in contributions if towards * c["contribution"] > 0]
    return (drove + [c for c in contributions if c not in drove])[:REASONS]


def letter(entry: dict, features: list[str], lang: str) -> str:
    from senim.i18n import text

    classifier = "positive" in entry
    if classifier:
        outcome = text("explain.outcome_positive" if entry["positive"] else "explain.outcome_negative", lang)
        lines = [text("explain.letter_greeting", lang), "",
                 text("explain.letter_decision", lang, row=entry["row"], outcome=outcome)]
    else:
        lines = [text("explain.letter_greeting", lang), "",
                 text("explain.letter_result", lang, outcome=shown(entry["decision"]))]
    lines += ["", text("explain.letter_reasons", lang)]
    for c in main_reasons(entry, classifier):
        up = c["contribution"] > 0
        key = ("explain.reason_for" if up else "explain.reason_against") if classifier else (
            "explain.reason_up" if up else "explain.reason_down")
        lines.append("  - " + text(key, lang, feature=label(c["feature"], lang), value=shown(c["value"])))
    lines += ["", text("explain.letter_data", lang, features=", ".join(label(f, lang) for f in features)),
              "", text("explain.letter_rights", lang, ref=rights()["explanation_right"]["ref"][lang])]
    return "\n".join(lines) + "\n"
