"""The AI-system manifest: loading, friendly validation, defaults.

A manifest is YAML or JSON (`ai-system.schema.json`, format 1.0). Loading it
either gives a `Manifest` or raises `InputError` with one sentence naming the
file, the line and the field, e.g.

    senim.yaml:4: owner.bin: 940140000386 fails the BIN check digit

When the document could be read, the error is a `ManifestProblems` that also
holds every problem found, one such sentence each, in line order (what
`senim validate` prints).

The validator walks the schema itself (the subset of JSON Schema the contract
uses) so that messages speak the user's language and carry YAML line numbers;
the test suite checks that it agrees with `jsonschema` on every document.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from senim.errors import Codes, InputError, Word, Written


class ManifestProblems(InputError):
    """Every problem of one readable manifest, in line order.

    Reads as the first problem and a count of the rest, so that commands that
    stop at a bad manifest still say one sentence; its `file`, `line` and
    `field` are the first problem's; `errors` holds every problem as an
    InputError of its own and `problems` their sentences."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        self.problems = [str(e) for e in errors]
        first = errors[0]
        super().__init__(self._with_rest(first.problem, "en"), file=first.file, line=first.line, field=first.field)

    def _with_rest(self, problem: str, lang: str) -> str:
        from senim.i18n import text

        rest = len(self.errors) - 1
        return f"{problem} {text('errors.and_more', lang, count=rest)}" if rest else problem

    def problem_in(self, lang: str) -> str:
        return self._with_rest(self.errors[0].problem_in(lang), lang)

    def _names_field(self, problem: str, lang: str) -> bool:
        return self.errors[0]._names_field(problem, lang)  # it reads as its first problem

    def problems_in(self, lang: str) -> list[str]:
        """Every problem's sentence, the problem in `lang`."""
        return [error.sentence_in(lang) for error in self.errors]


MAX_BYTES = 1 << 20  # a manifest is a page of facts; 1 MiB is generous
# The registry stores a manifest as canonical JSON (RFC 8785), which holds
# whole numbers up to 2^53 - 1 exactly and no NaN or infinity: what it cannot
# store is refused here already, so that `validate` never says valid to what
# `register` refuses.
MAX_SAFE_INTEGER = 2**53 - 1
MAX_NUMBER_TEXT = 400  # characters of a number as written; past this it is refused unread
SCHEMA_FILE = Path(__file__).parent / "schemas" / "ai-system.schema.json"

# Fields this project adds to format 1.0 (the contract allows additions).
EXTENSIONS: dict[str, Any] = {
    "kz_role": {"enum": ["owner", "holder", "user"], "default": "owner"},
}

# How users write numbers (3e25, 1.5E+3, 1_000): YAML 1.1 reads some as text.
_NUMBER = re.compile(r"^[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?$")


@dataclass
class Manifest:
    """One AI system's facts, validated, with schema defaults filled in."""

    path: str
    raw: dict[str, Any]
    lines: dict[tuple, int] = field(repr=False, default_factory=dict)
    data: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.data = with_defaults(self.raw)

    @property
    def id(self) -> str:
        return self.raw["id"]

    @property
    def name(self) -> str:
        return self.raw["name"]

    def line_of(self, dotted: str) -> int | None:
        """The line where a field is written, or of its nearest written parent."""
        parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".") if p]
        while parts:
            if tuple(parts) in self.lines:
                return self.lines[tuple(parts)]
            parts.pop()
        return self.lines.get(())


# --------------------------------------------------------------------------
# Reading bytes into a document with line numbers


def load_manifest(path: str | Path) -> Manifest:
    """Read, parse and validate one manifest file."""
    from senim.reading import read_bounded

    name = str(path)
    if Path(path).is_dir():
        candidate = Path(path) / "senim.yaml"
        if os.path.lexists(candidate):  # a FIFO or a dangling link there gets its own sentence
            return load_manifest(candidate)
        raise InputError.said("errors.manifest.folder_without_manifest", file=name)
    # a FIFO or a device (/dev/zero) is refused before any reading: it could block or never end
    blob = read_bounded(path, MAX_BYTES, Word("errors.what.manifest"), bound=Word("errors.file.bound.manifest"))
    return parse_manifest(blob, name)


