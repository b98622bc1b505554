"""The evidence section: friendly bad-input errors, answers, checks against their yardsticks."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.assessment.assess_helpers import BASE, CREDIT, line_of, run, write

ANSWER = "    answer: yes\n    by: Legal department\n    on: 2026-09-15\n"


@pytest.mark.parametrize("evidence, field, words", [
    ("  kz.users.agreemnt:\n" + ANSWER, "kz.users.agreemnt", "no such obligation; did you mean kz.users.agreement"),
    ("  kz.users.agreement:\n    answer: maybe\n    by: X\n    on: 2026-09-15\n", "answer:", "'maybe' is not one of yes, partly, no"),
    ("  kz.users.agreement:\n    answer: yes\n    by: X\n    on: 15.09.2026\n", "on:", "is not a date written YYYY-MM-DD"),
    ("  kz.users.agreement:\n    answer: yes\n    on: 2026-09-15\n", "kz.users.agreement:", "evidence.kz.users.agreement.by is missing"),
    ("  kz.users.agreement:\n    document: missing.pdf\n" + ANSWER, "document:", "missing.pdf: no such file or folder"),
    ("  kz.principle.fairness_equality:\n    check: fairness\n    data: log.csv\n    target: y\n", "kz.principle.fairness_equality:", "prediction is missing; the fairness check needs it"),
    ("  kz.principle.fairness_equality:\n    check: fairnes\n", "check:", "'fairnes' is not one of fairness, scan, verify, explain"),
    ("  kz.principle.fairness_equality:\n    check: scan\n    path: .\n    treshold: 3\n", "treshold:", "is not a parameter of the scan check"),
    ("  kz.users.agreement: yes\n", "kz.users.agreement:", "expected a mapping"),
])
def test_bad_evidence_names_file_line_and_field(tmp_path, evidence, field, words):
    (tmp_path / "log.csv").write_text("y,pred,sex\n1,1,f\n")
    manifest = write(tmp_path, BASE + "evidence:\n" + evidence)
    done = run("assess", manifest, home=tmp_path / "home")
    assert done.returncode == 2
    message = done.stderr.strip()
    assert message.startswith(f"senim: {manifest}:{line_of(manifest, field)}: "), message
    assert words in message
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_manifest_without_evidence_stays_valid(tmp_path):
    manifest = write(tmp_path, BASE)
    assert run("validate", manifest, home=tmp_path / "home").returncode == 0
    done = run("assess", manifest, "--format", "json", home=tmp_path / "home")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert all(o["evidence"] == [] for o in report["obligations"])


def test_answers_become_statuses(tmp_path):
    text = BASE + """evidence:
  kz.users.agreement: {answer: yes, by: A, on: 2026-09-01}
  kz.users.data_basis: {answer: partly, by: B, on: 2026-09-02, note: Only for new loans.}
  kz.owner.monitoring: {answer: no, by: C, on: 2026-09-03}
  kz.owner.documentation:
    - {answer: yes, by: D, on: 2026-09-04}
    - {answer: no, by: E, on: 2026-09-05}
  kz.synthetic.visible_warning: {answer: yes, by: F, on: 2026-09-06}
"""
    report = json.loads(run("assess", write(tmp_path, text), "--format", "json", home=tmp_path / "h").stdout)
    status = {o["id"]: o["status"] for o in report["obligations"]}
    assert status["kz.users.agreement"] == "met"
    assert status["kz.users.data_basis"] == "partly_met"
    assert status["kz.owner.monitoring"] == "not_met"
    assert status["kz.owner.documentation"] == "not_met"  # one of two answers says no
    # Evidence for an obligation this system does not owe is listed as not applicable.
    assert status["kz.synthetic.visible_warning"] == "not_applicable"
    assert "Only for new loans." in next(o["reason"] for o in report["obligations"] if o["id"] == "kz.users.data_basis")
    assert report["summary"]["met"] == sum(1 for s in status.values() if s == "met")


def _fairlearn_disparities(path, sensitive):
    import polars as pl
    from fairlearn.metrics import (demographic_parity_difference, demographic_parity_ratio,
                                   equalized_odds_difference)

    frame = pl.read_parquet(path).to_pandas()
    kw = dict(y_true=frame["repaid"], y_pred=frame["approved"], sensitive_features=frame[sensitive])
    return demographic_parity_difference(**kw), demographic_parity_ratio(**kw), equalized_odds_difference(**kw)


@pytest.mark.parametrize("sensitive, threshold", [(["sex"], 0.1), (["sex", "age_band"], 0.1), (["sex"], 0.05)])
def test_fairness_check_status_agrees_with_fairlearn(tmp_path, sensitive, threshold):
    shutil.copy(CREDIT / "decisions.parquet", tmp_path / "decisions.parquet")
    text = BASE + f"""evidence:
  kz.principle.fairness_equality:
    check: fairness
    data: decisions.parquet
    target: repaid
    prediction: approved
    sensitive: {json.dumps(sensitive)}
    max_difference: {threshold}
    bootstrap: 50
