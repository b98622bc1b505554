"""Tables: CSV (plain or gzip, streamed in batches) and Parquet, cell by cell.

Every column that can hold text is scanned: strings, categorical
(dictionary-encoded) strings, numbers (an IIN stored as a number is still
an IIN), and the string and number leaves of struct, list and map columns
(reported as `column.field`). Columns that cannot hold an identifier
(dates, times, durations, booleans, binary) are passed over. A row with more
fields than the header is refused with the line it stands on, never cut.
No message quotes a cell: error texts are masked before they are shown.
"""

from __future__ import annotations

import csv
import gzip
import io
from typing import Iterator

from senim.errors import InputError

# Cells worth a look: ASCII-only classes (plus explicit Cyrillic letters) keep
# Polars on its fast path; Unicode \d and \b make it 30 times slower.
PREFILTER = (
    r"[0-9](?:[ ()-]{0,2}[0-9]){6}|@|[0-9]\.[0-9]{1,3}\.[0-9]|[0-9A-Fa-f]?:[0-9A-Fa-f]{0,4}:"
    r"|[A-ZА-ЯЁӘҒҚҢӨҰҮҺІÄÖÜÑĞİŞŪ][a-zа-яёәғқңөұүһіäöüñğışū]+(?:-[A-ZА-ЯЁӘҒҚҢӨҰҮҺІa-zа-яәқұ][a-zа-яёәғқңөұүһіäöüñğışū]+)? [A-ZА-ЯЁӘҒҚҢӨҰҮҺІÄÖÜÑĞİŞŪ]"
)
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
        convert = pc.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True)
        with open_stream() as stream:
            reader = pc.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
            for batch in reader:
                yield pl.from_arrow(pa.Table.from_batches([batch]))
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


def parquet_group(path: str, group: int):
    """One row group of a Parquet file as a Polars frame."""
    import polars as pl
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path).read_row_group(group)
    except Exception as error:  # pyarrow raises several kinds for a broken file
        raise InputError(f"{path}: row group {group}: not readable Parquet "
                         f"({masked_message(str(error).splitlines()[0])})") from None
    return pl.from_arrow(table)


# ---------------------------------------------------------------- columns

def kind_of_column(dtype) -> str:
    """text | number | nested | none (cannot hold an identifier)."""
    import polars as pl

    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "text"
    if dtype.is_numeric():
        return "number"
    if dtype.is_nested():
        return "nested"
    return "none"


def leaves(value, path: str = ""):
    """(field path, text) of every string or number inside a nested value."""
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
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, str(value)


def text_cells(column, prefilter: bool = True):
    """(row indexes, cells as text) of a flat column's cells worth scanning
    (all of them when an organisation's own recognizers may match anything)."""
    import polars as pl

    if column.dtype != pl.String:
        column = column.cast(pl.String)
    hits = column.str.contains(PREFILTER) if prefilter else column.is_not_null()
    hits = hits.fill_null(False)
    rows = hits.arg_true().to_list()
    if not rows:
        return [], []
    return rows, column.gather(rows).str.replace_all("\n", " ", literal=True).to_list()


def frame_findings(frame, engine, row_offset: int) -> list[tuple]:
    """Findings in a Polars frame: (row, column, cp start, cp end, type, confidence, value, valid),
    in row then column order."""
    from senim.checks.personal_data.findings import locate

    results = []
    order = {}
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
        order[name] = (position, "")
        rows, cells = text_cells(column, not engine.custom)
        if not rows:
            continue
        data = "\n".join(cells).encode("utf-8")
        located, _, _ = locate(data, engine.scan(data), len(data))
        for line, start, end, type_, confidence, value, valid in located:
            results.append((row_offset + rows[line] + 1, name, start, end, type_, confidence, value, valid))
    results.sort(key=lambda r: (r[0], order[r[1]], r[2]))
    return results