def parse_manifest(blob: bytes, name: str = "<manifest>") -> Manifest:
    """Parse manifest bytes (YAML or JSON) and validate them."""
    if not blob.strip():
        raise InputError.said("errors.manifest.empty", file=name, fields=Codes(_required()))
    if b"\0" in blob:
        raise InputError.said("errors.manifest.binary", file=name)
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = blob[: error.start].count(b"\n") + 1
        raise InputError.said("errors.manifest.not_utf8", file=name, line=line, byte=error.start) from None
    document, lines, problems = _parse_text(text, name)
    if not isinstance(document, dict):
        problems.append(_said((), "errors.manifest.not_a_mapping", kind=_kind_word(document)))
        _raise_all(problems, {(): 1}, name)
    validate_document(document, lines, name, problems)
    return Manifest(path=name, raw=document, lines=lines)


def _parse_text(text: str, name: str) -> tuple[Any, dict[tuple, int], list[_Problem]]:
    """The document, the line of each place, and the problems met while reading it
    (keys written twice and the like); what cannot be read at all is raised."""
    json_document = None
    if text.lstrip().startswith(("{", "[")):
        try:
            json_document = json.loads(text, parse_constant=_refuse_constant(name, text))
        except json.JSONDecodeError as error:
            raise InputError.said("errors.manifest.json_syntax", file=name, line=error.lineno, detail=error.msg) from None
        except ValueError:  # Python's bound on the digits of an int (4,300) in json.loads
            line = _line_of_match(text, r"\d{%d,}" % MAX_NUMBER_TEXT)
            raise _too_long_number(file=name, line=line) from None
        except RecursionError:
            raise InputError.said("errors.manifest.nested_too_deeply", file=name) from None
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        nodes = list(yaml.compose_all(text, Loader=loader))
    except yaml.MarkedYAMLError as error:
        if json_document is not None:  # valid JSON that YAML cannot read: keep it, without lines
            return json_document, {}, []
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "not valid YAML").strip()
        raise InputError.said("errors.manifest.yaml_syntax", file=name, line=mark.line + 1 if mark else None,
                              detail=problem) from None
    except yaml.YAMLError as error:
        if json_document is not None:
            return json_document, {}, []
        raise InputError.said("errors.manifest.yaml_syntax", file=name, detail=str(error).splitlines()[0]) from None
    except RecursionError:
        raise InputError.said("errors.manifest.nested_too_deeply", file=name) from None
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        raise InputError.said("errors.manifest.no_document", file=name, fields=Codes(_required()))
    if len(nodes) > 1:
        raise InputError.said("errors.manifest.several_documents", file=name, line=nodes[1].start_mark.line + 1)
    builder = _Builder(name)
    try:
        document = builder.build(nodes[0], ())
    except RecursionError:  # a merge key that merges its own mapping, through an anchor
        raise InputError.said("errors.manifest.merges_itself", file=name) from None
    if json_document is not None and not builder.problems:
        return json_document, builder.lines, builder.problems  # JSON's own reading of the values, YAML's lines
    # With a key written twice, json kept the last value but the lines are the first's:
    # check the builder's document, which keeps the first, like the lines.
    _coerce_numbers(document, builder.numeric)
    return document, builder.lines, builder.problems


def _refuse_constant(name: str, text: str):
    def refuse(word: str) -> None:
        line = _line_of_match(text, r"(?<![\w\"])-?%s(?![\w\"])" % re.escape(word))
        raise InputError.said("errors.manifest.json_constant", file=name, line=line, word=word)

    return refuse


