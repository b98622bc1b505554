"""Local contributions add up (SHAP's additivity), checked against the model itself."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from tests.explain.explain_helpers import EXAMPLE, run_senim, small_table

FEATURES = ["income", "debt", "noise"]


def _explain_json(model, data, *rows):
    ids = data.parent / "ids.txt"
    ids.write_text("\n".join(rows) + "\n")
    out = run_senim("explain", model, data, "--rows", ids, "--format", "json", "--repeats", "3")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_tree_contributions_sum_to_the_log_odds_of_the_example_model(tmp_path):
    model = sio.load(EXAMPLE / "model.skops", trusted=sio.get_untrusted_types(file=EXAMPLE / "model.skops"))
    data = pd.read_csv(EXAMPLE / "applicants.csv")
    rows = ["A104500", "A104777", "A105499"]
    ids = tmp_path / "ids.txt"
    ids.write_text("\n".join(rows))
    out = run_senim("explain", EXAMPLE / "model.skops", EXAMPLE / "applicants.csv", "--rows", ids,
                    "--format", "json", "--repeats", "3")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [d["row"] for d in result["decisions"]] == rows
    for decision in result["decisions"]:
        x = data[data["application_id"] == decision["row"]][list(model.feature_names_in_)]
        log_odds = model[-1].decision_function(model[:-1].transform(x))[0]
        assert decision["method"] == "shap.TreeExplainer"
        total = decision["base_value"] + sum(c["contribution"] for c in decision["contributions"])
        assert total == pytest.approx(log_odds, abs=1e-6)
        assert decision["decision"] == model.predict(x)[0]
        assert decision["probability"] == pytest.approx(model.predict_proba(x)[0, 1], abs=1e-12)
        # one-hot columns are summed back: one contribution per input feature
        assert sorted(c["feature"] for c in decision["contributions"]) == sorted(model.feature_names_in_)
        assert [abs(c["contribution"]) for c in decision["contributions"]] == sorted(
            (abs(c["contribution"]) for c in decision["contributions"]), reverse=True)


def test_linear_contributions_are_coefficient_times_distance_from_the_mean(tmp_path):
    frame, y = small_table(rows=150)  # under the background size, so the background is every row
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame[FEATURES], y)
    sio.dump(model, tmp_path / "linear.skops")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    result = _explain_json(tmp_path / "linear.skops", tmp_path / "rows.csv", "R3", "R77")
    z = model[0].transform(frame[FEATURES])
    coef = model[-1].coef_[0]
    for decision in result["decisions"]:
        i = int(decision["row"][1:])
        assert decision["method"] == "shap.LinearExplainer"
        expected = {f: coef[j] * (z[i, j] - z[:, j].mean()) for j, f in enumerate(FEATURES)}
        for c in decision["contributions"]:
            assert c["contribution"] == pytest.approx(expected[c["feature"]], abs=1e-9)
        total = decision["base_value"] + sum(c["contribution"] for c in decision["contributions"])
        assert total == pytest.approx(model.decision_function(frame[FEATURES].iloc[[i]])[0], abs=1e-9)


def test_model_agnostic_fallback_adds_up_to_the_probability(tmp_path):
    frame, y = small_table(rows=120, seed=3)
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=7)).fit(frame[FEATURES], y)
    sio.dump(model, tmp_path / "knn.skops")
    frame.to_csv(tmp_path / "rows.csv", index=False)
    result = _explain_json(tmp_path / "knn.skops", tmp_path / "rows.csv", "R10")
    decision = result["decisions"][0]
    assert decision["method"] == "shap.PermutationExplainer"
    proba = model.predict_proba(frame[FEATURES].iloc[[10]])[0, 1]
    total = decision["base_value"] + sum(c["contribution"] for c in decision["contributions"])
    assert total == pytest.approx(proba, abs=1e-6)
    # the base value is the mean output over the background (every row here)
    assert decision["base_value"] == pytest.approx(model.predict_proba(frame[FEATURES])[:, 1].mean(), abs=1e-9)


def test_global_importance_ranks_the_features_that_matter(tmp_path):
    frame, _ = small_table(rows=1500, seed=5)
    y = ((frame["income"] - 400) / 120 - 2 * (frame["debt"] - 0.5) > 0).astype(int)  # noise plays no part
    model = make_pipeline(StandardScaler(), LogisticRegression(C=100)).fit(frame[FEATURES], y)
    sio.dump(model, tmp_path / "m.skops")
    frame.assign(outcome=y).to_parquet(tmp_path / "rows.parquet")
    out = run_senim("explain", tmp_path / "m.skops", tmp_path / "rows.parquet", "--format", "json",
                    "--target", "outcome")
    result = json.loads(out.stdout)
    ranking = result["global"]["features"]
    assert [f["feature"] for f in ranking][:2] == ["income", "debt"]
    noise = next(f for f in ranking if f["feature"] == "noise")
    assert abs(noise["importance_mean"]) < 0.01 and noise["importance_std"] >= 0
    assert ranking[0]["importance_mean"] > 10 * ranking[0]["importance_std"]
    assert result["decisions"] == []


def test_forest_contributions_add_up_to_the_probability(tmp_path):
    from sklearn.ensemble import RandomForestClassifier

    from senim.checks.explain import explain

    frame, y = small_table(rows=300, seed=8)
    model = RandomForestClassifier(n_estimators=15, max_depth=4, random_state=0).fit(frame[FEATURES], y)
    sio.dump(model, tmp_path / "forest.skops")
    frame.to_parquet(tmp_path / "rows.parquet")
    result = explain(tmp_path / "forest.skops", tmp_path / "rows.parquet", rows=["R0", "R9"], repeats=1)
    for decision in result["decisions"]:
        i = int(decision["row"][1:])
        assert decision["method"] == "shap.TreeExplainer" and decision["output"] == "probability"
        total = decision["base_value"] + sum(c["contribution"] for c in decision["contributions"])
        assert total == pytest.approx(model.predict_proba(frame[FEATURES].iloc[[i]])[0, 1], abs=1e-9)
