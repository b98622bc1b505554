"""Decision records and the Art. 16 explanation."""

from __future__ import annotations

import json

from sqlalchemy import text

from registry_helpers import register_as_in_0001, run_cli, write_manifest

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

    (tmp_path / "model").mkdir()
    labels = tmp_path / "model" / "features.labels.yaml"  # the owner's words for the features (senim.letters)
    labels.write_text(
        "features:\n"
        "  monthly_income: {label: {kk: айлық табысыңыз, ru: ваш ежемесячный доход, en: your monthly income}, unit: thousand_kzt}\n"
        "  credit_history: {label: {kk: несие тарихыңыз, ru: ваша кредитная история, en: your credit history}}\n"
        "  existing_loans: {label: {kk: қазіргі несиелеріңіз, ru: ваши действующие кредиты, en: your current loans}, unit: count}\n",
        encoding="utf-8")
    explain = ("decisions", "explain", "--labels", str(labels), "--db", db_url)
    # Without words for its features, no letter is written: never a column name in a letter.
    bare = run_cli("decisions", "explain", "p-7f3a", "--db", db_url)
    assert bare.returncode == 2 and "label" in bare.stderr
    en = run_cli(*explain, "p-7f3a")
    assert en.returncode == 0, en.stderr
    for expected in ("declined", "Retail credit scoring", "your monthly income", "short credit history",
                     "your credit history", "Aigerim Seitkali", "Art. 16", "Art. 19-1",
                     "20 November 2026, 10:00 (UTC+5)", DIGEST):
        assert expected in en.stdout
    assert "monthly_income" not in en.stdout.split("For the record")[0]
    assert "approved" not in en.stdout  # another person's decision
    ru = run_cli(*explain, "p-7f3a", "--lang", "ru").stdout
    assert "ст. 16" in ru and "ст. 19-1" in ru
    assert "Основные причины" in ru and "Aigerim Seitkali" in ru and "ваш ежемесячный доход" in ru
    kk = run_cli(*explain, "p-7f3a", "--lang", "kk").stdout
    assert "16-бабы" in kk and "Шешімнің негізгі себептері" in kk
    out = tmp_path / "answer.txt"
    assert run_cli(*explain, "p-0001", "-o", str(out)).returncode == 0
    assert "No person has reviewed this decision" in out.read_text(encoding="utf-8")
    assert "your current loans: 3 — counted against approval" in run_cli(*explain, "p-0002").stdout
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


def _stored(db_url):
    """Every row of the decisions and ledger tables, as stored."""
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        rows = {table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1"))]
                for table in ("decisions", "ledger_entries", "ledger_checkpoints")}
    db.dispose()
    return rows


