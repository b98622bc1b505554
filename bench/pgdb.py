"""A throw-away PostgreSQL database for a benchmark, on the server of
scripts/system.d/registry.start.sh (or SENIM_TEST_PG)."""

from __future__ import annotations

import os
import time
import uuid

PG_URL = os.environ.get("SENIM_TEST_PG", "postgresql+psycopg://senim:senim@127.0.0.1:55432/senim")


def pg_database() -> tuple[str, "callable"]:
    """A new database's URL and the function that drops it."""
    from sqlalchemy import create_engine, exc, text
    from sqlalchemy.engine import make_url

    name = f"senim_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        # On PostgreSQL 15 only a superuser may end an autovacuum worker, so
        # DROP ... WITH (FORCE) is refused while one works on the database;
        # it finishes in moments.
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

    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False), drop
