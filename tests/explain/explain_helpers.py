"""Models and data for the explanation tests, and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "credit-scoring"
SENIM = Path(sys.executable).with_name("senim")


def run_senim(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(SENIM), *map(str, args)], capture_output=True, text=True, env=env, timeout=180)


def small_table(rows: int = 150, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric features where only `income` and `debt` matter and `noise` does not."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "id": [f"R{i}" for i in range(rows)],
        "income": rng.normal(400, 120, rows).round(1),
        "debt": rng.uniform(0, 1, rows).round(3),
        "noise": rng.normal(0, 1, rows).round(3),
    })
    logit = 0.02 * (frame["income"] - 400) - 3 * (frame["debt"] - 0.5)
    y = (rng.uniform(size=rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return frame, y
