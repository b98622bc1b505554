"""`senim init`: a questionnaire that writes senim.yaml, asking only what matters.

The questions are data (`questions.yaml`): each fills a manifest field or
opens a group of questions, and is asked only when the answers so far make it
matter (no emotion questions for a spam filter). Answers are read line by
line, so the questionnaire also runs from a file or a pipe.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from senim.errors import InputError
from senim.i18n import text

def _bin_problem(value: str, lang: str) -> str | None:
    from senim.identifiers import bin_problem

    # The question's pattern has made it 12 digits: only the check digit is left to fail.
    return text("assess.init.bad_bin", lang, value=value) if bin_problem(value) else None


# Checks an answer gets as soon as it is given (`check:` in questions.yaml).
CHECKS: dict[str, Callable[[str, str], str | None]] = {"bin": _bin_problem}

YES = {"y", "yes", "иә", "и", "да", "д", "true", "1"}
NO = {"n", "no", "жоқ", "ж", "нет", "н", "false", "0"}
TRIES = 3


@lru_cache(maxsize=1)
def questions() -> list[dict[str, Any]]:
    import yaml

    with open(Path(__file__).with_name("questions.yaml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["questions"]


def _get(document: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(part)
    return document


def _set(document: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        document = document.setdefault(part, {})
    document[last] = value


def _holds(condition: dict[str, Any], document: dict[str, Any], gates: dict[str, Any]) -> bool:
    value = gates.get(condition["gate"]) if "gate" in condition else _get(document, condition["field"])
    if "contains" in condition:
        return isinstance(value, list) and condition["contains"] in value
    return value == condition.get("equals")


# Kazakh and Russian letters in Latin, for an id made from the system's name.
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                   "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "a", "g", "q", "n", "o", "u",
                   "u", "h", "i"]))


def _slug(name: str) -> str:
    latin = "".join(_LATIN.get(ch, ch) for ch in name.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")[:63].strip("-")
    return slug if len(slug) >= 2 else "my-ai-system"


def option_label(question: dict[str, Any], option: str, lang: str) -> str:
    """An answer option in words (words.yaml), the code when the catalog has none."""
    from senim.i18n.words import value_label

    return value_label(question.get("field", ""), option, lang)


def _parse(question: dict[str, Any], reply: str, lang: str) -> tuple[bool, Any]:
    """(ok, value); value None means 'leave the field out'."""
    kind = question["kind"]
    reply = reply.strip()
    if not reply:
        return bool(question.get("optional")), None
    if kind == "text":
        pattern = question.get("pattern")
        return (not pattern or re.fullmatch(pattern, reply) is not None), reply
    if kind == "bool":
        word = reply.lower()
        return (word in YES or word in NO), word in YES
    if kind == "count":
        try:
            number = float(reply.replace("_", "").replace(" ", ""))
        except ValueError:
            return False, None
        return number >= 0, int(number) if number.is_integer() and abs(number) < 1e15 else number
    options = question["options"]
    by_label = {option_label(question, o, lang).lower(): o for o in options}
    picked = []
    for part in [p.strip() for p in reply.split(",")] if kind == "multi" else [reply]:
        if part.isdigit() and 1 <= int(part) <= len(options):
            picked.append(options[int(part) - 1])
        elif part in options or (question.get("allow_pattern") and re.fullmatch(question["allow_pattern"], part)):
            picked.append(part)
        elif part.lower() in by_label:  # the words shown, typed out
            picked.append(by_label[part.lower()])
        else:
            return False, None
    picked = list(dict.fromkeys(picked))
    return True, picked if kind == "multi" else picked[0]


def run_questionnaire(lang: str, read: Callable[[], str | None], say: Callable[[str], None],
                      interactive: bool = False) -> dict[str, Any]:
    """Ask the questions that matter; the manifest document the answers make.

    An answer that fails its check (a BIN's check digit) is asked again when a
    person is typing (`interactive`); answers read from a file or a pipe stop
    there, naming the line, since the lines after it answer other questions.
    """
    document: dict[str, Any] = {"format": "1.0"}
    gates: dict[str, Any] = {}
    lines_read = 0
    for question in questions():
        if not all(_holds(c, document, gates) for c in question.get("if", [])):
            continue
        default = _slug(document.get(question["default_from"], "")) if question.get("default_from") else None
        prompt = question["ask"][lang]
        if question["kind"] in ("choice", "multi"):
            prompt += "\n" + "\n".join(f"  {n}. {option_label(question, o, lang)}" for n, o in enumerate(question["options"], 1))
        if question["kind"] == "bool":
            prompt += " " + text("assess.init.yes_no", lang)
        if default:
            prompt += f" [{default}]"
        for _ in range(TRIES):
            say(prompt)
            reply = read()
            if reply is None:
                raise InputError(text("assess.init.ended", lang, question=question["ask"][lang]))
            lines_read += 1
            if not reply.strip() and default:
                reply = default
            ok, value = _parse(question, reply, lang)
            if not ok and not reply.strip():
                say(text("assess.init.required", lang))
                continue
            problem = CHECKS[question["check"]](value, lang) if ok and value is not None and "check" in question else None
            if problem and not interactive:
                raise InputError(text("assess.init.bad_stdin", lang, line=lines_read,
                                      field=question.get("field", ""), problem=problem))
            if problem:
                say(text("assess.init.bad_again", lang, problem=problem))
                continue
            if ok:
                break
            say(text("assess.init.again", lang))
        else:
            raise InputError(text("assess.init.gave_up", lang, question=question["ask"][lang]))
        if "gate" in question:
            gates[question["gate"]] = value
        elif value is not None and value != []:
            _set(document, question["field"], value)
    return document
