"""An organisation's view of the server's one ledger.

Every organisation's changes are entries of the same hash chain, signed by
the server's key. An organisation sees its own entries only; each comes with
its RFC 9162 inclusion proof against the latest signed checkpoint, which
proves it is in the one ledger without showing any other organisation's
entry. `proof_bundle` gathers them all with the public keys, so that the
organisation can check them offline (senim.ledger.store.check_proof).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, select, text

from senim.ledger import keys as keymod
from senim.ledger.merkle import inclusion_proof
from senim.ledger.store import latest_checkpoint, stored_keys
from senim.registry.models import LedgerOwner
from senim.registry.tenancy import Actor, NotFound


def entries(db, actor: Actor, *, before: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """The organisation's newest entries (before seq `before`), newest first."""
    query = (select(LedgerOwner.seq).where(LedgerOwner.organisation_id == actor.org)
             .order_by(LedgerOwner.seq.desc()).limit(limit))
    if before is not None:
        query = query.where(LedgerOwner.seq < before)
    with db.read() as conn:
        seqs = list(conn.execute(query).scalars())
        if not seqs:
            return []
        rows = conn.execute(text("SELECT seq, entry, hash FROM ledger_entries WHERE seq IN :s ORDER BY seq DESC")
                            .bindparams(bindparam("s", expanding=True)), {"s": seqs}).all()
    return [{"seq": r[0], "hash": r[2], **{k: v for k, v in json.loads(r[1]).items() if k != "seq"}} for r in rows]


def _owned(conn, seq: int, actor: Actor) -> None:
    owner = conn.execute(select(LedgerOwner.organisation_id).where(LedgerOwner.seq == seq)).scalar()
    if owner != actor.org:
        raise NotFound(f"ledger entry {seq}: no such entry")


def _proofs(conn, seqs: list[int]) -> tuple[list[dict[str, Any]], Any]:
    cp = latest_checkpoint(conn)
    if cp is None:
        return [], None
    size = cp[1]
    leaves = [bytes.fromhex(h) for (h,) in conn.execute(
        text("SELECT hash FROM ledger_entries WHERE seq <= :n ORDER BY seq"), {"n": size})]
    found = []
    for seq in seqs:
        if seq > size:
            continue
        entry = conn.execute(text("SELECT entry FROM ledger_entries WHERE seq = :s"), {"s": seq}).scalar_one()
        found.append({"entry": json.loads(entry), "entry_text": entry, "leaf_index": seq - 1, "tree_size": size,
                      "leaf_hash": leaves[seq - 1].hex(), "path": [h.hex() for h in inclusion_proof(seq - 1, leaves)],
                      "checkpoint": {"body": json.loads(cp[2]), "signature": cp[3]}})
    return found, cp


def proof(db, seq: int, actor: Actor) -> dict[str, Any]:
    with db.read() as conn:
        _owned(conn, seq, actor)
        found, _ = _proofs(conn, [seq])
    if not found:
        raise NotFound(f"ledger entry {seq}: not yet covered by a signed checkpoint")
    return found[0]


def proof_bundle(db, actor: Actor, limit: int = 10_000) -> dict[str, Any]:
    with db.read() as conn:
        seqs = list(conn.execute(select(LedgerOwner.seq).where(LedgerOwner.organisation_id == actor.org)
                                 .order_by(LedgerOwner.seq).limit(limit)).scalars())
        found, cp = _proofs(conn, seqs)
        public = {kid: keymod.public_pem(key) for kid, key in stored_keys(conn).items()}
    return {"format": "senim-ledger-proofs/1", "organisation": actor.org, "entries": found,
            "checkpoint": {"body": json.loads(cp[2]), "signature": cp[3]} if cp else None, "keys": public}
