"""senim incident new|update|list|show|report, and the deadline data itself."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import yaml
from sqlalchemy import text

from registry_helpers import run_cli, write_manifest


def test_incident_lifecycle_on_the_command_line(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    aware = (datetime.now(timezone.utc) - timedelta(days=5)).isoformat(timespec="seconds")
    new = run_cli("incident", "new", "--kind", "personal_data_breach", "--severity", "high",
                  "--system", "retail-credit-scoring", "--summary", "Scores sent to the wrong partner",
                  "--aware-at", aware, "--aware-by", "CISO", "--action", "Partner asked to delete", "--db", db_url)
    assert new.returncode == 0, new.stderr
    assert new.stdout.startswith("#1") and "OVERDUE" in new.stdout  # one business day, five days ago
    listed = json.loads(run_cli("incident", "list", "--format", "json", "--db", db_url).stdout)
    assert listed[0]["overdue"] is True and listed[0]["deadlines"][0]["seconds_left"] < 0
    assert "#1" in run_cli("incident", "list", "--overdue", "--db", db_url).stdout

    upd = run_cli("incident", "update", "1", "--status", "reported", "--action", "Regulator notified",
                  "--by", "DPO", "--db", db_url)
    assert upd.returncode == 0, upd.stderr
    shown = json.loads(run_cli("incident", "show", "1", "--db", db_url).stdout)
    assert shown["status"] == "reported" and shown["reported_at"] is not None
    assert shown["actions"] == ["Partner asked to delete", "Regulator notified"]
    assert shown["overdue"] is False and len(shown["updates"]) == 1
    assert run_cli("incident", "list", "--overdue", "--db", db_url).stdout == ""

    titles = yaml.safe_load((__import__("senim.registry.deadlines", fromlist=["DATA"]).DATA).read_text("utf-8"))
    kz_rule = [r for r in titles["deadlines"] if r["id"] == "kz.personal_data.breach_notice"][0]
    for lang, words in {"en": ["Incident notice No. 1", "personal-data breach", "Regulator notified"],
                        "ru": ["Уведомление об инциденте № 1", "нарушение безопасности персональных данных"],
                        "kk": ["№ 1 оқиға туралы хабарлама", "Қабылданған шаралар"]}.items():
        out = tmp_path / f"notice.{lang}.txt"
        result = run_cli("incident", "report", "1", "--lang", lang, "--db", db_url, "-o", str(out))
        assert result.returncode == 0, result.stderr
        notice = out.read_text(encoding="utf-8")
        for word in words + [kz_rule["title"][lang], "44-VIII"]:
            assert word in notice, (lang, word)

    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        kinds = conn.execute(text("SELECT entry FROM ledger_entries ORDER BY seq")).scalars().all()
    db.dispose()
    assert [json.loads(k)["kind"] for k in kinds] == ["system.registered", "incident.opened", "incident.updated"]


def test_bad_incident_input_changes_nothing(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    base = ["incident", "new", "--severity", "high", "--summary", "s", "--db", db_url]
    for args, word in [
        (["--kind", "alien_invasion", "--system", "retail-credit-scoring"], "alien_invasion"),
        (["--kind", "misuse", "--system", "no-such-system"], "not registered"),
        (["--kind", "misuse", "--system", "retail-credit-scoring", "--aware-at", "yesterday"], "aware_at"),
        (["--kind", "misuse", "--system", "retail-credit-scoring", "--aware-at", "2026-11-01T10:00"], "offset"),
    ]:
        result = run_cli(*base, *args)
        assert result.returncode == 2 and result.stderr.startswith("senim: ") and word in result.stderr, result.stderr
    assert run_cli("incident", "update", "9", "--note", "x", "--db", db_url).returncode == 2
    assert run_cli("incident", "list", "--format", "json", "--db", db_url).stdout.strip() == "[]"
    assert "intact: 1 entries" in run_cli("ledger", "verify", "--db", db_url).stdout


def test_deadline_data_matches_the_law():
    from senim.registry.deadlines import DATA

    data = yaml.safe_load(DATA.read_text("utf-8"))
    rules = {r["id"]: r for r in data["deadlines"]}
    # Regulation (EU) 2024/1689 Art. 73(2), (4), (3); KZ Law No. 44-VIII: one business day
    assert rules["eu.art73.general"]["period"] == {"calendar_days": 15}
    assert rules["eu.art73.death"]["period"] == {"calendar_days": 10}
    assert rules["eu.art73.widespread"]["period"] == {"calendar_days": 2}
    assert rules["kz.personal_data.breach_notice"]["period"]["business_days"] == 1
    assert str(rules["kz.personal_data.breach_notice"]["from"]) == "2024-07-01"
    for rule in rules.values():
        assert rule["ref"] and rule["confidence"] in ("confirmed", "secondary", "unverified")
        assert set(rule["title"]) == {"kk", "ru", "en"} and all(rule["title"].values())
        assert set(rule["authority"]) == {"kk", "ru", "en"}
