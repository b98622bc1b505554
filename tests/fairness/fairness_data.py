"""Decision logs made for the fairness tests, and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

SENIM = Path(sys.executable).with_name("senim")


def run_senim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The installed `senim` command in a child process, as a user runs it."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(SENIM), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=120)


def decision_log(n: int, seed: int, groups: dict[str, list[str]], *, base: float = 0.5,
                 skew: float = 0.25, score: bool = True) -> pl.DataFrame:
    """Rows whose target and decision rates differ by group, so the disparities are not zero."""
    rng = np.random.default_rng(seed)
    cols = {name: rng.choice(values, n) for name, values in groups.items()}
    shift = np.zeros(n)
    for name, values in groups.items():
        level = {v: (i / max(1, len(values) - 1) - 0.5) * skew for i, v in enumerate(values)}
        shift += np.vectorize(level.get)(cols[name])
    y = (rng.uniform(size=n) < np.clip(base + shift, 0.02, 0.98)).astype(np.int64)
    raw = rng.normal(y * 1.2 + shift * 2, 1.0)
    s = 1 / (1 + np.exp(-raw))
    frame = {**cols, "y": y, "pred": (s > 0.55).astype(np.int64)}
    if score:
        frame["score"] = np.round(s, 2)  # rounded so that ties occur, which AUC must handle
    return pl.DataFrame(frame)


DATASETS = {
    "two_groups": lambda: decision_log(3000, 1, {"sex": ["female", "male"]}),
    "intersectional": lambda: decision_log(
        6000, 2, {"sex": ["female", "male"], "age_band": ["18-24", "25-44", "45+"], "region": ["north", "south"]}),
    "numeric_groups": lambda: decision_log(2500, 3, {"band": [1, 2, 3, 4]}),
}


def with_group_lacking_positives(seed: int = 4) -> pl.DataFrame:
    """An intersectional log where one group has no positive targets and another no predicted positives."""
    frame = decision_log(4000, seed, {"sex": ["female", "male"], "region": ["east", "west"]})
    no_pos = (pl.col("sex") == "female") & (pl.col("region") == "east")
    no_pred = (pl.col("sex") == "male") & (pl.col("region") == "west")
    return frame.with_columns(
        y=pl.when(no_pos).then(0).otherwise(pl.col("y")),
        pred=pl.when(no_pred).then(0).otherwise(pl.col("pred")),
    )
