"""Benchmark of `senim fairness` against Fairlearn, the yardstick, in the same run.

1. A 1,000,000-row Parquet decision log with 10 intersectional groups
   (sex x region): the whole `senim fairness` command as users run it
   (a child process: start-up, reading, counting, 1000 bootstrap replicates,
   JSON out), median of several runs, against Fairlearn's MetricFrame with
   five metrics plus its four disparity functions in-process on data already
   in memory (reading excluded, in the yardstick's favour).
2. A 20,000,000-row log: the same command, its time and peak memory (the
   child's maximum resident set size, from wait4).

Data is generated into bench/data/ (git-ignored) when absent.
Environment: FAIRLEARN_RUNS (default 1; one run takes tens of seconds),
SENIM_RUNS (default 5).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
SENIM = Path(sys.executable).with_name("senim")
REGIONS = ["Almaty", "Astana", "Shymkent", "Karaganda", "Aktobe"]


def chunk(rows: int, rng: np.random.Generator):
    import pyarrow as pa

    sex = rng.integers(0, 2, rows)
    region = rng.integers(0, len(REGIONS), rows)
    lift = (sex * 0.08 + region * 0.03).astype(np.float64)
    y = (rng.uniform(size=rows) < 0.35 + lift).astype(np.int8)
    score = 1 / (1 + np.exp(-rng.normal(y * 1.3 + lift * 3 - 0.6, 1.0)))
    return pa.table({
        "application_id": np.arange(rows, dtype=np.int64),
        "sex": pa.DictionaryArray.from_arrays(sex.astype(np.int32), ["female", "male"]).cast(pa.string()),
        "region": pa.DictionaryArray.from_arrays(region.astype(np.int32), REGIONS).cast(pa.string()),
        "repaid": y,
        "approved": (score > 0.5).astype(np.int8),
        "score": np.round(score, 4),
    })


def make_log(path: Path, rows: int, seed: int) -> Path:
    if path.exists():
        return path
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    rng = np.random.default_rng(seed)
    step = 1_000_000
    writer = None
    for first in range(0, rows, step):
        table = chunk(min(step, rows - first), rng)
        writer = writer or pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=250_000)
    writer.close()
    tmp.rename(path)
    return path


def command(path: Path) -> list[str]:
    return [str(SENIM), "fairness", str(path), "--target", "repaid", "--prediction", "approved",
            "--sensitive", "sex,region", "--format", "json"]


def run_child(args: list[str]) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes) of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"senim failed: {child.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss * 1024


def fairlearn_once(path: Path) -> float:
    import pandas as pd
    from fairlearn.metrics import (
        MetricFrame, demographic_parity_difference, demographic_parity_ratio, equalized_odds_difference,
        equalized_odds_ratio, false_negative_rate, false_positive_rate, selection_rate, true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    frame = pd.read_parquet(path, columns=["repaid", "approved", "sex", "region"])
    y, p, s = frame["repaid"], frame["approved"], frame[["sex", "region"]]
    start = time.perf_counter()
    MetricFrame(metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate,
                         "false_positive_rate": false_positive_rate, "false_negative_rate": false_negative_rate,
                         "accuracy": accuracy_score},
                y_true=y, y_pred=p, sensitive_features=s).by_group
    for function in (demographic_parity_difference, demographic_parity_ratio,
                     equalized_odds_difference, equalized_odds_ratio):
        function(y, p, sensitive_features=s)
    return time.perf_counter() - start


def main() -> None:
    senim_runs = int(os.environ.get("SENIM_RUNS", "5"))
    fairlearn_runs = int(os.environ.get("FAIRLEARN_RUNS", "1"))
    one = make_log(DATA / "fairness-1m.parquet", 1_000_000, seed=1)
    big = make_log(DATA / "fairness-20m.parquet", 20_000_000, seed=2)

    run_child(command(one))  # warm the file cache and Python's bytecode cache
    ours = statistics.median(run_child(command(one))[0] for _ in range(senim_runs))
    theirs = statistics.median(fairlearn_once(one) for _ in range(fairlearn_runs))
    big_time, big_rss = run_child(command(big))

    print("## Fairness (`senim fairness`)\n")
    print("| task | Senim | Fairlearn | ratio |")
    print("|---|---|---|---|")
    print(f"| 1,000,000 rows, 10 intersectional groups: 6 metrics + 4 disparities + 1000-replicate bootstrap "
          f"(Senim, whole command, median of {senim_runs}) vs MetricFrame with 5 metrics + 4 disparity functions "
          f"(Fairlearn, in-process, data already loaded, median of {fairlearn_runs}) "
          f"| {ours:.2f} s | {theirs:.1f} s | {theirs / ours:.0f}x |")
    print(f"| 20,000,000 rows, same command: time and peak memory (max RSS) | {big_time:.2f} s, "
          f"{big_rss / 2**20:.0f} MiB | - | limit 2048 MiB: {'within' if big_rss < 2**31 else 'EXCEEDED'} |")
    print("\nCommand (default flags: `--bootstrap 1000`, local Polars streaming engine):\n")
    print("```\nsenim fairness bench/data/fairness-1m.parquet --target repaid --prediction approved "
          "--sensitive sex,region --format json\n```")
    print(f"\nMachine: {os.cpu_count()} cores; Python {sys.version.split()[0]}.")


if __name__ == "__main__":
    main()
