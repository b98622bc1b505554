"""Decision records and the Art. 16 explanation."""

from __future__ import annotations

import json

from sqlalchemy import text

from registry_helpers import run_cli, write_manifest

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # SHA-256 of "test"


def _decisions(tmp_path, lines):
    path = tmp_path / "decisions.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _counts(db_url):
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        counts = (conn.execute(text("SELECT count(*) FROM decisions")).scalar_one(),
                  conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one())
    db.dispose()
    return counts


def test_record_and_explain_in_three_languages(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    path = _decisions(tmp_path, [
        {"subject": "p-7f3a", "system": "retail-credit-scoring", "inputs_digest": "sha256:" + DIGEST,
         "output": "declined", "reasons": [{"feature": "monthly_income", "weight": -0.42}, "short credit history"],
         "reviewer": "Aigerim Seitkali", "data_used": ["monthly_income", "credit_history"],
         "decided_at": "2026-11-20T10:00:00+05:00"},
        {"subject": "p-0001", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "approved"},
        # reasons as the explanation check (senim explain) writes them
        {"subject": "p-0002", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "declined",
         "reasons": [{"feature": "existing_loans", "value": 3, "contribution": -0.125}]},
    ])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert _counts(db_url) == (3, 4)  # registration + one entry per decision

    en = run_cli("decisions", "explain", "p-7f3a", "--db", db_url)
    assert en.returncode == 0, en.stderr
    for expected in ("declined", "Retail credit scoring", "version 1", "monthly_income (-0.42)",
                     "short credit history", "credit_history", "Aigerim Seitkali", "Article 16",
                     "2026-11-20T05:00:00Z", DIGEST):
        assert expected in en.stdout
    assert "approved" not in en.stdout  # another person's decision
    ru = run_cli("decisions", "explain", "p-7f3a", "--lang", "ru", "--db", db_url).stdout
    assert "статьей 16" in ru or "статье 16" in ru
    assert "Основные причины" in ru and "Aigerim Seitkali" in ru
    kk = run_cli("decisions", "explain", "p-7f3a", "--lang", "kk", "--db", db_url).stdout
    assert "16-бабына" in kk and "Негізгі себептер" in kk
    out = tmp_path / "answer.txt"
    assert run_cli("decisions", "explain", "p-0001", "--db", db_url, "-o", str(out)).returncode == 0
    assert "No person reviewed this decision" in out.read_text(encoding="utf-8")
    assert "existing_loans = 3 (-0.125)" in run_cli("decisions", "explain", "p-0002", "--db", db_url).stdout
    unknown = run_cli("decisions", "explain", "nobody", "--db", db_url)
    assert unknown.returncode == 2


def test_ledger_entry_holds_the_decision(db_url, tmp_path):
    from senim.registry import Database, record_decision, register

    db = Database(db_url)
    register(db, write_manifest(tmp_path, "retail-credit-scoring"))
    number = record_decision(db, subject="p-9", system="retail-credit-scoring", inputs_digest=DIGEST,
                             output={"score": 0.73, "decision": "approved"}, reasons=["income"], reviewer="R")
    with db.read() as conn:
        entry = json.loads(conn.execute(text("SELECT entry FROM ledger_entries ORDER BY seq DESC LIMIT 1")).scalar())
    db.dispose()
    assert entry["kind"] == "decision.recorded"
    assert entry["data"]["decision"] == number
    assert entry["data"]["subject"] == "p-9" and entry["data"]["system_version"] == 1
    assert entry["data"]["output"] == {"score": 0.73, "decision": "approved"}
    assert entry["data"]["inputs_digest"] == "sha256:" + DIGEST


def test_bad_line_stores_nothing(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    good = {"subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "approved"}
    before = _counts(db_url)
    cases = [
        ({**good, "inputs_digest": "abc"}, "inputs_digest"),
        ({**good, "subject": "900101300123"}, "IIN"),          # an IIN is not a pseudonym
        ({**good, "system": "unknown-system"}, "not registered"),
        ({**good, "colour": "red"}, "colour"),
        ({**good, "decided_at": "2026-11-20 10:00"}, "decided_at"),
    ]
    for bad, word in cases:
        path = _decisions(tmp_path, [good, bad])
        result = run_cli("decisions", "record", str(path), "--db", db_url)
        assert result.returncode == 2, bad
        assert result.stderr.startswith(f"senim: {path}:2: ") and word in result.stderr, result.stderr
        assert _counts(db_url) == before
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 2 and f"{path}:2" in result.stderr
    assert _counts(db_url) == before
