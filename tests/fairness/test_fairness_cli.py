"""The command as users run it: JSON shape, the CI gate, HTML, evidence."""

from __future__ import annotations

import hashlib
import json

import polars as pl
import pytest
from fairlearn.metrics import demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference

from tests.fairness.fairness_data import DATASETS, run_senim


@pytest.fixture()
def log(tmp_path):
    frame = DATASETS["intersectional"]()
    path = tmp_path / "decisions.parquet"
    frame.write_parquet(path)
    return path, frame.to_pandas()


def _args(path, *extra):
    return ["fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "sex,age_band", *extra]


def test_json_has_the_documented_shape(log):
    path, pdf = log
    out = run_senim(*_args(path, "--format", "json", "--score", "score", "--bootstrap", "200"))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert len(result["groups"]) == 6
    group = result["groups"][0]
    assert set(group["group"]) == {"sex", "age_band"}
    assert all(isinstance(v, str) for v in group["group"].values())
    for metric in ("n", "selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate",
                   "accuracy", "precision", "roc_auc"):
        assert metric in group and metric in result["overall"]
    for name in ("demographic_parity_difference", "demographic_parity_ratio",
                 "equalized_odds_difference", "equalized_odds_ratio"):
        low, high = result["disparities_ci"][name]
        assert low <= high
    sensitive = pdf[["sex", "age_band"]]
    assert result["disparities"]["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(pdf["y"], pdf["pred"], sensitive_features=sensitive), abs=1e-9)


def test_max_difference_is_a_ci_gate(log):
    path, pdf = log
    sensitive = pdf[["sex", "age_band"]]
    worst = max(demographic_parity_difference(pdf["y"], pdf["pred"], sensitive_features=sensitive),
                equalized_odds_difference(pdf["y"], pdf["pred"], sensitive_features=sensitive))
    below = run_senim(*_args(path, "--bootstrap", "0", "--max-difference", f"{worst - 0.001:.6f}"))
    assert below.returncode == 1
    assert "--max-difference" in below.stderr and "Traceback" not in below.stderr
    above = run_senim(*_args(path, "--bootstrap", "0", "--max-difference", f"{worst + 0.001:.6f}"))
    assert above.returncode == 0, above.stderr


def test_four_fifths_rule_on_a_log_worked_by_hand(tmp_path):
    # group a: 50 of 100 selected (0.5); group b: 30 of 100 (0.3); 0.3 / 0.5 = 0.6 < 0.8
    frame = pl.DataFrame({
        "g": ["a"] * 100 + ["b"] * 100,
        "y": ([1, 0] * 50) * 2,
        "pred": [1] * 50 + [0] * 50 + [1] * 30 + [0] * 70,
    })
    path = tmp_path / "hand.csv"
    frame.write_csv(path)
    out = run_senim("fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "g",
                    "--format", "json", "--bootstrap", "0")
    result = json.loads(out.stdout)
    rule = next(c for c in result["checks"] if c["name"] == "four_fifths_rule")
    assert rule["value"] == pytest.approx(0.6, abs=1e-12)
    assert rule["passed"] is False
    pdf = frame.to_pandas()
    assert rule["value"] == pytest.approx(demographic_parity_ratio(pdf["y"], pdf["pred"], sensitive_features=pdf["g"]))


def test_small_groups_are_warned(tmp_path):
    frame = DATASETS["two_groups"]().head(2000)
    frame = pl.concat([frame, frame.head(12).with_columns(sex=pl.lit("other"))])
    path = tmp_path / "small.parquet"
    frame.write_parquet(path)
    out = run_senim("fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "sex",
                    "--format", "json", "--bootstrap", "0", "--min-group", "30")
    result = json.loads(out.stdout)
    small = [w for w in result["warnings"] if w["code"] == "small_group"]
    assert [w["group"] for w in small] == [{"sex": "other"}]
    assert "12" in small[0]["message"]


@pytest.mark.parametrize("lang,word", [("kk", "Топтар"), ("ru", "Различия"), ("en", "Disparities")])
def test_text_and_html_reports(log, lang, word):
    path, _ = log
    text = run_senim(*_args(path, "--bootstrap", "0", "--lang", lang))
    assert text.returncode == 0 and word in text.stdout
    page = run_senim(*_args(path, "--bootstrap", "0", "--lang", lang, "--format", "html"))
    assert page.stdout.startswith("<!doctype html>") and "<table>" in page.stdout and word in page.stdout


def test_evidence_records_hash_parameters_and_versions(log, tmp_path):
    path, _ = log
    evidence = tmp_path / "out" / "fairness-evidence.json"
    out = run_senim(*_args(path, "--format", "json", "--bootstrap", "100", "--seed", "7", "--evidence", evidence))
    assert out.returncode == 0, out.stderr
    record = json.loads(evidence.read_text())
    assert record["check"] == "fairness"
    assert record["inputs"]["data"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert record["parameters"]["seed"] == 7 and record["parameters"]["bootstrap"] == 100
    assert record["parameters"]["sensitive"] == ["sex", "age_band"]
    assert "polars" in record["versions"] and "senim" in record["versions"]
    assert record["result"] == json.loads(out.stdout)
    rerun = run_senim(*_args(path, "--format", "json", "--bootstrap", "100", "--seed", "7"))
    assert json.loads(rerun.stdout) == record["result"]  # an auditor's rerun gives the same numbers
