"""Any change to a stored entry or checkpoint makes verification fail and name it.

The attacker here has full database access: triggers are dropped, rows are
changed with raw SQL. Each mutation runs in a transaction that verification
reads and that is then rolled back, so one populated database serves all cases.
"""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from ledger_fixtures import drop_triggers, populated
from registry_helpers import run_cli
from senim.ledger.chain import make_entry
from senim.ledger.merkle import leaf_hash
from senim.ledger.store import verify_database


def _flip(value: str, position: int) -> str:
    old = value[position]
    new = "b" if old == "a" else "a"
    return value[:position] + new + value[position + 1 :]


@pytest.fixture
def ledger(db_url, tmp_path):
    db = populated(db_url, tmp_path)
    with db.read() as conn:
        assert verify_database(conn).ok
        entries = conn.execute(text("SELECT seq, entry, hash FROM ledger_entries ORDER BY seq")).all()
        checkpoints = conn.execute(
            text("SELECT id, size, body, signature, frontier FROM ledger_checkpoints ORDER BY id")
        ).all()
    assert len(entries) == 8 and len(checkpoints) == 8  # one checkpoint per change
    yield db, entries, checkpoints
    db.dispose()


def _attack(db, *statements):
    """Run raw SQL with triggers dropped, verify, roll back; the verdict."""
    with db.engine.connect() as conn:
        trans = conn.begin()
        try:
            drop_triggers(conn)
            for sql, params in statements:
                conn.execute(text(sql), params)
            return verify_database(conn)
        finally:
            trans.rollback()


