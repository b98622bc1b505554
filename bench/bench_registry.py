"""Registry and ledger benchmark.

1. Ledger appends per second, each in its own transaction (lock, entry,
   Merkle frontier, Ed25519-signed checkpoint, commit), on SQLite and on
   PostgreSQL; beside it the floor: a plain INSERT of the same row in its own
   transaction on the same database, no hashing, signing or locking.
2. `ledger verify` speed on 1,000,000 entries (SQLite and PostgreSQL), with the
   compiled walk and with the Python walk it falls back to;
   beside it the floor: reading the same rows and SHA-256 hashing them.
   The million entries are built in memory (a real hash chain, canonical JSON
   written with json.dumps with sorted keys, which is RFC 8785 for these
   integer-and-ASCII entries; verify checks it), bulk-inserted (SQLite
   executemany in one transaction; PostgreSQL COPY) with a signed checkpoint
   every 10,000 entries; the append-only triggers stay on.

PostgreSQL: the server of scripts/system.d/registry.start.sh (fsync on,
synchronous_commit on), or SENIM_TEST_PG. Run: python bench/bench_registry.py
(BENCH_ENTRIES=N for a smaller ledger).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from pgdb import pg_database  # noqa: E402

ENTRIES = int(os.environ.get("BENCH_ENTRIES", "1000000"))
APPENDS = int(os.environ.get("BENCH_APPENDS", "1000"))
RUNS = 3


def appends_per_second(url: str) -> tuple[float, float]:
    from sqlalchemy import text

    from senim.ledger import chain
    from senim.registry.db import Database

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE plain_rows (seq BIGINT PRIMARY KEY, entry TEXT, hash VARCHAR(64))"))
    ours, floor = [], []
    seq = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        for i in range(APPENDS):
            with db.write() as conn:
                chain.append(conn, "bench.change", {"i": i, "note": "a registry change"})
        ours.append(APPENDS / (time.perf_counter() - start))
        start = time.perf_counter()
        for i in range(APPENDS):
            seq += 1
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO plain_rows VALUES (:s, :e, :h)"),
                             {"s": seq, "e": json.dumps({"i": i, "note": "a registry change"}), "h": "0" * 64})
        floor.append(APPENDS / (time.perf_counter() - start))
    db.dispose()
    return statistics.median(ours), statistics.median(floor)


def build_ledger(url: str, count: int) -> None:
    """Bulk-load `count` chained entries with a signed checkpoint every 10,000."""
    from sqlalchemy import text

    from senim.ledger import keys
    from senim.ledger.chain import GENESIS_PREV, checkpoint_body
    from senim.ledger.merkle import Frontier
    from senim.registry.db import Database

    db = Database(url)
    signer = keys.signing_key()
    kid = keys.key_id(signer.public_key())
    frontier = Frontier()
    prev = GENESIS_PREV
    rows, checkpoints = [], []
    dumps = json.dumps
    for seq in range(1, count + 1):
        body = dumps({"seq": seq, "time": "2026-11-26T12:00:00.000000Z", "kind": "bench.change",
                      "data": {"system": f"system-{seq % 977}", "version": 1 + seq % 5, "subject": f"p-{seq:07d}"},
                      "prev": prev}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        leaf = sha256(b"\x00" + body.encode()).digest()
        prev = leaf.hex()
        rows.append((seq, body, prev))
        frontier.append(leaf)
        if seq % 10_000 == 0 or seq == count:
            number = len(checkpoints) + 1
            signed = checkpoint_body(number, seq, frontier.root(), kid)
            checkpoints.append((number, seq, signed.decode(), signer.sign(signed).hex(),
                                json.dumps([h.hex() for h in frontier.hashes])))
    with db.engine.connect().execution_options(senim_write=True) as conn:
        with conn.begin():
            conn.execute(text("INSERT INTO ledger_keys VALUES (:k, :p, :t)"),
                         {"k": kid, "p": keys.public_pem(signer.public_key()), "t": "2026-11-26T12:00:00Z"})
            if conn.dialect.name == "postgresql":
                cursor = conn.connection.dbapi_connection.cursor()
                with cursor.copy("COPY ledger_entries (seq, entry, hash) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                conn.connection.dbapi_connection.cursor().executemany(
                    "INSERT INTO ledger_entries (seq, entry, hash) VALUES (?, ?, ?)", rows)
            conn.execute(text("INSERT INTO ledger_checkpoints VALUES (:i, :s, :b, :g, :f)"),
                         [dict(zip("isbgf", cp)) for cp in checkpoints])
    db.dispose()


def verify_speed(url: str, count: int) -> tuple[float, float, float, str]:
    """Medians of `ledger verify` (the compiled walk), of the same verify with
    the Python walk it falls back to, and of the floor, interleaved run by run."""
    from senim.ledger import verify
    from senim.ledger.store import iter_entries, verify_database
    from senim.registry.db import Database

    compiled = verify.CompiledWalker
    db = Database(url)
    ours, python, floor = [], [], []
    for _ in range(RUNS):
        for walker, times in ((compiled, ours), (None, python)):
            verify.CompiledWalker = walker
            with db.read() as conn:
                start = time.perf_counter()
                verdict = verify_database(conn)
                times.append(count / (time.perf_counter() - start))
                assert verdict.ok and verdict.entries == count, verdict.problem
        verify.CompiledWalker = compiled
        with db.read() as conn:
            start = time.perf_counter()
            n = 0
            for _seq, entry, _hash in iter_entries(conn):
                sha256(b"\x00" + entry.encode()).digest()
                n += 1
            floor.append(n / (time.perf_counter() - start))
    db.dispose()
    return statistics.median(ours), statistics.median(python), statistics.median(floor), verdict.root


def main() -> None:
    from senim.ledger import verify

    if verify.CompiledWalker is None:
        sys.exit("bench_registry: the compiled ledger walk is not built (src/senim/ledger/_walk.c; see setup.py)")
    tmp = Path(tempfile.mkdtemp(prefix="senim-bench-registry-"))
    os.environ["SENIM_HOME"] = str(tmp / "home")
    results = []
    for backend in ("SQLite", "PostgreSQL"):
        drop = None
        if backend == "SQLite":
            url = str(tmp / "appends.db")
        else:
            url, drop = pg_database()
        ours, floor = appends_per_second(url)
        results.append((f"ledger appends/s, one transaction each ({backend}, {APPENDS} x {RUNS})", ours, floor,
                        "plain INSERT, one transaction each"))
        if drop:
            drop()
    for backend in ("SQLite", "PostgreSQL"):
        drop = None
        if backend == "SQLite":
            url = str(tmp / "million.db")
        else:
            url, drop = pg_database()
        start = time.perf_counter()
        build_ledger(url, ENTRIES)
        built = time.perf_counter() - start
        ours, python, floor, _root = verify_speed(url, ENTRIES)
        results.append((f"`ledger verify` entries/s, {ENTRIES:,} entries ({backend}; built in {built:.0f} s)",
                        ours, floor, "read rows + SHA-256 each"))
        results.append((f"the same, with the Python walk ({backend}; where `_walk.c` is not built)",
                        python, floor, "read rows + SHA-256 each"))
        if drop:
            drop()
    print("## Registry and ledger\n")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; load average at the end {load} (other work on the machine slows "
          f"the figures, the ratios less). Medians of {RUNS} runs.\n")
    print("| measure | Senim | floor | Senim / floor | floor is |")
    print("|---|---:|---:|---:|---|")
    for name, ours, floor, what in results:
        print(f"| {name} | {ours:,.0f} | {floor:,.0f} | {ours / floor:.2f} | {what} |")
    print("\nEach append locks the ledger (SQLite BEGIN IMMEDIATE; PostgreSQL advisory lock), chains a canonical "
          "JSON entry, extends the Merkle frontier and signs a checkpoint with Ed25519 before commit. "
          "Verification re-checks every entry's canonical form, chain link and hash, and every checkpoint's "
          "signature and root: the compiled walk (src/senim/ledger/_walk.c) for the common entry, "
          "the Python walk for the rest and where it is not built.\n")
    print("Command: `python bench/bench_registry.py` (run by `make bench`; `BENCH=registry bash bench/run.sh`).")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
