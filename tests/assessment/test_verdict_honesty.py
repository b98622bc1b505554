"""The verdict never reads as a pass when it is not: breaches the manifest
states are not met at their line, measured failures block and come first,
and the headline says how many obligations have no evidence, in every format."""

from __future__ import annotations

import json
import re

import pytest

from tests.assessment.assess_helpers import BASE, CREDIT, line_of, run, write

PERSONAL = "personal_data:\n  categories: [identifiers]\n  subjects: 5000\n  legal_basis: consent\n  stored_in_kz: true\n"


def _assess(tmp_path, text, *args):
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--format", "json", *args, home=tmp_path / "home")
    return manifest, done, json.loads(done.stdout)


def _entry(report, oid):
    return next(o for o in report["obligations"] if o["id"] == oid)


def test_stored_in_kz_false_is_not_met_at_its_line(tmp_path):
    manifest, done, report = _assess(tmp_path, BASE + PERSONAL.replace("stored_in_kz: true", "stored_in_kz: false"))
    entry = _entry(report, "kz.pd.localisation")
    assert entry["status"] == "not_met"
    assert entry["line"] == line_of(manifest, "stored_in_kz:")
    assert entry["field"] == "personal_data.stored_in_kz"
    assert str(entry["line"]) in entry["reason"]
    # Evidence claiming the contrary does not hide what the manifest states.
    text = BASE + PERSONAL.replace("stored_in_kz: true", "stored_in_kz: false") + (
        "evidence:\n  kz.pd.localisation:\n    answer: yes\n    by: DPO\n    on: 2026-09-15\n")
    _, _, report = _assess(tmp_path, text)
    assert _entry(report, "kz.pd.localisation")["status"] == "not_met"
    # Stored in Kazakhstan and no evidence: not assessed, as before.
    _, _, report = _assess(tmp_path, BASE + PERSONAL)
    assert _entry(report, "kz.pd.localisation")["status"] == "not_assessed"


def test_no_legal_basis_and_subjects_without_basis(tmp_path):
    manifest, _, report = _assess(tmp_path, BASE + PERSONAL.replace("legal_basis: consent", "legal_basis: none"))
    consent = _entry(report, "kz.pd.consent")
    assert consent["status"] == "not_met" and consent["line"] == line_of(manifest, "legal_basis:")
    manifest, _, report = _assess(tmp_path, BASE + PERSONAL.replace("  legal_basis: consent\n", ""))
    consent = _entry(report, "kz.pd.consent")
    assert consent["status"] == "not_met" and consent["line"] == line_of(manifest, "subjects:")
    assert "5000" in consent["reason"]


def _credit_copy(tmp_path, threshold_lines):
    text = (CREDIT / "senim.yaml").read_text(encoding="utf-8")
    text = text.replace("data: decisions.parquet", f"data: {CREDIT / 'decisions.parquet'}")
    text = text.replace("model: model.skops", f"model: {CREDIT / 'model.skops'}")
    text = text.replace("data: applicants.csv", f"data: {CREDIT / 'applicants.csv'}")
    text = text.replace("    max_difference: 0.1\n", threshold_lines)
    return text


@pytest.mark.parametrize("threshold", ["    max_difference: 0.01\n", "    min_ratio: 0.95\n"], ids=["difference", "ratio"])
def test_failing_fairness_threshold_blocks_and_comes_first(tmp_path, threshold):
    text = _credit_copy(tmp_path, threshold).replace("    repeats: 3\n", "    repeats: 1\n")
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--run-checks", "--format", "json", "--evidence-root", CREDIT,
               home=tmp_path / "home", timeout=300)  # the data stays in the example's folder
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["gaps"][0] == "kz.principle.fairness_equality"
    first = _entry(report, "kz.principle.fairness_equality")
    assert first["status"] == "not_met" and first["blocking"] and first["measured_failure"]
    # Every not-assessed gap comes after it.
    statuses = [_entry(report, g)["status"] for g in report["gaps"]]
    assert "not_assessed" not in statuses[:1] and statuses.index("not_assessed") > 0
    # The evidence entry may call the threshold advisory: told, not blocking.
    write(tmp_path, text.replace(threshold, threshold + "    advisory: true\n"))
    done = run("assess", manifest, "--run-checks", "--format", "json", "--evidence-root", CREDIT,
               home=tmp_path / "home", timeout=300)  # the data stays in the example's folder
    assert done.returncode == 0, done.stderr
    entry = _entry(json.loads(done.stdout), "kz.principle.fairness_equality")
    assert entry["status"] == "not_met" and not entry["blocking"]


def test_headline_names_the_obligations_without_evidence_in_every_format(tmp_path):
    manifest = write(tmp_path, BASE + PERSONAL)
    report = json.loads(run("assess", manifest, "--format", "json", home=tmp_path / "home").stdout)
    owed = [o for o in report["obligations"] if o["status"] != "not_applicable"]
    unknown = sum(1 for o in owed if o["status"] == "not_assessed")
    assert unknown and report["verdict"] == "gaps"
    expected = f"{unknown} of {len(owed)} obligations have no evidence; 0 blocking gaps found among the {len(owed) - unknown} assessed"
    assert report["headline"] == expected
    for fmt in ("text", "markdown", "html"):
        out = run("assess", manifest, "--format", fmt, home=tmp_path / "home").stdout
        assert expected in out, fmt
    sarif = json.loads(run("assess", manifest, "--format", "sarif", home=tmp_path / "home").stdout)
    assert sarif["runs"][0]["properties"]["headline"] == expected
    ru = run("assess", manifest, "--format", "text", "--lang", "ru", home=tmp_path / "home").stdout
    assert f"по {unknown} из {len(owed)} обязанностей" in ru
    # The old reading ("No blocking gap, but N gaps") is gone from every language.
    assert "No blocking gap, but" not in run("assess", manifest, home=tmp_path / "home").stdout


def test_text_lists_every_obligation_and_says_no_fine_once(tmp_path):
    manifest = write(tmp_path, BASE + PERSONAL)
    report = json.loads(run("assess", manifest, "--format", "json", home=tmp_path / "home").stdout)
    out = run("assess", manifest, home=tmp_path / "home").stdout
    listed = out.split("All obligations", 1)[1]
    assert len(re.findall(r"^  • ", listed, re.M)) == len(report["obligations"])
    unfined = [g for g in report["gaps"] if not _entry(report, g).get("fine")]
    assert unfined
    assert out.count("set no fine") == 1 and "No fine is stated" not in out
    assert "At stake" not in out and "a legal duty" in out


def test_fines_shown_for_the_owners_size_in_mrp_tenge_and_euro(tmp_path):
    text = (BASE.replace("markets: [KZ]", "markets: [KZ, EU]")
            + "synthetic_content:\n  media: [image]\n  imitates_real_persons: true\n")
    out = run("assess", write(tmp_path, text), home=tmp_path / "home").stdout
    # KZ Code of Administrative Offences Art. 641-1 for a large business: 100 MRP, 200 MRP repeated;
    # MRP 2026 = 4,325 tenge (the budget law), so 432,500 and 865,000 tenge.
    assert "large business: 100 MRP (432,500 ₸) the first time, 200 MRP (865,000 ₸)" in out
    assert "€15,000,000" in out  # EU AI Act Art. 99(4)
    assert "small business" not in out  # the owner's size only
    ru = run("obligations", write(tmp_path, text), "--lang", "ru", home=tmp_path / "home").stdout
    assert "крупный бизнес: впервые 100 МРП (432 500 ₸)" in ru.replace("\u00a0", " ")
