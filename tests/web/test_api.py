"""The API as a program uses it, on SQLite and PostgreSQL: systems, bad
manifests, assessments and their reports, evidence, incidents, decisions and
letters, and the ledger afterwards."""

from __future__ import annotations

import json

from web_helpers import BANK, CLINIC, DIGEST, manifest_yaml, wait_job


def test_a_token_of_one_organisation_sees_only_its_own_systems(world):
    bank = world.client.get("/api/v1/systems", headers=world.token("auditor", BANK)).json()
    clinic = world.client.get("/api/v1/systems", headers=world.token("auditor", CLINIC)).json()
    # exactly what each registered in the world's seed (web_helpers._seed), nothing of the other's
    assert sorted(s["id"] for s in bank) == ["retail-credit-scoring"]
    assert sorted(s["id"] for s in clinic) == ["retail-credit-scoring", "triage-assistant"]
    # Both hold a system with the same id: each sees its own manifest (its own BIN).
    for org in (BANK, CLINIC):
        record = world.client.get("/api/v1/systems/retail-credit-scoring", headers=world.token("auditor", org)).json()
        assert record["manifest"]["owner"]["bin"] == org
    assert world.client.get("/api/v1/systems/triage-assistant", headers=world.token("admin", BANK)).status_code == 404


def test_a_bad_manifest_is_422_with_each_problem_at_its_line_and_field(world):
    text = manifest_yaml("retail-credit-scoring", BANK).replace('bin: "940140000385"', 'bin: "940140000386"')
    text = text.replace("human_oversight: can_override", "human_oversight: sometimes")
    done = world.client.post("/api/v1/systems", headers={**world.token("engineer"), "content-type": "application/yaml"},
                             content=text.encode())
    assert done.status_code == 422
    errors = done.json()["errors"]
    by_field = {e["field"]: e for e in errors}
    assert by_field["owner.bin"]["line"] == 4 and "check digit" in by_field["owner.bin"]["problem"]
    assert by_field["human_oversight"]["line"] == 8
    before = world.client.get("/api/v1/systems", headers=world.token("engineer")).json()
    assert all(s["id"] != "x" for s in before)


def test_a_manifest_as_json_registers_and_a_changed_one_is_a_new_version(world):
    import yaml

    document = yaml.safe_load(manifest_yaml("support-assistant", BANK))
    headers = world.token("compliance")
    first = world.client.post("/api/v1/systems", headers=headers, json=document)
    assert first.status_code == 201 and first.json()["status"] in ("added", "unchanged")
    again = world.client.post("/api/v1/systems", headers=headers, json=document)
    assert again.json()["status"] == "unchanged"
    document["name"] = "Support assistant, second edition"
    changed = world.client.post("/api/v1/systems", headers=headers, json=document).json()
    assert changed["status"] == "new_version" and changed["version"] == again.json()["version"] + 1
    record = world.client.get("/api/v1/systems/support-assistant", headers=headers).json()
    assert [v["version"] for v in record["versions"]][-1] == changed["version"]
    assert record["classification"]["kz"]["obligations"]  # the library's classification, stored
    obligations = world.client.get("/api/v1/systems/support-assistant/obligations", headers=headers).json()
    assert {o["id"] for o in obligations} >= {o["id"] for o in record["classification"]["kz"]["obligations"]}


def test_an_assessment_runs_as_a_job_and_its_report_comes_in_every_format(world):
    headers = world.token("engineer")
    job = world.client.post("/api/v1/systems/retail-credit-scoring/assessments", headers=headers, json={"lang": "ru"})
    assert job.status_code == 202 and job.json()["status"] in ("queued", "running", "done")
    done = wait_job(world, job.json()["id"], headers)
    number = done["result"]["assessment"]
    record = world.client.get(f"/api/v1/assessments/{number}", headers=headers).json()
    report = record["report"]
    # The uploaded evidence answered its obligation ("partly", as given by the bank's admin).
    risk = next(o for o in report["obligations"] if o["id"] == "kz.owner.risk_management")
    assert risk["status"] == "partly_met" and risk["evidence"]
    assert report["lang"] == "ru"
    for fmt, starts in (("pdf", b"%PDF-"), ("html", b"<!doctype html"), ("json", b"{"), ("sarif", b"{"),
                        ("markdown", b"#")):
        got = world.client.get(f"/api/v1/assessments/{number}/report", params={"format": fmt}, headers=headers)
        assert got.status_code == 200 and got.content.lower().startswith(starts.lower()), fmt
        assert got.headers["content-disposition"].startswith("attachment;")
    from senim.report.signing import verify

    signed = world.client.get(f"/api/v1/assessments/{number}/report", params={"format": "json"}, headers=headers)
    assert verify(signed.content)[0], verify(signed.content)


def test_evidence_keeps_its_cyrillic_name_and_comes_back_as_an_attachment(world):
    headers = world.token("admin")
    record = world.client.get(f"/api/v1/evidence/{world.own['evidence']}", headers=headers).json()
    assert record["file_name"] == "Тәуекелдер жоспары.pdf" and record["media_type"] == "application/pdf"
    assert record["by"] == f"admin@{BANK}.kz"
    got = world.client.get(f"/api/v1/evidence/{world.own['evidence']}/file", headers=headers)
    assert got.content == b"%PDF-1.4\n% a risk plan\n"
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"__________________.pdf\"; "
        "filename*=UTF-8''%D0%A2%D3%99%D1%83%D0%B5%D0%BA%D0%B5%D0%BB%D0%B4%D0%B5%D1%80%20"
        "%D0%B6%D0%BE%D1%81%D0%BF%D0%B0%D1%80%D1%8B.pdf")
    from urllib.parse import unquote

    charset, _language, value = got.headers["content-disposition"].split("filename*=", 1)[1].split("'", 2)
    assert charset == "UTF-8" and unquote(value, encoding=charset) == "Тәуекелдер жоспары.pdf"
    assert got.headers["x-content-type-options"] == "nosniff"


