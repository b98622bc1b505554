"""Decision records: individual AI decisions about people, each ledgered.

A record names the person only by a pseudonymous subject id, cites the system
and its registered version, carries a digest of the inputs (never the inputs),
the output, the main reasons and who reviewed it. `explain` writes what a
person may ask for under Art. 16 of the AI law (cited in the i18n catalog).

A subject that holds an IIN is stored as a keyed pseudonym (see subjects.py);
an IIN anywhere else in a record is refused, since the ledger cannot forget.

Recording is idempotent. A decision is known by its `id` field (the
organisation's own decision number, unique within its system) or, without
one, by its content as given (SHA-256 of the canonical record, with
`decided_at` and `system_version` only when given): recording the same file
again adds nothing, and a known id with other content is refused, because a
recorded decision cannot change. Lines without `id` or `decided_at` that are
equal in every field are one decision.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from sqlalchemy import func, insert, select

from senim.errors import Codes, InputError, Word
from senim.ledger.canonical import canonical
from senim.registry import subjects
from senim.registry.db import Database
from senim.registry.models import Decision, System
from senim.registry.records import check_depth, iso, jsonable, kind_of, parse_moment, place, shown, utc_now
from senim.registry.systems import system_version
from senim.registry.tenancy import Actor, NotFound, ledger, scoped

FIELDS = {"id", "subject", "system", "system_version", "inputs_digest", "output", "reasons", "reviewer",
          "decided_at", "data_used"}
_DIGEST = re.compile(r"^(sha256:)?[0-9a-f]{64}$")
_LOOKUP_CHUNK = 500


def numbered(number: int) -> Word:
    """Decision `number` as the place of a problem ("decision 3", «решение № 3»)."""
    return Word("errors.place.decision_number", number=number)


def check_decision(raw: Any, where: str | Word) -> dict[str, Any]:
    """One decision record, validated and normalised as given (raises InputError).

    The subject is still the one given; record_decisions stores its pseudonym
    when it holds an IIN. `decided_at` and `system_version` stay None when not
    given: they are filled in when the decision is recorded."""
    if not isinstance(raw, dict):
        raise InputError.said("errors.decision.not_an_object", **place(where), got=kind_of(raw))
    check_depth(raw, where)
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise InputError.said("errors.decision.unknown_field", **place(where, unknown[0]), known=Codes(sorted(FIELDS)))
    for name in ("subject", "system", "inputs_digest", "output"):
        if name not in raw or raw[name] in (None, ""):
            raise InputError.said("errors.registry.required", **place(where, name))
    subject = raw["subject"]
    if not isinstance(subject, str) or len(subject) > 200:
        raise InputError.said("errors.decision.subject_kind", **place(where, "subject"))
    _no_control(subject, where, "subject")
    subjects.check(subject, where)
    identifier = raw.get("id")
    if identifier is not None and (isinstance(identifier, bool) or not isinstance(identifier, (str, int))
                                   or identifier == "" or len(str(identifier)) > 200):
        raise InputError.said("errors.decision.id_kind", **place(where, "id"))
    if not isinstance(raw["system"], str):
        raise InputError.said("errors.decision.system_kind", **place(where, "system"))
    _no_control(raw["system"], where, "system")
    version = raw.get("system_version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise InputError.said("errors.decision.version_kind", **place(where, "system_version"))
    digest = raw["inputs_digest"]
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise InputError.said("errors.decision.digest_kind", **place(where, "inputs_digest"))
    reasons = raw.get("reasons", [])
    if not isinstance(reasons, list) or not all(
        isinstance(r, str) or (isinstance(r, dict) and isinstance(r.get("feature"), str)) for r in reasons
    ):
        raise InputError.said("errors.decision.reasons_kind", **place(where, "reasons"))
    reviewer = raw.get("reviewer")
    if reviewer is not None and not isinstance(reviewer, str):
        raise InputError.said("errors.decision.reviewer_kind", **place(where, "reviewer"))
    data_used = raw.get("data_used", [])
    if not isinstance(data_used, list) or not all(isinstance(d, str) for d in data_used):
        raise InputError.said("errors.decision.data_used_kind", **place(where, "data_used"))
    decided = parse_moment(raw["decided_at"], where, "decided_at") if raw.get("decided_at") is not None else None
    record = {
        "id": identifier,
        "subject": subject,
        "system": raw["system"],
        "system_version": version,
        "inputs_digest": digest if digest.startswith("sha256:") else "sha256:" + digest,
        "output": raw["output"],
        "reasons": reasons,
        "reviewer": reviewer,
        "decided_at": iso(decided) if decided else None,
        "data_used": data_used,
    }
    record = jsonable(record, where)
    for name in ("id", "output", "reasons", "reviewer", "data_used"):
        if _holds_iin(record[name], where):
            raise InputError.said("errors.decision.iin_outside_subject", **place(where, name))
    return record


def _no_control(value: str, where: str, field: str) -> None:
    """Ids are stored as column text as well as in the ledger's JSON: a NUL
    cannot be stored in PostgreSQL text, and an escape sequence would reach
    every terminal that lists them."""
    for char in value:
        if ord(char) < 32 or 127 <= ord(char) < 160:
            raise InputError.said("errors.decision.control_character", **place(where, field), code=f"U+{ord(char):04X}")


def _holds_iin(value: Any, where: str) -> bool:
    for text in _texts(value):
        try:
            if subjects.find_iin(text, where) is not None:
                return True
        except InputError:  # two IINs
            return True
    return False


def _texts(value: Any) -> Iterator[str]:
    """Every text a value shows, numbers included as a spreadsheet writes them:
    a whole number, or a float with a zero fraction (`850315400124.0`, as
    pandas exports a float column, which canonical JSON then writes as
    `850315400124`), also with the leading zero a number loses
    (`61211600012` is `061211600012`). Not other floats: 0.850315400124 is a
    score. Keys too. Iterative: the depth is bounded, but a guard must not be
    the thing that overflows."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, float) and item.is_integer() and abs(item) < 1e15:
            item = int(item)
        if isinstance(item, int):
            digits = str(abs(item))
            yield digits
            if 10 <= len(digits) < 12:
                yield digits.zfill(12)
        elif isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())


