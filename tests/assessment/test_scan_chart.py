"""A personal-data scan in the evidence section: its findings by column reach the report and its chart."""

from __future__ import annotations

import json

from tests.assessment.assess_helpers import BASE, run, write


def test_scan_findings_by_column(tmp_path):
    data = tmp_path / "training"
    data.mkdir()
    rows = ["email,amount,comment", "aigerim@example.kz,100,ok", "daniyar@example.com,200,late",
            "olga.petrova@example.ru,300,ok", "no-address,400,ok"]
    (data / "loans.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    text = (BASE + "personal_data: {categories: [contact], subjects: 4, legal_basis: consent, stored_in_kz: true}\n"
            + "evidence:\n  kz.principle.data_protection:\n    check: scan\n    path: training\n    max_findings: 0\n")
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--run-checks", "--format", "json", home=tmp_path / "home")
    # More personal data than the evidence entry allows is a measured failure: it blocks.
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    entry = next(o for o in report["obligations"] if o["id"] == "kz.principle.data_protection")
    assert entry["status"] == "not_met" and entry["blocking"]  # three addresses written above, limit 0
    assert report["gaps"][0] == "kz.principle.data_protection"
    assert entry["evidence"][0]["result"]["by_place"] == {"loans.csv:email": 3}
    chart = next(c for c in report["charts"] if c["kind"] == "personal_data")
    assert chart["places"] == [{"label": "loans.csv:email", "value": 3}]
    html = run("assess", manifest, "--run-checks", "--format", "html", home=tmp_path / "home").stdout
    assert html.count("<svg") == 2 and "loans.csv:email" in html
    # Marked advisory, the same finding is told and does not block.
    write(tmp_path, text + "    advisory: true\n")
    done = run("assess", manifest, "--run-checks", "--format", "json", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    entry = next(o for o in json.loads(done.stdout)["obligations"] if o["id"] == "kz.principle.data_protection")
    assert entry["status"] == "not_met" and not entry["blocking"]
    # With a limit of three, the same data meets the owner's own rule.
    write(tmp_path, text.replace("max_findings: 0", "max_findings: 3"))
    report = json.loads(run("assess", manifest, "--run-checks", "--format", "json", home=tmp_path / "home").stdout)
    assert next(o for o in report["obligations"] if o["id"] == "kz.principle.data_protection")["status"] == "met"
