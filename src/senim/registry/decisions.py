"""Decision records: individual AI decisions about people, each ledgered.

A record names the person only by a pseudonymous subject id, cites the system
and its registered version, carries a digest of the inputs (never the inputs),
the output, the main reasons and who reviewed it. `explain` writes what a
person may ask for under Art. 16 of the AI law (cited in the i18n catalog).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import func, insert, select

from senim.errors import InputError
from senim.ledger import chain
from senim.ledger.canonical import canonical
from senim.registry.db import Database
from senim.registry.models import Decision, System
from senim.registry.records import iso, jsonable, parse_moment, utc_now
from senim.registry.systems import system_version

FIELDS = {"subject", "system", "system_version", "inputs_digest", "output", "reasons", "reviewer",
          "decided_at", "data_used"}
_DIGEST = re.compile(r"^(sha256:)?[0-9a-f]{64}$")
# A 12-digit IIN is a direct identifier, not a pseudonym.
_IIN = re.compile(r"^\d{12}$")


def check_decision(raw: Any, where: str) -> dict[str, Any]:
    """One decision record, validated and normalised (raises InputError)."""
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(raw).__name__}")
    unknown = sorted(set(raw) - FIELDS)
    if unknown:
        raise InputError(f"{where}: {unknown[0]}: unknown field (known: {', '.join(sorted(FIELDS))})")
    for name in ("subject", "system", "inputs_digest", "output"):
        if name not in raw or raw[name] in (None, ""):
            raise InputError(f"{where}: {name}: required")
    subject = raw["subject"]
    if not isinstance(subject, str) or len(subject) > 200:
        raise InputError(f"{where}: subject: expected a pseudonymous id of at most 200 characters")
    if _IIN.match(subject):
        raise InputError(f"{where}: subject: looks like an IIN; record a pseudonymous id instead")
    if not isinstance(raw["system"], str):
        raise InputError(f"{where}: system: expected a registered system id")
    version = raw.get("system_version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool) or version < 1):
        raise InputError(f"{where}: system_version: expected a positive whole number")
    digest = raw["inputs_digest"]
    if not isinstance(digest, str) or not _DIGEST.match(digest):
        raise InputError(f"{where}: inputs_digest: expected a SHA-256 digest (64 hex digits, optional sha256: prefix)")
    reasons = raw.get("reasons", [])
    if not isinstance(reasons, list) or not all(
        isinstance(r, str) or (isinstance(r, dict) and isinstance(r.get("feature"), str)) for r in reasons
    ):
        raise InputError(f"{where}: reasons: expected a list of texts or of {{feature, weight}} objects "
                         "(or the explanation check's {{feature, value, contribution}})")
    reviewer = raw.get("reviewer")
    if reviewer is not None and not isinstance(reviewer, str):
        raise InputError(f"{where}: reviewer: expected a name or null")
    data_used = raw.get("data_used", [])
    if not isinstance(data_used, list) or not all(isinstance(d, str) for d in data_used):
        raise InputError(f"{where}: data_used: expected a list of texts")
    decided = parse_moment(raw["decided_at"], f"{where}: decided_at") if "decided_at" in raw else utc_now()
    record = {
        "subject": subject,
        "system": raw["system"],
        "system_version": version,
        "inputs_digest": digest if digest.startswith("sha256:") else "sha256:" + digest,
        "output": raw["output"],
        "reasons": reasons,
        "reviewer": reviewer,
        "decided_at": iso(decided),
        "data_used": data_used,
    }
    return jsonable(record, where)


def read_jsonl(path: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Every record of a JSON Lines file, all checked before any is stored,
    with the place (FILE:LINE) of each."""
    records, places = [], []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    raw = json.loads(line)
                except ValueError as error:
                    raise InputError(f"{where}: not valid JSON ({error.args[0].split(':')[0]})") from None
                records.append(check_decision(raw, where))
                places.append(where)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    if not records:
        raise InputError(f"{path}: no decision records")
    return records, places


def record_decisions(db: Database, records: Iterable[dict[str, Any]], places: list[str] | None = None) -> list[int]:
    """Store checked records in one transaction (all or none); their ids."""
    ids: list[int] = []
    records = list(records)
    places = places or [f"decision {i + 1}" for i in range(len(records))]
    with db.write() as conn:
        next_id = (conn.execute(select(func.max(Decision.id))).scalar() or 0) + 1
        for index, record in enumerate(records):
            version, _ = system_version(conn, record["system"], record["system_version"], places[index])
            record = {**record, "system_version": version}
            entry = chain.append(conn, "decision.recorded", {"decision": next_id, **record})
            conn.execute(
                insert(Decision).values(
                    id=next_id, subject=record["subject"], system_id=record["system"], system_version=version,
                    record=canonical(record).decode(), decided=record["decided_at"], ledger_seq=entry.seq,
                )
            )
            ids.append(next_id)
            next_id += 1
    return ids


def record_decision(db: Database, **fields: Any) -> int:
    """Library call: record one decision about a person."""
    return record_decisions(db, [check_decision(fields, "decision")])[0]


def decisions_about(db: Database, subject: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(
            select(Decision.id, Decision.record, Decision.ledger_seq, System.name)
            .join(System, System.id == Decision.system_id)
            .where(Decision.subject == subject)
            .order_by(Decision.decided, Decision.id)
        ).all()
    return [{"id": r.id, "ledger_seq": r.ledger_seq, "system_name": r.name, **json.loads(r.record)} for r in rows]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _reason(reason: Any) -> str:
    if isinstance(reason, str):
        return reason
    # {feature, weight} or the explanation check's {feature, value, contribution}
    weight = reason.get("weight", reason.get("contribution"))
    value = reason.get("value")
    shown = reason["feature"] + (f" = {value}" if value is not None else "")
    return shown + (f" ({weight:+.3g})" if isinstance(weight, (int, float)) and not isinstance(weight, bool) else "")


def explain(db: Database, subject: str, lang: str = "en") -> str:
    """The Art. 16 answer for one person: what was decided, by what, why, on which data."""
    from senim.i18n import text

    decisions = decisions_about(db, subject)
    if not decisions:
        raise InputError(f"{subject}: subject: no decisions recorded about this subject in {db.display}")
    lines = [text("registry.explain_title", lang, subject=subject), "", text("registry.explain_intro", lang), ""]
    for d in decisions:
        lines.append(text("registry.explain_decision", lang, date=d["decided_at"], output=_show(d["output"]),
                          system=d["system_name"] or d["system"], id=d["system"], version=d["system_version"]))
        reasons = "; ".join(_reason(r) for r in d["reasons"]) or text("registry.none_recorded", lang)
        lines.append("  " + text("registry.explain_reasons", lang, reasons=reasons))
        data = ", ".join(d["data_used"]) or text("registry.none_recorded", lang)
        lines.append("  " + text("registry.explain_data", lang, data=data, digest=d["inputs_digest"]))
        if d["reviewer"]:
            lines.append("  " + text("registry.explain_reviewed", lang, reviewer=d["reviewer"]))
        else:
            lines.append("  " + text("registry.explain_not_reviewed", lang))
        lines.append("  " + text("registry.explain_record", lang, seq=d["ledger_seq"]))
        lines.append("")
    lines.append(text("registry.explain_rights", lang))
    return "\n".join(lines) + "\n"