def test_incidents_carry_their_deadlines_and_updates_are_ledgered(world):
    headers = world.token("compliance")
    incident = world.client.get(f"/api/v1/incidents/{world.own['incident']}", headers=headers).json()
    assert incident["kind"] == "personal_data_breach" and incident["deadlines"]
    assert incident["aware_by"] == f"admin@{BANK}.kz"
    done = world.client.post(f"/api/v1/incidents/{world.own['incident']}/updates", headers=headers,
                             json={"status": "reported", "note": "sent to the authority"})
    assert done.status_code == 201
    notice = world.client.get(f"/api/v1/incidents/{world.own['incident']}/notice", headers=headers,
                              params={"lang": "kk"}).json()
    assert "#" in notice["letter"] or notice["letter"]
    listed = world.client.get("/api/v1/incidents", headers=headers).json()
    assert all(set(i["systems"]) <= {"retail-credit-scoring", "support-assistant"} for i in listed)


def test_decisions_are_recorded_once_and_a_letter_read_is_ledgered(world):
    headers = {**world.token("engineer"), "content-type": "application/x-ndjson"}
    batch = "\n".join(json.dumps({"id": f"D-api-{n}", "subject": "p-api-7f3a", "system": "retail-credit-scoring",
                                  "inputs_digest": DIGEST, "output": "declined", "reasons": ["income"]})
                      for n in range(3)) + "\n"
    first = world.client.post("/api/v1/decisions", headers=headers, content=batch.encode()).json()
    again = world.client.post("/api/v1/decisions", headers=headers, content=batch.encode()).json()
    assert len(first["new"]) == 3 and again["already"] == 3 and again["new"] == []
    bad = world.client.post("/api/v1/decisions", headers=headers, content=b'{"subject": "p-1"}\n')
    assert bad.status_code == 422 and bad.json()["errors"][0]["line"] == 1
    # An engineer may record but not read letters; a compliance officer reads one, and the reading is ledgered.
    assert world.client.post("/api/v1/decisions/letter", headers=world.token("engineer"),
                             json={"subject": "p-api-7f3a"}).status_code == 403
    letter = world.client.post("/api/v1/decisions/letter", headers=world.token("compliance"),
                               json={"subject": "p-api-7f3a", "lang": "kk"})
    # The decision in the reader's words: «қабылданбады» is Kazakh for "declined"; the code itself stays out.
    assert letter.status_code == 200 and "қабылданбады" in letter.json()["letter"]
    assert "declined" not in letter.json()["letter"]
    entries = _org_entries(world, BANK)
    read = [e for e in entries if e["kind"] == "disclosure.letter_read"]
    assert read and read[-1]["actor"]["user"] == f"compliance@{BANK}.kz"
    assert read[-1]["data"]["subject"] == "p-api-7f3a" and len(read[-1]["data"]["decisions"]) == 3


def _org_entries(world, org: str) -> list[dict]:
    from senim.registry.ledgerview import entries
    from senim.registry.tenancy import Actor, organisation

    with world.app.state.db.read() as conn:
        number = organisation(conn, bin_=org)["id"]
    return list(reversed(entries(world.app.state.db, Actor(org=number), limit=10_000)))


def test_every_web_write_is_ledgered_naming_who_and_the_ledger_verifies(world):
    verdict = world.client.get("/api/v1/ledger/verify", headers=world.token("auditor")).json()
    assert verdict["ok"], verdict
    entries = _org_entries(world, BANK)
    kinds = {e["kind"] for e in entries}
    assert {"system.registered", "evidence.added", "assessment.recorded", "incident.opened", "decision.recorded",
            "user.added", "token.added"} <= kinds
    web = [e for e in entries if e.get("actor", {}).get("via", "").startswith("token:")]
    assert web and all(e["actor"]["user"].endswith(f"@{BANK}.kz") for e in web)
    # The clinic's entries are not the bank's.
    clinic = {e["seq"] for e in _org_entries(world, CLINIC)}
    assert not clinic & {e["seq"] for e in entries}


def test_an_entry_proof_and_the_export_check_offline(world):
    from senim.ledger import keys
    from senim.ledger.store import check_proof

    headers = world.token("auditor")
    seq = world.own["ledger_seq"]
    proof = world.client.get(f"/api/v1/ledger/entries/{seq}/proof", headers=headers).json()
    bundle = world.client.get("/api/v1/ledger/export", headers=headers).json()
    public = {kid: keys.load_public_pem(pem) for kid, pem in bundle["keys"].items()}
    assert check_proof(proof, public)
    assert bundle["entries"] and all(check_proof(p, public) for p in bundle["entries"])
    forged = {**proof, "entry_text": proof["entry_text"].replace('"version":1', '"version":2')}
    assert not check_proof(forged, public)
    other = world.client.get(f"/api/v1/ledger/entries/{world.other['ledger_seq']}/proof", headers=headers)
    assert other.status_code == 404


def test_senim_ledger_verify_passes_on_the_same_database(world):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "from senim.cli import main; main()", "ledger", "verify",
                           "--db", world.url], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "SENIM_HOME": str(world.home)})
    assert done.returncode == 0 and "intact" in done.stdout, done.stdout + done.stderr


def test_healthz(world):
    got = world.client.get("/healthz")
    from senim.registry.db import head_revision

    assert got.json() == {"ok": True, "schema_version": head_revision()}
