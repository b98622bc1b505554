"""A score column of NaN is no score (issue 17, row R43): it gave an AUC of
0.500 [0.500, 0.500] without a word; now it is refused as empty values are."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tests.fairness.fairness_data import DATASETS, run_senim


@pytest.mark.parametrize("how", ["all", "some"])
def test_R43_a_nan_score_is_refused_with_a_sentence(tmp_path, how):
    frame = DATASETS["two_groups"]()
    score = np.full(frame.height, np.nan) if how == "all" else np.where(np.arange(frame.height) % 7 == 0, np.nan, 0.5)
    path = tmp_path / "log.parquet"
    frame.with_columns(pl.Series("s", score)).write_parquet(path)
    result = run_senim("fairness", path, "--target", "y", "--prediction", "pred", "--sensitive", "sex", "--score", "s")
    assert result.returncode == 2, result.stdout
    nans = int(np.isnan(score).sum())
    assert result.stderr.strip() == (f"senim: {path}: column 's' (score) has {nans} empty or NaN values; "
                                     "an AUC needs a number in every row")


def test_R43_the_library_refuses_nan_scores_too(tmp_path):
    from senim.checks.fairness import assess
    from senim.errors import InputError

    frame = DATASETS["two_groups"]().with_columns(pl.lit(float("nan")).alias("s"))
    with pytest.raises(InputError, match="empty or NaN values"):
        assess(frame, target="y", prediction="pred", sensitive=["sex"], score="s")
