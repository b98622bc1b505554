"""Bootstrap intervals: seeded, and equal to a row-level bootstrap done independently."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm

from senim.checks.fairness import assess, bootstrap

from tests.fairness.fairness_data import DATASETS


@pytest.fixture()
def log(tmp_path):
    frame = DATASETS["two_groups"]()
    path = tmp_path / "log.parquet"
    frame.write_parquet(path)
    return path, frame.to_pandas()


def _run(path, **kw):
    return assess(path, target="y", prediction="pred", sensitive=["sex"], score="score", **kw)


def test_same_seed_same_intervals_other_seed_other_intervals(log):
    path, _ = log
    a, b, c = _run(path, bootstrap=300, seed=1), _run(path, bootstrap=300, seed=1), _run(path, bootstrap=300, seed=2)
    assert a == b
    assert a["groups"][0]["ci"] != c["groups"][0]["ci"]


def test_intervals_match_a_row_level_poisson_bootstrap(log):
    """Weighting every row by Poisson(1), in plain NumPy, gives the same intervals (up to Monte Carlo error)."""
    path, pdf = log
    replicates = 2000
    ours = _run(path, bootstrap=replicates, seed=11)
    rng = np.random.default_rng(12345)
    for group in ours["groups"]:
        rows = pdf[pdf["sex"] == group["group"]["sex"]]
        y, p = rows["y"].to_numpy(), rows["pred"].to_numpy()
        w = rng.poisson(1.0, size=(replicates, len(rows)))
        selection = (w * p).sum(1) / w.sum(1)
        tpr = (w * p * y).sum(1) / (w * y).sum(1)
        for name, values in (("selection_rate", selection), ("true_positive_rate", tpr)):
            low, high = np.percentile(values, [2.5, 97.5])
            assert group["ci"][name][0] == pytest.approx(low, abs=0.006), name
            assert group["ci"][name][1] == pytest.approx(high, abs=0.006), name
        # and the width agrees with the binomial standard error of a proportion
        rate = group["selection_rate"]
        se = np.sqrt(rate * (1 - rate) / group["n"])
        width = group["ci"]["selection_rate"][1] - group["ci"]["selection_rate"][0]
        assert width == pytest.approx(2 * 1.96 * se, rel=0.1)


def test_auc_interval_by_delong_agrees_with_the_bootstrap(log, monkeypatch):
    path, pdf = log
    boot = _run(path, bootstrap=2000, seed=5)
    assert boot["bootstrap"]["roc_auc_method"] == {"groups": "poisson", "overall": "poisson"}
    monkeypatch.setattr(bootstrap, "AUC_BOOTSTRAP_BUDGET", 0)
    delong = _run(path, bootstrap=2000, seed=5)
    assert delong["bootstrap"]["roc_auc_method"] == {"groups": "delong", "overall": "delong"}
    for a, b in zip(boot["groups"] + [boot["overall"]], delong["groups"] + [delong["overall"]]):
        assert a["roc_auc"] == b["roc_auc"]
        assert a["ci"]["roc_auc"] == pytest.approx(b["ci"]["roc_auc"], abs=0.01)
    # the point estimate inside both is scikit-learn's
    assert boot["overall"]["roc_auc"] == pytest.approx(skm.roc_auc_score(pdf["y"], pdf["score"]), abs=1e-12)
