"""Opening a registry database (SQLite file or PostgreSQL URL), migrating it,
and the one kind of write transaction: serialised, ledgered, checkpointed.

SQLite runs in WAL mode; write transactions start with BEGIN IMMEDIATE so two
processes never both read the same last ledger entry. PostgreSQL writers take
a transaction-scoped advisory lock. Either way a change, its ledger entry and
the checkpoint commit together or not at all.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from senim.errors import InputError, ParameterError
from senim.ledger import chain

DEFAULT_DB = "senim.db"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(db: str | None = None) -> str:
    """`db` wins, then the settings' (SENIM_DB), then ./senim.db; a path means SQLite."""
    from senim.settings import current

    value = db or current().db or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):
            return "postgresql+psycopg://" + value[len(plain) :]
    return value


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 120})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 120000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            write = conn.get_execution_options().get("senim_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=False)
    raise ParameterError("only SQLite paths and postgresql:// URLs are supported", file=url, field="db")


def _alembic_config(conn: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest schema under the write lock; (before, after)."""
    from alembic import command

    with engine.connect().execution_options(senim_write=True) as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # a migration may rebuild tables (0003); it checks the keys itself before commit
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                chain.lock(conn)
                before = current_revision(conn)
                head = head_revision()
                if before != head:
                    command.upgrade(_alembic_config(conn), "head")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
        return before, head


class Database:
    """One registry database. Use `write()` for every change."""

    def __init__(self, db: str | None = None, *, migrate: bool = True, settings=None):
        self.settings = settings  # senim.settings.Settings for its work (keys, home); None: those in force
        with self._settings():
            self.url = resolve_url(db)
        try:
            self.engine = make_engine(self.url)
        except InputError:
            raise
        except Exception as error:  # a driver that is not installed, a malformed URL
            raise ParameterError(_first_line(error), file=db or self.url, field="db") from None
        self._lock_fd: int | None = None
        database = self.engine.url.database if self.url.startswith("sqlite") else None
        self._lock_path = database + ".lock" if database and database != ":memory:" else None
        if self._lock_path:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            _create_private(database)
        if migrate:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        try:
            with self.engine.connect() as conn:
                current = current_revision(conn)
                conn.rollback()
        except Exception as error:  # an unreachable server, a file that is not SQLite
            raise InputError(f"{self.display}: database: {_first_line(error)}") from None
        if current != head_revision():
            upgrade(self.engine)

    @property
    def display(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.url).render_as_string(hide_password=True)

    def _settings(self):
        from contextlib import nullcontext

        return self.settings.active() if self.settings is not None else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._settings(), self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def write(self, signer=None) -> Iterator[Connection]:
        """A serialised transaction; the ledger is checkpointed before commit."""
        with self._settings(), self._queue():
            with self.engine.connect().execution_options(senim_write=True) as conn:
                with conn.begin():
                    chain.lock(conn)
                    yield conn
                    chain.checkpoint(conn, signer)

    @contextmanager
    def _queue(self) -> Iterator[None]:
        """SQLite writers wait in the kernel's queue on a lock file beside the
        database: SQLite's own busy handler polls with growing sleeps, which
        wastes most of the time when several processes write at once.
        Correctness does not depend on it (BEGIN IMMEDIATE still serialises)."""
        if self._lock_path is None:
            yield
            return
        import fcntl

        if self._lock_fd is None:
            self._lock_fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _create_private(path: str) -> None:
    """A new SQLite file is made owner-only (0600), as the signing keys are:
    it holds decisions about people and incidents. SQLite gives its -wal and
    -shm files the database file's mode. An existing file is left alone."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # there already, or a folder we may not write: SQLite says so in its own words
        pass


def _first_line(error: Exception) -> str:
    message = str(getattr(error, "orig", None) or error).strip().splitlines()
    return message[0] if message else type(error).__name__
