"""Additive counts per group: the only pass over the rows.

Every metric Senim reports is a function of a few counts per group (the
confusion cells, and for ROC AUC the positives and negatives at each distinct
score). Counts add up across partitions, so the same aggregation runs on one
machine (a streaming Polars query) or per partition on a Dask cluster, and
the sums are identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CELLS = ("tp", "fp", "fn", "tn")
#: counts of bad values, checked after aggregation so that the data is read once
FLAWS = ("target_null", "target_other", "prediction_null", "prediction_other", "score_null")


@dataclass(frozen=True)
class Spec:
    """Which columns play which role."""

    target: str
    prediction: str
    sensitive: tuple[str, ...]
    score: str | None = None

    @property
    def columns(self) -> list[str]:
        cols = [self.target, self.prediction, *self.sensitive]
        if self.score:
            cols.append(self.score)
        return list(dict.fromkeys(cols))


@dataclass
class Counts:
    """Aggregated counts: one row per group (keys as strings), plus score cells."""

    confusion: object  # polars.DataFrame: sensitive columns, CELLS, FLAWS
    scores: object | None = None  # polars.DataFrame: sensitive columns, score, positives, negatives
    partitions: int = 1
    extra: dict = field(default_factory=dict)


def _binary(name: str):
    """0/1 view of a binary column (booleans become 0/1); other values stay for the flaw count."""
    import polars as pl

    return pl.col(name).cast(pl.Float64, strict=False)


def aggregate(frame, spec: Spec, *, streaming: bool = True) -> Counts:
    """Group `frame` (a LazyFrame) by the sensitive columns and count."""
    import polars as pl

    y, p = _binary(spec.target), _binary(spec.prediction)
    y1, y0, p1, p0 = (y == 1), (y == 0), (p == 1), (p == 0)
    aggs = [
        pl.len().alias("n"),
        (y1 & p1).sum().alias("tp"),
        (y0 & p1).sum().alias("fp"),
        (y1 & p0).sum().alias("fn"),
        (y0 & p0).sum().alias("tn"),
        y.is_null().sum().alias("target_null"),
        (y.is_not_null() & ~y.is_in([0.0, 1.0])).sum().alias("target_other"),
        p.is_null().sum().alias("prediction_null"),
        (p.is_not_null() & ~p.is_in([0.0, 1.0])).sum().alias("prediction_other"),
    ]
    if spec.score:
        # NaN is no score either: all-NaN scores gave an AUC of 0.500 [0.500, 0.500] without a word
        score = pl.col(spec.score).cast(pl.Float64)
        aggs.append((score.is_null() | score.is_nan()).sum().alias("score_null"))
    else:
        aggs.append(pl.lit(0).alias("score_null"))
    keys = list(spec.sensitive)
    engine = "streaming" if streaming else "auto"
    confusion = frame.group_by(keys).agg(aggs).collect(engine=engine)
    confusion = _normalise(confusion, keys, ["n", *CELLS, *FLAWS])
    scores = None
    if spec.score:
        s = pl.col(spec.score).cast(pl.Float64)
        scores = (
            frame.filter(y.is_in([0.0, 1.0]) & s.is_not_null())
            .group_by([*keys, s.alias("score")])
            .agg(y.sum().alias("positives"), (y == 0).sum().alias("negatives"))
            .collect(engine=engine)
        )
        scores = _normalise(scores, keys, ["positives", "negatives"])
    return Counts(confusion, scores)


def _normalise(table, keys: list[str], counts: list[str]):
    """Keys as strings (nulls kept, to be reported), counts as Int64."""
    import polars as pl

    return table.with_columns(
        *(pl.col(k).cast(pl.String) for k in keys),
        *(pl.col(c).cast(pl.Int64) for c in counts),
    )


def combine(parts: list[Counts], spec: Spec) -> Counts:
    """Sum the counts of several partitions (the Dask engine's reduce step)."""
    import polars as pl

    keys = list(spec.sensitive)
    confusion = (
        pl.concat([c.confusion for c in parts])
        .group_by(keys)
        .agg(pl.col(["n", *CELLS, *FLAWS]).sum())
    )
    scores = None
    if spec.score:
        scores = (
            pl.concat([c.scores for c in parts])
            .group_by([*keys, "score"])
            .agg(pl.col(["positives", "negatives"]).sum())
        )
    return Counts(confusion, scores, partitions=len(parts))
