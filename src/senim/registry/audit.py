"""Do the registry's tables still say what the ledger says?

The ledger proves its own entries; this check proves that the rows people
read (systems, decisions, incidents) were not changed or deleted behind it.
It watches the ledger pass of `verify` (keeping a digest per system or
decision entry, and the few incident entries in full), then reads the tables.
"""

from __future__ import annotations

import json
from hashlib import sha256
from typing import Any, Iterator

from sqlalchemy import select

from senim.ledger.canonical import canonical
from senim.registry.models import Decision, Incident, IncidentUpdate, SystemVersion


class RowAudit:
    def __init__(self) -> None:
        self.digests: dict[int, tuple[str, str]] = {}
        self.incident_entries: dict[int, dict[str, Any]] = {}

    def observe(self, seq: int, entry: dict) -> None:
        kind = entry.get("kind", "")
        if kind.startswith(("system.", "decision.")):
            self.digests[seq] = (kind, sha256(canonical(entry["data"])).hexdigest())
        elif kind.startswith("incident."):
            self.incident_entries[seq] = {"kind": kind, "data": entry["data"]}

    def _matches(self, seq: int, kinds: tuple[str, ...], data: Any) -> bool:
        found = self.digests.get(seq)
        return found is not None and found[0] in kinds and found[1] == sha256(canonical(data)).hexdigest()

    def problems(self, conn) -> Iterator[str]:
        from senim.registry.decisions import identity_of

        referenced: set[int] = set()
        for row in conn.execute(select(SystemVersion).order_by(SystemVersion.system_id, SystemVersion.version)):
            referenced.add(row.ledger_seq)
            manifest = json.loads(row.manifest)
            classification = json.loads(row.classification)
            data = {"system": row.system_id, "version": row.version, "manifest": manifest,
                    "manifest_sha256": row.manifest_sha256, "classification": classification}
            where = f"system {row.system_id} version {row.version}"
            if sha256(canonical(manifest)).hexdigest() != row.manifest_sha256:
                yield f"{where}: the stored manifest does not match its digest"
            elif (classification.get("kz") or {}).get("risk") != row.kz_risk or (
                classification.get("eu") or {}
            ).get("category") != row.eu_category:
                yield f"{where}: the risk columns do not match its classification"
            elif not self._matches(row.ledger_seq, ("system.registered", "system.new_version"), data):
                yield f"{where}: does not match ledger entry {row.ledger_seq}"
        for row in conn.execute(select(Decision).order_by(Decision.id)):
            referenced.add(row.ledger_seq)
            record = json.loads(row.record)
            consistent = (record.get("subject") == row.subject and record.get("system") == row.system_id
                          and record.get("system_version") == row.system_version
                          and record.get("decided_at") == row.decided and row.identity == identity_of(record))
            if not consistent or not self._matches(row.ledger_seq, ("decision.recorded",), {"decision": row.id, **record}):
                yield f"decision {row.id}: does not match ledger entry {row.ledger_seq}"
        yield from self._incidents(conn, referenced)
        for seq in sorted(set(self.digests) - referenced):
            yield f"ledger entry {seq} ({self.digests[seq][0]}): its registry row is missing"

    def _incidents(self, conn, referenced: set[int]) -> Iterator[str]:
        opened = {e["data"]["incident"]: (seq, e["data"]) for seq, e in self.incident_entries.items()
                  if e["kind"] == "incident.opened"}
        updates: dict[int, list[tuple[int, dict]]] = {}
        for seq, e in sorted(self.incident_entries.items()):
            if e["kind"] == "incident.updated":
                updates.setdefault(e["data"]["incident"], []).append((seq, e["data"]))
        stored_updates: dict[tuple[int, int], Any] = {
            (u.incident_id, u.number): u for u in conn.execute(select(IncidentUpdate))
        }
        seen: set[int] = set()
        for row in conn.execute(select(Incident).order_by(Incident.id)):
            seen.add(row.id)
            where = f"incident {row.id}"
            if row.id not in opened or opened[row.id][0] != row.ledger_seq:
                yield f"{where}: does not match ledger entry {row.ledger_seq}"
                continue
            state = {k: v for k, v in opened[row.id][1].items() if k != "incident"}
            for seq, data in updates.get(row.id, []):
                stored = stored_updates.pop((row.id, data["update"]), None)
                payload = {k: v for k, v in data.items() if k not in ("incident", "update")}
                if stored is None or stored.ledger_seq != seq or json.loads(stored.record) != payload:
                    yield f"{where}: update {data['update']} does not match ledger entry {seq}"
                    break
                state.update(payload["changes"])
            else:
                record = json.loads(row.record)
                if record != state or row.status != state["status"] or row.severity != state["severity"] \
                        or row.kind != state["kind"] or row.aware_at != state["aware_at"]:
                    yield f"{where}: does not match its ledger entries"
        for number in sorted(set(opened) - seen):
            yield f"ledger entry {opened[number][0]} (incident.opened): its registry row is missing"
        for incident_id, number in sorted(stored_updates):
            yield f"incident {incident_id}: update {number} is not in the ledger"


# What reading a row changed outside Senim raises: a BLOB where text belongs
# (TypeError), bytes that are not UTF-8, text that is not JSON, JSON of
# another shape. `verify` reports it as a broken registry, never a traceback.
UNREADABLE = (TypeError, ValueError, UnicodeDecodeError, AttributeError, KeyError, IndexError, RecursionError)


def audit_database(conn, trusted=None, since=None):
    """Verify the ledger and the tables against it; (verdict, first row problem or None).
    `since`: checkpoints seen before (senim.ledger.verify.Seen), which the ledger must still give.

    A registry whose rows cannot be read (changed outside Senim: a BLOB or a
    number where text belongs, text that is not UTF-8 or not JSON, a dropped
    table, damaged pages) gives a broken verdict naming the table and row."""
    from sqlalchemy.exc import DBAPIError

    from senim.ledger.store import verify_database
    from senim.ledger.verify import Verdict

    audit = RowAudit()
    try:
        verdict = verify_database(conn, trusted, audit.observe, since)
        if not verdict.ok:
            return verdict, None
        return verdict, next(audit.problems(conn), None)
    except (DBAPIError, *UNREADABLE) as error:
        return Verdict(ok=False, problem=f"registry: {unreadable(conn, error)}"), None


def unreadable(conn, error: Exception) -> str:
    """Why a stored row could not be read, naming its table and row when the
    storage check finds it, else the error's first line."""
    from sqlalchemy.exc import DBAPIError

    from senim.registry import storage

    try:
        found = storage.problem(conn)
    except DBAPIError as again:  # the pages themselves are damaged
        error, found = again, None
    if found is not None:
        return found
    message = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"a stored row cannot be read ({message[0] if message else type(error).__name__})"


def unreadable_problem(db: Any, error: Exception):
    """The InputError for a reading that met a row it cannot read (`error`,
    one of UNREADABLE) in registry `db` (its path or URL): one sentence
    naming the table and the row."""
    from senim.errors import InputError
    from senim.registry.db import Database

    database = Database(db, readonly=True)
    try:
        with database.read() as conn:
            why = unreadable(conn, error)
    finally:
        database.dispose()
    return InputError(f"{database.display}: {why}; `senim ledger verify` checks the whole registry")
