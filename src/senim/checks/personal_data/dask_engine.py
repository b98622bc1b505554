"""The Dask engine: the local engine's tasks, run on a Dask cluster.

Text files go out as byte ranges (workers read the file themselves, so the
files must be at the same path on every worker, as on a shared volume),
Parquet as row groups, CSV files whole. Results come back in task order and
are stitched by the same code as the local engine, so both give exactly the
same findings.
"""

from __future__ import annotations

from collections import deque
from typing import Iterable, Iterator

from senim.checks.personal_data import sources as src
from senim.checks.personal_data.engine import TYPES
from senim.checks.personal_data.scanner import Finding, Stitcher, chosen_types, plan, run_task
from senim.errors import ParameterError


def scan_on_cluster(
    paths: list[str],
    types: Iterable[str] = TYPES,
    *,
    client=None,
    address: str | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    notes: list[str] | None = None,
    progress=None,
    chunk: int = src.CHUNK,
    in_flight: int | None = None,
    stitcher: Stitcher | None = None,
    recognizers: str = "",
    stdin=None,
) -> Iterator[Finding]:
    """Findings as `scanner.scan` gives them, computed by Dask workers (an
    organisation's recognizers travel with each task as their spec)."""
    from distributed import Client

    what = (chosen_types(types, recognizers), recognizers)
    sources = src.discover(list(paths), include, exclude)
    notes = [] if notes is None else notes
    own = client is None
    if own:
        try:
            client = Client(address, timeout="5s")
        except (OSError, TimeoutError) as error:
            raise ParameterError(f"no Dask scheduler answers at {address} ({error})", field="cluster") from None
    try:
        window = in_flight or max(4, 2 * sum(client.nthreads().values()))
        stitcher = stitcher or Stitcher(sources)
        stitcher.sources = sources
        pending: deque = deque()
        for task in plan(sources, what, notes, chunk, stdin):
            pending.append(client.submit(run_task, task, pure=False))
            if len(pending) >= window:
                yield from stitcher.feed(pending.popleft().result())
                if progress:
                    progress(1)
        while pending:
            yield from stitcher.feed(pending.popleft().result())
            if progress:
                progress(1)
    finally:
        if own:
            client.close()
