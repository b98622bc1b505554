"""Registering systems: versions kept, filters on the stored classification."""

from __future__ import annotations

import json

from sqlalchemy import text

from registry_helpers import run_cli, write_manifest


def test_register_keeps_every_version(db_url, tmp_path):
    manifest = write_manifest(tmp_path, "retail-credit-scoring")
    first = run_cli("register", str(manifest), "--db", db_url, "--format", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)[0] == {"system": "retail-credit-scoring", "version": 1, "status": "added",
                                           "ledger_seq": 1}
    again = run_cli("register", str(manifest), "--db", db_url, "--format", "json")
    assert json.loads(again.stdout)[0]["status"] == "unchanged"
    changed = tmp_path / "v2.yaml"
    changed.write_text(manifest.read_text().replace("[moral_or_material_harm]", "[life_health]"))
    second = run_cli("register", str(changed), "--db", db_url, "--format", "json")
    assert json.loads(second.stdout)[0]["version"] == 2

    latest = json.loads(run_cli("show", "retail-credit-scoring", "--db", db_url, "--format", "json").stdout)
    old = json.loads(run_cli("show", "retail-credit-scoring", "--version", "1", "--db", db_url,
                             "--format", "json").stdout)
    assert latest["version"] == 2 and [v["version"] for v in latest["versions"]] == [1, 2]
    # Art. 17(1): harm to life and health makes a system high-risk; material harm medium
    assert latest["kz_risk"] == "high" and latest["classification"]["kz"]["risk"] == "high"
    assert old["kz_risk"] == "medium" and old["manifest"]["failure_impact"] == ["moral_or_material_harm"]
    missing = run_cli("show", "retail-credit-scoring", "--version", "7", "--db", db_url)
    assert missing.returncode == 2 and "no version 7" in missing.stderr


def test_systems_filter_on_stored_risk(db_url, tmp_path):
    paths = [write_manifest(tmp_path, s) for s in ("retail-credit-scoring", "triage-assistant", "support-assistant")]
    result = run_cli("register", *map(str, paths), "--db", db_url)
    assert result.returncode == 0, result.stderr
    high = json.loads(run_cli("systems", "--risk", "high", "--db", db_url, "--format", "json").stdout)
    assert [s["id"] for s in high] == ["triage-assistant"]  # life_health: Art. 17(1)
    medium = json.loads(run_cli("systems", "--risk", "medium", "--db", db_url, "--format", "json").stdout)
    assert [s["id"] for s in medium] == ["retail-credit-scoring", "support-assistant"]
    eu_high = json.loads(run_cli("systems", "--eu-category", "high", "--db", db_url, "--format", "json").stdout)
    assert [s["id"] for s in eu_high] == ["triage-assistant"]  # Annex III 5(d) emergency triage
    csv_out = run_cli("systems", "--db", db_url, "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,name,version") and len(csv_out) == 4
    bad = run_cli("systems", "--risk", "extreme", "--db", db_url)
    assert bad.returncode == 2 and bad.stderr.startswith("senim: --risk")


def test_db_chosen_by_env_and_default_path(tmp_path):
    manifest = write_manifest(tmp_path, "support-assistant")
    work = tmp_path / "work"
    work.mkdir()
    assert run_cli("register", str(manifest), cwd=work).returncode == 0
    assert (work / "senim.db").exists()
    env_db = tmp_path / "env.db"
    assert run_cli("register", str(manifest), env={"SENIM_DB": str(env_db)}, cwd=work).returncode == 0
    listed = run_cli("systems", "--format", "json", env={"SENIM_DB": str(env_db)}, cwd=work)
    assert [s["id"] for s in json.loads(listed.stdout)] == ["support-assistant"]


def test_bad_manifest_changes_nothing(db_url, tmp_path):
    good = write_manifest(tmp_path, "retail-credit-scoring")
    assert run_cli("register", str(good), "--db", db_url).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text().replace("can_override", "sometimes"))
    other = write_manifest(tmp_path, "triage-assistant")
    result = run_cli("register", str(other), str(bad), "--db", db_url, fresh=True)
    assert result.returncode == 2
    assert result.stderr.startswith(f"senim: {bad}") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM systems")).scalar_one() == 1
    db.dispose()


def test_db_upgrade_creates_and_is_idempotent(db_url):
    from senim.registry.db import head_revision

    head = head_revision()
    first = run_cli("db", "upgrade", "--db", db_url)
    assert first.returncode == 0 and f"empty -> {head}" in first.stdout, first.stderr
    second = run_cli("db", "upgrade", "--db", db_url)
    assert second.returncode == 0 and f"{head} -> {head}" in second.stdout
    from senim.registry import Database

    db = Database(db_url)
    with db.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head
    db.dispose()


def test_unreachable_or_unknown_database_is_bad_input(tmp_path):
    result = run_cli("systems", "--db", "postgresql://nobody@127.0.0.1:1/none", fresh=True)
    assert result.returncode == 2 and result.stderr.startswith("senim: ") and "Traceback" not in result.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    result = run_cli("systems", "--db", str(junk))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run_cli("systems", "--db", "mysql://x/y")
    assert result.returncode == 2
