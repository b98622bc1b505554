"""Redaction: findings replaced by masks or by keyed pseudonyms.

A pseudonym is an HMAC-SHA256 of the identifier in its compact form (so
`+7 701 234 56 78` and `87012345678` are one person), under a key the owner
keeps; the same key gives the same pseudonym in every file and table.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from senim.checks.personal_data import sources as src
from senim.checks.personal_data import tables
from senim.checks.personal_data.detectors import registry
from senim.checks.personal_data.engine import TYPES, engine_for
from senim.checks.personal_data.findings import mask
from senim.errors import InputError, ParameterError, Word

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

        key = read_secret(Path(key_file), Word("errors.what.pseudonym_key"))  # bounded, warned when open to others
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


def replace_in_bytes(raw: bytes, engine, replace) -> bytes:
    """`raw` with each finding replaced, found as the scan finds it (a
    newline inside a cell read as a space)."""
    found = engine.scan(raw.replace(b"\n", b" "))
    if not found:
        return raw
    out, pos = [], 0
    for start, end, type_, _c, _value, _v in found:
        out.append(raw[pos:start])
        out.append(replace(raw[start:end].decode("utf-8", "replace"), type_).encode("utf-8"))
        pos = end
    out.append(raw[pos:])
    return b"".join(out)


def _cleaner(engine, replace: Replacer):
    """clean(value, arrow type): a cell's Python value with its findings
    replaced: text and bytes in place, a number that holds one emptied (a
    mask is not a number), nested values rebuilt leaf by leaf."""
    import decimal

    import pyarrow as pa
    import pyarrow.types as at

    def clean(value, t, top: bool = True):
        if value is None:
            return None
        if isinstance(t, pa.ExtensionType):
            return clean(value, t.storage_type, top) if isinstance(value, (str, bytes)) else value
        if at.is_dictionary(t):
            return clean(value, t.value_type, top)
        if at.is_struct(t):
            return {k: clean(v, t.field(k).type, False) for k, v in value.items()}
        if at.is_map(t):
            return [(clean(k, t.key_type, False), clean(v, t.item_type, False)) for k, v in value]
        if isinstance(value, list):
            return [clean(v, t.value_type, False) for v in value]
        if isinstance(value, str):
            return replace_in_bytes(value.encode("utf-8"), engine, replace).decode("utf-8", "replace")
        if isinstance(value, bytes):
            new = replace_in_bytes(value, engine, replace)
            return None if at.is_fixed_size_binary(t) and len(new) != t.byte_width else new
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float, decimal.Decimal)):
            # a listed number cell holds a finding; a number inside a nested value is looked at again
            return None if top or engine.scan(str(value).encode()) else value
        return value

    return clean


def _renamed(names: list[str], engine, replace: Replacer, where: str) -> list[str]:
    """Column names with the personal data in them replaced (a CSV file
    without a header has its first row there)."""
    found = tables.header_findings(names, engine)
    if not found:
        return names
    spans: dict[str, list] = {}
    for _row, name, start, end, type_, _c, value, _v in found:
        spans.setdefault(name, []).append((start, end, type_, value))
    out = []
    for name in names:
        for start, end, type_, value in sorted(spans.get(name, ()), reverse=True):
            name = name[:start] + replace(value, type_) + name[end:]
        out.append(name)
    if len(set(out)) < len(out):
        raise InputError(f"{where}: two column names become one once redacted; nothing was written "
                         "(rename the columns that hold personal data)")
    return out


def _top_column(column: str, names: list[str]) -> str:
    """The table column a finding's column (or nested leaf `column.field`) belongs to."""
    if column in names:
        return column
    return max((n for n in names if column.startswith(n + ".")), key=len)


def _redact_table(table, engine, replace: Replacer, where: str):
    """The PyArrow table with findings replaced, its schema kept; and how many."""
    from senim.checks.personal_data import columns

    findings = tables.frame_findings(tables.as_frame(table), engine, 0)
    if not findings:
        return table, 0
    names = table.column_names
    rows: dict[str, set[int]] = {}
    for row, column, *_ in findings:
        rows.setdefault(_top_column(column, names), set()).add(row - 1)
    return columns.redact_table(table, rows, _cleaner(engine, replace), where), len(findings)


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
    codec = src.compression_of(source)
    try:
        if kind in ("text", "z-text"):
            try:
                with _open(source, codec, "rb") as reader, _open(tmp, codec, "wb") as writer:
                    count = redact_bytes_stream(reader.read, writer.write, what, replace)
            except src.decompression_errors() as error:
                first = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise InputError(f"{source}: not a readable {codec or 'text'} file "
                                 f"({tables.masked_message(first)}); nothing was written") from None
        elif kind in ("csv", "tsv", "z-csv", "z-tsv"):
            count = _redact_csv(source, tmp, "\t" if kind.endswith("tsv") else ",", codec, what, replace)
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


def _open(path: str, codec: str | None, mode: str):
    return src.open_compressed(path, codec, mode) if codec else open(path, mode)


def _redact_csv(source, tmp, separator, codec, what, replace) -> int:
    import polars as pl

    engine = engine_for(*what)
    count, names, header = 0, None, []
    with _open(tmp, codec, "wb") as out:
        for table in tables.csv_tables(source, separator, codec, header):
            first = names is None
            if first:  # the header as written, with its personal data replaced
                names = _renamed(header, engine, replace, source)
                count += len(tables.header_findings(header, engine))
            table, n = _redact_table(table, engine, replace, source)
            count += n
            pl.from_arrow(table.rename_columns(names)).write_csv(out, separator=separator, include_header=first)
    return count


def _redact_parquet(source, tmp, what, replace) -> int:
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(source)
        schema = reader.schema_arrow
    except Exception as error:
        raise InputError(f"{source}: not a readable Parquet file "
                         f"({tables.masked_message(str(error).splitlines()[0])})") from None
    from senim.checks.personal_data.columns import unique_names

    unique_names(schema.names, source)
    engine = engine_for(*what)
    names = _renamed(schema.names, engine, replace, source)
    count = len(tables.header_findings(schema.names, engine))
    out_schema = pa_schema_renamed(schema, names)
    with pq.ParquetWriter(tmp, out_schema) as writer:
        for group in range(reader.metadata.num_row_groups):
            table, n = _redact_table(tables.parquet_table(source, group), engine, replace, source)
            count += n
            writer.write_table(table.rename_columns(names))
    return count


def pa_schema_renamed(schema, names: list[str]):
    """The schema with its columns renamed; pandas' metadata, which lists the
    old names, is dropped when a name changed."""
    import pyarrow as pa

    if names == schema.names:
        return schema
    metadata = {k: v for k, v in (schema.metadata or {}).items() if k != b"pandas"}
    return pa.schema([field.with_name(name) for field, name in zip(schema, names)], metadata=metadata or None)
