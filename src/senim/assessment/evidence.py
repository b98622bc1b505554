"""The manifest's `evidence:` section: what answers each obligation.

An extension of manifest format 1.0 (a manifest without it stays valid).
Keys are obligation ids; each value is one answer or a list of answers:

    evidence:
      kz.principle.fairness_equality:
        check: fairness            # run a check: fairness | scan | verify | explain
        data: decisions.parquet
        target: repaid
        prediction: approved
        sensitive: [sex, age_band]
        max_difference: 0.1
      kz.owner.risk_management:
        document: docs/risk-plan.pdf   # a document, hashed
        answer: partly                 # yes | partly | no
        by: Aigerim Sadykova, risk officer
        on: 2026-10-01
        note: The plan covers model drift, not outages yet.
      kz.users.explanation:
        file: evidence/explain.json    # evidence written earlier by a check

Paths are relative to the manifest's folder, and must stay inside it (after
following links): a manifest is often someone else's file, and its evidence
paths are read and hashed into a report, so `document: /etc/shadow` or
`file: /dev/zero` is refused unless the caller names more folders
(`evidence_roots`, `senim assess --evidence-root DIR`). A FIFO or a device
is refused everywhere. Problems are `InputError`s naming the file, the line
and the field.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from senim.errors import Codes, InputError, Word

CHECKS = {
    # check: (required fields, optional fields with their kinds)
    "fairness": ({"data": "path", "target": "text", "prediction": "text", "sensitive": "texts"},
                 {"score": "text", "max_difference": "number", "min_ratio": "number", "bootstrap": "count",
                  "seed": "count", "min_group": "count", "advisory": "flag"}),
    "scan": ({"path": "path"}, {"max_findings": "count", "advisory": "flag"}),
    "verify": ({"path": "path"}, {"advisory": "flag"}),
    "explain": ({"model": "path", "data": "path"}, {"target": "text", "repeats": "count", "trust_model": "flag"}),
}
ANSWERS = ("yes", "partly", "no")
_SHAPES = ("check", "file", "document", "answer")


@dataclass
class Answer:
    """One piece of evidence for one obligation, validated."""

    obligation: str
    shape: str  # check | file | document | statement
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    base: Path = Path(".")
    roots: tuple[Path, ...] = ()  # the folders its paths may be in (resolved): the manifest's and those allowed

    def path(self, name: str) -> Path:
        return (self.base / self.fields[name]).resolve() if not Path(self.fields[name]).is_absolute() else Path(self.fields[name])


def allowed_roots(base: Path, extra: Any = ()) -> tuple[Path, ...]:
    """The folders evidence may be read from: the manifest's own and the `extra` ones, resolved."""
    return tuple(dict.fromkeys([Path(base or ".").resolve(), *(Path(r).resolve() for r in extra or ())]))


def inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Whether `path`, its links followed, is one of `roots` or below one."""
    real = Path(os.path.realpath(path))
    return any(real == root or root in real.parents for root in roots)


def read_evidence(manifest: Any, known_ids: set[str], *, roots: Any = ()) -> dict[str, list[Answer]]:
    """The evidence section of a loaded manifest, by obligation id; its paths
    confined to the manifest's folder and the folders in `roots`."""
    section = manifest.raw.get("evidence")
    name = manifest.path
    if section is None:
        return {}
    base = Path(name).parent
    allowed = allowed_roots(base, roots)
    keys = key_lines(name)

    def where(*place: Any) -> dict[str, Any]:
        """The file and line of a place in the section, as InputError takes them."""
        line = keys.get(place[0]) if len(place) == 1 else None
        line = line or _line(manifest.lines, ("evidence",) + place)
        return {"file": name, "line": line or None}

    if not isinstance(section, dict):
        raise InputError.said("errors.evidence.not_a_mapping", **where(), field="evidence")
    out: dict[str, list[Answer]] = {}
    for obligation, value in section.items():
        if obligation not in known_ids:
            close = _closest(obligation, known_ids)
            if close:
                raise InputError.said("errors.evidence.unknown_obligation", **where(obligation),
                                      field=f"evidence.{obligation}", close=close)
            raise InputError.said("errors.evidence.unknown_obligation.listed", **where(obligation),
                                  field=f"evidence.{obligation}")
        items = value if isinstance(value, list) else [value]
        if not items:
            raise InputError.said("errors.evidence.no_answers", **where(obligation), field=f"evidence.{obligation}")
        answers = []
        for i, item in enumerate(items):
            place = (obligation, i) if isinstance(value, list) else (obligation,)
            label = f"evidence.{obligation}" + (f"[{i}]" if isinstance(value, list) else "")
            answer = _answer(item, obligation, label, place, where, base, manifest.lines, allowed)
            if not isinstance(value, list):
                answer.line = keys.get(obligation, answer.line)
            answers.append(answer)
        out[obligation] = answers
    return out


