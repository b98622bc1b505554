"""Every metric and disparity equals Fairlearn's (the yardstick) to 1e-9."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
import sklearn.metrics as skm
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    count,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)

import polars as pl

from senim.checks.fairness import assess

from tests.fairness.fairness_data import DATASETS, with_group_lacking_positives

FAIRLEARN_METRICS = {
    "selection_rate": selection_rate,
    "true_positive_rate": true_positive_rate,
    "false_positive_rate": false_positive_rate,
    "false_negative_rate": false_negative_rate,
    "accuracy": skm.accuracy_score,
    "precision": partial(skm.precision_score, zero_division=0),
}
FAIRLEARN_DISPARITIES = {
    "demographic_parity_difference": demographic_parity_difference,
    "demographic_parity_ratio": demographic_parity_ratio,
    "equalized_odds_difference": equalized_odds_difference,
    "equalized_odds_ratio": equalized_odds_ratio,
}


def _key(index_value) -> tuple[str, ...]:
    values = index_value if isinstance(index_value, tuple) else (index_value,)
    return tuple(str(v) for v in values)


def test_metrics_and_disparities_equal_fairlearn(dataset, tmp_path):
    name, frame, sensitive = dataset
    path = tmp_path / f"{name}.parquet"
    frame.write_parquet(path)
    result = assess(path, target="y", prediction="pred", sensitive=sensitive, bootstrap=0)

    pdf = frame.to_pandas()
    features = pdf[sensitive]
    mf = MetricFrame(metrics={**FAIRLEARN_METRICS, "count": count}, y_true=pdf["y"], y_pred=pdf["pred"], sensitive_features=features)
    by_group = mf.by_group
    ours = {tuple(g["group"][c] for c in sensitive): g for g in result["groups"]}
    assert set(ours) == {_key(i) for i in by_group.index}
    for index, row in by_group.iterrows():
        group = ours[_key(index)]
        assert group["n"] == row["count"]
        for metric in FAIRLEARN_METRICS:
            assert group[metric] == pytest.approx(row[metric], abs=1e-9), (name, index, metric)
    for metric in FAIRLEARN_METRICS:
        assert result["overall"][metric] == pytest.approx(mf.overall[metric], abs=1e-9)
    for disparity, function in FAIRLEARN_DISPARITIES.items():
        expected = function(pdf["y"], pdf["pred"], sensitive_features=features)
        assert result["disparities"][disparity] == pytest.approx(expected, abs=1e-9), (name, disparity)


def test_group_lacking_positives_is_flagged(tmp_path):
    frame = with_group_lacking_positives()
    path = tmp_path / "lacking.parquet"
    frame.write_parquet(path)
    result = assess(path, target="y", prediction="pred", sensitive=["sex", "region"], bootstrap=0)
    groups = {(g["group"]["sex"], g["group"]["region"]): g for g in result["groups"]}
    lacking = groups[("female", "east")]
    assert lacking["positives"] == 0 and "no_positives" in lacking["warnings"]
    assert lacking["true_positive_rate"] == 0.0  # scikit-learn's (hence Fairlearn's) convention
    assert groups[("male", "west")]["predicted_positives"] == 0
    assert groups[("male", "west")]["precision"] == 0.0
    assert any(w["code"] == "no_positives" and w["group"] == {"sex": "female", "region": "east"}
               for w in result["warnings"])
    assert all("no_positives" not in g["warnings"] for k, g in groups.items() if k != ("female", "east"))


def test_roc_auc_per_group_equals_scikit_learn(tmp_path):
    frame = DATASETS["intersectional"]()
    path = tmp_path / "auc.parquet"
    frame.write_parquet(path)
    result = assess(path, target="y", prediction="pred", sensitive=["sex", "age_band"], score="score", bootstrap=0)
    pdf = frame.to_pandas()
    for group in result["groups"]:
        rows = pdf[(pdf["sex"] == group["group"]["sex"]) & (pdf["age_band"] == group["group"]["age_band"])]
        assert group["roc_auc"] == pytest.approx(skm.roc_auc_score(rows["y"], rows["score"]), abs=1e-9)
    assert result["overall"]["roc_auc"] == pytest.approx(skm.roc_auc_score(pdf["y"], pdf["score"]), abs=1e-9)


def test_roc_auc_is_null_where_a_group_has_one_class(tmp_path):
    frame = with_group_lacking_positives()
    path = tmp_path / "one_class.parquet"
    frame.write_parquet(path)
    result = assess(path, target="y", prediction="pred", sensitive=["sex", "region"], score="score", bootstrap=50)
    groups = {(g["group"]["sex"], g["group"]["region"]): g for g in result["groups"]}
    assert groups[("female", "east")]["roc_auc"] is None
    assert groups[("female", "east")]["ci"]["roc_auc"] is None
    rows = frame.filter((pl.col("sex") == "male") & (pl.col("region") == "east")).to_pandas()
    assert groups[("male", "east")]["roc_auc"] == pytest.approx(skm.roc_auc_score(rows["y"], rows["score"]), abs=1e-9)


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "folder"])
def test_every_format_gives_the_parquet_numbers(tmp_path, suffix):
    frame = DATASETS["intersectional"]()
    parquet = tmp_path / "log.parquet"
    frame.write_parquet(parquet)
    if suffix == "csv":
        other = tmp_path / "log.csv"
        frame.write_csv(other)
    elif suffix == "jsonl":
        other = tmp_path / "log.jsonl"
        frame.write_ndjson(other)
    else:
        other = tmp_path / "parts"
        other.mkdir()
        for i, part in enumerate(frame.iter_slices(1700)):
            part.write_parquet(other / f"part-{i}.parquet")
    kwargs = dict(target="y", prediction="pred", sensitive=["sex", "region"], score="score", bootstrap=100, seed=3)
    assert assess(other, **kwargs) == assess(parquet, **kwargs)


def test_boolean_target_and_prediction_equal_fairlearn(tmp_path):
    frame = DATASETS["two_groups"]().with_columns(pl.col("y").cast(pl.Boolean), pl.col("pred").cast(pl.Boolean))
    path = tmp_path / "bool.parquet"
    frame.write_parquet(path)
    result = assess(path, target="y", prediction="pred", sensitive=["sex"], bootstrap=0)
    pdf = frame.to_pandas()
    expected = equalized_odds_difference(pdf["y"].astype(int), pdf["pred"].astype(int), sensitive_features=pdf["sex"])
    assert result["disparities"]["equalized_odds_difference"] == pytest.approx(expected, abs=1e-9)
