"""Group fairness of a decision log: metrics per group, disparities, intervals.

    result = assess("decisions.parquet", target="repaid", prediction="approved",
                    sensitive=["sex", "age_band"], score="score")

Metric and disparity names and definitions are Fairlearn's
(`selection_rate`, `demographic_parity_difference`, ...), so that users who
know Fairlearn recognise them. The rows are read once, column-wise, into
additive counts per group (see `counts`); everything else is arithmetic on
those counts, which is why the Dask engine gives the very same numbers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

from senim.checks.fairness.counts import Counts, Spec, aggregate
from senim.checks.fairness.metrics import DISPARITIES, METRICS
from senim.errors import InputError, ParameterError

__all__ = ["assess", "Spec", "METRICS", "DISPARITIES", "rules"]

DEFAULT_BOOTSTRAP = 1000
DEFAULT_MIN_GROUP = 30
DEFAULT_MAX_GROUPS = 1000
BINARY_TYPES = ("Int", "UInt", "Float", "Boolean", "Decimal")


@lru_cache(maxsize=1)
def rules() -> dict:
    from senim.law.pack import legal_data

    return legal_data("fairness-thresholds")


def check_columns(path, schema, spec: Spec) -> None:
    names = list(schema.names())
    for column in spec.columns:
        if column not in names:
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise InputError(f"{path}: no column '{column}' (the columns are: {shown})")
    for role, column in (("target", spec.target), ("prediction", spec.prediction), ("score", spec.score)):
        if column is None:
            continue
        kind = type(schema[column]).__name__
        allowed = BINARY_TYPES[:3] + ("Decimal",) if role == "score" else BINARY_TYPES
        if not kind.startswith(allowed):
            want = "numbers" if role == "score" else "0 and 1 (or true and false)"
            raise InputError(f"{path}: column '{column}' ({role}) holds {kind} values, not {want}")


def check_counts(path, counts: Counts, spec: Spec, max_groups: int) -> None:
    import polars as pl

    table = counts.confusion
    if table.height == 0:
        raise InputError(f"{path}: the data has no rows")
    if table.height > max_groups:
        raise InputError(
            f"the sensitive column(s) {', '.join(spec.sensitive)} make {table.height} groups, "
            f"more than `max_groups` {max_groups}; name columns with few distinct values (such as sex or age band)",
            file=path)
    for column in spec.sensitive:
        empty = table.filter(pl.col(column).is_null())
        if empty.height:
            rows = int(empty["n"].sum())
            raise InputError(f"{path}: column '{column}' has {rows} empty values; fill or drop them first")
    totals = table.select(pl.col(["target_null", "target_other", "prediction_null", "prediction_other", "score_null"]).sum()).row(0, named=True)
    for role, column in (("target", spec.target), ("prediction", spec.prediction)):
        if totals[f"{role}_null"]:
            raise InputError(f"{path}: column '{column}' ({role}) has {totals[f'{role}_null']} empty values")
        if totals[f"{role}_other"]:
            raise InputError(
                f"{path}: column '{column}' ({role}) has {totals[f'{role}_other']} values other than 0 and 1, so it is not binary"
            )
    if spec.score and totals["score_null"]:
        raise InputError(f"{path}: column '{spec.score}' (score) has {totals['score_null']} empty or NaN values; "
                         "an AUC needs a number in every row")


def count(path, spec: Spec, *, cluster: str | None = None, workers: int | None = None,
          max_groups: int = DEFAULT_MAX_GROUPS) -> Counts:
    """Read the log (a path, or a table in memory) once into counts, locally or
    on a Dask cluster, and check them."""
    from senim.checks.fairness.source import open_log, reading

    frame, schema, kind, files = open_log(path)
    if kind == "frame":
        path = "data"  # how messages name a table given in memory
        if cluster or workers:
            raise ParameterError("a Dask cluster reads files: give `data` as a path, or count here",
                                 field="cluster" if cluster else "workers")
    check_columns(path, schema, spec)
    with reading(path):
        if cluster or workers:
            from senim.checks.fairness.distributed import count_on_cluster

            counts = count_on_cluster(kind, files, spec, address=cluster, workers=workers)
        else:
            counts = aggregate(frame.select(spec.columns), spec)
    check_counts(path, counts, spec, max_groups)
    return counts


def assess(
    path,
    *,
    target: str,
    prediction: str,
    sensitive: Sequence[str],
    score: str | None = None,
    bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    min_group: int = DEFAULT_MIN_GROUP,
    max_difference: float | None = None,
    min_ratio: float | None = None,
    max_groups: int = DEFAULT_MAX_GROUPS,
    cluster: str | None = None,
    workers: int | None = None,
    lang: str = "en",
    show_values: bool = False,
) -> dict:
    """The fairness result of the log at `path`, or of the table (Polars,
    pandas, PyArrow) `path` is: the JSON the CLI prints. Group values that
    are personal data (an IIN or a name as the sensitive attribute) are
    shown masked, the columns named in `masked_values`, unless
    `show_values` (`privacy`)."""
    sensitive = tuple(dict.fromkeys(sensitive))
    if not sensitive:
        raise ParameterError("name at least one column", field="sensitive")
    if bootstrap < 0:
        raise ParameterError(f"{bootstrap} is negative", field="bootstrap")
    spec = Spec(target, prediction, sensitive, score)
    counts = count(path, spec, cluster=cluster, workers=workers, max_groups=max_groups)
    from senim.checks.fairness.report import build

    return build(counts, spec, bootstrap=bootstrap, seed=seed, min_group=min_group,
                 max_difference=max_difference, min_ratio=min_ratio, lang=lang, show_values=show_values)
