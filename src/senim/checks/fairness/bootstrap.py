"""Bootstrap confidence intervals on aggregated counts.

The Poisson bootstrap gives each row an independent Poisson(1) weight. The
sum of c independent Poisson(1) weights is Poisson(c), so drawing one
Poisson(c) count per cell (a group's TP, FP, FN, TN, or the positives and
negatives at one score) resamples exactly as weighting every row would, at
the cost of the number of cells instead of the number of rows. Intervals are
the 2.5th and 97.5th percentiles of the replicates (seeded NumPy generator).
ROC AUC over very many distinct scores falls back to DeLong's interval.
"""

from __future__ import annotations

import warnings

import numpy as np

from senim.checks.fairness import metrics as m

LEVEL = 0.95
#: cells x replicates drawn at once for ROC AUC, to bound memory
AUC_CHUNK = 20_000_000
#: above this many cells x replicates, ROC AUC intervals use DeLong's variance
#: instead (a log of a million distinct scores would need 10^9 draws)
AUC_BOOTSTRAP_BUDGET = 50_000_000
Z = 1.959963984540054  # standard normal quantile of 0.975


def auc_intervals(positives, negatives, starts, replicates: int, rng: np.random.Generator):
    """(2, S) intervals of ROC AUC per segment, and the method used."""
    if len(positives) * replicates <= AUC_BOOTSTRAP_BUDGET:
        return interval(auc_replicates(positives, negatives, starts, replicates, rng)), "poisson"
    auc, se = m.segment_auc_delong(positives, negatives, starts)
    return np.clip(np.stack([auc - Z * se, auc + Z * se]), 0.0, 1.0), "delong"


def interval(replicates: np.ndarray) -> np.ndarray:
    """Percentile interval along axis 0; NaN where every replicate is NaN."""
    tail = (1 - LEVEL) / 2 * 100
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanpercentile(replicates, [tail, 100 - tail], axis=0)


def confusion_replicates(cells: np.ndarray, replicates: int, rng: np.random.Generator):
    """Group metrics (B, G), overall metrics (B,) and disparities (B,) of each replicate.

    cells: (G, 4) counts TP, FP, FN, TN.
    """
    draws = rng.poisson(cells, size=(replicates, *cells.shape)).astype(np.float64)
    tp, fp, fn, tn = (draws[..., i] for i in range(4))
    groups = m.group_metrics(tp, fp, fn, tn)
    overall = m.group_metrics(tp.sum(-1), fp.sum(-1), fn.sum(-1), tn.sum(-1))
    return groups, overall, m.disparities(groups)


def auc_replicates(positives, negatives, starts, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """ROC AUC per segment (B, S) of Poisson-resampled score cells (see metrics.segment_auc)."""
    positives = np.asarray(positives, dtype=np.float64)
    negatives = np.asarray(negatives, dtype=np.float64)
    chunk = max(1, AUC_CHUNK // max(1, len(positives)))
    out = []
    for first in range(0, replicates, chunk):
        b = min(chunk, replicates - first)
        pos = rng.poisson(positives, size=(b, len(positives))).astype(np.float64)
        neg = rng.poisson(negatives, size=(b, len(negatives))).astype(np.float64)
        out.append(m.segment_auc(pos, neg, starts))
    return np.concatenate(out, axis=0)
