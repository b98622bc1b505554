"""Reading the ledger back from the database: verify, prove, export."""

from __future__ import annotations

from typing import Iterator

from senim.ledger import keys as keymod
from senim.ledger.merkle import inclusion_proof, verify_inclusion
from senim.ledger.verify import Verdict, verify_rows

BATCH = 20_000


def iter_entries(conn, with_hash: bool = True) -> Iterator[tuple]:
    """Every entry in seq order, read in batches (keyset pagination)."""
    from sqlalchemy import text

    last = 0
    query = text(
        "SELECT seq, entry, hash FROM ledger_entries WHERE seq > :last ORDER BY seq LIMIT :n"
    )
    while True:
        rows = conn.execute(query, {"last": last, "n": BATCH}).all()
        if not rows:
            return
        for row in rows:
            yield (row[0], row[1], row[2] if with_hash else None)
        last = rows[-1][0]


def checkpoint_rows(conn, with_frontier: bool = True) -> list[tuple]:
    from sqlalchemy import text

    rows = conn.execute(text("SELECT id, body, signature, frontier FROM ledger_checkpoints ORDER BY id")).all()
    return [(r[0], r[1], r[2], r[3] if with_frontier else None) for r in rows]


def stored_keys(conn) -> dict[str, object]:
    """Public keys recorded in the database, by key id (the id must match the key)."""
    from sqlalchemy import text

    result = {}
    for kid, pem in conn.execute(text("SELECT key_id, public_key FROM ledger_keys ORDER BY key_id")):
        try:
            key = keymod.load_public_pem(pem)
        except ValueError:
            continue
        if keymod.key_id(key) == kid:
            result[kid] = key
    return result


def verify_database(conn, trusted: dict[str, object] | None = None, observe=None, since=None) -> Verdict:
    """Verify the ledger in the database; `trusted` pins the keys to accept
    (default: those the database lists), `since` a checkpoint seen before."""
    keys = trusted if trusted is not None else stored_keys(conn)
    return verify_rows(iter_entries(conn), checkpoint_rows(conn), keys, observe, since)


def genesis(conn) -> str | None:
    """The leaf hash of entry 1 as its text gives it (the ledger's identity), or None."""
    from sqlalchemy import text

    from senim.ledger.merkle import leaf_hash

    entry = conn.execute(text("SELECT entry FROM ledger_entries WHERE seq = 1")).scalar()
    return leaf_hash(entry.encode("utf-8")).hex() if isinstance(entry, str) else None


def consistency(conn, old_size: int, new_size: int | None = None) -> dict:
    """An RFC 9162 consistency proof from the tree of the first `old_size`
    entries to the tree of a later signed checkpoint (default: the latest)."""
    import json

    from sqlalchemy import text

    from senim.ledger.merkle import consistency_proof, root

    rows = conn.execute(text("SELECT size, body, signature FROM ledger_checkpoints ORDER BY id")).all()
    if not rows:
        raise LookupError("the ledger has no signed checkpoint yet")
    chosen = rows[-1] if new_size is None else next((r for r in rows if r[0] == new_size), None)
    if chosen is None:
        raise LookupError(f"no signed checkpoint has size {new_size}")
    size = chosen[0]
    if not 0 < old_size <= size:
        raise LookupError(f"the earlier size must be 1 to {size}, the size of the later checkpoint")
    leaves = [bytes.fromhex(h) for (h,) in
              conn.execute(text("SELECT hash FROM ledger_entries WHERE seq <= :n ORDER BY seq"), {"n": size})]
    if len(leaves) != size:
        raise LookupError(f"the ledger holds {len(leaves)} entries, fewer than its checkpoint's {size}")
    return {
        "old_size": old_size,
        "old_root": root(leaves[:old_size]).hex(),
        "new_size": size,
        "new_root": root(leaves).hex(),
        "path": [h.hex() for h in consistency_proof(old_size, leaves)],
        "checkpoint": {"body": json.loads(chosen[1]), "signature": chosen[2]},
    }


def latest_checkpoint(conn) -> tuple | None:
    from sqlalchemy import text

    return conn.execute(
        text("SELECT id, size, body, signature FROM ledger_checkpoints ORDER BY id DESC LIMIT 1")
    ).first()


def prove(conn, seq: int) -> dict:
    """An RFC 9162 inclusion proof of entry `seq` against the latest checkpoint."""
    import json

    from sqlalchemy import text

    cp = latest_checkpoint(conn)
    if cp is None or not 1 <= seq <= cp[1]:
        raise LookupError(f"entry {seq} is not covered by a signed checkpoint")
    size = cp[1]
    leaves = [
        bytes.fromhex(h)
        for (h,) in conn.execute(text("SELECT hash FROM ledger_entries WHERE seq <= :n ORDER BY seq"), {"n": size})
    ]
    entry = conn.execute(text("SELECT entry FROM ledger_entries WHERE seq = :s"), {"s": seq}).scalar_one()
    path = inclusion_proof(seq - 1, leaves)
    return {
        "entry": json.loads(entry),
        "entry_text": entry,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": leaves[seq - 1].hex(),
        "path": [h.hex() for h in path],
        "checkpoint": {"body": json.loads(cp[2]), "signature": cp[3]},
    }


def check_proof(proof: dict, public_keys: dict[str, object]) -> bool:
    """Check a proof made by `prove`: leaf, path, root and signature."""
    from hashlib import sha256

    from senim.ledger.canonical import canonical

    body = proof["checkpoint"]["body"]
    key = public_keys.get(body.get("key"))
    if key is None:
        return False
    try:
        key.verify(bytes.fromhex(proof["checkpoint"]["signature"]), canonical(body))
    except Exception:
        return False
    leaf = sha256(b"\x00" + proof["entry_text"].encode("utf-8")).digest()
    return body["size"] == proof["tree_size"] and verify_inclusion(
        proof["leaf_index"], proof["tree_size"], leaf, [bytes.fromhex(h) for h in proof["path"]],
        bytes.fromhex(body["root"]),
    )
