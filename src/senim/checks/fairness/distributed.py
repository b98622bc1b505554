"""The Dask engine: the same counting per partition, on a cluster, then summed.

A partition is a run of Parquet row groups (or one CSV / JSON Lines file).
Each worker reads only the named columns of its partition and runs
`counts.aggregate`, the very code of the local engine; the client sums the
small count tables with `counts.combine`. Counts are integers, so the sums
and every number derived from them equal the local engine's exactly.
"""

from __future__ import annotations

from pathlib import Path

from senim.checks.fairness.counts import Counts, Spec, aggregate, combine

#: partitions per worker: enough to balance, few enough to keep overhead low
PARTS_PER_WORKER = 4


def partitions(kind: str, files: list[Path], wanted: int) -> list[tuple[str, str, list[int] | None]]:
    """(kind, file, row groups or None for the whole file) for each partition."""
    if kind != "parquet":
        return [(kind, str(f), None) for f in files]
    import pyarrow.parquet as pq

    groups = [(str(f), pq.read_metadata(f).num_row_groups) for f in files]
    total = sum(n for _, n in groups)
    size = max(1, -(-total // max(1, wanted)))  # row groups per partition, rounded up
    parts = []
    for file, n in groups:
        for first in range(0, max(n, 1), size):
            parts.append(("parquet", file, list(range(first, min(first + size, n)))))
    return parts


def count_partition(kind: str, file: str, row_groups: list[int] | None, spec: Spec) -> Counts:
    """Runs on a worker: read one partition's columns and count."""
    import polars as pl

    from senim.checks.fairness.source import scan

    if row_groups is None:
        frame = scan(kind, [Path(file)]).select(spec.columns)
    else:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(file).read_row_groups(row_groups, columns=spec.columns)
        frame = pl.from_arrow(table).lazy()
    return aggregate(frame, spec, streaming=False)


def count_on_cluster(kind: str, files: list[Path], spec: Spec, *, address: str | None = None,
                     workers: int | None = None) -> Counts:
    """Count on the Dask scheduler at `address`, or on a local cluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster

    cluster = None
    if address:
        try:
            client = Client(address, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            from senim.errors import ParameterError

            raise ParameterError(f"no Dask scheduler answers at {address} ({type(error).__name__})",
                                 field="cluster") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 1))
        parts = partitions(kind, files, n_workers * PARTS_PER_WORKER)
        futures = [client.submit(count_partition, kind, f, rg, spec, pure=False) for kind, f, rg in parts]
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return combine(results, spec)
