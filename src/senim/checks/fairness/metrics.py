"""Metrics and disparities from confusion counts, with Fairlearn's definitions.

Everything here works on arrays whose last axis is the group, so the same
code computes the point estimates and every bootstrap replicate at once.
A rate whose denominator is zero is 0, as scikit-learn's confusion matrix
(and hence Fairlearn) gives it; Senim adds a warning for such groups.
"""

from __future__ import annotations

import warnings

import numpy as np

METRICS = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "accuracy",
    "precision",
)
DISPARITIES = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
)


def _rate(num, den, empty=0.0):
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


def group_metrics(tp, fp, fn, tn) -> dict[str, np.ndarray]:
    """The six count-based metrics, element-wise."""
    n = tp + fp + fn + tn
    nan = np.nan  # an empty group (possible only in a bootstrap replicate) has no rate at all
    return {
        "selection_rate": _rate(tp + fp, n, nan),
        "true_positive_rate": _rate(tp, tp + fn),
        "false_positive_rate": _rate(fp, fp + tn),
        "false_negative_rate": _rate(fn, tp + fn),
        "accuracy": _rate(tp + tn, n, nan),
        "precision": _rate(tp, tp + fp),
    }


def _between_groups(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(max - min, min / max) over the last axis, skipping missing values as pandas does."""
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN replicate: NaN is the answer
        high = np.nanmax(values, axis=-1)
        low = np.nanmin(values, axis=-1)
        return high - low, low / high


def _python_max(a, b):
    """Python's max(a, b): b only when b > a (so a NaN first argument wins), as Fairlearn calls it."""
    return np.where(b > a, b, a)


def _python_min(a, b):
    return np.where(b < a, b, a)


def disparities(metrics: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Fairlearn's four disparities (method 'between_groups', agg 'worst_case')."""
    dp_diff, dp_ratio = _between_groups(metrics["selection_rate"])
    tpr_diff, tpr_ratio = _between_groups(metrics["true_positive_rate"])
    fpr_diff, fpr_ratio = _between_groups(metrics["false_positive_rate"])
    return {
        "demographic_parity_difference": dp_diff,
        "demographic_parity_ratio": dp_ratio,
        "equalized_odds_difference": _python_max(tpr_diff, fpr_diff),
        "equalized_odds_ratio": _python_min(tpr_ratio, fpr_ratio),
    }


def segment_auc(positives: np.ndarray, negatives: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """ROC AUC of each segment from counts at each distinct score.

    positives, negatives: (B, K) counts, cells in (segment, ascending score)
    order; starts: (S,) index of each segment's first cell. Returns (B, S).
    Ties count one half (the Mann-Whitney statistic), which is what
    scikit-learn's roc_auc_score gives; NaN when a segment lacks a class.
    """
    starts = np.asarray(starts, dtype=np.int64)
    sizes = np.diff(np.append(starts, positives.shape[-1]))
    segment = np.repeat(np.arange(len(starts)), sizes)
    cum = np.cumsum(negatives, axis=-1)
    before = np.where(starts > 0, cum[:, np.maximum(starts - 1, 0)], 0.0)
    below = cum - negatives - before[:, segment]
    wins = np.add.reduceat(positives * (below + 0.5 * negatives), starts, axis=-1)
    pairs = np.add.reduceat(positives, starts, axis=-1) * np.add.reduceat(negatives, starts, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1.0), np.nan)


def segment_auc_delong(positives: np.ndarray, negatives: np.ndarray, starts: np.ndarray):
    """(AUC, standard error) of each segment by DeLong's method, from the same cells.

    Each positive's placement is the share of negatives below it (ties one
    half), each negative's the share of positives above it; within one score
    cell these are constant, so the variances need only the cells.
    """
    positives = np.asarray(positives, dtype=np.float64)
    negatives = np.asarray(negatives, dtype=np.float64)
    starts = np.asarray(starts, dtype=np.int64)
    sizes = np.diff(np.append(starts, len(positives)))
    segment = np.repeat(np.arange(len(starts)), sizes)
    cum_neg, cum_pos = np.cumsum(negatives), np.cumsum(positives)
    neg_before = np.where(starts > 0, cum_neg[np.maximum(starts - 1, 0)], 0.0)[segment]
    pos_before = np.where(starts > 0, cum_pos[np.maximum(starts - 1, 0)], 0.0)[segment]
    P = np.add.reduceat(positives, starts)
    N = np.add.reduceat(negatives, starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        v10 = (cum_neg - negatives - neg_before + 0.5 * negatives) / N[segment]
        v01 = (P[segment] - (cum_pos - pos_before) + 0.5 * positives) / P[segment]
        auc = np.add.reduceat(positives * v10, starts) / P
        s10 = np.add.reduceat(positives * (v10 - auc[segment]) ** 2, starts) / (P - 1)
        s01 = np.add.reduceat(negatives * (v01 - auc[segment]) ** 2, starts) / (N - 1)
        se = np.sqrt(s10 / P + s01 / N)
    bad = (P < 2) | (N < 2)
    return np.where((P > 0) & (N > 0), auc, np.nan), np.where(bad, np.nan, se)