def _line_of_match(text: str, pattern: str) -> int | None:
    found = re.search(pattern, text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _too_long_number(**place: Any) -> InputError:
    return InputError.said("errors.manifest.too_long_number", limit=MAX_NUMBER_TEXT, largest=f"{MAX_SAFE_INTEGER:,}",
                           **place)


MAX_NODES = 100_000  # far beyond any manifest; stops alias bombs
MAX_DEPTH = 64


class _Builder:
    """Turns YAML nodes into plain data, noting the line of every place.

    A key written twice, or one that is not a name, is noted as a problem and
    left out, so that the rest of the document can still be checked; only the
    limits stop the reading at once."""

    def __init__(self, name: str):
        self.name = name
        self.lines: dict[tuple, int] = {}
        self.problems: list[_Problem] = []
        self.numeric: dict[tuple, str] = {}  # plain scalars that read as numbers: place -> text
        self.count = 0

    def _tick(self, node: Any, place: tuple) -> None:
        """Count one value read (merged mappings too: empty ones cost nothing to
        write but expand like any alias) and stop at the limits."""
        self.count += 1
        if self.count > MAX_NODES or len(place) > MAX_DEPTH:
            key = "errors.manifest.too_deep" if len(place) > MAX_DEPTH else "errors.manifest.too_many_aliases"
            raise InputError.said(key, file=self.name, line=node.start_mark.line + 1)

    def build(self, node: Any, place: tuple) -> Any:
        import yaml

        self._tick(node, place)
        self.lines.setdefault(place, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, place)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, place + (i,)) for i, item in enumerate(node.value)]
        if node.tag in (_TAG + "int", _TAG + "float") and len(node.value) > MAX_NUMBER_TEXT:
            raise _too_long_number(file=self.name, line=node.start_mark.line + 1)
        value = _scalar(node)
        if isinstance(value, (int, float)) and not isinstance(value, bool) or (
            node.tag == _TAG + "str" and not node.style and _looks_numeric(node.value)
        ):
            self.numeric[place] = node.value
        return value

    def _mapping(self, node: Any, place: tuple) -> dict[str, Any]:
        import yaml

        result: dict[str, Any] = {}
        merged: list[tuple[dict[str, Any], dict[tuple, str]]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":  # `<<: *anchor`: the anchor's fields, unless written here
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    self._tick(source, place)
                    if not isinstance(source, yaml.MappingNode):
                        self.problems.append(_said(place, "errors.field.merge_mapping_only", line) if place
                                             else _said(place, "errors.manifest.merge_mapping_only", line))
                        continue
                    # the numbers read in a merged mapping count only for the keys it gives
                    outer, self.numeric = self.numeric, {}
                    try:
                        merged.append((self._mapping(source, place), self.numeric))
                    finally:
                        self.numeric = outer
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(_said(place, "errors.field.key_not_plain", line, field=_dotted(place)) if place
                                     else _said(place, "errors.manifest.key_not_plain", line))
                continue
            key = key_node.value
            if key in result:
                self.problems.append(_said(place + (key,), "errors.field.written_twice", line,
                                           field=_dotted(place + (key,))))
                continue
            self.lines[place + (key,)] = line
            result[key] = self.build(value_node, place + (key,))
        for source, numeric in merged:
            for key, value in source.items():
                if key in result:
                    continue  # written here, or given by an earlier merged mapping
                result[key] = value
                inside = place + (key,)
                self.numeric.update((p, t) for p, t in numeric.items() if p[:len(inside)] == inside)
        return result


def _looks_numeric(text: str) -> bool:
    return bool(_NUMBER.match(text)) and any(c.isdigit() for c in text)


_TAG = "tag:yaml.org,2002:"


def _scalar(node: Any) -> Any:
    tag, value = node.tag, node.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == _TAG + "int":
        cleaned = value.replace("_", "")
        for base in (10, 0):  # users mean decimal, even with a leading zero
            try:
                return int(cleaned, base)
            except ValueError:
                continue
        return value
    if tag == _TAG + "float":
        try:
            return float(value.replace("_", "").lower().replace(".inf", "inf").replace(".nan", "nan"))
        except ValueError:
            return value
    return value  # str, timestamps (kept as written), anything else


def _schema_at(place: tuple) -> dict[str, Any] | None:
    rule: dict[str, Any] | None = schema()
    for part in place:
        if rule is None:
            return None
        rule = rule.get("items") if isinstance(part, int) else rule.get("properties", {}).get(part)
    return rule


def _coerce_numbers(document: Any, numeric: dict[tuple, str]) -> None:
    """Where the schema wants a number, text such as 3e25 is the number users mean
    (YAML 1.1 reads it as text); where it wants text, a bare number stays as written."""
    for place, written in numeric.items():
        rule = _schema_at(place) or {}
        kinds = rule.get("type")
        kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
        parent = document
        try:
            for part in place[:-1]:
                parent = parent[part]
            value = parent[place[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # a place another value took (a key written twice): nothing to coerce there
        if isinstance(value, str) and ("number" in kinds or "integer" in kinds):
            cleaned = written.replace("_", "")
            try:
                parent[place[-1]] = float(cleaned) if any(c in cleaned for c in ".eE") else int(cleaned)
            except ValueError:
                continue  # left as text: the validator says it is not a number
        elif not isinstance(value, str) and "string" in kinds and not ({"number", "integer"} & set(kinds)):
            parent[place[-1]] = _WrittenNumber(written)


class _WrittenNumber(str):
    """A bare number where the schema wants text (a BIN, an id): kept as the user wrote it,
    so that the validator can say to quote it."""


# --------------------------------------------------------------------------
# Validation against the schema, with sentences a person can act on


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    with open(SCHEMA_FILE, encoding="utf-8") as handle:
        loaded = json.load(handle)
    loaded["properties"].update(EXTENSIONS)
    return loaded


def _required() -> list[str]:
    return schema()["required"]


class _Problem:
    """A problem at a place; `line` when the place itself has no line (a key
    left out); `field` when it concerns another field than the place's (the
    key left out of a mapping)."""

    def __init__(self, place: tuple, message: str, line: int | None = None, field: str | None = None,
                 key: str | None = None, values: dict | None = None):
        self.place, self.message, self.line, self.field = place, message, line, field
        self.key, self.values = key, values

    def error(self, name: str, line: int) -> InputError:
        """The problem as an InputError: the sentence `message` reads as, in parts."""
        field = self.field or _dotted(self.place) or None
        problem = self.message
        if field and problem.startswith(field + ": "):
            problem = problem[len(field) + 2:]
        return InputError(problem, file=name, line=line or None, field=field, key=self.key, values=self.values)


def _said(place: tuple, key: str, line: int | None = None, field: str | None = None, **values: Any) -> _Problem:
    """The problem at `place` that is the `errors` catalog's sentence `key`
    (a `field` other than the place's is one of its values too)."""
    if field is not None:
        values["field"] = field
    problem = InputError.said(key, **values).problem  # in English, Words included
    where = field or _dotted(place)
    message = problem if not where or problem.startswith((where + " ", where + ":")) else f"{where}: {problem}"
    return _Problem(place, message, line, field, key, values)


def validate_document(document: dict[str, Any], lines: dict[tuple, int], name: str,
                      problems: list[_Problem] | None = None) -> None:
    """Raise ManifestProblems with every problem (and those passed in), if any."""
    found: list[_Problem] = []
    _check(document, schema(), (), found)
    flagged = {p.place for p in found}
    # the check digit, where the BIN is otherwise well written
    found += [p for p in _semantic_problems(document) if p.place not in flagged]
    flagged = {p.place for p in found}
    found += [p for p in _unstorable(document, ()) if p.place not in flagged]
    problems = list(problems or []) + found
    if problems:
        _raise_all(problems, lines, name)


def _raise_all(problems: list[_Problem], lines: dict[tuple, int], name: str) -> None:
    """One sentence a problem, by line and, on one line, outer places first;
    otherwise in the order found (stable)."""
    def line_of(problem: _Problem) -> int:
        return problem.line if problem.line is not None else _line(lines, problem.place)

    ordered = sorted(problems, key=lambda p: (line_of(p), len(p.place)))
    raise ManifestProblems([p.error(name, line_of(p)) for p in ordered])


def _line(lines: dict[tuple, int], place: tuple) -> int:
    place = tuple(place)
    while place not in lines and place:
        place = place[:-1]
    return lines.get(place, 0)


_TYPES = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}
_TYPE_WORDS = {"object": "mapping", "array": "list", "string": "text", "boolean": "boolean",
               "integer": "integer", "number": "number"}  # keys of errors.kind.*


def _is_type(value: Any, kind: str) -> bool:
    if isinstance(value, _WrittenNumber):
        return False  # the user wrote a bare number
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def _kind_word(value: Any) -> Word:
    """What kind of value the user wrote, as a word of errors.kind.*."""
    if isinstance(value, _WrittenNumber):
        kind = "number"
    elif value is None:
        kind = "null"
    elif isinstance(value, bool):
        kind = "true_false"
    elif isinstance(value, (int, float)):
        kind = "number"
    elif isinstance(value, str):
        kind = "text"
    else:
        kind = "list" if isinstance(value, list) else "mapping"
    return Word("errors.kind." + kind)


def _show(value: Any) -> str | Word | Written:
    if isinstance(value, _WrittenNumber):
        return str.__str__(value)
    if isinstance(value, str):  # as Python quotes it in English, in «» in Kazakh and Russian
        return Written(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return _kind_word(value)  # the kind of value, in the reader's language
    return str(value)


def _dotted(place: tuple) -> str:
    out = ""
    for part in place:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# Hints for patterns, keyed by the schema pattern's field.
_PATTERN_HINTS = ("id", "uses", "bin")  # errors.field.pattern.<field>


def _check(value: Any, rule: dict[str, Any], place: tuple, problems: list[_Problem]) -> None:
    if "anyOf" in rule:  # e.g. one role or a list of roles: the form written for this value speaks
        options = rule["anyOf"]
        tried = []
        for option in options:
            found: list[_Problem] = []
            _check(value, option, place, found)
            if not found:
                break
            tried.append(found)
        else:
            listed = isinstance(value, list)
            problems += next((t for t, o in zip(tried, options) if (o.get("type") == "array") == listed), tried[0])
            return
    if "const" in rule and value != rule["const"]:
        problems.append(_said(place, "errors.field.format_unsupported", shown=_show(value),
                              format=json.dumps(rule["const"])))
        return
    kinds = rule.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is_type(value, k) for k in kinds):
            wanted = tuple(Word("errors.kind." + _TYPE_WORDS[k]) for k in kinds if k != "null")
            quote = "string" in kinds and (isinstance(value, _WrittenNumber) or isinstance(value, (int, float))
                                           and not isinstance(value, bool))
            if isinstance(value, (list, dict)):  # its kind says all that can be shown of it
                problems.append(_said(place, "errors.field.wrong_kind_container", wanted=wanted, kind=_kind_word(value)))
            else:
                problems.append(_said(place, "errors.field.wrong_kind_quote" if quote else "errors.field.wrong_kind",
                                      wanted=wanted, kind=_kind_word(value), shown=_show(value)))
            return
    if "enum" in rule and value not in rule["enum"]:
        options = Codes(_show(v) if not isinstance(v, str) else v for v in rule["enum"] if v is not None)
        problems.append(_said(place, "errors.field.not_one_of", shown=_show(value), options=options))
        return
    if isinstance(value, str):
        if len(value) < rule.get("minLength", 0):
            problems.append(_said(place, "errors.field.empty"))
        pattern = rule.get("pattern")
        if pattern and not re.search(pattern, value):
            key = next((p for p in reversed(place) if isinstance(p, str)), "")
            problems.append(_said(place, f"errors.field.pattern.{key}" if key in _PATTERN_HINTS
                                  else "errors.field.pattern", shown=_show(value), pattern=pattern))
        if rule.get("format") == "date":
            try:
                date.fromisoformat(value)
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError
            except ValueError:
                problems.append(_said(place, "errors.field.not_a_date", shown=_show(value)))
    if (isinstance(value, (int, float)) and not isinstance(value, bool) and "minimum" in rule
            and value < rule["minimum"] and math.isfinite(value)):  # -infinity: said once, as not storable
        problems.append(_said(place, "errors.field.below_minimum", value=value, minimum=rule["minimum"]))
    if isinstance(value, list):
        if len(value) < rule.get("minItems", 0):
            problems.append(_said(place, "errors.field.no_items"))
        if rule.get("uniqueItems"):
            seen: set[Any] = set()  # a set, not pairwise comparison: lists can be long
            for i, item in enumerate(value):
                identity = _identity(item)
                if identity in seen:
                    problems.append(_said(place + (i,), "errors.field.listed_twice", shown=_show(item)))
                seen.add(identity)
        if "items" in rule:
            for i, item in enumerate(value):
                _check(item, rule["items"], place + (i,), problems)
    if isinstance(value, dict):
        for key in rule.get("required", []):
            if key not in value:
                problems.append(_said(place, "errors.field.missing", field=_dotted(place + (key,))))
        for key, sub in rule.get("properties", {}).items():
            if key in value:
                _check(value[key], sub, place + (key,), problems)


def _identity(value: Any) -> Any:
    """A hashable stand-in equal for values JSON Schema calls equal:
    1 and true differ, 1 and 1.0 are one number, at any depth."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, list):
        return ("array", tuple(_identity(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _identity(item)) for key, item in value.items()))
    if isinstance(value, (int, float)):
        return ("number", value)
    return value  # text, null


def _unstorable(value: Any, place: tuple) -> list[_Problem]:
    """Values anywhere in the document (extensions too) that the registry could
    not store as they are: NaN and infinity, whole numbers past 2^53 - 1, and
    text holding NUL or a lone UTF-16 surrogate (PostgreSQL and UTF-8 refuse them)."""
    problems: list[_Problem] = []
    stack = [(value, place)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for key, sub in item.items():
                text = _text_problem(key)
                if text:
                    problems.append(_said(where, f"errors.field.key_{text}", field=_dotted(where)) if where
                                    else _said(where, f"errors.manifest.key_{text}"))
                    continue
                stack.append((sub, where + (key,)))
        elif isinstance(item, list):
            stack.extend((sub, where + (i,)) for i, sub in enumerate(item))
        elif isinstance(item, bool) or isinstance(item, _WrittenNumber):
            continue
        elif isinstance(item, float) and not math.isfinite(item):
            problems.append(_said(where, "errors.field.nan" if item != item else "errors.field.infinity"))
        elif isinstance(item, int) and abs(item) > MAX_SAFE_INTEGER:
            written, largest = str(item), f"{MAX_SAFE_INTEGER:,}"
            problems.append(_said(where, "errors.field.past_largest", digits=written, largest=largest)
                            if len(written) <= 24 else  # longer, it is counted rather than written out
                            _said(where, "errors.field.past_largest_long", count=len(written.lstrip("-")), largest=largest))
        elif isinstance(item, float) and item.is_integer() and abs(item) > MAX_SAFE_INTEGER:
            continue  # 3e25 is stored as the float it is
        elif isinstance(item, str):
            text = _text_problem(item)
            if text:
                problems.append(_said(where, f"errors.field.text_{text}"))
    return problems


def _text_problem(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    if "\0" in text:
        return "nul"  # errors.*.key_nul, errors.field.text_nul
    if any("\ud800" <= c <= "\udfff" for c in text):
        return "surrogate"
    return None


def _semantic_problems(document: dict[str, Any]) -> list[_Problem]:
    """What the schema describes in words: BINs must pass their check digit."""
    from senim.identifiers import bin_fault

    problems = []
    for party in ("owner", "holder"):
        entry = document.get(party)
        if isinstance(entry, dict) and isinstance(entry.get("bin"), str):
            fault = bin_fault(entry["bin"])
            if fault:
                problems.append(_said((party, "bin"), fault, number=entry["bin"]))
    return problems


# --------------------------------------------------------------------------
# Defaults


def with_defaults(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the document with the schema's defaults filled in."""
    return _fill(document, schema())


def _fill(value: Any, rule: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        out = dict(value)
        for key, sub in rule.get("properties", {}).items():
            if key in out:
                out[key] = _fill(out[key], sub)
            elif "default" in sub:
                out[key] = json.loads(json.dumps(sub["default"]))
        return out
    if isinstance(value, list) and "items" in rule:
        return [_fill(item, rule["items"]) for item in value]
    return value
