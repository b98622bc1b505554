"""Arrow columns as the scanner reads them, and as redaction writes them back.

Polars, which scans the cells, cannot take every Arrow type a Parquet file
or a caller's table carries: a 256-bit decimal makes it panic, extension
types (JSON, UUID) become opaque, run-end and list-view layouts are refused,
and a map is read as a Python dict, which drops every entry whose key comes
twice (and turns keys, which are data, into field names). `readable(table)`
gives a table of the same rows and column names that Polars takes whole:
extension columns as their storage, 256-bit decimals as their digits, maps
as lists of `{key, value}` structs (the names the Arrow and Parquet specs
give a map's two fields), run-end and list-view arrays decoded, and
intervals (which cannot hold an identifier) as nulls.

`redact_table(table, cells, replace_cell)` writes findings back into the
*original* table, its schema unchanged: each cell that holds a finding is
rebuilt from its Python value, text and bytes with the finding replaced,
numbers that hold one emptied. A type that cannot be rebuilt so is refused
with a sentence rather than copied with the data left in it.
"""

from __future__ import annotations

from senim.errors import InputError


def _changes(t) -> bool:
    """Whether an Arrow type needs rewriting before Polars can take it."""
    import pyarrow as pa
    import pyarrow.types as at

    if isinstance(t, pa.ExtensionType) or at.is_map(t) or at.is_decimal256(t) or at.is_interval(t):
        return True
    if at.is_run_end_encoded(t) or at.is_list_view(t) or at.is_large_list_view(t):
        return True
    if at.is_dictionary(t):
        return not (at.is_string(t.value_type) or at.is_large_string(t.value_type))
    if at.is_struct(t):
        return any(_changes(t.field(i).type) for i in range(t.num_fields))
    if at.is_list(t) or at.is_large_list(t) or at.is_fixed_size_list(t):
        return _changes(t.value_type)
    return False


def _unsliced(array):
    """The array with offset 0 (Arrow builds arrays from parts only so)."""
    import pyarrow as pa

    return pa.concat_arrays([array.slice(0, 0), array]) if array.offset else array


def readable_array(array):
    """`array` in types Polars takes (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.types as at

    t = array.type
    if not _changes(t):
        return array
    if isinstance(t, pa.ExtensionType):
        return readable_array(array.storage)
    if at.is_decimal256(t):
        return array.cast(pa.string())
    if at.is_interval(t):
        return pa.nulls(len(array))
    if at.is_run_end_encoded(t):
        return readable_array(pc.run_end_decode(array))
    if at.is_list_view(t) or at.is_large_list_view(t):
        kind = pa.list_ if at.is_list_view(t) else pa.large_list
        # through Python values: pyarrow 26's cast of a list view with nulls
        # gives an invalid list (rare: Parquet never holds list views)
        return readable_array(pa.array(array.to_pylist(), kind(t.value_type)))
    if at.is_dictionary(t):
        return readable_array(array.dictionary_decode())
    if at.is_fixed_size_list(t):
        return readable_array(array.cast(pa.list_(t.value_type)))
    array = _unsliced(array)
    mask = array.is_null() if array.null_count else None
    if at.is_map(t):
        entries = pa.StructArray.from_arrays([readable_array(array.keys), readable_array(array.items)],
                                             names=["key", "value"])
        return pa.ListArray.from_arrays(array.offsets, entries, mask=mask)
    if at.is_struct(t):
        fields = [readable_array(f) for f in array.flatten()]
        if not fields:
            return array
        return pa.StructArray.from_arrays(fields, names=[t.field(i).name for i in range(t.num_fields)], mask=mask)
    kind = pa.ListArray if at.is_list(t) else pa.LargeListArray
    return kind.from_arrays(array.offsets, readable_array(array.values), mask=mask)


def readable(table):
    """`table` (a PyArrow table) with every column in types Polars takes."""
    import pyarrow as pa

    if not any(_changes(field.type) for field in table.schema):
        return table
    columns = []
    for column in table.columns:
        if _changes(column.type):
            chunks = [readable_array(chunk) for chunk in column.chunks]
            column = pa.chunked_array(chunks, type=chunks[0].type) if chunks else pa.chunked_array(
                [readable_array(pa.array([], column.type))])
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def unique_names(names: list[str], where: str) -> None:
    """Refuse a table whose column names repeat (findings are placed by column name)."""
    from senim.checks.personal_data.tables import masked_message

    seen = set()
    for name in names:
        if name in seen and name:  # blank names are told apart by position
            raise InputError(f"{where}: the column name {masked_message(name)!r} stands twice in the header; "
                             "findings are placed by column, so rename one (nothing was read)")
        seen.add(name)


def redact_table(table, rows_by_column: dict[str, set[int]], clean, where: str):
    """`table` with `clean(value, arrow type)` applied to each listed cell
    (0-based rows), each column keeping its Arrow type."""
    import pyarrow as pa

    columns = []
    for name, column in zip(table.column_names, table.columns):
        rows = rows_by_column.get(name)
        if rows:
            values = column.to_pylist()
            for row in rows:
                values[row] = clean(values[row], column.type)
            try:
                column = pa.array(values, type=column.type)
            except (pa.ArrowException, TypeError, ValueError):
                raise InputError(f"{where}: column {masked_message_of(name)!r} holds personal data in a type "
                                 f"({column.type}) its cells cannot be rewritten in; nothing was written") from None
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=table.schema)


def masked_message_of(text: str) -> str:
    from senim.checks.personal_data.tables import masked_message

    return masked_message(text)
