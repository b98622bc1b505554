"""The AI literacy register: training records with a certificate kept as
evidence, who operates which system, per organisation; an assessment counts
the register as evidence for EU AI Act Art. 4 (eu.art4.ai_literacy)."""

from __future__ import annotations

import hashlib

from web_helpers import BANK, CLINIC, manifest_yaml, wait_job

SYSTEM = "support-assistant"  # markets [KZ, EU]: Art. 4 applies to it
CERTIFICATE = b"%PDF-1.4\n% certificate of completion: AI basics for operators\n%%EOF\n"


def _art4(world, headers) -> dict:
    job = world.client.post(f"/api/v1/systems/{SYSTEM}/assessments", headers=headers, json={"lang": "en"}).json()
    number = wait_job(world, job["id"], headers)["result"]["assessment"]
    report = world.client.get(f"/api/v1/assessments/{number}", headers=headers).json()["report"]
    return next(o for o in report["obligations"] if o["id"] == "eu.art4.ai_literacy")


def test_the_register_is_evidence_for_art4_in_an_assessment(world):
    admin = world.token("admin")
    done = world.client.post("/api/v1/systems", headers={**admin, "content-type": "application/yaml"},
                             content=manifest_yaml(SYSTEM, BANK).encode())
    assert done.status_code == 201, done.text
    person = f"operator@{BANK}.kz"
    added = world.client.post("/api/v1/literacy/operators", headers=world.token("compliance"),
                              json={"person": person, "system": SYSTEM, "since": "2026-09-01"})
    assert added.status_code == 201, added.text
    untrained = _art4(world, admin)
    [item] = [e for e in untrained["evidence"] if "literacy" in str(e)]
    assert untrained["status"] != "met"

    sent = world.client.post("/api/v1/literacy/trainings", headers=world.token("compliance"),
                             data={"person": person, "course": "ЖИ негіздері операторларға", "date": "2026-10-15",
                                   "hours": "8", "provider": "Astana Hub"},
                             files={"file": ("Сертификат.pdf", CERTIFICATE, "application/pdf")})
    assert sent.status_code == 201, sent.text
    record = sent.json()
    assert record["certificate"]["sha256"] == hashlib.sha256(CERTIFICATE).hexdigest()
    assert record["certificate"]["file_name"] == "Сертификат.pdf" and record["hours"] == 8.0
    trained = _art4(world, admin)
    assert trained["status"] == "met", trained


def test_who_may_read_and_write_and_the_other_organisation_sees_nothing(world):
    assert world.client.post("/api/v1/literacy/operators", headers=world.token("engineer"),
                             json={"person": "x@bank.kz", "system": "retail-credit-scoring"}).status_code == 403
    assert world.client.get("/api/v1/literacy", headers=world.token("engineer")).status_code == 200
    mine = world.client.post("/api/v1/literacy/operators", headers=world.token("admin"),
                             json={"person": f"analyst@{BANK}.kz", "system": "retail-credit-scoring"})
    assert mine.status_code == 201
    again = world.client.post("/api/v1/literacy/operators", headers=world.token("admin"),
                              json={"person": f"analyst@{BANK}.kz", "system": "retail-credit-scoring"})
    assert again.status_code == 422 and "already" in again.json()["errors"][0]["problem"]
    theirs = world.client.post("/api/v1/literacy/operators", headers=world.token("admin"),
                               json={"person": "x@bank.kz", "system": "triage-assistant"})  # the clinic's system
    assert theirs.status_code == 404
    assert all(p["person"].endswith(f"@{CLINIC}.kz") or not p["operates"]
               for p in world.client.get("/api/v1/literacy", headers=world.token("admin", CLINIC)).json())
    assert f"analyst@{BANK}.kz" not in world.client.get("/api/v1/literacy", headers=world.token("admin", CLINIC)).text


def test_bad_records_are_one_sentence_each(world):
    base = {"person": f"p@{BANK}.kz", "course": "AI", "date": "2026-10-01", "hours": "2", "provider": "X"}
    for change, field in (({"hours": "0"}, "hours"), ({"date": "2026-13-01"}, "date"), ({"course": ""}, "course"),
                          ({"person": "ЖСН 850315400124"}, "person")):
        done = world.client.post("/api/v1/literacy/trainings", headers=world.token("admin"), data={**base, **change},
                                 files={"file": ("", b"", "application/octet-stream")})  # multipart, no certificate
        assert done.status_code == 422 and done.json()["errors"][0]["field"] == field, (change, done.text)
    html = world.client.post("/api/v1/literacy/trainings", headers=world.token("admin"), data=base,
                             files={"file": ("c.html", b"<html><script>x</script></html>", "text/html")})
    assert html.status_code == 415


def test_the_page_in_kazakh(world):
    page = world.client.get("/literacy?lang=kk", headers=world.cookie("auditor"))
    assert page.status_code == 200 and "ЖИ сауаттылығының тізілімі" in page.text
    assert "Оқуды тіркеу" not in page.text  # an auditor reads only
    form = world.client.post("/literacy/operators?lang=kk", headers=world.cookie("compliance"),
                             data={"person": f"clerk@{BANK}.kz", "system": "retail-credit-scoring"},
                             follow_redirects=False)
    assert form.status_code == 303
    assert f"clerk@{BANK}.kz" in world.client.get("/literacy", headers=world.cookie("compliance")).text
