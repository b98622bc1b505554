"""Incident notices carry who notifies and how to reach them, how many people
and which data, times in Kazakhstan's time, and say in words why no deadline
applies; a high-risk EU system that harms health gets the Art. 73 deadline."""

from __future__ import annotations

from registry_helpers import run_cli, write_manifest

TRIAGE_EU = """\
format: "1.0"
id: ed-triage
name: Emergency department triage
owner: {name: City Clinical Hospital No. 7, bin: "940140000385", size: large, contact: "dpo@hospital7.kz"}
markets: [KZ, EU]
uses: [essential_services.emergency_triage]
failure_impact: [life_health]
human_oversight: can_override
"""


def test_harm_to_health_on_an_eu_high_risk_system_gets_art_73(db_url, tmp_path):
    path = tmp_path / "triage.yaml"
    path.write_text(TRIAGE_EU, encoding="utf-8")
    assert run_cli("register", str(path), "--db", db_url).returncode == 0
    new = run_cli("incident", "new", "--kind", "harm_to_health", "--severity", "critical", "--system", "ed-triage",
                  "--summary", "Triage under-scored a stroke patient", "--aware-at", "2026-11-28T04:00:00Z",
                  "--affected", "1", "--db", db_url)
    assert new.returncode == 0, new.stderr
    notice = run_cli("incident", "report", "1", "--db", db_url).stdout.replace("\u202f", " ")
    # Art. 73(2): within 15 days of becoming aware: 28 Nov 09:00 in Almaty + 15 days.
    assert "within 15 days" in notice and "13 December 2026, 09:00 (UTC+5)" in notice
    assert "City Clinical Hospital No. 7, BIN 940140000385" in notice and "dpo@hospital7.kz" in notice
    assert "Became aware: 28 November 2026, 09:00 (UTC+5)" in notice  # 04:00 UTC, told in local time
    assert "People affected: 1" in notice
    assert "T04:00" not in notice and "Z," not in notice


def test_no_deadline_is_explained_in_words(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    run_cli("incident", "new", "--kind", "harm_to_health", "--severity", "high", "--system", "retail-credit-scoring",
            "--summary", "s", "--aware-at", "2026-11-28T09:00:00+05:00", "--db", db_url)
    for lang, words in {"en": ("no notification deadline", "high-risk systems on the EU market", "personal-data breaches only"),
                        "ru": ("потому что", "систем высокого риска на рынке ЕС", "только нарушений безопасности персональных данных"),
                        "kk": ("себебі", "жоғары тәуекелді жүйелер", "тек дербес деректер")}.items():
        notice = run_cli("incident", "report", "1", "--lang", lang, "--db", db_url).stdout
        for word in words:
            assert word in notice, (lang, word)


def test_breach_notice_names_the_data_and_the_people_in_russian(db_url, tmp_path):
    assert run_cli("register", str(write_manifest(tmp_path, "retail-credit-scoring")), "--db", db_url).returncode == 0
    run_cli("incident", "new", "--kind", "personal_data_breach", "--severity", "high", "--system", "retail-credit-scoring",
            "--summary", "s", "--aware-at", "2026-11-30T10:00:00+05:00", "--affected", "1200", "--db", db_url)
    notice = run_cli("incident", "report", "1", "--lang", "ru", "--db", db_url).stdout.replace("\xa0", " ").replace("\u202f", " ")
    assert "Организация: Example Bank JSC, БИН 940140000385" in notice
    assert "Затронуто людей: 1 200" in notice
    assert "идентификаторы" in notice and "финансовые данные" in notice  # the manifest's categories, in words
    assert "Закон Республики Казахстан № 94-V «О персональных данных и их защите»" in notice  # the citation in Russian
    assert "Law of the Republic" not in notice and "secondary" not in notice
    # 30 Nov 2026 is a Monday: the next working day is 1 Dec, due at its end (2 Dec 00:00 in Almaty).
    assert "срок: 2 декабря 2026 г., 00:00 (UTC+5)" in notice
