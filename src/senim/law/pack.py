"""Rule packs: the law as data.

A pack is a folder of YAML files under `packs/<name>/`. Their top-level keys
are merged: `pack` (what law, which version), `articles` (titles of the
articles the rules cite), `result` (the fields a classification starts from),
`rules` (classification), `obligations`, `fines`, `values` (parameters that
change by date, such as the MRP), `timeline` and `acts` (the acts the pack
consolidates: the base law and each amending act, with the date each came
into force). Beside them, `data/<section>.yaml` holds the legal values the
checks use (see `legal_data`). Every rule carries its citation (`ref`), the dates it is in
force (`from`, `until`), how sure we are of its source (`confidence`) and its
title in Kazakh, Russian and English.

The law as it stood on a date: a rule that an amending act changed says so
in `amended` (`by` the act, at `point`, and `was`: the keys as they read
before, a null key being one the rule did not have); a rule an act inserted
names it in `added_by`. `Pack.on(day)` is the pack as consolidated on that
day: the rules as written once every act is in force, the older wording
before.

Packs are validated when loaded; a broken pack raises PackError naming the
file and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from senim.errors import PackError
from senim.i18n import LANGUAGES
from senim.law.conditions import Condition, compile_condition

PACKS_DIR = Path(__file__).parent / "packs"
PACK_ORDER = ("kz", "eu")
CONFIDENCE = ("confirmed", "secondary", "unverified")
RULE_OPERATIONS = ("set", "add", "remove_prefix")
TOP_KEYS = {"pack", "articles", "result", "rules", "obligations", "fines", "values", "timeline", "acts"}
VERSION_KEYS = {"amended", "added_by"}
RULE_KEYS = {"id", "ref", "article", "confidence", "title", "from", "until", "when", "then", "note", "gate"} | VERSION_KEYS
OBLIGATION_KEYS = RULE_KEYS - {"then", "gate"} | {"roles", "kind", "what", "fine", "applies_from"}
OBLIGATION_KINDS = ("duty", "prohibition", "principle", "voluntary", "right")

Text = dict[str, str]


@dataclass(frozen=True)
class Act:
    """A law the pack consolidates: the base act or one that amends it."""
    id: str
    title: Text
    ref: str
    in_force: date
    confidence: str
    amends: str | None = None
    adopted: date | None = None
    published: date | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Amendment:
    """What an act changed in a rule: the keys as they read before it."""
    act: str
    point: str | None
    was: dict[str, Any]


@dataclass
class Rule:
    id: str
    pack: str
    ref: str
    article: str | None
    confidence: str
    title: Text
    start: date
    end: date | None
    when: Condition
    source: str
    then: dict[str, dict[str, Any]] = field(default_factory=dict)
    gate: bool = False
    note: Text | None = None
    amendments: tuple[Amendment, ...] = ()
    added_by: str | None = None
    added_point: str | None = None

    def in_force(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


@dataclass
class Obligation(Rule):
    roles: tuple[str, ...] = ()
    kind: str = "duty"
    what: Text | None = None
    fine: str | None = None
    applies_from: list[tuple[date, Condition]] = field(default_factory=list)

    def start_for(self, context: dict[str, Any]) -> date:
        """The date it applies from for this system: the first dated option whose condition holds."""
        for start, condition in self.applies_from:
            if condition.test(context):
                return start
        return self.start


@dataclass
class Fine:
    id: str
    ref: str
    confidence: str
    title: Text
    start: date
    data: dict[str, Any]
    amendments: tuple[Amendment, ...] = ()
    added_by: str | None = None
    added_point: str | None = None


@dataclass
class Pack:
    name: str
    version: str
    title: Text
    source: Text
    articles: dict[str, dict[str, Any]]
    result: dict[str, Any]
    rules: list[Rule]
    obligations: list[Obligation]
    fines: dict[str, Fine]
    values: dict[str, list[dict[str, Any]]]
    timeline: list[dict[str, Any]]
    role_fact: str = ""
    default_role: str = ""
    acts: tuple[Act, ...] = ()
    consolidated: date | None = None  # the version: in force date of the last act applied
    _source: Any = field(default=None, repr=False, compare=False)
    _versions: dict[Any, "Pack"] = field(default_factory=dict, repr=False, compare=False)

    def acts_on(self, day: date) -> tuple[Act, ...]:
        """The acts in force on `day`, the base act first."""
        return tuple(a for a in self.acts if a.in_force <= day)

    def on(self, day: date) -> "Pack":
        """The pack as consolidated on `day`: amendments not yet in force are undone."""
        if not self.acts or self._source is None:
            return self
        applied = self.acts_on(day)
        key = max((a.in_force for a in applied), default=None)
        if key == self.consolidated:
            return self
        if key not in self._versions:
            merged, origin, folder = self._source
            pending = {a.id for a in self.acts if a not in applied}
            self._versions[key] = _build(self.name, merged, origin, folder, undo=pending, consolidated=key)
        return self._versions[key]

    def act(self, act_id: str) -> Act:
        return next(a for a in self.acts if a.id == act_id)

    def value_on(self, name: str, on: date) -> Any:
        """A dated parameter (e.g. the MRP) as in force on `on`."""
        current = None
        for entry in sorted(self.values.get(name, []), key=lambda e: e["from"]):
            if entry["from"] <= on:
                current = entry["value"]
        return current

    def all_rules(self) -> list[Rule]:
        return [*self.rules, *self.obligations]


# --------------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_packs(root: str | None = None) -> tuple[Pack, ...]:
    """Every pack under `root` (default: the packs shipped with Senim)."""
    base = Path(root) if root else PACKS_DIR
    packs = tuple(load_pack(base / name) for name in pack_names(base))
    seen: dict[str, str] = {}
    for pack in packs:
        for rule in pack.all_rules():
            if rule.id in seen:
                raise PackError(f"{rule.source}: rule id {rule.id} is also used in {seen[rule.id]}")
            seen[rule.id] = rule.source
    return packs


def load_pack(folder: Path) -> Pack:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    merged: dict[str, Any] = {}
    origin: dict[int, str] = {}  # id(entry) -> file, for messages
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise PackError(f"{folder}: a rule pack needs at least one .yaml file")
    for path in files:
        try:
            with open(path, encoding="utf-8") as handle:
                content = yaml.load(handle, Loader=loader) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise PackError(f"{path}{line}: not valid YAML: {problem}") from None
        except ValueError as error:  # e.g. a date such as 2026-13-01
            raise PackError(f"{path}: not valid YAML: {error}") from None
        if not isinstance(content, dict):
            raise PackError(f"{path}: a pack file is a mapping of {', '.join(sorted(TOP_KEYS))}")
        unknown = set(content) - TOP_KEYS
        if unknown:
            raise PackError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
        for key, value in content.items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
                for entry in value:
                    origin[id(entry)] = str(path)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            origin.setdefault(id(value), str(path))
    pack = _build(folder.name, merged, origin, str(folder))
    _data_folder(folder)
    pack._source = (merged, origin, str(folder))
    return pack


def _build(name: str, merged: dict[str, Any], origin: dict[int, str], folder: str,
           undo: frozenset[str] | set[str] = frozenset(), consolidated: date | None = None) -> Pack:
    """A pack from its merged files; `undo` names acts whose changes are taken back."""
    meta = merged.get("pack")
    if not meta:
        raise PackError(f"{folder}: no 'pack' section (name, version, title)")
    where = f"{folder}/pack"
    _texts(meta.get("title"), where + ".title")
    listed = merged.get("acts") or []
    acts = _acts(listed, origin.get(id(listed[0]), folder) if listed else folder)
    known = {a.id: a for a in acts}

    def entries(section: str) -> list[tuple[dict[str, Any], str]]:
        found = []
        for entry in merged.get(section, []):
            source = origin.get(id(entry), folder)
            entry = _as_of(entry, known, undo, source)
            if entry is not None:
                found.append((entry, source))
        return found

    rules = [_rule(entry, name, source) for entry, source in entries("rules")]
    obligations = [_obligation(entry, name, source) for entry, source in entries("obligations")]
    fines = {}
    for entry, source in entries("fines"):
        fine = _fine(entry, source)
        fines[fine.id] = fine
    for obligation in obligations:
        if obligation.fine and obligation.fine not in fines:
            raise PackError(f"{obligation.source}: obligation {obligation.id} names fine {obligation.fine}, which the pack does not define")
    gates = [r for r in rules if r.gate]
    if len(gates) != 1 or not rules[0].gate:
        raise PackError(f"{folder}: a pack's first rule, and only it, is its gate (gate: true); files are read in name order")
    values = merged.get("values", {})
    for key, entries in values.items():
        for entry in entries:
            entry["from"] = _date(entry.get("from"), f"{folder}: values.{key}")
    latest = max((a.in_force for a in acts), default=None)
    consolidated = consolidated if undo else latest
    version = str(meta.get("version")) if consolidated in (None, latest) else consolidated.isoformat()
    return Pack(
        name=name,
        version=version,
        title=meta["title"],
        source=meta.get("source") or meta["title"],
        articles=merged.get("articles", {}),
        result=merged.get("result", {}),
        rules=rules,
        obligations=obligations,
        fines=fines,
        values=values,
        timeline=merged.get("timeline", []),
        role_fact=str(meta.get("role_fact", "")),
        default_role=str(meta.get("default_role", "")),
        acts=acts,
        consolidated=consolidated,
    )


def _acts(entries: list[Any], source: str) -> tuple[Act, ...]:
    acts = []
    for entry in entries:
        if not isinstance(entry, dict) or "id" not in entry:
            raise PackError(f"{source}: every act is a mapping with an id")
        where = f"{source}: act {entry['id']}"
        for key in ("title", "ref", "in_force", "confidence"):
            if key not in entry:
                raise PackError(f"{where}: '{key}' is missing")
        if entry["confidence"] not in CONFIDENCE:
            raise PackError(f"{where}: confidence {entry['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
        _texts(entry["title"], f"{where}: title")
        if entry.get("note") is not None:
            _texts(entry["note"], f"{where}: note")
        optional = {k: _date(entry[k], f"{where}: {k}") for k in ("adopted", "published") if entry.get(k)}
        acts.append(Act(id=str(entry["id"]), title=entry["title"], ref=str(entry["ref"]),
                        in_force=_date(entry["in_force"], f"{where}: in_force"), confidence=entry["confidence"],
                        amends=entry.get("amends"), note=entry.get("note"), **optional))
    ids = [a.id for a in acts]
    for act in acts:
        if act.amends is not None and act.amends not in ids:
            raise PackError(f"{source}: act {act.id} amends {act.amends}, which the pack does not list")
    if len(set(ids)) != len(ids):
        raise PackError(f"{source}: an act is listed twice")
    return tuple(sorted(acts, key=lambda a: a.in_force))


def _as_of(entry: Any, acts: dict[str, Act], undo: frozenset[str] | set[str], source: str) -> dict[str, Any] | None:
    """The entry as it read before the acts in `undo` (None: it did not exist yet)."""
    if not isinstance(entry, dict):
        return entry  # reported by the builder
    where = f"{source}: rule {entry.get('id')}"
    added_by = _added_by(entry)[0]
    if added_by is not None and added_by not in acts:
        raise PackError(f"{where}: added_by {added_by!r} is not an act of the pack")
    amended = entry.get("amended") or []
    if not isinstance(amended, list):
        raise PackError(f"{where}: 'amended' is a list of {{by, point, was}}")
    for i, change in enumerate(amended):
        if not isinstance(change, dict) or change.get("by") not in acts or not isinstance(change.get("was"), dict):
            raise PackError(f"{where}: amended[{i}] names an act of the pack in 'by' and the old keys in 'was'")
        if "id" in change["was"] or set(change["was"]) & VERSION_KEYS:
            raise PackError(f"{where}: amended[{i}].was cannot change the id or the history")
    if added_by in undo:
        return None
    out = dict(entry)
    for change in sorted(amended, key=lambda c: acts[c["by"]].in_force, reverse=True):
        if change["by"] in undo:
            for key, value in change["was"].items():
                if value is None:
                    out.pop(key, None)
                else:
                    out[key] = value
    return out


def _added_by(entry: dict[str, Any]) -> tuple[str | None, str | None]:
    """`added_by: "2026/1744"` or `added_by: {act: "2026/1744", point: "Art. 1(7)(a)"}`."""
    given = entry.get("added_by")
    if isinstance(given, dict):
        return (str(given["act"]) if given.get("act") is not None else None), given.get("point")
    return (str(given) if given is not None else None), None


def _history(entry: dict[str, Any]) -> dict[str, Any]:
    act, point = _added_by(entry)
    return dict(
        amendments=tuple(Amendment(act=str(c["by"]), point=c.get("point"), was=c["was"]) for c in entry.get("amended") or []),
        added_by=act, added_point=point,
    )


def _common(entry: Any, pack: str, source: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(entry, dict) or "id" not in entry:
        raise PackError(f"{source}: every rule is a mapping with an id; found {entry!r:.60}")
    rid = entry["id"]
    where = f"{source}: rule {rid}"
    unknown = set(entry) - allowed
    if unknown:
        raise PackError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("ref", "confidence", "title", "from"):
        if key not in entry:
            raise PackError(f"{where}: '{key}' is missing")
    if entry["confidence"] not in CONFIDENCE:
        raise PackError(f"{where}: confidence {entry['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
    _texts(entry["title"], f"{where}: title")
    if entry.get("note") is not None:
        _texts(entry["note"], f"{where}: note")
    start = _date(entry["from"], f"{where}: from")
    end = _date(entry["until"], f"{where}: until") if entry.get("until") is not None else None
    if end is not None and end <= start:
        raise PackError(f"{where}: 'until' {end} is not after 'from' {start}")
    return dict(
        id=str(rid), pack=pack, ref=str(entry["ref"]),
        article=str(entry["article"]) if entry.get("article") is not None else None,
        confidence=entry["confidence"], title=entry["title"], start=start, end=end,
        when=compile_condition(entry.get("when"), f"{where}: when"), source=source,
        note=entry.get("note"), **_history(entry),
    )


def _rule(entry: Any, pack: str, source: str) -> Rule:
    fields = _common(entry, pack, source, RULE_KEYS)
    then = entry.get("then") or {}
    where = f"{source}: rule {entry['id']}"
    if not isinstance(then, dict) or set(then) - set(RULE_OPERATIONS):
        raise PackError(f"{where}: 'then' takes {', '.join(RULE_OPERATIONS)}")
    for op, changes in then.items():
        if not isinstance(changes, dict) or not changes:
            raise PackError(f"{where}: 'then.{op}' is a mapping of result fields")
    return Rule(**fields, then=then, gate=bool(entry.get("gate")))


def _obligation(entry: Any, pack: str, source: str) -> Obligation:
    fields = _common(entry, pack, source, OBLIGATION_KEYS)
    where = f"{source}: obligation {entry['id']}"
    roles = entry.get("roles")
    if not isinstance(roles, list) or not roles:
        raise PackError(f"{where}: 'roles' lists who owes it (e.g. [owner, holder] or [provider])")
    kind = entry.get("kind", "duty")
    if kind not in OBLIGATION_KINDS:
        raise PackError(f"{where}: kind {kind!r} is not one of {', '.join(OBLIGATION_KINDS)}")
    if entry.get("what") is not None:
        _texts(entry["what"], f"{where}: what")
    applies_from = []
    for i, option in enumerate(entry.get("applies_from") or []):
        if not isinstance(option, dict) or "date" not in option:
            raise PackError(f"{where}: applies_from[{i}] needs a date (and may have a 'when')")
        applies_from.append((
            _date(option["date"], f"{where}: applies_from[{i}]"),
            compile_condition(option.get("when"), f"{where}: applies_from[{i}].when"),
        ))
    return Obligation(**fields, roles=tuple(roles), kind=kind, what=entry.get("what"),
                      fine=entry.get("fine"), applies_from=applies_from)


def _fine(entry: Any, source: str) -> Fine:
    if not isinstance(entry, dict) or "id" not in entry:
        raise PackError(f"{source}: every fine is a mapping with an id")
    where = f"{source}: fine {entry['id']}"
    for key in ("ref", "confidence", "title", "from"):
        if key not in entry:
            raise PackError(f"{where}: '{key}' is missing")
    _texts(entry["title"], f"{where}: title")
    data = {k: v for k, v in entry.items() if k not in ("id", "ref", "confidence", "title", "from") and k not in VERSION_KEYS}
    return Fine(id=entry["id"], ref=entry["ref"], confidence=entry["confidence"], title=entry["title"],
                start=_date(entry["from"], f"{where}: from"), data=data, **_history(entry))


def _texts(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise PackError(f"{where}: needs a text in each of {', '.join(LANGUAGES)}")
    for lang in LANGUAGES:
        if not isinstance(value.get(lang), str) or not value[lang].strip():
            raise PackError(f"{where}: the '{lang}' text is missing")
    extra = set(value) - set(LANGUAGES)
    if extra:  # often an unquoted comma in a flow mapping that cut a text short
        raise PackError(f"{where}: unexpected key(s) {', '.join(map(str, extra))}; quote texts that contain commas")


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PackError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


# --------------------------------------------------------------------------
# Legal data: the values the checks use (a warning's wording, a deadline, a
# threshold), one section a file in `packs/<pack>/data/<section>.yaml`. A
# section is a mapping whose every value is an entry (a mapping with `ref`,
# `confidence`, `from` and maybe `until`), a list of entries, or a mapping of
# those: no value without its citation. A section may be given by several
# packs (the labelling duty of each law): their parts are merged, mappings
# key by key (a key given twice is an error) and lists one after the other,
# in pack order. Sections live in their own files so that a check reading one
# parses a few lines, not the whole pack.

DATA_DIR = "data"


def pack_names(base: Path = PACKS_DIR) -> list[str]:
    """The packs under `base`: those of PACK_ORDER first, then any other folder by name."""
    names = [n for n in PACK_ORDER if (base / n).is_dir()]
    return names + sorted(p.name for p in base.iterdir() if p.is_dir() and p.name not in names)


def data_sections(base: Path = PACKS_DIR) -> list[str]:
    """The names of every legal-data section any pack gives."""
    return sorted({p.stem for name in pack_names(base) for p in (base / name / DATA_DIR).glob("*.yaml")})


@lru_cache(maxsize=None)
def legal_data(name: str, on: date | None = None) -> dict[str, Any]:
    """The legal-data section `name`, merged over the packs that give it.

    With `on`, only the entries in force that day (`from` <= on < `until`);
    without it, every entry, each carrying its own dates.
    """
    merged: dict[str, Any] = {}
    found = False
    for pack in pack_names():
        path = PACKS_DIR / pack / DATA_DIR / f"{name}.yaml"
        if path.is_file():
            found = True
            _merge(merged, _read_section(str(path)), f"{path}")
    if not found:
        raise PackError(f"{PACKS_DIR}: no pack gives the legal-data section {name!r} ({DATA_DIR}/{name}.yaml)")
    return merged if on is None else _in_force(merged, on)


def _data_folder(folder: Path) -> None:
    """Validate a pack's legal-data sections, as the pack's rules are validated on load."""
    for path in sorted((folder / DATA_DIR).glob("*.yaml")):
        _read_section(str(path))


@lru_cache(maxsize=None)
def _read_section(path: str) -> dict[str, Any]:
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            content = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as error:
        raise PackError(f"{path}: cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PackError(f"{path}{line}: not valid YAML: {problem}") from None
    except ValueError as error:  # e.g. a date such as 2026-13-01
        raise PackError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(content, dict) or not content:
        raise PackError(f"{path}: a legal-data section is a mapping of entries, each with ref, confidence and from")
    for key, node in content.items():
        _data_node(node, f"{path}: {key}")
    return content


def _data_node(node: Any, where: str) -> None:
    if isinstance(node, dict) and "ref" in node:
        _data_entry(node, where)
    elif isinstance(node, dict) and node:
        for key, value in node.items():
            _data_node(value, f"{where}.{key}")
    elif isinstance(node, list) and node:
        for i, value in enumerate(node):
            if not (isinstance(value, dict) and "ref" in value):
                raise PackError(f"{where}[{i}]: every item of a list of legal values is an entry with ref, confidence and from")
            _data_entry(value, f"{where}[{i}]")
    else:
        raise PackError(f"{where}: {node!r:.40} has no ref; write a legal value as an entry with ref, confidence and from")


def _data_entry(entry: dict[str, Any], where: str) -> None:
    if entry.get("id") is not None:
        where = f"{where} ({entry['id']})"
    for key in ("ref", "confidence", "from"):
        if entry.get(key) is None:
            raise PackError(f"{where}: '{key}' is missing")
    if isinstance(entry["ref"], dict):
        _texts(entry["ref"], f"{where}: ref")
    elif not isinstance(entry["ref"], str) or not entry["ref"].strip():
        raise PackError(f"{where}: 'ref' is a citation (a text, or one in each of {', '.join(LANGUAGES)})")
    if entry["confidence"] not in CONFIDENCE:
        raise PackError(f"{where}: confidence {entry['confidence']!r} is not one of {', '.join(CONFIDENCE)}")
    entry["from"] = _date(entry["from"], f"{where}: from")
    if entry.get("until") is not None:
        entry["until"] = _date(entry["until"], f"{where}: until")
        if entry["until"] <= entry["from"]:
            raise PackError(f"{where}: 'until' {entry['until']} is not after 'from' {entry['from']}")
    for key in ("title", "note"):
        if isinstance(entry.get(key), dict):
            _texts(entry[key], f"{where}: {key}")


def _merge(into: dict[str, Any], part: dict[str, Any], where: str) -> None:
    for key, value in part.items():
        if key not in into:
            into[key] = value
        elif isinstance(into[key], list) and isinstance(value, list):
            into[key] = [*into[key], *value]
        elif isinstance(into[key], dict) and isinstance(value, dict) and "ref" not in into[key] and "ref" not in value:
            into[key] = dict(into[key])
            _merge(into[key], value, f"{where}: {key}")
        else:
            raise PackError(f"{where}: {key} is also given by another pack")


def _in_force(node: Any, on: date) -> Any:
    def holds(entry: dict[str, Any]) -> bool:
        return entry["from"] <= on and (entry.get("until") is None or on < entry["until"])

    if isinstance(node, dict) and "ref" in node:
        return node
    if isinstance(node, dict):
        kept = {k: _in_force(v, on) for k, v in node.items() if not (isinstance(v, dict) and "ref" in v and not holds(v))}
        return kept
    if isinstance(node, list):
        return [e for e in node if holds(e)]
    return node
