"""Appending to the ledger inside the caller's database transaction.

An entry is the canonical JSON of {seq, time, kind, data, prev}, and `actor`
(who made the change) when the caller names one; `prev` is the
leaf hash of the entry before it, so the entries form a SHA-256 chain, and the
same leaf hashes are the leaves of the Merkle tree. Every write transaction
ends with a checkpoint (tree size, root) signed by the organisation's key.

The caller must hold the ledger's write lock for the whole transaction
(SQLite: BEGIN IMMEDIATE; PostgreSQL: `lock()` below), so that two writers
never read the same last entry and fork the chain. Sequence numbers and
checkpoint numbers are assigned here, never by a database sequence, which
could skip numbers after a rollback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from senim.ledger.canonical import canonical
from senim.ledger.merkle import Frontier, leaf_hash

ORIGIN = "senim-ledger/1"
GENESIS_PREV = "0" * 64
# pg_advisory_xact_lock key: "Senim" in ASCII, one lock per database.
PG_LOCK_KEY = 0x53656E696D


@dataclass(frozen=True)
class Appended:
    seq: int
    hash: str
    entry: bytes


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def lock(conn) -> None:
    """Serialise ledger writers (PostgreSQL; SQLite is serialised by BEGIN IMMEDIATE)."""
    from sqlalchemy import text

    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})


def make_entry(seq: int, kind: str, data: Any, prev: str, time: str | None = None,
               actor: dict | None = None) -> bytes:
    entry = {"seq": seq, "time": time or now(), "kind": kind, "data": data, "prev": prev}
    if actor is not None:
        entry["actor"] = actor
    return canonical(entry)


def append(conn, kind: str, data: Any, actor: dict | None = None) -> Appended:
    """Append one entry; `data` must be JSON (see canonical). `actor` names
    who made the change ({"org", "user", "via"}; the web door gives it)."""
    from sqlalchemy import text

    last = conn.execute(text("SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1")).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_PREV)
    entry = make_entry(seq, kind, data, prev, actor=actor)
    digest = leaf_hash(entry).hex()
    conn.execute(
        text("INSERT INTO ledger_entries (seq, entry, hash) VALUES (:seq, :entry, :hash)"),
        {"seq": seq, "entry": entry.decode("utf-8"), "hash": digest},
    )
    return Appended(seq, digest, entry)


def checkpoint_body(number: int, size: int, root: bytes, key: str, time: str | None = None) -> bytes:
    return canonical(
        {"origin": ORIGIN, "checkpoint": number, "size": size, "root": root.hex(), "time": time or now(), "key": key}
    )


def checkpoint(conn, signer=None) -> int | None:
    """Sign a checkpoint over every entry so far, if any entry is not yet covered.

    Returns the checkpoint's number, or None when the last one is current.
    """
    from sqlalchemy import text

    from senim.ledger import keys

    last = conn.execute(
        text("SELECT id, size, frontier FROM ledger_checkpoints ORDER BY id DESC LIMIT 1")
    ).first()
    number, size, frontier = (last[0] + 1, last[1], _frontier(last[1], last[2])) if last else (1, 0, Frontier())
    new = conn.execute(text("SELECT hash FROM ledger_entries WHERE seq > :size ORDER BY seq"), {"size": size})
    for (digest,) in new:
        frontier.append(bytes.fromhex(digest))
    if frontier.size == size:
        return None
    signer = signer or keys.signing_key()
    public = signer.public_key()
    kid = keys.key_id(public)
    known = conn.execute(text("SELECT 1 FROM ledger_keys WHERE key_id = :k"), {"k": kid}).first()
    if not known:
        conn.execute(
            text("INSERT INTO ledger_keys (key_id, public_key, created) VALUES (:k, :pem, :t)"),
            {"k": kid, "pem": keys.public_pem(public), "t": now()},
        )
    body = checkpoint_body(number, frontier.size, frontier.root(), kid)
    conn.execute(
        text(
            "INSERT INTO ledger_checkpoints (id, size, body, signature, frontier)"
            " VALUES (:id, :size, :body, :sig, :frontier)"
        ),
        {
            "id": number,
            "size": frontier.size,
            "body": body.decode("utf-8"),
            "sig": signer.sign(body).hex(),
            "frontier": json.dumps([h.hex() for h in frontier.hashes]),
        },
    )
    return number


def _frontier(size: int, stored: str) -> Frontier:
    return Frontier(size, [bytes.fromhex(h) for h in json.loads(stored)])