"""
    done = run("assess", write(tmp_path, text), "--run-checks", "--format", "json", home=tmp_path / "h")
    report = json.loads(done.stdout)
    entry = next(o for o in report["obligations"] if o["id"] == "kz.principle.fairness_equality")
    dpd, dpr, eod = _fairlearn_disparities(tmp_path / "decisions.parquet", sensitive)
    found = entry["evidence"][0]["result"]["disparities"]
    assert found["demographic_parity_difference"] == pytest.approx(dpd, abs=1e-12)
    assert found["equalized_odds_difference"] == pytest.approx(eod, abs=1e-12)
    passes = dpd <= threshold and eod <= threshold and dpr >= 0.8  # four-fifths rule, 29 CFR 1607.4(D)
    assert entry["status"] == ("met" if passes else "not_met")
    chart = next(c for c in report["charts"] if c["kind"] == "fairness")
    assert len(chart["groups"]) == (2 if sensitive == ["sex"] else 10)


def test_evidence_file_written_earlier_and_changed_data(tmp_path):
    shutil.copy(CREDIT / "decisions.parquet", tmp_path / "decisions.parquet")
    home = tmp_path / "h"
    done = run("fairness", tmp_path / "decisions.parquet", "--target", "repaid", "--prediction", "approved",
               "--sensitive", "sex", "--bootstrap", "50", "--evidence", tmp_path / "fairness.json", home=home)
    assert done.returncode == 0, done.stderr
    text = BASE + "evidence:\n  kz.principle.fairness_equality:\n    file: fairness.json\n"
    manifest = write(tmp_path, text)
    entry = lambda r: next(o for o in r["obligations"] if o["id"] == "kz.principle.fairness_equality")  # noqa: E731
    first = entry(json.loads(run("assess", manifest, "--format", "json", home=home).stdout))
    assert first["status"] == "met"  # four-fifths ratio 0.883 on sex
    # Change the decision log after the check: the evidence no longer proves it.
    import polars as pl

    frame = pl.read_parquet(tmp_path / "decisions.parquet")
    frame.with_columns(pl.lit(1).cast(pl.Int8).alias("approved")).write_parquet(tmp_path / "decisions.parquet")
    second = entry(json.loads(run("assess", manifest, "--format", "json", home=home).stdout))
    assert second["status"] == "partly_met"
    assert "decisions.parquet" in second["reason"]


def test_a_check_that_cannot_run_is_told_at_its_manifest_line(tmp_path):
    shutil.copy(CREDIT / "decisions.parquet", tmp_path / "decisions.parquet")
    text = BASE + """evidence:
  kz.principle.fairness_equality:
    check: fairness
    data: decisions.parquet
    target: repaid
    prediction: approved
    sensitive: [gender]
"""
    manifest = write(tmp_path, text)
    done = run("assess", manifest, "--run-checks", home=tmp_path / "h")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    line = line_of(manifest, "kz.principle.fairness_equality:")
    assert done.stderr.startswith(f"senim: {manifest}:{line}: evidence.kz.principle.fairness_equality: ")
    assert "no column 'gender'" in done.stderr
    (tmp_path / "out").write_text("a file")
    done = run("assess", manifest, "--report", tmp_path / "out", home=tmp_path / "h")
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr
