"""The letter to the person a model's decision affects (see senim.letters):
who decided, what, when, the main reasons in words with their units, what
the person can do, and the hashes in a separate part for the record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from senim.checks.explain import REASONS


@dataclass
class Context:
    """What the letter needs besides the explanation: the owner's label table,
    the manifest (the owner's name and contact, the system), when it was decided,
    and what it was decided with (for the record)."""

    labels: Any = None                     # senim.letters.Labels
    manifest: dict[str, Any] | None = None
    decided_at: str | None = None          # ISO 8601; default: when the letter is written
    record: list[tuple[str, Any]] = field(default_factory=list)
    marked_sensitive: list[str] = field(default_factory=list)


def main_reasons(entry: dict, classifier: bool) -> list[dict]:
    """The contributions that drove the decision: those pushing towards the outcome
    reached, strongest first, then (if fewer than REASONS) the strongest others."""
    contributions = entry["contributions"]  # already by decreasing strength
    if not classifier:
        return contributions[:REASONS]
    towards = 1 if entry["positive"] else -1
    drove = [c for c in contributions if towards * c["contribution"] > 0]
    return (drove + [c for c in contributions if c not in drove])[:REASONS]


def letter(entry: dict, features: list[str], lang: str, context: Context | None = None) -> str:
    from senim.i18n.formats import format_datetime, format_number
    from senim.letters import options, owner_of, record_part, t

    context = context or Context()
    labels = context.labels
    owner = owner_of(context.manifest)
    who = owner["name"] or t(lang, "the_owner")
    when = format_datetime(context.decided_at or _now(), lang)
    system = owner["system"] or entry.get("model_type", "")
    classifier = "positive" in entry
    if classifier:
        outcome = t(lang, "outcome.approved" if entry["positive"] else "outcome.declined")
        lines = [t(lang, "greeting"), "", t(lang, "decision", owner=who, when=when, system=system, row=entry["row"],
                                            outcome=outcome)]
    else:
        shown = format_number(entry["decision"], lang, 2) if isinstance(entry["decision"], (int, float)) else str(entry["decision"])
        lines = [t(lang, "greeting"), "", t(lang, "result", owner=who, when=when, system=system, outcome=shown)]
    lines += ["", t(lang, "reasons")]
    for c in main_reasons(entry, classifier):
        up = c["contribution"] > 0
        key = ("reason_for" if up else "reason_against") if classifier else ("reason_up" if up else "reason_down")
        lines.append("  - " + t(lang, key, feature=labels.name(c["feature"], lang),
                                value=labels.value(c["feature"], c["value"], lang)))
    lines += ["", t(lang, "data", features=", ".join(labels.name(f, lang) for f in features)), "", t(lang, "can_do")]
    lines += [f"  - {option}" for option in options(lang, owner["contact"], owner["name"])]
    lines += ["", t(lang, "signature", owner=who)]
    if owner["contact"]:
        lines.append(t(lang, "contact", contact=owner["contact"]))
    record = [("application", entry["row"]), *context.record]
    if entry.get("probability") is not None:
        record.append(("score", format_number(entry["probability"], lang, 3)))
    record.append(("written", format_datetime(_now(), lang)))
    lines += record_part(lang, record)
    return "\n".join(lines) + "\n"


def _now() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat(timespec="seconds")
