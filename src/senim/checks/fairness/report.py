"""From counts to the result: metrics, disparities, intervals, warnings, checks."""

from __future__ import annotations

import math

import numpy as np

from senim.checks.fairness import bootstrap as bs
from senim.checks.fairness import metrics as m
from senim.checks.fairness.counts import CELLS, Counts, Spec


def number(value):
    """A JSON number: int stays int, NaN becomes null."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value


def pair(values) -> list | None:
    low, high = (number(v) for v in values)
    return None if low is None or high is None else [low, high]


def _score_segments(counts: Counts, spec: Spec, table):
    """Score cells in (group, score) order, the first cell of each group, and which group it is."""
    import polars as pl

    keys = list(spec.sensitive)
    index = table.select(keys).with_row_index("group_index")
    cells = counts.scores.join(index, on=keys, how="inner").sort(["group_index", "score"])
    group_index = cells["group_index"].to_numpy()
    starts = np.flatnonzero(np.r_[True, group_index[1:] != group_index[:-1]]) if len(group_index) else np.array([], int)
    overall = counts.scores.group_by("score").agg(pl.col(["positives", "negatives"]).sum()).sort("score")
    return (
        cells["positives"].to_numpy().astype(np.float64),
        cells["negatives"].to_numpy().astype(np.float64),
        starts,
        group_index[starts] if len(starts) else np.array([], int),
        overall["positives"].to_numpy().astype(np.float64),
        overall["negatives"].to_numpy().astype(np.float64),
    )


def marginal(counts: Counts, spec: Spec, column: str) -> tuple[Counts, Spec]:
    """The counts of one sensitive column alone, summed over the others (counts add up)."""
    import polars as pl

    cells = [c for c in counts.confusion.columns if c not in spec.sensitive]
    confusion = counts.confusion.group_by(column).agg(pl.col(cells).sum())
    scores = None
    if counts.scores is not None:
        scores = counts.scores.group_by([column, "score"]).agg(pl.col(["positives", "negatives"]).sum())
    return Counts(confusion, scores, counts.partitions), Spec(spec.target, spec.prediction, (column,), spec.score)


# Which per-group metric each disparity compares.
_COMPARED = {"demographic_parity_difference": ("selection_rate",), "demographic_parity_ratio": ("selection_rate",),
             "equalized_odds_difference": ("true_positive_rate", "false_positive_rate"),
             "equalized_odds_ratio": ("true_positive_rate", "false_positive_rate")}


def extremes(rows: list[dict], point: dict) -> dict:
    """For each disparity, the groups it lies between: the lowest and the highest
    value of the metric that decides it (for equalized odds, of TPR or FPR,
    whichever gives the worst case, as Fairlearn takes it)."""
    out = {}
    for name, metrics in _COMPARED.items():
        best = None
        for metric in metrics:
            values = np.asarray(point[metric], dtype=np.float64)
            if not np.isfinite(values).any():
                continue
            low, high = int(np.nanargmin(values)), int(np.nanargmax(values))
            gap = (values[high] - values[low]) if name.endswith("difference") else (
                values[low] / values[high] if values[high] else np.nan)
            worse = best is None or (gap > best[0] if name.endswith("difference") else gap < best[0])
            if worse and np.isfinite(gap):
                best = (gap, metric, low, high)
        if best:
            _, metric, low, high = best
            out[name] = {"metric": metric, "lowest": {"group": rows[low]["group"], "value": number(point[metric][low])},
                         "highest": {"group": rows[high]["group"], "value": number(point[metric][high])}}
    return out


def build(counts: Counts, spec: Spec, *, bootstrap: int, seed: int, min_group: int,
          max_difference: float | None, lang: str = "en", min_ratio: float | None = None,
          by_column: bool = True, show_values: bool = False) -> dict:
    from senim.checks.fairness import rules
    from senim.i18n import text

    keys = list(spec.sensitive)
    table = counts.confusion.sort(keys)
    cells = table.select(list(CELLS)).to_numpy().astype(np.int64)
    sizes = table["n"].to_numpy()
    labels = [dict(zip(keys, row)) for row in table.select(keys).rows()]
    masked: dict = {}
    if not show_values:  # group values that are personal data are shown masked (`privacy`)
        from senim.checks.fairness.privacy import masked_columns

        masked = masked_columns({k: table[k].unique(maintain_order=True).to_list() for k in keys})
        labels = [{k: masked[k][v] if k in masked and v is not None else v for k, v in label.items()}
                  for label in labels]
    groups = len(labels)

    point = m.group_metrics(*(cells[:, i].astype(np.float64) for i in range(4)))
    overall = m.group_metrics(*(cells.sum(0).astype(np.float64)))
    disparity = m.disparities(point)
    rng_confusion, rng_auc, rng_auc_overall = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)
    )

    auc = auc_overall = None
    if spec.score:
        pos, neg, starts, owner, all_pos, all_neg = _score_segments(counts, spec, table)
        auc = np.full(groups, np.nan)
        if len(starts):
            auc[owner] = m.segment_auc(pos[None], neg[None], starts)[0]
        auc_overall = m.segment_auc(all_pos[None], all_neg[None], np.array([0]))[0, 0]

    ci_groups = ci_overall = ci_disparity = None
    auc_method = None
    if bootstrap:
        rep_groups, rep_overall, rep_disparity = bs.confusion_replicates(cells, bootstrap, rng_confusion)
        ci_groups = {k: bs.interval(v) for k, v in rep_groups.items()}  # (2, G)
        ci_overall = {k: bs.interval(v) for k, v in rep_overall.items()}  # (2,)
        ci_disparity = {k: bs.interval(v) for k, v in rep_disparity.items()}
        if spec.score:
            ci_groups["roc_auc"] = np.full((2, groups), np.nan)
            if len(starts):
                ci_groups["roc_auc"][:, owner], auc_method = bs.auc_intervals(pos, neg, starts, bootstrap, rng_auc)
            overall_ci, auc_method_overall = bs.auc_intervals(all_pos, all_neg, np.array([0]), bootstrap, rng_auc_overall)
            ci_overall["roc_auc"] = overall_ci[:, 0]
            auc_method = {"groups": auc_method, "overall": auc_method_overall}

    names = list(m.METRICS) + (["roc_auc"] if spec.score else [])
    warnings = []
    rows = []
    for g, label in enumerate(labels):
        tp, fp, fn, tn = (int(v) for v in cells[g])
        row = {"group": label, "n": int(sizes[g]), "positives": tp + fn, "predicted_positives": tp + fp}
        row.update({k: number(point[k][g]) for k in m.METRICS})
        if spec.score:
            row["roc_auc"] = number(auc[g])
        if ci_groups is not None:
            row["ci"] = {k: pair(ci_groups[k][:, g]) for k in names}
        shown = ", ".join(f"{k}={v}" for k, v in label.items())
        flags = []
        if sizes[g] < min_group:
            flags.append(("small_group", dict(n=int(sizes[g]), min_group=min_group)))
        if tp + fn == 0:
            flags.append(("no_positives", {}))
        if fp + tn == 0:
            flags.append(("no_negatives", {}))
        row["warnings"] = [code for code, _ in flags]
        for code, values in flags:
            warnings.append({"code": code, "group": label,
                             "message": text(f"fairness.warning_{code}", lang, group=shown, **values)})
        rows.append(row)

    total = cells.sum(0)
    overall_row = {"n": int(sizes.sum()), "positives": int(total[0] + total[2]),
                   "predicted_positives": int(total[0] + total[1])}
    overall_row.update({k: number(overall[k]) for k in m.METRICS})
    if spec.score:
        overall_row["roc_auc"] = number(auc_overall)
    if ci_overall is not None:
        overall_row["ci"] = {k: pair(ci_overall[k]) for k in names}

    disparities = {k: number(disparity[k]) for k in m.DISPARITIES}
    checks = []
    rule = rules()["four_fifths_rule"]
    value = disparities[rule["metric"]]
    checks.append({
        "name": "four_fifths_rule", "metric": rule["metric"], "value": value,
        "threshold": rule["threshold"], "ref": rule["ref"],
        "passed": None if value is None else value >= rule["threshold"],
        "title": rule["title"][lang],
    })
    if max_difference is not None:
        for name in ("demographic_parity_difference", "equalized_odds_difference"):
            value = disparities[name]
            checks.append({
                "name": "max_difference", "metric": name, "value": value, "threshold": max_difference,
                "passed": None if value is None else value <= max_difference,
                "title": text("fairness.check_max_difference", lang, metric=name, threshold=max_difference),
            })
    if min_ratio is not None:
        for name in ("demographic_parity_ratio", "equalized_odds_ratio"):
            value = disparities[name]
            checks.append({
                "name": "min_ratio", "metric": name, "value": value, "threshold": min_ratio,
                "passed": None if value is None else value >= min_ratio,
                "title": text("fairness.check_min_ratio", lang, metric=name, threshold=min_ratio),
            })
    gate = [c["passed"] for c in checks if c["name"] in ("max_difference", "min_ratio")]
    verdict = None if not gate else ("fail" if any(p is False for p in gate) else "pass")

    result = {
        "target": spec.target, "prediction": spec.prediction, "sensitive": keys, "score": spec.score,
        "groups": rows, "overall": overall_row, "disparities": disparities,
        "checks": checks, "warnings": warnings, "verdict": verdict,
        "bootstrap": {"method": "poisson", "replicates": bootstrap, "seed": seed, "level": bs.LEVEL,
                      **({"roc_auc_method": auc_method} if auc_method else {})},
        "min_group": min_group,
    }
    if masked:
        result["masked_values"] = [k for k in keys if k in masked]
    if ci_disparity is not None:
        result["disparities_ci"] = {k: pair(ci_disparity[k]) for k in m.DISPARITIES}
    result["extremes"] = extremes(rows, point)
    if by_column and len(keys) > 1:  # each sensitive column alone, beside their intersection
        result["by_column"] = []
        for column in keys:
            one_counts, one_spec = marginal(counts, spec, column)
            one = build(one_counts, one_spec, bootstrap=bootstrap, seed=seed, min_group=min_group,
                        max_difference=max_difference, lang=lang, min_ratio=min_ratio, by_column=False,
                        show_values=show_values)
            result["by_column"].append({k: one[k] for k in ("sensitive", "groups", "disparities", "disparities_ci",
                                                            "extremes", "checks", "warnings", "verdict") if k in one})
        failed = [c for part in result["by_column"] for c in part["checks"]
                  if c["name"] in ("max_difference", "min_ratio") and c["passed"] is False]
        if verdict == "pass" and failed:  # a gate holds for each column as for their intersection
            result["verdict"] = "fail"
    return result
