"""What issue 15 asks of `senim fairness`: a ratio gate, the groups each
disparity lies between, a table per sensitive column beside their
intersection, and intervals written as people read them. Expected values
come from Fairlearn's MetricFrame."""

from __future__ import annotations

import json

import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate

from tests.fairness.fairness_data import DATASETS, run_senim


@pytest.fixture()
def log(tmp_path):
    frame = DATASETS["intersectional"]()
    path = tmp_path / "decisions.parquet"
    frame.write_parquet(path)
    return path, frame.to_pandas()


def _args(path, *extra):
    return ["fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "sex,age_band", *extra]


def test_min_ratio_is_a_gate(log):
    path, pdf = log
    ratio = demographic_parity_ratio(pdf["y"], pdf["pred"], sensitive_features=pdf[["sex", "age_band"]])
    below = run_senim(*_args(path, "--min-ratio", str(round(ratio + 0.05, 3)), "--bootstrap", "0"))
    assert below.returncode == 1 and "--min-ratio" in below.stderr and "Traceback" not in below.stderr
    above = run_senim(*_args(path, "--min-ratio", str(round(max(ratio - 0.05, 0), 3)), "--bootstrap", "0",
                             "--format", "json"))
    checks = [c for c in json.loads(above.stdout)["checks"] if c["name"] == "min_ratio"]
    assert checks and all(c["passed"] for c in checks if c["metric"] == "demographic_parity_ratio")
    assert run_senim(*_args(path, "--min-ratio", "1.5")).returncode == 2


def test_worst_and_best_groups_are_named(log):
    path, pdf = log
    out = run_senim(*_args(path, "--bootstrap", "0", "--format", "json"))
    result = json.loads(out.stdout)
    frame = MetricFrame(metrics=selection_rate, y_true=pdf["y"], y_pred=pdf["pred"],
                        sensitive_features=pdf[["sex", "age_band"]])
    low, high = frame.by_group.idxmin(), frame.by_group.idxmax()
    found = result["extremes"]["demographic_parity_difference"]
    assert (found["lowest"]["group"]["sex"], found["lowest"]["group"]["age_band"]) == low
    assert (found["highest"]["group"]["sex"], found["highest"]["group"]["age_band"]) == high
    assert found["lowest"]["value"] == pytest.approx(frame.by_group.min())
    text = run_senim(*_args(path, "--bootstrap", "0")).stdout
    assert f"lowest: sex = {low[0]}, age_band = {low[1]}" in text and f"highest: sex = {high[0]}, age_band = {high[1]}" in text


def test_a_table_per_sensitive_column_beside_the_intersection(log):
    path, pdf = log
    result = json.loads(run_senim(*_args(path, "--bootstrap", "100", "--format", "json")).stdout)
    assert [part["sensitive"] for part in result["by_column"]] == [["sex"], ["age_band"]]
    for part in result["by_column"]:
        column = part["sensitive"][0]
        frame = MetricFrame(metrics=selection_rate, y_true=pdf["y"], y_pred=pdf["pred"], sensitive_features=pdf[column])
        got = {g["group"][column]: g["selection_rate"] for g in part["groups"]}
        assert got == pytest.approx(frame.by_group.to_dict())
        assert part["disparities"]["demographic_parity_ratio"] == pytest.approx(frame.ratio())
    text = run_senim(*_args(path, "--bootstrap", "100")).stdout
    assert "By sex alone" in text and "By age_band alone" in text
    # intervals as people read them: three decimals, never sixteen
    for line in text.splitlines():
        for number in __import__("re").findall(r"\d+\.\d+", line):
            assert len(number.split(".")[1]) <= 3, line
    ru = run_senim(*_args(path, "--bootstrap", "100", "--lang", "ru")).stdout
    assert "группа" in ru and "отбор" in ru and "group " not in ru and " sel " not in ru
