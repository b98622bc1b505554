"""Throw-away PostgreSQL databases for the benchmarks and the tests, on the
server of scripts/system.d/registry.start.sh (or SENIM_TEST_PG)."""

from __future__ import annotations

import os
import time
import uuid

PG_URL = os.environ.get("SENIM_TEST_PG", "postgresql+psycopg://senim:senim@127.0.0.1:55432/senim")


def pg_database(prefix: str = "senim_bench_", template: str | None = None) -> tuple[str, "callable"]:
    """A new database's URL and the function that drops it: empty, or a copy of
    the database `template` (a file copy on the server; nobody may be connected
    to it). Fails, never skips, when the server is down."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), lambda: drop_database(admin, name)


def drop_database(admin, name: str) -> None:
    """DROP DATABASE ... WITH (FORCE), waiting out an autovacuum worker: on
    PostgreSQL 15 only a superuser may end one, so FORCE is refused to our
    role while one works on the database (it finishes in moments)."""
    from sqlalchemy import exc, text

    for attempt in range(50):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            break
        except exc.ProgrammingError as refused:
            if "pg_signal_backend" not in str(refused) or attempt == 49:
                raise
            time.sleep(0.2)
    admin.dispose()
