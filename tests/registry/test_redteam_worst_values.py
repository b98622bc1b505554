"""Rows R5 and R20, their second half: nothing stored can make a later command
fail. The worst value each field accepts (the longest, deepest, largest,
earliest, latest, strangest text) is stored through the doors, and every
command that reads the registry runs on it without a traceback.
"""

from __future__ import annotations

import json

from registry_helpers import run_cli, write_manifest

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
# Text a person might type and a program might choke on: right-to-left
# override, combining marks, an emoji with joiners, a letter outside the
# Basic Multilingual Plane, quotes, a backslash, HTML and Kazakh letters.
ODD = "\u202eRTL\u202c q\u0301\u0308 \U0001F469\u200d\U0001F4BB \U00010348 \"'\\ <b>&amp; Қазақ ҚР"
MAX_SAFE = 2**53 - 1  # the largest whole number canonical JSON (RFC 8785) keeps exact


def _nested(depth: int):
    value: object = "leaf"
    for level in range(depth - 1):
        value = [value] if level % 2 else {"k": value}
    return value


def test_R5_R20_the_worst_stored_values_are_read_by_every_command(db_url, tmp_path):
    manifest = write_manifest(tmp_path, "retail-credit-scoring").read_text(encoding="utf-8")
    manifest = manifest.replace("id: retail-credit-scoring", "id: " + "z" + "9-" * 31)  # 63 characters, the most
    manifest = manifest.replace("name: Retail credit scoring", "name: " + json.dumps((ODD + " ") * 400, ensure_ascii=False))
    path = tmp_path / "worst.yaml"
    path.write_text(manifest, encoding="utf-8")
    system = "z" + "9-" * 31
    registered = run_cli("register", str(path), "--db", db_url)
    assert registered.returncode == 0, registered.stderr

    decisions = [
        {"id": "D" * 200, "subject": ("s" + ODD)[:200], "system": system, "inputs_digest": "sha256:" + DIGEST,
         "output": _nested(32), "reasons": [ODD * 50, {"feature": ODD, "weight": -MAX_SAFE}],
         "reviewer": ODD * 100, "decided_at": "1900-01-01T00:00:00Z", "data_used": []},
        {"id": MAX_SAFE, "subject": "p-2", "system": system, "system_version": 1, "inputs_digest": DIGEST,
         "output": MAX_SAFE, "reasons": ["x" * 100_000], "decided_at": "2999-12-31T23:59:59+00:00"},
        {"subject": "p-3", "system": system, "inputs_digest": DIGEST, "output": -0.0,
         "decided_at": "3000-01-01T23:58:00+23:59"},  # 2999-12-31T23:59Z, the last minute, through an offset
    ]
    lines = tmp_path / "worst.jsonl"
    lines.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in decisions), encoding="utf-8")
    recorded = run_cli("decisions", "record", str(lines), "--db", db_url)
    assert recorded.returncode == 0, recorded.stderr

    incident = run_cli("incident", "new", "--kind", "personal_data_breach", "--severity", "critical", "--system", system,
                       "--summary", ODD * 2000, "--aware-at", "2999-12-31T23:59:59+00:00",
                       "--occurred-at", "1900-01-01T23:59:00+23:59",  # 1900-01-01T00:00Z, the first moment
                       "--aware-by", ODD, "--widespread", "--affected", str(MAX_SAFE),
                       *[a for i in range(50) for a in ("--action", f"{i} {ODD}")],
                       *[a for c in ("identifiers", ODD) for a in ("--data-category", c)], "--db", db_url)
    assert incident.returncode == 0, incident.stderr
    updated = run_cli("incident", "update", "1", "--status", "reported", "--reported-at", "2999-12-31T23:59:59Z",
                      "--note", ODD * 1000, "--action", ODD, "--by", ODD, "--db", db_url)
    assert updated.returncode == 0, updated.stderr

    labels = tmp_path / "worst.labels.yaml"  # JSON is YAML: the odd feature named in every language
    labels.write_text(json.dumps({"features": {ODD: {"label": {"kk": ODD, "ru": ODD, "en": ODD}}}}, ensure_ascii=False),
                      encoding="utf-8")
    explain = ["decisions", "explain", "--labels", str(labels)]
    readers = [["systems"], ["systems", "--format", "json"], ["systems", "--format", "csv"],
               ["show", system], ["show", system, "--format", "json"], ["show", system, "--version", "1"],
               ["incident", "list"], ["incident", "list", "--format", "json"], ["incident", "list", "--overdue"],
               ["incident", "show", "1"], ["incident", "show", "1", "--lang", "kk"], ["incident", "show", "1", "--format", "json"],
               ["incident", "report", "1"], ["incident", "report", "1", "--lang", "ru"],
               [*explain, decisions[0]["subject"]], [*explain, "p-2", "--lang", "kk"], [*explain, "p-3"],
               ["ledger", "verify"], ["ledger", "verify", "--format", "json"]]
    for command in readers:
        result = run_cli(*command, "--db", db_url)
        assert result.returncode == 0, (command, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, command
    shown = json.loads(run_cli("show", system, "--format", "json", "--db", db_url).stdout)
    assert shown["manifest"]["name"].startswith(ODD)
    listed = json.loads(run_cli("incident", "list", "--format", "json", "--db", db_url).stdout)
    assert listed[0]["aware_at"] == "2999-12-31T23:59:59Z" and listed[0]["affected"] == MAX_SAFE


def test_R5_an_incident_an_older_senim_stored_with_an_impossible_date_is_still_listed(db_url, tmp_path):
    """The red team's registry: `incident new --aware-at 9999-12-31T23:00:00+00:00` was stored by
    the Senim before this check. Listing it must not fail, nor hide the other incidents."""
    from sqlalchemy import text

    from senim.ledger.canonical import canonical
    from senim.registry import Database

    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    for _ in range(2):
        assert run_cli("incident", "new", "--kind", "personal_data_breach", "--severity", "high", "--system",
                       "retail-credit-scoring", "--summary", "s", "--aware-at", "2026-11-30T10:00:00+05:00",
                       "--db", db_url).returncode == 0
    db = Database(db_url)
    with db.read() as conn:
        record = json.loads(conn.execute(text("SELECT record FROM incidents WHERE id = 2")).scalar_one())
    record["aware_at"] = "9999-12-31T23:00:00Z"
    with db.write() as conn:  # as the old Senim wrote it (its ledger entry aside)
        conn.execute(text("UPDATE incidents SET aware_at = :a, record = :r WHERE id = 2"),
                     {"a": record["aware_at"], "r": canonical(record).decode()})
    db.dispose()
    listed = run_cli("incident", "list", "--format", "json", "--db", db_url)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == [1, 2] and rows[0]["deadlines"] and rows[1]["deadlines"] == []
    assert "outside the years 1900 to 2999" in rows[1]["deadline_problem"]
    assert run_cli("incident", "list", "--db", db_url).returncode == 0
    for command in (["incident", "show", "2"], ["incident", "report", "2"]):
        result = run_cli(*command, "--db", db_url)
        assert "Traceback" not in result.stderr and result.returncode in (0, 2), (command, result.stderr)
        if result.returncode == 2:
            assert len(result.stderr.strip().splitlines()) == 1 and "incident" in result.stderr
