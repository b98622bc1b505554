"""Concurrent writers never fork the chain; a killed writer leaves nothing half-written."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import sys
from pathlib import Path

from sqlalchemy import text

from ledger_fixtures import populated
from senim.ledger.store import verify_database

WRITER = r"""
import os, sys
from senim.registry import Database, record_decision
db = Database(sys.argv[1])
worker, count = sys.argv[2], int(sys.argv[3])
for i in range(count):  # each change its own transaction
    record_decision(db, subject=f"w{worker}-{i}", system="retail-credit-scoring",
                    inputs_digest="cd" * 32, output={"n": i})
"""

STALLED = r"""
import sys, time
from senim.ledger import chain
from senim.registry import Database, record_decisions
from senim.registry.decisions import check_decision
db = Database(sys.argv[1])
real = chain.checkpoint

def stall(conn, signer=None):
    # everything of the change is written; the commit has not happened yet
    print("in-transaction", flush=True)
    time.sleep(120)

chain.checkpoint = stall
records = [check_decision({"subject": f"k-{i}", "system": "retail-credit-scoring",
                           "inputs_digest": "ef" * 32, "output": "x"}, "k") for i in range(200)]
record_decisions(db, records)
"""


def _state(db):
    with db.read() as conn:
        return (
            conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM decisions")).scalar_one(),
            conn.execute(text("SELECT count(*) FROM ledger_checkpoints")).scalar_one(),
        )


def _url_for_children(url: str) -> str:
    if url.startswith("postgresql"):
        # the server's durability is not what this test is about
        return url + ("&" if "?" in url else "?") + "options=-csynchronous_commit%3Doff"
    return url


def test_four_writers_make_one_unbroken_chain(db_url, tmp_path):
    db = populated(db_url, tmp_path)
    before_entries, before_decisions, _ = _state(db)
    per_worker = 1000
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, _url_for_children(db_url), str(w), str(per_worker)],
                         stderr=subprocess.PIPE, text=True)
        for w in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    entries, decisions, _ = _state(db)
    assert entries == before_entries + 4 * per_worker
    assert decisions == before_decisions + 4 * per_worker
    with db.read() as conn:
        verdict = verify_database(conn)
        assert verdict.ok, verdict.problem
        subjects = conn.execute(
            text("SELECT entry FROM ledger_entries WHERE seq > :n ORDER BY seq"), {"n": before_entries}
        ).scalars().all()
    seen = {json.loads(e)["data"]["subject"] for e in subjects}
    assert seen == {f"w{w}-{i}" for w in range(4) for i in range(per_worker)}
    # the four really ran at once: their entries interleave in the chain
    workers = [json.loads(e)["data"]["subject"].split("-")[0] for e in subjects]
    switches = sum(1 for a, b in zip(workers, workers[1:]) if a != b)
    assert switches > 3


def test_writer_killed_mid_transaction_leaves_nothing(db_url, tmp_path):
    db = populated(db_url, tmp_path)
    before = _state(db)
    proc = subprocess.Popen([sys.executable, "-c", STALLED, db_url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "in-transaction", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    from senim.registry import record_decision

    assert _state(db) == before
    # the lock died with the writer (PostgreSQL rolls back when the connection closes)
    record_decision(db, subject="after", system="retail-credit-scoring", inputs_digest="01" * 32, output="y")
    entries, decisions, checkpoints = _state(db)
    assert (entries, decisions, checkpoints) == (before[0] + 1, before[1] + 1, before[2] + 1)
    with db.read() as conn:
        assert verify_database(conn).ok


LOOP = r"""
import sys
from senim.registry import Database, record_decision
db = Database(sys.argv[1])
print("started", flush=True)
i = 0
while True:
    record_decision(db, subject=f"loop-{i}", system="retail-credit-scoring", inputs_digest="aa" * 32, output=i)
    i += 1
"""


def test_writer_killed_at_random_moments_leaves_whole_changes(db_url, tmp_path):
    import random

    from senim.registry.audit import audit_database

    db = populated(db_url, tmp_path)
    rng = random.Random(5)
    for _ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", LOOP, db_url], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "started"
        time.sleep(rng.uniform(0.2, 0.6))  # somewhere inside some transaction, or between two
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        with db.read() as conn:
            verdict, row_problem = audit_database(conn)
        assert verdict.ok, verdict.problem
        assert row_problem is None, row_problem  # every entry has its row and every row its entry
    entries, decisions, _ = _state(db)
    assert decisions > 3  # the loops did write
