"""Is every stored value of the kind its column declares?

Senim writes text (canonical JSON where it is JSON) into text columns, but a
SQLite file changed outside Senim can hold a BLOB, a number or bytes that are
not UTF-8 where text belongs, and a JSON column can hold what is not JSON.
PostgreSQL enforces the types itself. This is looked at only when reading a
row has already failed, so that the sentence names the table, the column and
the row instead of a Python error; it costs nothing on an intact registry.
"""

from __future__ import annotations

from sqlalchemy import String, Text, text

# Columns that hold JSON text (the rest of the text columns hold plain text).
JSON_COLUMNS = {
    "ledger_entries": ("entry",), "ledger_checkpoints": ("body", "frontier"),
    "system_versions": ("manifest", "classification"), "decisions": ("record",),
    "incidents": ("record",), "incident_updates": ("record",), "assessments": ("summary",),
    "evidence": ("record",),
}


def problem(conn) -> str | None:
    """The first stored value that is not of its column's kind, in words, or None."""
    if conn.dialect.name != "sqlite":
        return None
    from sqlalchemy import inspect

    from senim.registry.models import Base

    present = set(inspect(conn).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            return f"the table {table.name} is missing"
        key = ", ".join(f'"{c.name}"' for c in table.primary_key.columns) or "rowid"
        for column in table.columns:
            if not isinstance(column.type, (String, Text)):
                continue
            name = f'"{column.name}"'
            found = conn.execute(text(
                f'SELECT {key}, typeof({name}) FROM "{table.name}" '
                f"WHERE typeof({name}) NOT IN ('text', 'null') LIMIT 1")).first()
            if found is not None:
                return (f"{table.name}.{column.name} of row {_row(found[:-1])} is stored as {found[-1]}, "
                        "not text (the file was changed outside Senim)")
            bad = _unreadable(conn, table.name, key, name, column.name in JSON_COLUMNS.get(table.name, ()))
            if bad is not None:
                return f"{table.name}.{column.name} of row {bad} (the file was changed outside Senim)"
    return None


def _unreadable(conn, table: str, key: str, column: str, is_json: bool) -> str | None:
    """The first row whose text is not UTF-8 (or not JSON), read as bytes:
    SQLite itself never checks UTF-8."""
    import json

    raw = conn.connection.driver_connection
    saved = raw.text_factory
    raw.text_factory = bytes
    try:
        for *row, value in raw.execute(f'SELECT {key}, {column} FROM "{table}" WHERE typeof({column}) = \'text\''):
            try:
                decoded = value.decode("utf-8")
            except UnicodeDecodeError:
                return f"{_row(row)} is not UTF-8 text"
            if is_json:
                try:
                    json.loads(decoded)
                except (ValueError, RecursionError):
                    return f"{_row(row)} is not JSON"
    finally:
        raw.text_factory = saved
    return None


def _row(key) -> str:
    return ", ".join(str(part) for part in key)
