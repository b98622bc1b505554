"""Redaction: findings replaced by masks or by keyed pseudonyms.

A pseudonym is an HMAC-SHA256 of the identifier in its compact form (so
`+7 701 234 56 78` and `87012345678` are one person), under a key the owner
keeps; the same key gives the same pseudonym in every file and table.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import os
from pathlib import Path

from senim.checks.personal_data import sources as src
from senim.checks.personal_data import tables
from senim.checks.personal_data.detectors import registry
from senim.checks.personal_data.engine import TYPES, engine_for
from senim.checks.personal_data.findings import mask
from senim.errors import InputError, ParameterError

KEY_ENV = "SENIM_PSEUDONYM_KEY"
__all__ = ["mask", "pseudonym", "load_key", "Replacer", "redact_file", "redact_bytes_stream"]


def _compact(value: str, type_: str) -> str:
    detector = registry().get(type_)
    return detector.compact(value) if detector else value.strip()


def load_key(key_file: str | None) -> bytes:
    """The pseudonym key: from `key_file`, else the settings' (SENIM_PSEUDONYM_KEY)."""
    from senim.settings import current

    if key_file:
        from senim.paths import read_secret

        key = read_secret(Path(key_file), "pseudonym key")  # bounded, warned when open to others
    else:
        key = current().pseudonym_key or b""
    if len(key) < 16:
        raise InputError(
            f"{key_file or KEY_ENV}: a pseudonym key of at least 16 bytes is needed (give `key_file` or set {KEY_ENV})"
        )
    return key


def pseudonym(value: str, type_: str, key: bytes) -> str:
    compact = _compact(value, type_)
    digest = hmac.new(key, f"{type_}:{compact}".encode(), hashlib.sha256).hexdigest()
    return f"<{type_}:{digest[:12]}>"


class Replacer:
    def __init__(self, mode: str, key: bytes | None = None):
        if mode not in ("mask", "pseudonym"):
            raise ParameterError(f"{mode!r} is not mask or pseudonym", field="mode")
        self.mode, self.key = mode, key

    def __call__(self, value: str, type_: str) -> str:
        if self.mode == "mask":
            return mask(value, type_)
        return pseudonym(value, type_, self.key)


def redact_bytes_stream(read_block, write, what: tuple, replace: Replacer, chunk: int = src.CHUNK) -> int:
    """Copy a byte stream, replacing findings; returns how many were replaced.
    `what` is (types, recognizers)."""
    engine = engine_for(*what)
    carry = b""
    count = 0
    finished = False
    while not finished:
        block = read_block(chunk)
        data = carry + block
        if not block:
            finished, cut = True, len(data)
        else:
            cut = src.cut_point(data)
            if cut is None:  # no line end yet: read on
                carry = data
                continue
        found = engine.scan(data, cut)
        # a finding that runs past the cut moves the cut to its end
        end_of_last = max((f[1] for f in found), default=0)
        cut = max(cut, end_of_last)
        out, pos = [], 0
        for start, end, type_, _confidence, _value, _valid in found:
            out.append(data[pos:start])
            out.append(replace(data[start:end].decode("utf-8", "replace"), type_).encode("utf-8"))
            pos = end
            count += 1
        out.append(data[pos:cut])
        write(b"".join(out))
        carry = data[cut:]
    if carry:
        write(carry)
    return count


