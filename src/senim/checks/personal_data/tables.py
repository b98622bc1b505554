"""Tables: CSV (plain or compressed, streamed in batches) and Parquet, cell by cell.

Every column that can hold text is scanned: strings, categorical
(dictionary-encoded) strings, bytes (read as UTF-8), numbers (an IIN
stored as a number is still an IIN), and the leaves of struct, list and map
columns (reported as `column.field`; a map's entries as `column.key` and
`column.value`). Column names are scanned too, as row 0: a CSV file without
a header has its first row there. Columns that cannot hold an identifier
(dates, times, durations, intervals, booleans) are passed over. A row with
more fields than the header is refused with the line it stands on, never
cut; so is a header that names a column twice. No message quotes a cell:
error texts are masked before they are shown.

A column's cells are scanned as one buffer, a line per row, by the same
Hyperscan engine as text (no per-cell regular expression first: Polars'
regex engine on the whole column cost more than the scan itself).
"""

from __future__ import annotations

import csv
import gzip
import io
from typing import Iterator

from senim.errors import InputError

BATCH_BYTES = 1 << 20  # larger blocks make pyarrow hold several times more memory


def replace_in_text(text: str, engine, replace) -> str:
    """`text` with each finding replaced by replace(value, type)."""
    data = text.encode("utf-8")
    out, pos = [], 0
    for start, end, type_, _c, value, _v in engine.scan(data):
        out.append(data[pos:start])
        out.append(replace(value, type_).encode("utf-8"))
        pos = end
    out.append(data[pos:])
    return b"".join(out).decode("utf-8", "replace")


def masked_message(text: str) -> str:
    """`text` with any personal data in it masked (for messages from readers
    that may quote the data they choke on)."""
    from senim.checks.personal_data.engine import TYPES, engine_for
    from senim.checks.personal_data.findings import mask

    return replace_in_text(text, engine_for(TYPES), mask)


def _ragged_line(path: str, compressed: bool, separator: str) -> tuple[int, int, int] | None:
    """(line, fields, header fields) of the first row with more fields than the header."""
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=separator)
        header = next(reader, [])
        for row in reader:
            if len(row) > len(header):
                return reader.line_num, len(row), len(header)
    return None


def csv_batches(path: str, separator: str, compressed: bool) -> Iterator:
    """Polars frames of a CSV file, every column as text, streamed in batches
    of about BATCH_BYTES (a .csv.gz is decompressed as it is read)."""
    import polars as pl

    for table in csv_tables(path, separator, compressed):
        yield pl.from_arrow(table)


def csv_tables(path: str, separator: str, compressed: bool, header: list | None = None) -> Iterator:
    """PyArrow tables of a CSV file, as `csv_batches`; a blank column name
    is read as `column_<position>` (as Polars names it), the names as written
    are put in `header`."""
    import pyarrow as pa
    import pyarrow.csv as pc

    def open_stream():
        raw = pa.OSFile(path, "rb")
        return pa.CompressedInputStream(raw, "gzip") if compressed else raw

    parse = pc.ParseOptions(delimiter=separator)
    read = pc.ReadOptions(block_size=BATCH_BYTES)
    try:
        with open_stream() as stream:
            try:
                names = pc.open_csv(stream, read_options=read, parse_options=parse).schema.names
            except StopIteration:
                return
        from senim.checks.personal_data.columns import unique_names

        unique_names(names, path)
        if header is not None:
            header[:] = names
        if "" in names:
            read = pc.ReadOptions(block_size=BATCH_BYTES, skip_rows=1,
                                  column_names=[n or f"column_{i}" for i, n in enumerate(names)])
            names = read.column_names
        convert = pc.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
        with open_stream() as stream:
            reader = pc.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
            empty = True
            for batch in reader:
                empty = False
                yield pa.Table.from_batches([batch])
            if empty:  # a header alone: its names are still scanned
                yield pa.Table.from_batches([], schema=reader.schema)
    except pa.ArrowInvalid as error:
        message = str(error)
        if "Empty CSV file" in message:
            return
        if "Expected" in message and "columns, got" in message:
            ragged = _ragged_line(path, compressed, separator)
            if ragged:
                line, fields, header = ragged
                raise InputError(f"{path}:{line}: this row has {fields} fields, the header {header}; "
                                 "the extra fields would be lost, so nothing was read (fix the row)") from None
            raise InputError(f"{path}: a row has fewer or more fields than the header (a quoted field that is "
                             "never closed?), so nothing was read") from None
        raise InputError(f"{path}: not a readable CSV file ({masked_message(message.splitlines()[0])})") from None
    except (OSError, EOFError, gzip.BadGzipFile, pa.ArrowException) as error:
        raise InputError(f"{path}: not a readable CSV file ({masked_message(str(error).splitlines()[0])})") from None


def parquet_table(path: str, group: int):
    """One row group of a Parquet file as a PyArrow table, as written."""
    import pyarrow.parquet as pq

    from senim.checks.personal_data.columns import unique_names

    try:
        table = pq.ParquetFile(path).read_row_group(group)
    except Exception as error:  # pyarrow raises several kinds for a broken file
        raise InputError(f"{path}: row group {group}: not readable Parquet "
                         f"({masked_message(str(error).splitlines()[0])})") from None
    unique_names(table.column_names, path)
    return table