# One decision is a few hundred bytes; a line longer than this is not one.
MAX_LINE = 1 << 20


def read_jsonl(path: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every record of a JSON Lines file, all checked before any is stored,
    with the place (FILE:LINE) of each. Read line by line, each at most
    MAX_LINE bytes; a FIFO or a device is refused."""
    import stat

    try:
        if not stat.S_ISDIR(os.stat(path).st_mode) and not stat.S_ISREG(os.stat(path).st_mode):
            # before opening it: opening a FIFO waits for a writer
            raise InputError.said("errors.decision.not_regular_file", file=path)
        with open(path, "rb") as handle:
            records, places = _read_lines(_bounded_lines(handle, str(path)), str(path))
    except FileNotFoundError:
        raise InputError.said("errors.file.missing", file=path) from None
    except IsADirectoryError:
        raise InputError.said("errors.decision.folder", file=path) from None
    except PermissionError:
        raise InputError.said("errors.decision.unreadable", file=path) from None
    if not records:
        raise InputError.said("errors.decision.no_records", file=path)
    return records, places


def _bounded_lines(handle, name: str) -> Iterator[str]:
    number = 0
    while True:
        line = handle.readline(MAX_LINE + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE:
            raise InputError.said("errors.decision.line_too_long", file=name, line=number, mb=MAX_LINE // (1 << 20))
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError.said("errors.decision.not_utf8", file=name, line=number) from None


def read_jsonl_text(blob: bytes, name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The same for JSON Lines given as bytes (a batch posted to the web door)."""
    try:
        text = blob.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.said("errors.decision.not_utf8", file=name) from None
    records, places = _read_lines(text.splitlines(), name)
    if not records:
        raise InputError.said("errors.decision.no_records", file=name)
    return records, places


def _read_lines(lines: Iterable[str], name: str) -> tuple[list[dict[str, Any]], list[str]]:
    records, places = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        if len(line) > MAX_LINE:
            raise InputError.said("errors.decision.line_too_long", file=name, line=number, mb=MAX_LINE // (1 << 20))
        try:
            raw = json.loads(line)
        except ValueError as error:
            # json's own English message, which Kazakh and Russian quote
            raise InputError.said("errors.decision.not_json", file=name, line=number,
                                  detail=error.args[0].split(':')[0]) from None
        except RecursionError:
            raise InputError.said("errors.decision.too_deep_to_read", file=name, line=number) from None
        records.append(check_decision(raw, where))
        places.append(where)
    return records, places


@dataclass
class Recorded:
    """What record_decisions did: `numbers[i]` is the decision number of the
    i-th record given (new or already there)."""

    numbers: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    already: int = 0          # known from an earlier run
    repeated: int = 0         # the same decision again within these records
    pseudonymised: int = 0    # subjects stored as keyed IIN pseudonyms


def _sha256(value: Any) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def identity_of(record: dict[str, Any]) -> str | None:
    """A stored record's identity: by its id within its system, else its content."""
    if "content_sha256" not in record:  # recorded before decisions had an identity
        return None
    if record.get("id") is not None:
        return _sha256({"system": record["system"], "id": record["id"]})
    return record["content_sha256"]


def _existing(conn, keys: list[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, str]]:
    """(organisation, identity) -> (decision number, content digest) of those already stored."""
    found: dict[tuple[int, str], tuple[int, str]] = {}
    for org in sorted({k[0] for k in keys}):
        identities = sorted(k[1] for k in keys if k[0] == org)
        for start in range(0, len(identities), _LOOKUP_CHUNK):
            chunk = identities[start:start + _LOOKUP_CHUNK]
            for row in conn.execute(select(Decision.identity, Decision.id, Decision.record)
                                    .where(Decision.organisation_id == org, Decision.identity.in_(chunk))):
                found[(org, row.identity)] = (row.id, json.loads(row.record)["content_sha256"])
    return found


def _subject_key(conn, records: list[dict[str, Any]], places: list[str]) -> tuple[bytes | None, bool]:
    """The pseudonym key when some subject holds an IIN, and whether it is new
    (not yet written); refuses a key other than the one the registry's
    pseudonyms were made with."""
    first = next((i for i, r in enumerate(records) if subjects.find_iin(r["subject"], places[i])), None)
    if first is None:
        return None, False
    refused = subjects.mismatch(conn, subjects.existing_key(), **place(places[first], "subject"))
    if refused:
        raise refused
    return subjects.key_for_recording()


class _KeyRace(Exception):
    """Another process wrote the first pseudonym key while this batch was made with its own."""


def record_decisions(db: Database, records: Iterable[dict[str, Any]], places: list[str] | None = None, *,
                     actor: Actor | None = None) -> Recorded:
    """Store checked records in one transaction (all or none), skipping those
    already recorded; nothing stored before is changed, and a refused batch
    leaves no new pseudonym key behind."""
    records = list(records)
    places = places or [numbered(i + 1) for i in range(len(records))]
    while True:
        try:
            return _record(db, records, places, actor)
        except _KeyRace:  # rolled back; the other process's key is in force now
            continue


def record_file(db: Database | str | None, path: str | Path) -> Recorded:
    """Record every decision of the JSON Lines file `path` (all or none), read
    and checked before the registry `db` (a Database, or its path or URL) is
    opened; see `read_jsonl` and `record_decisions`."""
    from senim.registry.db import opened

    records, places = read_jsonl(path)
    return record_decisions(opened(db), records, places)


def recorded_text(done: Recorded, file: str | Path, lang: str = "en") -> str:
    """What `record_file` did, in one line: how many recorded (their numbers),
    already there, repeated, and stored under a keyed pseudonym."""
    from senim.i18n import text

    parts = [text("registry.recorded", lang, count=len(done.new))
             + (f" ({done.new[0]}-{done.new[-1]})" if done.new else "")]
    for key, count in (("already", done.already), ("repeated", done.repeated), ("pseudonymised", done.pseudonymised)):
        if count:
            parts.append(text(f"registry.recorded_{key}", lang, count=count))
    return f"{file}: " + "; ".join(parts) + "\n"


def _record(db: Database, records: list[dict[str, Any]], places: list[str], actor: Actor | None) -> Recorded:
    done = Recorded()
    with db.write() as conn:
        secret, new_key = _subject_key(conn, records, places)
        prepared = []
        versions: dict[tuple[str, int | None], tuple[int, int]] = {}  # one look-up per system and version, not per line
        for record, where in zip(records, places):
            cited = (record["system"], record["system_version"])
            if cited not in versions:
                versions[cited] = _cite(conn, *cited, where, actor)
            version, org = versions[cited]
            iin = subjects.find_iin(record["subject"], where)
            given = {**record, "subject": subjects.pseudonym(iin, secret) if iin else record["subject"]}
            content = _sha256(given)
            stored = {**given, "system_version": version,
                      "decided_at": given["decided_at"] or iso(utc_now()), "content_sha256": content}
            prepared.append((stored, (org, identity_of(stored)), content, where, iin is not None))
        known = _existing(conn, sorted({p[1] for p in prepared}))
        seen: dict[str, tuple[int | None, str, str]] = {}  # identity -> (number, content, place) in this batch
        next_id = (conn.execute(select(func.max(Decision.id))).scalar() or 0) + 1
        for stored, identity, content, where, pseudonymised in prepared:
            earlier = known.get(identity) or seen.get(identity)
            if earlier is not None:
                number, earlier_content = earlier[0], earlier[1]
                if earlier_content != content:
                    said = dict(number=number) if identity in known else dict(at=earlier[2])
                    raise InputError.said("errors.decision.changed" if identity in known else "errors.decision.changed_in_file",
                                          **place(where, "id"), shown=shown(stored["id"]), system=stored["system"], **said)
                done.numbers.append(number)
                if identity in known:
                    done.already += 1
                else:
                    done.repeated += 1
                continue
            entry = ledger(conn, "decision.recorded", {"decision": next_id, **stored}, identity[0], actor)
            conn.execute(
                insert(Decision).values(
                    id=next_id, organisation_id=identity[0], subject=stored["subject"], system_id=stored["system"],
                    system_version=stored["system_version"], record=canonical(stored).decode(),
                    decided=stored["decided_at"], ledger_seq=entry.seq, identity=identity[1],
                )
            )
            seen[identity] = (next_id, content, where)
            done.numbers.append(next_id)
            done.new.append(next_id)
            done.pseudonymised += pseudonymised
            next_id += 1
        if new_key and done.pseudonymised:
            # Every check has passed; only the checkpoint and the commit are
            # left. Load the ledger key first so that its problems, too, come
            # before the pseudonym key is written.
            from senim.ledger import keys

            keys.signing_key()
            if subjects.keep(secret) != secret:
                raise _KeyRace
    return done


def _cite(conn, system: str, version: int | None, where: str, actor: Actor | None) -> tuple[int, int]:
    """(version, organisation) of the system a decision cites."""
    from senim.registry.systems import _one, cited_in

    cited = system_version(conn, system, version, where, actor)[0]
    org = _one(conn, system, actor, *cited_in(where, system)).organisation_id
    return cited, org


def record_decision(db: Database, *, actor: Actor | None = None, **fields: Any) -> int:
    """Library call: record one decision about a person, made now unless
    `decided_at` says when; its number (the earlier one if already recorded)."""
    fields.setdefault("decided_at", utc_now())
    return record_decisions(db, [check_decision(fields, Word("errors.place.decision"))], actor=actor).numbers[0]


def decisions_about(db: Database, subject: str, *, actor: Actor | None = None) -> list[dict[str, Any]]:
    """The decisions about one person, the subject given as it was recorded
    (an IIN is looked up by its pseudonym). `decision` is the registry's
    number, `id` the organisation's own id if it gave one."""
    stored = subjects.for_lookup(subject)
    with db.read() as conn:
        rows = [] if stored is None else conn.execute(scoped(
            select(Decision.id, Decision.record, Decision.ledger_seq, System.name)
            .join(System, (System.organisation_id == Decision.organisation_id) & (System.id == Decision.system_id))
            .where(Decision.subject == stored)
            .order_by(Decision.decided, Decision.id), Decision.organisation_id, actor)
        ).all()
        if not rows and stored != subject:  # an IIN: is it only the wrong key?
            refused = subjects.mismatch(conn, subjects.existing_key(), file="SUBJECT")
            if refused:
                raise refused
    return [{"id": None, **json.loads(r.record), "decision": r.id, "ledger_seq": r.ledger_seq, "system_name": r.name}
            for r in rows]


class RecordMismatch(InputError):
    """A decision row that does not say what its ledger entry says: no letter is written from it."""

    exit_code = 1


def _ledger_backs(conn, decision: dict[str, Any]) -> bool:
    """Whether the stored record is, byte for byte in canonical form, what its ledger entry holds."""
    from sqlalchemy import text as sql

    from senim.ledger.merkle import leaf_hash

    row = conn.execute(sql("SELECT entry, hash FROM ledger_entries WHERE seq = :seq"), {"seq": decision["ledger_seq"]}).first()
    if row is None or leaf_hash(row[0].encode("utf-8")).hex() != row[1]:
        return False
    entry = json.loads(row[0])
    data = entry.get("data") or {}
    record = {k: v for k, v in decision.items() if k not in ("decision", "ledger_seq", "system_name")}
    if "id" not in data and record.get("id") is None:  # recorded before decisions had an id field
        record.pop("id", None)
    return entry.get("kind") == "decision.recorded" and data == {"decision": decision["decision"], **record}


def _manifests(conn, decisions: list[dict[str, Any]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The registered manifest of each (system, version) the decisions cite, with where it was read from."""
    from senim.registry.models import SystemVersion

    out = {}
    for system, version in {(d["system"], d["system_version"]) for d in decisions}:
        row = conn.execute(select(SystemVersion.manifest, SystemVersion.source)
                           .where(SystemVersion.system_id == system, SystemVersion.version == version)).first()
        if row is not None:
            out[(system, version)] = {"data": json.loads(row.manifest), "source": row.source}
    return out


def _labels_for(manifest: dict[str, Any] | None, given: Any) -> Any:
    """The label table: the one given, else the one beside the registered manifest (if a single one is there)."""
    if given is not None or not manifest or not manifest.get("source"):
        return given
    from senim.letters import load_labels

    folder = Path(manifest["source"]).parent
    found = sorted(folder.glob("*.labels.yaml")) if folder.is_dir() else []
    return load_labels(found[0]) if len(found) == 1 else None


def _reason_line(reason: Any, labels: Any, lang: str) -> str:
    """One reason in words: the owner's own sentence, or a feature by its label with its value."""
    from senim.letters import t

    if isinstance(reason, str):
        return t(lang, "reason_named", reason=reason)
    weight = reason.get("weight", reason.get("contribution"))
    name = labels.name(reason["feature"], lang)
    value = reason.get("value")
    if value is None:
        return name
    shown = labels.value(reason["feature"], value, lang)
    if isinstance(weight, (int, float)) and not isinstance(weight, bool):
        return t(lang, "reason_for" if weight > 0 else "reason_against", feature=name, value=shown)
    return f"{name}: {shown}"


def explain(db: Database | str | None, subject: str, lang: str = "en", labels: Any = None, warn: Any = None, *,
            actor: Actor | None = None) -> str:
    """The letter for one person: who decided what and when, why in words, what they can do.

    Refuses (exit 1) a decision whose record does not match its ledger entry;
    `warn(text)` is told, before the letter is made, of reasons that are
    sensitive attributes. `labels`: the owner's label table, loaded or its
    file (default: the one beside the registered manifest); `db`: a
    Database, or the path or URL of one, then opened read-only."""
    from senim.i18n.formats import format_datetime
    from senim.letters import (load_labels, options, outcome, owner_of, record_part, require_labels, sensitive_in,
                               sensitive_warning, t)
    from senim.registry.db import opened

    if isinstance(labels, (str, Path)):
        labels = load_labels(labels)
    db = opened(db, readonly=True)
    decisions = decisions_about(db, subject, actor=actor)
    if not decisions:
        raise NotFound.said("errors.decision.none_about", file=subjects.masked(subject), field="subject",
                            registry=db.display)
    with db.read() as conn:
        for d in decisions:
            if not _ledger_backs(conn, d):
                raise RecordMismatch.said("errors.decision.record_mismatch", file=numbered(d["decision"]),
                                          seq=d["ledger_seq"])
        manifests = _manifests(conn, decisions)
    first = manifests.get((decisions[0]["system"], decisions[0]["system_version"]))
    owner = owner_of(first["data"] if first else None)
    who = owner["name"] or t(lang, "the_owner")
    lines = [t(lang, "title_recorded", subject=subjects.masked(subject)), "", t(lang, "greeting_person"), "",
             t(lang, "intro_recorded", owner=who)]
    record: list[tuple[str, Any]] = []
    for d in decisions:
        manifest = manifests.get((d["system"], d["system_version"]))
        table = _labels_for(manifest, labels)
        features = [r["feature"] for r in d["reasons"] if isinstance(r, dict)] + list(d["data_used"])
        if features:
            require_labels(table, list(dict.fromkeys(features)), f"decision {d['decision']}")
        flagged = sensitive_in([r["feature"] for r in d["reasons"] if isinstance(r, dict)], table)
        if flagged and warn is not None:
            warn(f"{numbered(d['decision']).in_language(lang)}: "
                 + sensitive_warning(flagged, table, lang, t(lang, "the_owner_warned")))
        system = (manifest or {}).get("data", {}).get("name") or d["system_name"] or d["system"]
        lines += ["", t(lang, "decision_recorded", when=format_datetime(d["decided_at"], lang), system=system,
                        outcome=outcome(d["output"], table, lang))]
        lines.append("  " + t(lang, "reasons"))
        for reason in d["reasons"] or []:
            lines.append("    - " + _reason_line(reason, table, lang))
        if not d["reasons"]:
            lines.append("    - " + t(lang, "no_reasons"))
        if d["data_used"]:
            lines.append("  " + t(lang, "data", features=", ".join(table.name(f, lang) for f in d["data_used"])))
        lines.append("  " + (t(lang, "reviewed", reviewer=d["reviewer"]) if d["reviewer"] else t(lang, "not_reviewed")))
        record += [("decision", d["decision"]), ("own_id", d.get("id")),
                   ("system", f"{d['system']} {d['system_version']}"), ("inputs", d["inputs_digest"]),
                   ("ledger", d["ledger_seq"])]
    lines += ["", t(lang, "can_do")]
    lines += [f"  - {option}" for option in options(lang, owner["contact"], owner["name"])]
    lines += ["", t(lang, "signature", owner=who)]
    if owner["contact"]:
        lines.append(t(lang, "contact", contact=owner["contact"]))
    from datetime import datetime, timezone

    lines += record_part(lang, record + [("written", format_datetime(datetime.now(timezone.utc), lang))])
    return "\n".join(lines) + "\n"