def _redact_frame(frame, what: tuple, replace: Replacer):
    """The frame with findings replaced, its schema kept: text cells get the
    replacement in place, number cells holding an identifier become null,
    nested values are rebuilt with their strings redacted."""
    import polars as pl

    engine = engine_for(*what)
    findings = tables.frame_findings(frame, engine, 0)
    if not findings:
        return frame, 0
    by_column: dict[str, dict[int, list]] = {}
    for row, column, start, end, type_, _c, value, _valid in findings:
        by_column.setdefault(column, {}).setdefault(row - 1, []).append((start, end, type_, value))
    replaced = []
    nested = {name for name in frame.columns if tables.kind_of_column(frame.schema[name]) == "nested"}
    for name in nested:
        if any(c == name or c.startswith(name + ".") for c in by_column):
            replaced.append(_redact_nested(frame.get_column(name), engine, replace))
    for name, rows in by_column.items():
        if name not in frame.columns or name in nested:
            continue  # a leaf of a nested column, rebuilt above
        series = frame.get_column(name)
        kind = tables.kind_of_column(series.dtype)
        if kind == "text":
            values = series.cast(pl.String).to_list()
            for index, spans in rows.items():
                cell = values[index]  # scanned with newlines as spaces: the same places
                for start, end, type_, value in sorted(spans, reverse=True):
                    cell = cell[:start] + replace(value, type_) + cell[end:]
                values[index] = cell
            replaced.append(pl.Series(name, values, dtype=pl.String).cast(series.dtype)
                            if series.dtype != pl.String else pl.Series(name, values, dtype=pl.String))
        else:  # a number column holding identifiers: the schema stays, the cells go
            replaced.append(series.scatter(sorted(rows), None))
    return frame.with_columns(replaced), len(findings)


def _redact_nested(series, engine, replace: Replacer):
    """A struct, list or map column with every string (and number) leaf that
    holds personal data redacted (a number leaf becomes null)."""
    import polars as pl

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, tuple):
            return tuple(clean(v) for v in value)
        if isinstance(value, str):
            return tables.replace_in_text(value, engine, replace)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None if engine.scan(str(value).encode()) else value
        return value

    return pl.Series(series.name, [clean(v) for v in series.to_list()], dtype=series.dtype)


def redact_file(source: str, target: str, types=TYPES, mode: str = "mask", key: bytes | None = None,
                recognizers: str = "") -> int:
    """Write a redacted copy of `source` to `target` (atomically); returns the
    number of replacements."""
    import tempfile

    what = (tuple(t for t in TYPES if t in set(types)), recognizers)
    replace = Replacer(mode, key)
    if not os.path.isfile(source):
        raise InputError(f"{source}: no such file")
    if src.is_binary(source):
        raise InputError(f"{source}: a binary file, nothing to redact")
    kind = src.kind_of(source)
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_path.parent, prefix=f".{target_path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        if kind in ("text", "gzip-text"):
            opener = gzip.open if kind == "gzip-text" else open
            with opener(source, "rb") as reader, opener(tmp, "wb") as writer:
                count = redact_bytes_stream(reader.read, writer.write, what, replace)
        elif kind in ("csv", "tsv", "gzip-csv", "gzip-tsv"):
            count = _redact_csv(source, tmp, kind, what, replace)
        elif kind == "parquet":
            count = _redact_parquet(source, tmp, what, replace)
        else:
            raise InputError(f"{source}: cannot redact a {kind} file")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target_path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return count


def _redact_csv(source, tmp, kind, what, replace) -> int:
    separator = "\t" if kind.endswith("tsv") else ","
    count, first = 0, True
    opener = gzip.open if kind.startswith("gzip") else open
    with opener(tmp, "wb") as out:
        for frame in tables.csv_batches(source, separator, kind.startswith("gzip")):
            frame, n = _redact_frame(frame, what, replace)
            count += n
            frame.write_csv(out, separator=separator, include_header=first)
            first = False
    return count


def _redact_parquet(source, tmp, what, replace) -> int:
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(source)
    except Exception as error:
        raise InputError(f"{source}: not a readable Parquet file "
                         f"({tables.masked_message(str(error).splitlines()[0])})") from None
    schema = reader.schema_arrow
    count = 0
    with pq.ParquetWriter(tmp, schema) as writer:
        for group in range(reader.metadata.num_row_groups):
            frame = tables.parquet_group(source, group)
            frame, n = _redact_frame(frame, what, replace)
            count += n
            writer.write_table(frame.to_arrow().cast(schema))
    return count