def as_frame(table):
    """A PyArrow table as a Polars frame, every column in a type Polars
    takes (`columns.readable`)."""
    import polars as pl

    from senim.checks.personal_data.columns import readable

    return pl.from_arrow(readable(table))


def parquet_group(path: str, group: int):
    """One row group of a Parquet file as a Polars frame."""
    return as_frame(parquet_table(path, group))


# ---------------------------------------------------------------- columns

_NOT_TEXT = ("Date", "Datetime", "Time", "Duration", "Boolean", "Null")


def kind_of_column(dtype) -> str:
    """text | binary | number | nested | none (cannot hold an identifier) |
    object (anything else, read through its Python values)."""
    import polars as pl

    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "text"
    if dtype == pl.Binary:
        return "binary"
    if dtype.is_numeric():
        return "number"
    if dtype.is_nested():
        return "nested"
    if type(dtype).__name__ in _NOT_TEXT or dtype.base_type().__name__ in _NOT_TEXT:
        return "none"
    return "object"


def leaves(value, path: str = ""):
    """(field path, text) of every string, bytes or number inside a nested value."""
    if value is None:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from leaves(inner, path)
    elif isinstance(value, str):
        yield path, value
    elif isinstance(value, bytes):
        yield path, value.decode("utf-8", "replace")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, str(value)
    elif type(value).__name__ == "Decimal":
        yield path, str(value)


def column_bytes(column, kind: str) -> bytes:
    """A flat column's cells as one buffer, one line per row (a null is an
    empty line, a newline inside a cell a space), so that line i is row i."""
    import polars as pl

    if kind == "binary":
        return b"\n".join(b"" if v is None else v.replace(b"\n", b" ") for v in column.to_list())
    if kind == "object":
        return "\n".join("" if v is None else str(v).replace("\n", " ") for v in column.to_list()).encode("utf-8")
    if column.dtype != pl.String:
        column = column.cast(pl.String)
    if not len(column):
        return b""
    return column.fill_null("").str.replace_all("\n", " ", literal=True).str.join("\n").item().encode("utf-8")


def header_findings(names: list[str], engine) -> list[tuple]:
    """Findings in column names (a CSV file's first line is data when it has
    no header): (0, column, cp start, cp end, type, confidence, value, valid)."""
    from senim.checks.personal_data.findings import locate

    data = "\n".join(name.replace("\n", " ") for name in names).encode("utf-8")
    located, _, _ = locate(data, engine.scan(data), len(data))
    return [(0, names[line], start, end, type_, confidence, value, valid)
            for line, start, end, type_, confidence, value, valid in located]


def frame_findings(frame, engine, row_offset: int, header: bool = False) -> list[tuple]:
    """Findings in a Polars frame: (row, column, cp start, cp end, type, confidence, value, valid),
    in row then column order; with `header`, findings in the column names
    come first, as row 0."""
    from senim.checks.personal_data.findings import locate

    results = header_findings(frame.columns, engine) if header else []
    order = {name: (position, "") for position, name in enumerate(frame.columns)}
    for position, name in enumerate(frame.columns):
        column = frame.get_column(name)
        kind = kind_of_column(column.dtype)
        if kind == "none":
            continue
        if kind == "nested":
            cells = [(row, f"{name}{path}", text.replace("\n", " "))
                     for row, value in enumerate(column.to_list()) for path, text in leaves(value)]
            for leaf in {c[1] for c in cells}:
                order.setdefault(leaf, (position, leaf))
            if not cells:
                continue
            data = "\n".join(c[2] for c in cells).encode("utf-8")
            located, _, _ = locate(data, engine.scan(data), len(data))
            for line, start, end, type_, confidence, value, valid in located:
                row, leaf, _text = cells[line]
                results.append((row_offset + row + 1, leaf, start, end, type_, confidence, value, valid))
            continue
        data = column_bytes(column, kind)
        if not data:
            continue
        located, _, _ = locate(data, engine.scan(data), len(data))
        for line, start, end, type_, confidence, value, valid in located:
            results.append((row_offset + line + 1, name, start, end, type_, confidence, value, valid))
    results.sort(key=lambda r: (r[0], order[r[1]], r[2]))
    return results


def masked_labels(findings: list[tuple]) -> list[tuple]:
    """Findings with every column name that holds personal data shown masked
    (the name is data, as the first line of a CSV file without a header)."""
    from senim.checks.personal_data.findings import mask

    header = {}
    for row, column, start, end, type_, *_ in findings:
        if row != 0:
            break
        header.setdefault(column, []).append((start, end, type_))
    if not header:
        return findings
    labels = {name: _masked_name(name, spans, mask) for name, spans in header.items()}

    def label(column: str) -> str:
        if column in labels:
            return labels[column]
        for name, shown in labels.items():
            if column.startswith(name + "."):  # a leaf of a nested column
                return shown + column[len(name):]
        return column

    return [(f[0], label(f[1]), *f[2:]) for f in findings]


def _masked_name(name: str, spans, mask) -> str:
    for start, end, type_ in sorted(spans, reverse=True):
        name = name[:start] + mask(name[start:end], type_) + name[end:]
    return name