@pytest.mark.usefixtures("walk")
def test_changing_any_byte_of_any_entry_names_it(ledger):
    db, entries, _ = ledger
    rng = random.Random(7)
    for seq, entry, _hash in entries:
        positions = {0, len(entry) // 2, len(entry) - 1, *rng.sample(range(len(entry)), 6)}
        for position in sorted(positions):
            verdict = _attack(db, ("UPDATE ledger_entries SET entry = :e WHERE seq = :s",
                                   {"e": _flip(entry, position), "s": seq}))
            assert not verdict.ok and verdict.entry == seq, (seq, position, verdict)
            assert f"entry {seq}" in verdict.problem


@pytest.mark.usefixtures("walk")
def test_inserting_a_byte_into_an_entry_or_its_hash_names_it(ledger):
    db, entries, _ = ledger
    for seq, entry, digest in entries:
        verdict = _attack(db, ("UPDATE ledger_entries SET entry = :e WHERE seq = :s",
                               {"e": entry[:10] + " " + entry[10:], "s": seq}))
        assert not verdict.ok and verdict.entry == seq
        verdict = _attack(db, ("UPDATE ledger_entries SET hash = :h WHERE seq = :s",
                               {"h": _flip(digest, 5), "s": seq}))
        assert not verdict.ok and verdict.entry == seq and "hash" in verdict.problem


@pytest.mark.usefixtures("walk")
def test_deleting_any_entry_names_it(ledger):
    db, entries, _ = ledger
    for seq, _entry, _hash in entries:
        verdict = _attack(db, ("DELETE FROM ledger_entries WHERE seq = :s", {"s": seq}))
        assert not verdict.ok and verdict.entry == seq, (seq, verdict)


@pytest.mark.usefixtures("walk")
def test_reordering_entries_names_the_first_moved(ledger):
    db, entries, _ = ledger
    for (s1, e1, h1), (s2, e2, h2) in zip(entries, entries[1:]):
        verdict = _attack(
            db,
            ("UPDATE ledger_entries SET entry = :e, hash = :h WHERE seq = :s", {"e": e2, "h": h2, "s": s1}),
            ("UPDATE ledger_entries SET entry = :e, hash = :h WHERE seq = :s", {"e": e1, "h": h1, "s": s2}),
        )
        assert not verdict.ok and verdict.entry == s1


def _forged_chain(entries, at: int, forged_data: dict):
    """Insert a forged entry at `at`, renumber and re-chain everything after it,
    exactly as a careful attacker would (all hashes consistent)."""
    out = []
    prev = entries[at - 2][2] if at > 1 else "0" * 64
    tail = [(None, {"kind": "forged", "data": forged_data, "time": "2026-01-01T00:00:00Z"})]
    tail += [(s, json.loads(e)) for s, e, _ in entries[at - 1 :]]
    for offset, (_old, value) in enumerate(tail):
        seq = at + offset
        body = make_entry(seq, value["kind"], value["data"], prev, value["time"])
        digest = leaf_hash(body).hex()
        out.append((seq, body.decode(), digest))
        prev = digest
    return out


@pytest.mark.usefixtures("walk")
def test_inserting_an_entry_is_caught_by_the_signed_checkpoints(ledger):
    db, entries, _ = ledger
    for at in (1, 4, len(entries) + 1):
        rewritten = _forged_chain(entries, at, {"system": "ghost"})
        statements = [("DELETE FROM ledger_entries WHERE seq >= :a", {"a": at})]
        statements += [("INSERT INTO ledger_entries (seq, entry, hash) VALUES (:s, :e, :h)",
                        {"s": s, "e": e, "h": h}) for s, e, h in rewritten]
        verdict = _attack(db, *statements)
        assert not verdict.ok, at
        # the chain itself is consistent, so the first signed root it breaks is named
        assert verdict.entry is not None and verdict.entry >= at


def test_changing_any_byte_of_any_checkpoint_names_it(ledger):
    db, _, checkpoints = ledger
    rng = random.Random(11)
    for number, _size, body, signature, frontier in checkpoints:
        for position in {0, len(body) // 2, len(body) - 1, *rng.sample(range(len(body)), 5)}:
            verdict = _attack(db, ("UPDATE ledger_checkpoints SET body = :b WHERE id = :i",
                                   {"b": _flip(body, position), "i": number}))
            assert not verdict.ok and verdict.checkpoint == number, (number, position, verdict)
        for position in (0, 63, 127):
            verdict = _attack(db, ("UPDATE ledger_checkpoints SET signature = :s WHERE id = :i",
                                   {"s": _flip(signature, position), "i": number}))
            assert not verdict.ok and verdict.checkpoint == number
        verdict = _attack(db, ("UPDATE ledger_checkpoints SET frontier = :f WHERE id = :i",
                               {"f": _flip(frontier, 5), "i": number}))
        assert not verdict.ok and verdict.checkpoint == number


def test_deleting_or_reordering_checkpoints_is_named(ledger):
    db, entries, checkpoints = ledger
    for number, *_ in checkpoints[:-1]:
        verdict = _attack(db, ("DELETE FROM ledger_checkpoints WHERE id = :i", {"i": number}))
        assert not verdict.ok and verdict.checkpoint == number
    # the last one gone: the newest entry is no longer covered by a signature
    verdict = _attack(db, ("DELETE FROM ledger_checkpoints WHERE id = :i", {"i": checkpoints[-1][0]}))
    assert not verdict.ok and verdict.entry == len(entries)
    (n1, _, b1, s1, f1), (n2, _, b2, s2, f2) = checkpoints[2], checkpoints[3]
    verdict = _attack(
        db,
        ("UPDATE ledger_checkpoints SET body = :b, signature = :s, frontier = :f WHERE id = :i",
         {"b": b2, "s": s2, "f": f2, "i": n1}),
        ("UPDATE ledger_checkpoints SET body = :b, signature = :s, frontier = :f WHERE id = :i",
         {"b": b1, "s": s1, "f": f1, "i": n2}),
    )
    assert not verdict.ok and verdict.checkpoint == n1


def test_a_checkpoint_signed_by_another_key_is_refused(ledger):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from senim.ledger import keys

    db, _, checkpoints = ledger
    number, _size, body, _sig, _frontier = checkpoints[-1]
    intruder = Ed25519PrivateKey.generate()
    forged_body = json.loads(body)
    forged_body["key"] = keys.key_id(intruder.public_key())
    from senim.ledger.canonical import canonical

    blob = canonical(forged_body)
    verdict = _attack(
        db,
        ("UPDATE ledger_checkpoints SET body = :b, signature = :s WHERE id = :i",
         {"b": blob.decode(), "s": intruder.sign(blob).hex(), "i": number}),
    )
    assert not verdict.ok and verdict.checkpoint == number and "not trusted" in verdict.problem


def test_cli_verify_exits_1_and_names_the_entry(ledger, tmp_path):
    db, entries, _ = ledger
    seq, entry, _ = entries[4]
    with db.engine.connect() as conn:
        with conn.begin():
            drop_triggers(conn)
            conn.execute(text("UPDATE ledger_entries SET entry = :e WHERE seq = :s",),
                         {"e": entry.replace('"approved"', '"declined"', 1) if '"approved"' in entry
                          else entry.replace('"declined"', '"approved"', 1), "s": seq})
    db.dispose()
    result = run_cli("ledger", "verify", "--db", db.url, fresh=True)
    assert result.returncode == 1, result.stderr
    assert f"entry {seq}" in result.stdout
    result = run_cli("ledger", "verify", "--db", db.url, "--format", "json")
    assert result.returncode == 1 and json.loads(result.stdout)["entry"] == seq


def test_triggers_refuse_update_and_delete(db_url, tmp_path):
    from sqlalchemy.exc import DBAPIError

    db = populated(db_url, tmp_path)
    for sql in (
        "UPDATE ledger_entries SET entry = 'x' WHERE seq = 1",
        "DELETE FROM ledger_entries WHERE seq = 8",
        "UPDATE ledger_checkpoints SET size = 1",
        "DELETE FROM ledger_checkpoints",
        "DELETE FROM ledger_keys",
    ) + (("TRUNCATE ledger_entries",) if db.engine.dialect.name == "postgresql" else ()):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(sql))
    with db.read() as conn:
        assert verify_database(conn).ok


def _row_attack(db, sql, params=None):
    from senim.registry.audit import audit_database

    with db.engine.connect() as conn:
        trans = conn.begin()
        try:
            conn.execute(text(sql), params or {})
            verdict, problem = audit_database(conn)
            return verdict.ok, problem
        finally:
            trans.rollback()


def test_registry_rows_changed_behind_the_ledger_are_named(ledger):
    db, _, _ = ledger
    from senim.registry.audit import audit_database

    with db.read() as conn:
        assert audit_database(conn)[1] is None
    with db.read() as conn:
        record = json.loads(conn.execute(text("SELECT record FROM decisions WHERE id = 2")).scalar_one())
    record["output"]["decision"] = "approved" if record["output"]["decision"] == "declined" else "declined"
    cases = [
        ("UPDATE decisions SET record = :r WHERE id = 2", {"r": json.dumps(record)}, "decision 2"),
        ("UPDATE decisions SET subject = 'p-9999' WHERE id = 3", {}, "decision 3"),
        ("DELETE FROM decisions WHERE id = 1", {}, "registry row is missing"),
        ("UPDATE system_versions SET kz_risk = 'minimal' WHERE system_id = 'triage-assistant'", {},
         "system triage-assistant version 1"),
        ("UPDATE system_versions SET manifest = replace(manifest, 'Clinic', 'Clinik')"
         " WHERE system_id = 'triage-assistant'", {}, "system triage-assistant version 1"),
        ("UPDATE incidents SET status = 'open'", {}, "incident 1"),
        ("DELETE FROM incident_updates", {}, "incident 1: update 1"),
    ]
    for sql, params, named in cases:
        ledger_ok, problem = _row_attack(db, sql, params)
        assert ledger_ok and problem is not None and named in problem, (sql, problem)


def test_cli_verify_fails_on_a_changed_row(ledger):
    db, _, _ = ledger
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE incidents SET severity = 'low'"))
    db.dispose()
    result = run_cli("ledger", "verify", "--db", db.url)
    assert result.returncode == 1 and "registry: incident 1" in result.stdout
