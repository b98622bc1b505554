"""Evidence kept in the registry: files answering an obligation of a system.

Files are stored content-addressed, `FILES/sha256/<first two>/<SHA-256>`, the
hash the assessment and the ledger already use; the same bytes are stored
once however often they are given. The original file name is kept as data
(UTF-8, whatever script it is in) and never used as a path. Each piece of
evidence is a ledger entry naming its hash and who gave it.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select

from senim.errors import InputError
from senim.ledger.canonical import canonical
from senim.registry.models import Evidence, System
from senim.registry.tenancy import Actor, NotFound, ledger, owned

ANSWERS = ("yes", "partly", "no")


def stored_path(files: Path, sha256: str) -> Path:
    return Path(files) / "sha256" / sha256[:2] / sha256


def keep_file(files: Path, source: Path, sha256: str) -> Path:
    """Move a checked upload into the store under its hash (once)."""
    target = stored_path(files, sha256)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        source.unlink(missing_ok=True)
    else:
        os.chmod(source, 0o600)
        shutil.move(str(source), target)
    return target


def known_obligations() -> set[str]:
    from senim.law.pack import load_packs

    return {o.id for pack in load_packs() for o in pack.obligations}


def add_evidence(db, files: Path, actor: Actor, *, system: str, obligation: str, upload: Path, sha256: str,
                 size: int, media_type: str, file_name: str, answer: str | None = None,
                 note: str | None = None) -> dict[str, Any]:
    """Evidence for `obligation` of `system`: a document with an answer
    (yes, partly, no), or, without an answer, a check's evidence record (JSON)."""
    if obligation not in known_obligations():
        raise InputError(f"obligation: {obligation!r} is not an obligation of the rule packs")
    if answer is not None and answer not in ANSWERS:
        raise InputError(f"answer: {answer!r} is not one of yes, partly, no")
    if answer is None and media_type != "application/json":
        raise InputError("answer: a document needs an answer (yes, partly, no); only a check's evidence "
                         "record (JSON) stands without one")
    if note is not None and len(note) > 4000:
        raise InputError("note: at most 4,000 characters")
    with db.read() as conn:
        if conn.execute(select(System.id).where(System.organisation_id == actor.org, System.id == system)).first() is None:
            raise NotFound(f"system: {system!r} is not registered")
    keep_file(files, upload, sha256)
    record = {"system": system, "obligation": obligation, "sha256": sha256, "size": size, "media_type": media_type,
              "file_name": file_name, "answer": answer, "note": note, "by": actor.user, "on": date.today().isoformat()}
    with db.write() as conn:
        number = (conn.execute(select(func.max(Evidence.id))).scalar() or 0) + 1
        entry = ledger(conn, "evidence.added", {"evidence": number, **record}, actor.org, actor)
        conn.execute(insert(Evidence).values(id=number, organisation_id=actor.org, system_id=system,
                                             obligation=obligation, sha256=sha256, size=size, media_type=media_type,
                                             file_name=file_name, record=canonical(record).decode(),
                                             ledger_seq=entry.seq))
    return {"id": number, **record, "ledger_seq": entry.seq}


def _row(row) -> dict[str, Any]:
    return {"id": row.id, **json.loads(row.record), "ledger_seq": row.ledger_seq}


def get_evidence(db, number: int, actor: Actor) -> dict[str, Any]:
    row = owned(db, Evidence, number, actor, "evidence")
    return _row(row)


def evidence_of(db, system: str, actor: Actor) -> list[dict[str, Any]]:
    with db.read() as conn:
        return evidence_in(conn, system, actor)


def evidence_in(conn, system: str, actor: Actor) -> list[dict[str, Any]]:
    """`evidence_of` within a transaction the caller holds."""
    rows = conn.execute(_evidence_query(), {"org": actor.org, "system": system}).all()
    return [_row(r) for r in rows]


@lru_cache(maxsize=1)
def _evidence_query():
    """Built once, its values bound at each execute (the system page asks it)."""
    return (select(Evidence).where(Evidence.organisation_id == bindparam("org"), Evidence.system_id == bindparam("system"))
            .order_by(Evidence.id))
