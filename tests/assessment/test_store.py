"""With a registry, the assessment is ledgered and the report carries the proof."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import rfc8785

from tests.assessment.assess_helpers import BASE, run, write


def test_assessment_is_ledgered_and_the_report_says_where(tmp_path):
    manifest = write(tmp_path, BASE + "evidence:\n  kz.users.agreement: {answer: yes, by: Legal, on: 2026-09-15}\n")
    db, home = tmp_path / "registry.db", tmp_path / "home"
    done = run("assess", manifest, "--db", db, "--format", "json", home=home)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    ledger = report["ledger"]
    # Read the ledger row with sqlite3 itself, not through Senim.
    with sqlite3.connect(db) as conn:
        entry = json.loads(conn.execute("SELECT entry FROM ledger_entries WHERE seq = ?", (ledger["seq"],)).fetchone()[0])
        size = conn.execute("SELECT MAX(size) FROM ledger_checkpoints").fetchone()[0]
    assert entry["kind"] == "assessment.recorded"
    body = {k: v for k, v in report.items() if k not in ("ledger", "signature")}
    assert entry["data"]["report_sha256"] == hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    assert entry["data"]["statuses"]["kz.users.agreement"] == "met"
    assert entry["data"]["evidence"][0]["obligation"] == "kz.users.agreement"
    assert ledger["checkpoint"]["size"] == size >= ledger["seq"]
    assert run("ledger", "verify", "--db", db, home=home).returncode == 0
    # A second assessment of the unchanged manifest adds an entry, not a system version.
    again = json.loads(run("assess", manifest, "--db", db, "--format", "json", home=home).stdout)["ledger"]
    assert again["seq"] == ledger["seq"] + 1 and again["system_version"] == ledger["system_version"] == 1
    signed = tmp_path / "report.json"
    signed.write_text(done.stdout, encoding="utf-8")
    assert run("report", "verify", signed, home=home).returncode == 0
