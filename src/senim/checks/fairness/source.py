"""Opening a decision log: CSV, Parquet, JSON Lines, a folder of Parquet files,
or a table already in memory (Polars, pandas, PyArrow).

Everything is lazy (a Polars scan), so only the named columns are read and
Parquet is streamed; any reading failure becomes one InputError sentence.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from senim.errors import InputError, Word

PARQUET = (".parquet", ".pq")
CSV = (".csv", ".tsv")
JSONL = (".jsonl", ".ndjson")


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0].rstrip(".") if text else type(error).__name__


@contextmanager
def reading(path: str | Path):
    """Turn any library error raised while reading `path` into an InputError."""
    import polars as pl

    try:
        yield
    except InputError:
        raise
    except pl.exceptions.NoDataError:
        raise InputError(f"{path}: the file is empty") from None
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise InputError(f"{path}: cannot be read: {first_line(error)}") from None
    except Exception as error:  # pyarrow and friends raise their own types
        if type(error).__module__.startswith(("pyarrow", "polars")):
            raise InputError(f"{path}: cannot be read: {first_line(error)}") from None
        raise


def data_files(path: str | Path) -> tuple[str, list[Path]]:
    """The kind of data at `path` and the files that hold it."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PARQUET)
        if not files:
            raise InputError(f"{path}: the folder holds no Parquet files")
        return "parquet", files
    from senim.reading import open_regular

    os.close(open_regular(path, Word("errors.what.data_file")))  # a FIFO or a device: named as such, never waited on
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    if suffix in PARQUET:
        return "parquet", [path]
    if suffix in CSV:
        return "csv", [path]
    if suffix in JSONL:
        return "jsonl", [path]
    raise InputError(f"{path}: unknown data format '{suffix}'; use CSV, Parquet, JSON Lines or a folder of Parquet")


def scan(kind: str, files: list[Path]):
    """A Polars LazyFrame over the files."""
    import polars as pl

    if kind == "parquet":
        return pl.scan_parquet([str(f) for f in files])
    if kind == "csv":
        separator = "\t" if files[0].suffix.lower() == ".tsv" else ","
        return pl.scan_csv(str(files[0]), separator=separator, infer_schema_length=10_000)
    return pl.scan_ndjson(str(files[0]), infer_schema_length=10_000)


def table_kind(value: Any) -> str | None:
    """'polars', 'polars-lazy', 'pandas' or 'arrow' for an in-memory table, else None
    (told by the type's module, so that no table library is imported to ask)."""
    module = type(value).__module__.split(".", 1)[0]
    name = type(value).__name__
    if module == "polars":
        return {"DataFrame": "polars", "LazyFrame": "polars-lazy"}.get(name)
    if module == "pandas" and name == "DataFrame":
        return "pandas"
    if module == "pyarrow" and name in ("Table", "RecordBatch"):
        return "arrow"
    return None


def lazy_frame(value: Any, kind: str):
    """A Polars LazyFrame over an in-memory table."""
    import polars as pl

    if kind == "polars":
        return value.lazy()
    if kind == "polars-lazy":
        return value
    if kind == "pandas":
        return pl.from_pandas(value).lazy()
    return pl.from_arrow(value).lazy()


def open_log(path, name: str | None = None):
    """(LazyFrame, schema, kind, files) of the log at `path`, or of the table
    `path` is (kind "frame", no files; messages call it `name`); schema
    problems are InputErrors."""
    memory = table_kind(path)
    where = name or (str(path) if memory is None else "data")
    if memory is None:
        kind, files = data_files(path)
    else:
        kind, files = "frame", []
    with reading(where):
        frame = scan(kind, files) if memory is None else lazy_frame(path, memory)
        schema = frame.collect_schema()
        if frame.head(1).collect().height == 0:  # reads only the first chunk
            raise InputError(f"{where}: the data has no rows")
    return frame, schema, kind, files