def _answer(item: Any, obligation: str, label: str, place: tuple, where: Any, base: Path,
            lines: dict[tuple, int], roots: tuple[Path, ...]) -> Answer:
    if not isinstance(item, dict):
        raise InputError.said("errors.evidence.answer_not_a_mapping", **where(*place), field=label)
    shapes = [s for s in ("check", "file", "document") if s in item]
    if len(shapes) > 1:
        if len(shapes) == 2:
            raise InputError.said("errors.evidence.two_shapes", **where(*place), field=label, first=shapes[0],
                                  second=shapes[1])
        raise InputError.said("errors.evidence.three_shapes", **where(*place), field=label)
    shape = shapes[0] if shapes else ("statement" if "answer" in item else None)
    if shape is None:
        raise InputError.said("errors.evidence.no_shape", **where(*place), field=label)
    line = _line(lines, ("evidence",) + place)
    fields = dict(item)

    def bad(key: str, problem: str = "", *, said: str | None = None, **values: Any) -> InputError:
        """The error of field `key`: `problem` in English, or the `errors` catalog's sentence `said`."""
        if said is not None:
            return InputError.said(said, **where(*place, key), field=f"{label}.{key}", **values)
        return InputError(problem, **where(*place, key), field=f"{label}.{key}")

    if shape == "check":
        check = item["check"]
        if check not in CHECKS:
            raise bad("check", said="errors.field.not_one_of", shown=repr(check), options=Codes(CHECKS))
        required, optional = CHECKS[check]
        allowed = {"check", *required, *optional}
        for key in item:
            if key not in allowed:
                raise bad(key, said="errors.evidence.not_a_parameter", check=Codes((check,)),
                          options=Codes(sorted(allowed - {"check"})))
        for key, kind in required.items():
            if key not in item:
                raise InputError.said("errors.evidence.check_needs", **where(*place), field=f"{label}.{key}",
                                      check=Codes((check,)))
        for key, kind in {**required, **optional}.items():
            if key in item:
                fields[key] = _kind(item[key], kind, bad, key, base, roots)
    else:
        allowed = {shape if shape != "statement" else "answer", "answer", "by", "on", "note"}
        if shape == "file":  # a check's evidence written earlier may be advisory, as the check itself
            allowed.add("advisory")
        for key in item:
            if key not in allowed:
                raise bad(key, said="errors.evidence.not_a_field", shape=Word("errors.evidence.shape." + shape),
                          options=Codes(sorted(allowed)))
        if shape in ("file", "document"):
            fields[shape] = _kind(item[shape], "path", bad, shape, base, roots)
        if shape in ("document", "statement"):
            for key in ("answer", "by", "on"):
                if key not in item:
                    raise InputError.said("errors.evidence.answer_needs", **where(*place), field=f"{label}.{key}",
                                          shape=Word("errors.evidence.shape." + shape))
        if "answer" in item:
            answer = item["answer"]
            answer = {True: "yes", False: "no"}.get(answer, answer) if isinstance(answer, bool) else answer
            if answer not in ANSWERS:
                raise bad("answer", said="errors.evidence.bad_answer", shown=repr(answer), options=Codes(ANSWERS))
            fields["answer"] = answer
        if "by" in item and (not isinstance(item["by"], str) or not item["by"].strip()):
            raise bad("by", said="errors.evidence.who")
        if "on" in item:
            fields["on"] = _date(item["on"], bad)
        if "note" in item and not isinstance(item["note"], str):
            raise bad("note", said="errors.evidence.text")
        if "advisory" in item:
            fields["advisory"] = _kind(item["advisory"], "flag", bad, "advisory", base, roots)
    return Answer(obligation=obligation, shape=shape, line=line, fields=fields, base=base, roots=roots)


def key_lines(path: str) -> dict[str, int]:
    """The line of each key of the evidence section (the manifest keeps value lines)."""
    import yaml

    from senim.manifest import MAX_BYTES
    from senim.reading import read_bounded

    try:  # the manifest was read already; read again with the same bound, in case it changed
        text = read_bounded(path, MAX_BYTES, Word("errors.what.manifest")).decode("utf-8-sig")
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (InputError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return {}
    for key, value in getattr(node, "value", []) if isinstance(node, yaml.MappingNode) else []:
        if key.value == "evidence" and isinstance(value, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in value.value}
    return {}


def _kind(value: Any, kind: str, bad: Any, key: str, base: Path, roots: tuple[Path, ...] = ()) -> Any:
    if kind == "path":
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise bad(key, said="errors.evidence.path")
        target = Path(value) if Path(value).is_absolute() else base / value
        if not target.exists():
            raise bad(key, said="errors.evidence.path_missing", path=value, base=str(base or "."))
        if not inside(target, roots or allowed_roots(base)):
            raise bad(key, said="errors.evidence.path_outside", path=value, base=str(base or "."))
        from senim.reading import kind_word

        what = kind_word(target.stat().st_mode)
        if what not in (None, Word("errors.file.kind.folder")):
            raise bad(key, said="errors.evidence.path_not_regular", path=value, kind=what)
        return value
    if kind == "text":
        if not isinstance(value, str) or not value:
            raise bad(key, said="errors.evidence.text")
        return value
    if kind == "texts":
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise bad(key, said="errors.evidence.columns")
        return values
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise bad(key, said="errors.evidence.number", shown=repr(value))
        return float(value)
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad(key, said="errors.evidence.count", shown=repr(value))
        return value
    if kind == "flag":
        if not isinstance(value, bool):
            raise bad(key, said="errors.evidence.flag")
        return value
    raise AssertionError(kind)


def _date(value: Any, bad: Any) -> str:
    text = value.isoformat() if isinstance(value, date) else str(value)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise bad("on", said="errors.field.not_a_date", shown=repr(text))
    try:
        date.fromisoformat(text)
    except ValueError:
        raise bad("on", said="errors.field.not_a_date", shown=repr(text)) from None
    return text


def _line(lines: dict[tuple, int], place: tuple) -> int:
    place = tuple(place)
    while place and place not in lines:
        place = place[:-1]
    return lines.get(place, 0)


def _closest(word: str, options: set[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(word, sorted(options), n=1, cutoff=0.75)
    return found[0] if found else None
