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
    shown = json.loads(run_cli("incident", "show", "1", "--format", "json", "--db", db_url).stdout)
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
    from senim.law.pack import PACKS_DIR

    rules = {r["id"]: r for pack in ("kz", "eu")
             for r in yaml.safe_load((PACKS_DIR / pack / "data/incident-deadlines.yaml").read_text("utf-8"))["deadlines"]}
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


def _latin_words(line: str) -> list[str]:
    """Latin words left once the incident number, deadline ids and ISO times are taken out."""
    import re

    line = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)?", "", line)
    line = re.sub(r"\(UTC[+-]\d+\)", "", line)  # Kazakhstan's time, told with its offset
    return re.findall(r"[A-Za-z]+", line)


def test_incident_lines_speak_kazakh_and_russian(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    late = (datetime.now(timezone.utc) - timedelta(days=5)).isoformat(timespec="seconds")
    new = run_cli("incident", "new", "--kind", "personal_data_breach", "--severity", "high", "--lang", "kk",
                  "--system", "retail-credit-scoring", "--summary", "s", "--aware-at", late, "--db", db_url)
    assert new.returncode == 0, new.stderr
    line = new.stdout
    for word in ("дербес деректер қауіпсіздігінің бұзылуы", "жоғары", "ашық", "мерзімі", "МЕРЗІМІ ӨТТІ"):
        assert word in line, (word, line)
    assert _latin_words(line) == [], line
    # The deadline as the rule pack names it in Kazakh; its id only in the JSON.
    assert "Дербес деректер қауіпсіздігінің бұзылуы туралы хабарлама (Қазақстан)" in line, line
    assert "kz.personal_data.breach_notice" not in line
    listed = json.loads(run_cli("incident", "list", "--format", "json", "--db", db_url).stdout)
    assert listed[0]["deadlines"][0]["id"] == "kz.personal_data.breach_notice"

    fresh = run_cli("incident", "new", "--kind", "malfunction", "--severity", "critical", "--system",
                    "retail-credit-scoring", "--summary", "s", "--db", db_url)
    assert fresh.returncode == 0 and "malfunction" in fresh.stdout and "critical" in fresh.stdout  # en by default

    ru = run_cli("incident", "list", "--lang", "ru", "--db", db_url).stdout.splitlines()
    assert "нарушение безопасности персональных данных" in ru[0] and "высокая" in ru[0] and "открыт" in ru[0]
    assert "срок" in ru[0] and "ПРОСРОЧЕНО" in ru[0]
    assert "сбой в работе" in ru[1] and "критическая" in ru[1]
    assert all(_latin_words(line) == [] for line in ru), ru

    upd = run_cli("incident", "update", "1", "--status", "reported", "--note", "x", "--lang", "ru", "--db", db_url)
    assert upd.returncode == 0 and upd.stdout == "инцидент № 1: обновление 1 записано\n", upd.stdout
    kk = run_cli("incident", "update", "1", "--status", "closed", "--lang", "kk", "--db", db_url)
    assert kk.stdout == "№ 1 оқиға: 2-жаңарту тіркелді\n", kk.stdout
    shown = run_cli("incident", "show", "1", "--lang", "kk", "--db", db_url).stdout  # text in --lang by default
    first = shown.splitlines()[0]
    assert "жабық" in first and "(хабарланған)" in shown and "МЕРЗІМІ ӨТТІ" not in shown
    assert _latin_words(first) == [], first
    updates = [line for line in shown.splitlines() if "-жаңарту, " in line]
    assert updates[0].startswith("- 1-жаңарту, ") and updates[1].startswith("- 2-жаңарту, ")
    en = run_cli("incident", "show", "1", "--db", db_url).stdout
    assert "closed" in en.splitlines()[0] and " due " in en and "(reported)" in en
