"""Organisations that run their own Senim send the regulator a signed bundle.

A hospital's own registry (SQLite, its own home and ledger key) registers
a high-risk system, records an incident and a decision about a person, and
exports a bundle with `senim registry export --for-regulator`. The bundle
verifies offline (`senim registry verify`), holds no decision, and imports
into the regulator's server (the test world, SQLite or PostgreSQL) through
the upload page, where the regulator's view lists it beside the online
organisations, marked with its source and signature check. The same bundle
with any one byte changed, in any of its files, is refused and nothing is
stored.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))

from registry_helpers import run_cli  # noqa: E402
from web_helpers import AUTHORITY, BANK, CLINIC, DIGEST, manifest_yaml  # noqa: E402

HOSPITAL = "333340000036"  # weights 1..11 over 33334000003: 3+6+9+12+20+33 = 83, 83 mod 11 = 6
SUBJECT = "p-hospital-9c1d"


def _bin_check_digit(first11: str) -> int:
    """The BIN check digit as the Kazakh standard computes it (weights 1..11, then 3..11,1,2 if 10)."""
    digits = [int(c) for c in first11]
    total = sum(d * w for d, w in zip(digits, range(1, 12))) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    return total


def test_the_hospitals_bin_has_its_check_digit():
    assert _bin_check_digit(HOSPITAL[:11]) == int(HOSPITAL[-1])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The hospital's own Senim and its bundle."""
    tmp = tmp_path_factory.mktemp("own-senim")
    env = {"SENIM_HOME": str(tmp / "home")}
    db = str(tmp / "hospital.db")
    manifest = tmp / "triage.yaml"
    manifest.write_text(manifest_yaml("triage-assistant", HOSPITAL).replace("Example Clinic LLP", "City Hospital No. 7"),
                        encoding="utf-8")
    for args in (("org", "add", "City Hospital No. 7", "--bin", HOSPITAL),
                 ("register", str(manifest)),
                 ("incident", "new", "--kind", "malfunction", "--severity", "medium", "--system", "triage-assistant",
                  "--summary", "Wrong queue order for an hour")):
        done = run_cli(*args, "--db", db, env=env)
        assert done.returncode == 0, (args, done.stderr)
    decisions = tmp / "d.jsonl"
    decisions.write_text(json.dumps({"id": "D-1", "subject": SUBJECT, "system": "triage-assistant",
                                     "inputs_digest": DIGEST, "output": "urgent"}) + "\n", encoding="utf-8")
    done = run_cli("decisions", "record", str(decisions), "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    bundle = tmp / "bundle"
    done = run_cli("registry", "export", "--for-regulator", str(bundle), "--db", db, env=env)
    assert done.returncode == 0, done.stderr
    return bundle


def test_the_bundle_verifies_offline_and_holds_no_decision_about_a_person(exported):
    done = run_cli("registry", "verify", str(exported), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    verdict = json.loads(done.stdout)
    assert verdict["ok"] and verdict["organisation"] == {"name": "City Hospital No. 7", "bin": HOSPITAL}
    assert set(verdict["kinds"]) == {"organisation.added", "system.registered", "incident.opened"}
    everything = "".join(p.read_text(encoding="utf-8") for p in exported.iterdir())
    assert SUBJECT not in everything and "decision" not in json.dumps(verdict["kinds"])


def _changed(bundle: Path, tmp: Path, name: str, at: float) -> Path:
    copy = tmp / f"changed-{name}-{at}"
    shutil.copytree(bundle, copy)
    blob = bytearray((copy / name).read_bytes())
    index = int(len(blob) * at)
    blob[index] = ord("7") if blob[index] != ord("7") else ord("8")  # one byte, still UTF-8
    (copy / name).write_bytes(bytes(blob))
    return copy


@pytest.mark.parametrize("name", ["entries.jsonl", "checkpoint.json", "keys.json", "bundle.json", "README.txt"])
def test_one_changed_byte_in_any_file_is_refused_and_nothing_is_stored(exported, tmp_path, name):
    target = str(tmp_path / "regulator.db")
    assert run_cli("db", "upgrade", "--db", target).returncode == 0
    for at in (0.3, 0.6):
        copy = _changed(exported, tmp_path, name, at)
        verified = run_cli("registry", "verify", str(copy))
        assert verified.returncode == 1 and verified.stdout.startswith("refused: "), (name, at, verified.stdout)
        imported = run_cli("registry", "import", str(copy), "--db", target)
        assert imported.returncode == 2 and imported.stderr.startswith("senim: "), (name, imported.stderr)
        assert "Traceback" not in imported.stderr
    from senim.registry.db import Database
    from senim.registry.regbundle import bundles

    database = Database(target)
    assert bundles(database) == []
    database.dispose()
    assert run_cli("registry", "import", str(exported), "--db", target).returncode == 0


def _upload(world, folder: Path):
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sorted(folder.iterdir())]
    return world.client.post("/regulator/bundles", headers=world.cookie("regulator", AUTHORITY), files=files)


def test_the_regulator_imports_it_on_the_upload_page_and_sees_it_beside_the_online_ones(world, exported, tmp_path):
    refused = _upload(world, _changed(exported, tmp_path, "entries.jsonl", 0.5))
    assert refused.status_code == 422 and "entries.jsonl" in refused.text
    assert world.client.get("/api/v1/registry/systems?risk=all", headers=world.token("regulator", AUTHORITY)).json() \
        == [s for s in world.client.get("/api/v1/registry/systems?risk=all",
                                        headers=world.token("regulator", AUTHORITY)).json() if s["source"] == "online"]
    done = _upload(world, exported)
    assert done.status_code == 200, done.text[:500]
    assert "City Hospital No. 7" in done.text
    found = world.client.get("/api/v1/registry/systems?risk=high", headers=world.token("regulator", AUTHORITY)).json()
    bundled = [s for s in found if s["source"] == "bundle"]
    assert [(s["owner"], s["bin"], s["system"], s["kz_risk"], s["signature_ok"]) for s in bundled] == [
        ("City Hospital No. 7", HOSPITAL, "triage-assistant", "high", True)]
    assert bundled[0]["open_incidents"] == 1
    assert {s["bin"] for s in found if s["source"] == "online"} == {CLINIC}  # the world's own high-risk system
    inbox = world.client.get("/api/v1/registry/incidents", headers=world.token("regulator", AUTHORITY)).json()
    assert [i["summary"] for i in inbox if i["source"] == "bundle"] == ["Wrong queue order for an hour"]
    page = world.client.get("/regulator?lang=en", headers=world.cookie("regulator", AUTHORITY))
    assert "City Hospital No. 7" in page.text and "signature verified" in page.text
    # the same bundle again is kept once; an owner may not upload one
    assert _upload(world, exported).status_code == 200
    assert len([s for s in world.client.get("/api/v1/registry/systems?risk=high",
                                            headers=world.token("regulator", AUTHORITY)).json()
                if s["source"] == "bundle"]) == 1
    files = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in sorted(exported.iterdir())]
    assert world.client.post("/regulator/bundles", headers=world.cookie("admin", BANK), files=files).status_code == 403
