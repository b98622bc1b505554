"""Keep an assessment in the registry: its system version, its evidence, a ledger entry.

The ledger entry holds the SHA-256 of the report's RFC 8785 form (without
`ledger` and `signature`), the statuses and the evidence with their content
hashes; the checkpoint signed in the same transaction proves when it was made
(`senim ledger proof SEQ` gives the inclusion proof).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

KIND = "assessment.recorded"


def report_digest(report: dict[str, Any]) -> str:
    from senim.ledger.canonical import canonical

    body = {k: v for k, v in report.items() if k not in ("ledger", "signature")}
    return hashlib.sha256(canonical(body)).hexdigest()


def store(report: dict[str, Any], db: str | None) -> dict[str, Any]:
    """Register the manifest (a new version if it changed), ledger the assessment; the proof of it."""
    from sqlalchemy import text

    from senim.ledger import chain
    from senim.registry import Database, register

    database = Database(db)
    try:
        registered = register(database, report["manifest"]["path"], as_of=date.fromisoformat(report["as_of"]))
        data = {
            "system": report["manifest"]["system"],
            "system_version": registered["version"],
            "manifest_sha256": report["manifest"]["sha256"],
            "as_of": report["as_of"],
            "report_sha256": report_digest(report),
            "verdict": report["verdict"],
            "blocking": report["blocking"],
            "statuses": {o["id"]: o["status"] for o in report["obligations"]},
            "evidence": [{"obligation": o["id"], **e} for o in report["obligations"] for e in o["evidence"]],
        }
        with database.write() as conn:
            entry = chain.append(conn, KIND, data)
        with database.read() as conn:
            row = conn.execute(text("SELECT id, size, body, signature FROM ledger_checkpoints ORDER BY id DESC LIMIT 1")).first()
        return {"database": database.display, "kind": KIND, "seq": entry.seq, "entry_hash": entry.hash,
                "system_version": registered["version"], "report_sha256": data["report_sha256"],
                "checkpoint": {"number": row[0], "size": row[1], "body": row[2], "signature": row[3]}}
    finally:
        database.dispose()
