"""The library's door to the scanner: `scan(source)` for any source a
Python user holds (exported as `senim.scan`)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Iterable, Iterator

from senim.checks.personal_data import sources as src
from senim.checks.personal_data.findings import Finding
from senim.errors import ParameterError


def scan(
    source,
    *,
    types: Iterable[str] | None = None,
    recognizers=None,
    min_confidence: float | None = None,
    workers: int = 1,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    notes: list | None = None,
) -> Iterator[Finding]:
    """Find personal data in `source`, yielding `Finding` records in order.

    Parameters
    ----------
    source : str, bytes, os.PathLike, binary file object, DataFrame, or a list of paths
        A `str` or `bytes` is text to scan (UTF-8); a `pathlib.Path` is a file
        (text, CSV, TSV, Parquet, .gz) or a folder, walked recursively; a
        binary file object is read as a stream of text; a Polars or pandas
        DataFrame or a PyArrow table is scanned cell by cell; a list or tuple
        holds paths (as `str` or `os.PathLike`).
    types : iterable of str, optional
        The kinds to look for (`kz_iin`, `kz_bin`, `iban`, `payment_card`,
        `phone`, `email`, `ip_address`, `kz_passport`, `kz_id_card`,
        `person_name`); all by default.
    recognizers : str, os.PathLike or dict, optional
        An organisation's own recognizers, allow list and threshold: a YAML
        file, or the same as a mapping (see `senim.checks.personal_data.recognizers`).
    min_confidence : float, optional
        Findings below this confidence (0 to 1) are not yielded.
    workers : int or None
        Processes for files and folders (1, the default, scans in this
        process; 0 or None: every core; more than one needs the
        ``if __name__ == "__main__":`` guard in a script).
    include, exclude : iterable of str
        Globs of files to scan, or to skip, inside folders.
    notes : list, optional
        Receives (kind, path) for files passed over (binary files, pipes, devices).

    Yields
    ------
    Finding
        `path` ("-" for text, bytes and streams, "data" for a table), `line` (text) or `row` and `column`
        (tables), `start` and `end` (code points), `type`, `confidence`,
        `value` (unmasked; `.masked` or `.to_dict()` masks it), `valid`.

    Raises
    ------
    senim.errors.ParameterError
        For a value a parameter cannot take (`field` names it: ``source``,
        ``types``, ``workers``).
    senim.errors.InputError
        For a path that does not exist, an unreadable file, a bad recognizers
        file (one sentence, naming the place).

    Examples
    --------
    >>> [(f.type, f.start, f.end, f.masked) for f in scan("ИИН 061211600012, БИН 940140000385")]
    [('kz_iin', 4, 16, '**********12'), ('kz_bin', 22, 34, '**********85')]
    """
    from senim.checks.personal_data import recognizers as custom
    from senim.checks.personal_data.engine import TYPES
    from senim.checks.personal_data.scanner import scan as scan_sources

    if types is None or types == "all":
        chosen = TYPES
    else:
        chosen = (types,) if isinstance(types, str) else tuple(types) if isinstance(types, (list, tuple, set)) else None
        if chosen is None or not all(isinstance(t, str) for t in chosen):
            raise ParameterError("a type name or a list of them", field="types")
    unknown = [t for t in chosen if t not in TYPES]
    if unknown:
        raise ParameterError(f"unknown type {unknown[0]!r} (known: {', '.join(TYPES)})", field="types")
    spec = "" if recognizers is None else custom.load(recognizers)
    if min_confidence is not None and (isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float))
                                       or not 0 <= min_confidence <= 1):
        raise ParameterError("a number from 0 to 1", field="min_confidence")
    spec = custom.with_threshold(spec, min_confidence)
    if workers is None or workers == 0:
        workers = os.cpu_count() or 1
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ParameterError("a number of processes (0 or None: every core)", field="workers")
    sources = _sources(source, tuple(include), tuple(exclude))
    yield from scan_sources([], chosen, workers=workers, notes=notes, recognizers=spec, sources=sources)


def _sources(source, include: tuple, exclude: tuple) -> list:
    if isinstance(source, str):
        return [src.Source("-", "stream", io.BytesIO(source.encode("utf-8")))]
    if isinstance(source, (bytes, bytearray, memoryview)):
        return [src.Source("-", "stream", io.BytesIO(bytes(source)))]
    if isinstance(source, os.PathLike):
        return src.discover([os.fspath(source)], include, exclude)
    if isinstance(source, (list, tuple)):
        if not all(isinstance(p, (str, os.PathLike)) for p in source):
            raise ParameterError("a list holds paths (str or os.PathLike)", field="source")
        return src.discover([os.fspath(p) for p in source], include, exclude)
    if hasattr(source, "read"):
        return [src.Source("-", "stream", _BinaryReader(source))]
    frame = _as_frame(source)
    if frame is not None:
        return [src.Source("data", "frame", frame)]
    raise ParameterError(f"expected text, bytes, a binary file, a path or a list of them, or a table; "
                         f"got {type(source).__name__}", field="source")


class _BinaryReader:
    """A file object read as bytes (a text-mode one is refused at its first read)."""

    def __init__(self, handle):
        self.handle = handle

    def read(self, n: int) -> bytes:
        block = self.handle.read(n)
        if isinstance(block, str):
            raise ParameterError("a text-mode file object; open the file in binary mode ('rb')", field="source")
        return block


def _as_frame(value):
    """A Polars frame from a Polars, pandas or PyArrow table, else None."""
    module = type(value).__module__.split(".")[0]
    if module not in ("polars", "pandas", "pyarrow"):
        return None
    import polars as pl

    if isinstance(value, pl.DataFrame):
        return value
    if isinstance(value, pl.LazyFrame):
        return value.collect()
    if module == "pandas" and type(value).__name__ == "DataFrame":
        return pl.from_pandas(value)
    if module == "pyarrow" and type(value).__name__ in ("Table", "RecordBatch"):
        import pyarrow as pa

        from senim.checks.personal_data.columns import unique_names
        from senim.checks.personal_data.tables import as_frame

        unique_names(value.column_names, "data")
        return as_frame(pa.Table.from_batches([value]) if type(value).__name__ == "RecordBatch" else value)
    return None


__all__ = ["scan", "Finding", "Path"]
