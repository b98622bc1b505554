"""The letter from `senim decisions explain`, read against what issue 15 asks
of a letter fit to send, and its refusal of a record the ledger does not back."""

from __future__ import annotations

import json
import re

from registry_helpers import run_cli, write_manifest

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]
LABELS = ROOT / "examples/credit-scoring/model.labels.yaml"
DECISION = {"id": "D-1", "subject": "p-7f3a91", "system": "retail-credit-scoring",
            "inputs_digest": "sha256:" + "ab" * 32, "output": {"decision": "declined", "score": 0.38},
            "reasons": [{"feature": "monthly_income", "value": 354.2, "contribution": -0.41},
                        {"feature": "credit_history_years", "value": 3, "contribution": -0.22}],
            # 05:15 UTC is 10:15 in Kazakhstan (UTC+5 since 1 March 2024)
            "decided_at": "2026-11-20T05:15:00Z", "data_used": ["monthly_income", "credit_history_years"]}
CONTACT = 'contact: "decisions@example-bank.kz"'


def _recorded(tmp_path, db_url, decision=DECISION):
    manifest = write_manifest(tmp_path, "retail-credit-scoring")
    manifest.write_text(manifest.read_text().replace("size: large}", f"size: large, {CONTACT}}}"), encoding="utf-8")
    assert run_cli("register", str(manifest), "--db", db_url).returncode == 0
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(decision) + "\n", encoding="utf-8")
    assert run_cli("decisions", "record", str(path), "--db", db_url).returncode == 0


def test_letter_is_fit_to_send(db_url, tmp_path):
    _recorded(tmp_path, db_url)
    for lang, words in {
        "en": ("Example Bank JSC", "20 November 2026, 10:15 (UTC+5)", "354.2 thousand ₸", "3 years", "declined",
               "ask for a person to review", "Art. 19-1", "within 3 working days", "complain to the authorised body"),
        "ru": ("Example Bank JSC", "20 ноября 2026 г., 10:15 (UTC+5)", "354,2 тыс. ₸", "3 года", "отклонена",
               "пересмотрел человек", "ст. 19-1", "в течение 3 рабочих дней", "подать жалобу"),
        "kk": ("Example Bank JSC", "2026 ж. 20 қараша, 10:15 (UTC+5)", "354,2 мың ₸", "3 жыл", "қабылданбады",
               "адам қайта қарауын", "19-1-бабы", "3 жұмыс күні", "шағым беру"),
    }.items():
        done = run_cli("decisions", "explain", "p-7f3a91", "--labels", str(LABELS), "--lang", lang, "--db", db_url)
        assert done.returncode == 0, done.stderr
        letter = done.stdout.replace("\u00a0", " ").replace("\u202f", " ")
        body, record = re.split(r"\n(?=For the record|Для учёта|Есеп үшін)", letter)
        for word in words:
            assert word in body, (lang, word)
        assert "decisions@example-bank.kz" in body  # the owner's contact
        # No JSON, no codes and no hashes in what the person reads; they are in the record part.
        for code in ("{", '"decision"', "monthly_income", "credit_history_years", "05:15", "Z ", "ab" * 32):
            assert code not in body, (lang, code)
        assert "ab" * 32 in record and "D-1" in record


def test_sensitive_reason_warns_the_owner_before_the_letter(db_url, tmp_path):
    decision = {**DECISION, "reasons": [{"feature": "region", "value": "Shymkent", "contribution": -0.3}]}
    _recorded(tmp_path, db_url, decision)
    done = run_cli("decisions", "explain", "p-7f3a91", "--labels", str(LABELS), "--db", db_url)
    assert done.returncode == 0
    assert "sensitive attribute" in done.stderr and "the region you live in" in done.stderr
    assert "fairness and equality" in done.stderr  # the principle, cited
    assert "Shymkent" in done.stdout  # the letter is still written, on request


def test_a_record_the_ledger_does_not_back_gets_no_letter(db_url, tmp_path):
    from sqlalchemy import text

    from senim.registry import Database

    _recorded(tmp_path, db_url)
    db = Database(db_url)
    with db.engine.begin() as conn:  # someone edits the row behind the ledger
        conn.execute(text("UPDATE decisions SET record = replace(record, '\"declined\"', '\"approved\"')"))
    db.dispose()
    done = run_cli("decisions", "explain", "p-7f3a91", "--labels", str(LABELS), "--db", db_url)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not match ledger entry" in lines[0]
