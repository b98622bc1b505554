"""Web benchmark: latency of `senim serve` at 50 concurrent clients.

An organisation with 1,000 registered systems (each registered through the
library, classified and ledgered) and 100,000 ledger entries in all (the
rest are entries of the organisation appended in bulk: a real hash chain,
one signed checkpoint at the end). `senim serve` runs as its own process
on 127.0.0.1; wrk (a C load generator, Debian's package) is the 50 clients,
one connection each, each asking in turn for BENCH_SECONDS. Measured: the
dashboard, a system page, GET /api/v1/systems (its default page: the first
100 of the 1,000, with the Link to the next), and the yardstick GET /healthz
(the server and one database read, nothing of ours on top), on SQLite and
on PostgreSQL. Target: p99 under 200 ms.

Run: python bench/bench_web.py (BENCH_SYSTEMS, BENCH_ENTRIES, BENCH_SECONDS to change the sizes;
BENCH_WORKERS: server processes, `senim serve --workers`, default one per core as
docs/web.md advises).
"""

from __future__ import annotations

import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from pgdb import pg_database  # noqa: E402

SYSTEMS = int(os.environ.get("BENCH_SYSTEMS", "1000"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))  # of each row's load
WORKERS = int(os.environ.get("BENCH_WORKERS", "") or os.cpu_count() or 1)  # `senim serve --workers`: one per core
CLIENTS = 50
BANK = "940140000385"
PASSWORD = "bench password, long enough"


def build(url: str) -> tuple[str, str]:
    """The organisation, its systems and ledger; (session secret, token)."""
    import yaml

    from senim.ledger.chain import make_entry
    from senim.ledger.merkle import leaf_hash
    from senim.manifest import parse_manifest
    from senim.registry import register
    from senim.registry.db import Database
    from senim.registry.models import LedgerOwner
    from senim.registry.people import add_token, add_user, sign_in
    from senim.registry.tenancy import Actor, add_organisation
    from sqlalchemy import insert, text

    db = Database(url)
    org = add_organisation(db, "Example Bank JSC", BANK)["id"]
    add_user(db, "bench@bank.kz", BANK, "admin", PASSWORD)
    actor = Actor(org=org, user="bench@bank.kz", via="bench", role="admin")
    base = yaml.safe_load((ROOT / "examples" / "credit-scoring" / "senim.yaml").read_text(encoding="utf-8"))
    base.pop("evidence", None)
    for number in range(SYSTEMS):
        document = {**base, "id": f"system-{number:04d}", "name": f"Scoring model {number}"}
        if number % 3 == 1:
            document["uses"] = ["other.customer_support"]
            document["failure_impact"] = ["reduced_efficiency"]
        register(db, manifest=parse_manifest(json.dumps(document, default=str).encode(), f"system-{number:04d}"),
                 actor=actor)
    with db.write() as conn:  # the rest of the 100,000 entries, appended as the chain requires
        seq, prev = conn.execute(text("SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1")).first()
        rows, owners = [], []
        for seq in range(seq + 1, ENTRIES + 1):
            entry = make_entry(seq, "bench.note", {"note": seq}, prev, actor=actor.entry())
            prev = leaf_hash(entry).hex()
            rows.append({"seq": seq, "entry": entry.decode(), "hash": prev})
            owners.append({"seq": seq, "organisation_id": org})
        for start in range(0, len(rows), 10_000):
            conn.execute(text("INSERT INTO ledger_entries (seq, entry, hash) VALUES (:seq, :entry, :hash)"),
                         rows[start:start + 10_000])
            conn.execute(insert(LedgerOwner), owners[start:start + 10_000])
    secret = sign_in(db, "bench@bank.kz", PASSWORD)[0]
    token = add_token(db, "bench@bank.kz", "bench")[0]
    db.dispose()
    if url.startswith("postgresql"):  # as after any bulk load: the planner's statistics, and autovacuum's work done
        from sqlalchemy import create_engine

        with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return secret, token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(base: str, path: str, headers: dict, seconds: int = SECONDS) -> tuple[float, float, float]:
    """p50 and p99 latency (ms) and requests/s of CLIENTS connections asking
    in turn for SECONDS, measured by wrk: a C load generator, whose own work
    per request is a small part of the server's, where a Python client took
    about 3 ms of the same two cores per request."""
    import re

    command = ["wrk", "-t", str(min(2, os.cpu_count() or 1)), "-c", str(CLIENTS), "-d", f"{seconds}s", "--latency",
               "--timeout", "30s"]  # a slow answer is measured, not dropped as a timeout
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [base + path], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise SystemExit(f"wrk on {path}: not every answer was a 200\n{out}")

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return ms("50%"), ms("99%"), float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def run(kind: str) -> list[tuple]:
    tmp = Path(tempfile.mkdtemp(prefix="senim-bench-web-"))
    home = tmp / "home"
    os.environ["SENIM_HOME"] = str(home)
    url, drop = (str(tmp / "bench.db"), lambda: None) if kind == "SQLite" else pg_database()
    started = time.perf_counter()
    secret, token = build(url)
    built = time.perf_counter() - started
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from senim.cli import main; main()", "serve", "--port", str(port),
                               "--db", url, "--job-threads", "0", "--workers", str(WORKERS)],
                              env={**os.environ, "SENIM_HOME": str(home)},
                              stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("senim serve did not start")
            time.sleep(0.2)
        cookie = {"cookie": f"senim_session={secret}", "accept": "text/html"}
        bearer = {"authorization": f"Bearer {token}"}
        for label, path, headers in (("GET /healthz (yardstick)", "/healthz", {}),
                                     ("dashboard /", "/", cookie),
                                     ("system page /systems/system-0000", "/systems/system-0000", cookie),
                                     (f"GET /api/v1/systems (default page: {min(100, SYSTEMS)} of {SYSTEMS} systems)", "/api/v1/systems",
                                      bearer)):
            measure(base, path, headers, seconds=2)  # untimed: every worker process has served this page once
            rows.append((kind, label, *measure(base, path, headers)))
    finally:
        server.terminate()
        server.wait(timeout=60)
        drop()
    rows.append((kind, f"(built {SYSTEMS} systems, {ENTRIES:,} ledger entries in {built:.0f} s)", None, None, None))
    return rows


def main() -> None:
    from senim.web.app import WEB_THREADS

    rows = run("SQLite") + run("PostgreSQL")
    load = os.getloadavg()
    print("## Web (`senim serve`): latency at 50 concurrent clients\n")
    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; load average before the run "
          f"{load[0]:.1f}. {SECONDS} s of load per row from {CLIENTS} connections of wrk (a C load generator) "
          "on 127.0.0.1, each asking in turn; "
          + ("one uvicorn process" if WORKERS == 1 else f"{WORKERS} uvicorn processes (`senim serve --workers {WORKERS}`)")
          + f", {os.environ.get('SENIM_WEB_THREADS') or WEB_THREADS} requests at once in "
          + ("its" if WORKERS == 1 else "each one's") + " thread pool. "
          "GET /api/v1/systems is its default page (100 systems). Target: p99 under 200 ms.\n")
    print("| database | request | p50 ms | p99 ms | requests/s |")
    print("|---|---|---:|---:|---:|")
    for kind, label, p50, p99, rate in rows:
        if p50 is None:
            print(f"| {kind} | {label} | | | |")
        else:
            print(f"| {kind} | {label} | {p50:.1f} | {p99:.1f} | {rate:.0f} |")


if __name__ == "__main__":
    main()