def test_recording_the_same_file_again_adds_nothing(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    lines = [
        {"id": "D-2026-0001", "subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": DIGEST,
         "output": "declined"},                                                     # known by its id
        {"subject": "p-2", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "approved",
         "decided_at": "2026-11-20T10:00:00+05:00"},                                # by its content
        {"subject": "p-3", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "approved"},
    ]
    path = _decisions(tmp_path, lines)
    first = run_cli("decisions", "record", str(path), "--db", db_url)
    assert first.returncode == 0 and "recorded 3 decisions (1-3)" in first.stdout, first.stdout + first.stderr
    after_first = _stored(db_url)

    second = run_cli("decisions", "record", str(path), "--db", db_url)
    assert second.returncode == 0, second.stderr
    assert "recorded 0 decisions" in second.stdout and "3 already recorded" in second.stdout
    assert _stored(db_url) == after_first  # no row, ledger entry or checkpoint added or changed

    # A new version of the system does not make the old lines new decisions.
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring", "description: v2\n")),
                   "--db", db_url).returncode == 0
    before = _stored(db_url)
    assert "3 already recorded" in run_cli("decisions", "record", str(path), "--db", db_url).stdout
    assert _stored(db_url) == before

    # Old and new together: only the new one is added; a line repeated in the file is one decision.
    new = {"subject": "p-4", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "declined"}
    more = _decisions(tmp_path, [*lines, new, new])
    result = run_cli("decisions", "record", str(more), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert "recorded 1 decision (4-4)" in result.stdout and "3 already recorded" in result.stdout
    assert "1 repeated in the file" in result.stdout
    assert _counts(db_url) == (4, 6)  # two registrations + four decisions


def test_a_known_id_with_other_content_is_refused(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    line = {"id": 1042, "subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": DIGEST,
            "output": "declined"}
    assert run_cli("decisions", "record", str(_decisions(tmp_path, [line])), "--db", db_url).returncode == 0
    before = _stored(db_url)
    other = {"subject": "p-5", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "approved"}
    path = _decisions(tmp_path, [other, {**line, "output": "approved"}])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 2 and result.stderr.startswith(f"senim: {path}:2: id: ")
    assert "already recorded" in result.stderr and "Traceback" not in result.stderr
    assert _stored(db_url) == before
    # the same id twice in one file with different content
    path = _decisions(tmp_path, [{**line, "id": 7}, {**line, "id": 7, "output": "approved"}])
    result = run_cli("decisions", "record", str(path), "--db", db_url)
    assert result.returncode == 2 and result.stderr.startswith(f"senim: {path}:2: id: ") and f"{path}:1" in result.stderr
    assert _stored(db_url) == before


def test_identity_is_checked_against_the_ledger(db_url, tmp_path):
    """Clearing a decision's identity behind the ledger would let it be recorded twice."""
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    line = {"subject": "p-1", "system": "retail-credit-scoring", "inputs_digest": DIGEST, "output": "declined"}
    assert run_cli("decisions", "record", str(_decisions(tmp_path, [line])), "--db", db_url).returncode == 0
    from senim.registry import Database

    db = Database(db_url)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE decisions SET identity = NULL"))
    db.dispose()
    result = run_cli("ledger", "verify", "--db", db_url)
    assert result.returncode == 1 and "registry: decision 1" in result.stdout


def test_a_registry_made_before_decision_identities_is_upgraded_unchanged(db_url, tmp_path):
    from alembic import command

    from senim.ledger import chain
    from senim.ledger.canonical import canonical
    from senim.registry import Database
    from senim.registry.db import _alembic_config, head_revision

    old = Database(db_url, migrate=False)
    with old.engine.connect().execution_options(senim_write=True) as conn:
        with conn.begin():
            command.upgrade(_alembic_config(conn), "0001")
    register_as_in_0001(old, write_manifest(tmp_path, "retail-credit-scoring"))
    record = {"subject": "p-1", "system": "retail-credit-scoring", "system_version": 1,
              "inputs_digest": "sha256:" + DIGEST, "output": "declined", "reasons": [], "reviewer": None,
              "decided_at": "2026-11-20T05:00:00Z", "data_used": []}
    with old.write() as conn:  # a decision as schema 0001 stored it
        entry = chain.append(conn, "decision.recorded", {"decision": 1, **record})
        conn.execute(text("INSERT INTO decisions (id, subject, system_id, system_version, record, decided, ledger_seq)"
                          " VALUES (1, 'p-1', 'retail-credit-scoring', 1, :r, :d, :s)"),
                     {"r": canonical(record).decode(), "d": record["decided_at"], "s": entry.seq})
    with old.read() as conn:
        before = conn.execute(text("SELECT id, subject, system_id, system_version, record, decided, ledger_seq"
                                   " FROM decisions")).all()
    old.dispose()

    db = Database(db_url)  # migrated on first use
    with db.read() as conn:
        after = conn.execute(text("SELECT id, subject, system_id, system_version, record, decided, ledger_seq"
                                  " FROM decisions")).all()
        assert conn.execute(text("SELECT identity FROM decisions")).scalar_one() is None
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
    db.dispose()
    assert after == before
    assert "intact: 2 entries" in run_cli("ledger", "verify", "--db", db_url).stdout
    explained = run_cli("decisions", "explain", "p-1", "--db", db_url)
    assert explained.returncode == 0 and "declined" in explained.stdout
