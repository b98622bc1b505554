"""The manifest form: the questions of `senim init` (assessment/questions.yaml),
asked on one page that grows. A question shows once the answers it depends
on are given (as `senim init` skips what does not follow); the form is sent
again, with or without JavaScript, until nothing is missing, and the
manifest it makes is then checked whole by the library's manifest reader."""

from __future__ import annotations

import re
from typing import Any

from senim.assessment.init import CHECKS, questions


def field_name(question: dict[str, Any]) -> str:
    return question.get("field") or "gate." + question["gate"]


def _holds(condition: dict[str, Any], document: dict[str, Any], gates: dict[str, Any]) -> bool:
    if "gate" in condition:
        value = gates.get(condition["gate"])
    else:
        value = document
        for part in condition["field"].split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if "contains" in condition:
        return isinstance(value, list) and condition["contains"] in value
    return value == condition.get("equals")


def _set(document: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def _value(question: dict[str, Any], given: list[str], lang: str) -> tuple[Any, str | None]:
    """(value or None when not answered, problem)."""
    kind = question["kind"]
    given = [g.strip() for g in given if g.strip()]
    if not given:
        return None, None
    if kind == "text":
        reply = given[0]
        pattern = question.get("pattern")
        if pattern and not re.fullmatch(pattern, reply):
            return reply, "pattern"
        problem = CHECKS[question["check"]](reply, lang) if "check" in question else None
        return reply, problem
    if kind == "bool":
        return (given[0] == "yes") if given[0] in ("yes", "no") else None, None
    if kind == "count":
        try:
            number = float(given[0].replace(" ", "").replace("_", "").replace(",", "."))
        except ValueError:
            return given[0], "number"
        if number < 0:
            return given[0], "number"
        return int(number) if number.is_integer() and abs(number) < 1e15 else number, None
    options = question["options"]
    picked = [g for g in given if g in options]
    if kind == "choice":
        return (picked[0] if picked else None), None
    return list(dict.fromkeys(picked)), None


def _option_words(question: dict, lang: str) -> dict[str, str]:
    """Each option in the reader's words (the manifest's codes are not words a compliance officer reads)."""
    from senim.i18n.words import value_label

    field = question.get("field")
    return {o: (value_label(field, o, lang) if field else o) for o in question.get("options", [])}


def form_state(values, lang: str) -> dict[str, Any]:
    """The questions to show for the answers so far, each with its value and
    problem; the document they make; and whether every shown question is answered."""
    document: dict[str, Any] = {"format": "1.0"}
    gates: dict[str, Any] = {}
    shown, missing = [], 0
    for question in questions():
        if not all(_holds(c, document, gates) for c in question.get("if", [])):
            continue
        name = field_name(question)
        given = values.getlist(name) if hasattr(values, "getlist") else list(values.get(name, []))
        value, problem = _value(question, given, lang)
        if question.get("default_from") and value is None and given == []:
            value = None
        answered = value not in (None, []) or (question["kind"] == "multi" and question.get("optional") and given == [])
        if value is None and question["kind"] == "multi":
            value = []
        if not answered and not question.get("optional"):
            missing += 1
        shown.append({"q": question, "name": name, "value": value, "problem": problem,
                      "label": question["ask"].get(lang) or question["ask"]["en"],
                      "options": _option_words(question, lang)})
        if problem:
            continue
        if "gate" in question:
            gates[question["gate"]] = value
        elif value not in (None, []):
            _set(document, question["field"], value)
    problems = sum(1 for s in shown if s["problem"])
    return {"questions": shown, "document": document, "complete": missing == 0 and problems == 0}
