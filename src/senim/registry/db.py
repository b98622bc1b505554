"""Opening a registry database (SQLite file or PostgreSQL URL), migrating it,
and the one kind of write transaction: serialised, ledgered, checkpointed.

SQLite runs in WAL mode; write transactions start with BEGIN IMMEDIATE so two
processes never both read the same last ledger entry. PostgreSQL writers take
a transaction-scoped advisory lock. Either way a change, its ledger entry and
the checkpoint commit together or not at all.

Reading commands open a registry read-only (`Database(readonly=True)`): a
SQLite file with `mode=ro` (and `immutable=1` for a copy in a folder no one
may write, with no write-ahead log beside it), a PostgreSQL session whose
transactions are read-only. They never migrate, never create a file, and a
0-byte, damaged or foreign file is reported as such. Every error sentence
shows the URL with its password hidden.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from senim.errors import InputError, ParameterError
from senim.ledger import chain

DEFAULT_DB = "senim.db"
MIGRATIONS = Path(__file__).parent / "migrations"


# PostgreSQL defaults, each overridable in the URL (`?connect_timeout=30`,
# `?options=-c%20statement_timeout%3D0`): a server that accepts the
# connection and never answers must not hang a command for ever, nor a
# statement stuck behind another session's lock.
PG_CONNECT_TIMEOUT = 10         # seconds
PG_STATEMENT_TIMEOUT = "5min"


def resolve_url(db: str | None = None) -> str:
    """`db` wins, then the settings' (SENIM_DB), then ./senim.db; a path means SQLite."""
    from senim.settings import current

    value = db or current().db or DEFAULT_DB
    if "://" not in value:
        if "\x00" in value:
            raise ParameterError.said("errors.registry.db_nul", file=repr(value), field="db")
        try:
            path = Path(value).expanduser().resolve()
        except (RuntimeError, OSError) as error:  # a symlink loop; an unknown ~user
            loop = "symlink loop" in str(error).lower() or getattr(error, "errno", None) == errno.ELOOP
            reason = "a loop of symbolic links" if loop else (getattr(error, "strerror", None) or str(error))
            raise ParameterError(f"cannot be followed to a file ({reason})", file=value, field="db") from None
        return "sqlite:///" + str(path)
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):
            return "postgresql+psycopg://" + value[len(plain) :]
    return value


_PASSWORD = re.compile(r"(://[^/@:?#]*:)([^@/]*)@")


def hide_password(text: str, url: str | None = None) -> str:
    """`text` with the password of any URL in it (and of `url`, wherever it
    appears, even decoded) replaced by ***, for every message a user sees."""
    secrets = set()
    if url:
        found = _PASSWORD.search(url)
        if found and found[2]:
            from urllib.parse import unquote

            secrets |= {found[2], unquote(found[2])}
    text = _PASSWORD.sub(lambda m: m[1] + ("***" if m[2] else "") + "@", text)
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 3:  # a password of one or two characters would mask every such letter
            text = text.replace(secret, "***")
    return text


def _sqlite_connect(path: str, readonly: bool):
    """A function making one sqlite3 connection to `path`: read-write, or for
    reading only. A reader that may write the folder opens the file as a
    writer would (never creating it) and refuses every change itself (PRAGMA
    query_only, set on connect), so that SQLite removes the WAL files it
    makes when the reader closes; a read-only file or folder is opened
    `mode=ro`, and `immutable=1` when SQLite could not make its WAL index."""
    import sqlite3
    from urllib.parse import quote

    def connect():
        if not readonly:
            return sqlite3.connect(path, timeout=120, check_same_thread=False)
        folder = os.path.dirname(path) or "."
        if os.access(path, os.W_OK) and os.access(folder, os.W_OK):
            uri = f"file:{quote(path)}?mode=rw"
        else:
            uri = f"file:{quote(path)}?mode=ro"
            if not os.access(folder, os.W_OK) and not os.path.exists(path + "-wal"):
                # nothing can change a copy in a folder no one may write, and
                # with no write-ahead log beside it there is nothing to replay
                uri += "&immutable=1"
        return sqlite3.connect(uri, uri=True, timeout=120, check_same_thread=False)

    return connect


def _pg_connect_args(url) -> dict:
    """connect_timeout and statement_timeout unless the URL sets them."""
    args: dict = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = PG_CONNECT_TIMEOUT
    options = url.query.get("options") or ""
    if isinstance(options, tuple):
        options = " ".join(options)
    if "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={PG_STATEMENT_TIMEOUT}".strip()
    args["options"] = options
    return args


PG_POOL_SIZE = 12  # connections a process keeps open to PostgreSQL


def make_engine(url: str, *, readonly: bool = False) -> Engine:
    if url.startswith("sqlite"):
        from sqlalchemy.engine import make_url

        database = make_url(url).database
        if database and database != ":memory:":
            # a reader closes its connections when done (no pool), so that no
            # WAL file it made outlives the command
            from sqlalchemy.pool import NullPool

            engine = create_engine(url, creator=_sqlite_connect(database, readonly),
                                   **({"poolclass": NullPool} if readonly else {}))
        else:
            engine = create_engine(url, connect_args={"timeout": 120})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 120000")
            if readonly:
                cursor.execute("PRAGMA query_only = ON")
            else:
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
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ParameterError.said("errors.registry.db_port", field="db", port=parsed.port)
        args = _pg_connect_args(parsed)
        if readonly:
            args["options"] += " -c default_transaction_read_only=on"
        # A pool as large as the web app's threads plus its job threads (8 + 2 by
        # default): with SQLAlchemy's 5, the other requests each opened and closed
        # a connection of their own, a new server process each time.
        return create_engine(url, pool_pre_ping=False, pool_size=PG_POOL_SIZE, max_overflow=10, connect_args=args)
    raise ParameterError.said("errors.registry.db_kind", field="db")


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


def schema_version(conn: Connection) -> str | None:
    """The schema revision the registry is at, as `current_revision` reads it, in
    one query (the health check asks at every call; Alembic's own reader builds
    its table anew each time)."""
    from sqlalchemy import text

    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


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


def opened(db: "Database | str | None", *, readonly: bool = False) -> "Database":
    """`db` itself when it is a Database, else the registry it names (a path or
    URL; None: SENIM_DB, else ./senim.db), opened now: a function that reads
    its other values first takes `db` this way, so that a bad value is told
    before a registry is made or read."""
    return db if isinstance(db, Database) else Database(db, readonly=readonly)


def upgrade_database(db: str | None = None) -> tuple[str, str | None, str]:
    """Create the registry `db` (a path or URL; None: SENIM_DB, else
    ./senim.db) or migrate it to the newest schema; (its name, the schema
    before or None, the schema after). A refusal names the database, never
    its password."""
    database = Database(db, migrate=False)
    try:
        before, after = upgrade(database.engine)
    except Exception as error:  # the server, the file or the schema refused
        raise InputError(f"{database.display}: database: {database._why(error)}") from None
    finally:
        database.dispose()
    return database.display, before, after


def upgraded_text(upgraded: tuple[str, str | None, str], lang: str = "en") -> str:
    """`upgrade_database`'s result in one line: the database, its schema before and after."""
    from senim.i18n import text

    database, before, after = upgraded
    return text("registry.schema_upgraded", lang, database=database,
                before=before or text("registry.schema_empty", lang), after=after) + "\n"


class Database:
    """One registry database. Use `write()` for every change.

    readonly=True (the reading commands): nothing is created, migrated or
    written; a registry whose schema is not this Senim's is refused."""

    def __init__(self, db: str | None = None, *, migrate: bool = True, settings=None, readonly: bool = False):
        self.settings = settings  # senim.settings.Settings for its work (keys, home); None: those in force
        self.readonly = readonly
        with self._settings():
            self.url = resolve_url(db)
        try:
            self.engine = make_engine(self.url, readonly=readonly)
        except ParameterError as error:
            raise error.placed(ParameterError, file=self.display, field="db") from None
        except Exception as error:  # a driver that is not installed, a malformed URL
            raise ParameterError(hide_password(_first_line(error), self.url), file=self.display, field="db") from None
        self._lock_fd: int | None = None
        # Threads of one process (the server's requests and jobs) take turns here
        # first: flock does not order threads sharing one descriptor, and two
        # threads opening the file at once once left a descriptor locked for ever.
        import threading

        self._turn, self._depth = threading.RLock(), 0
        database = self.engine.url.database if self.url.startswith("sqlite") else None
        self._lock_path = database + ".lock" if database and database != ":memory:" else None
        if self._lock_path:
            self._check_file(database)
            if not readonly:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
                _create_private(database)
        if migrate or readonly:
            self.ensure_schema()

    def _check_file(self, database: str) -> None:
        """A registry is a regular file (or not there yet, for a writer)."""
        try:
            mode = os.stat(database).st_mode
        except FileNotFoundError:
            if self.readonly:
                raise InputError.said("errors.registry.no_database", file=database) from None
            return
        except OSError as error:  # the system's own words, which Kazakh and Russian quote
            raise InputError.said("errors.registry.db_unreachable", file=database, detail=error.strerror) from None
        if stat.S_ISDIR(mode):
            raise InputError.said("errors.registry.db_folder", file=database)
        if not stat.S_ISREG(mode):
            raise InputError.said("errors.registry.db_not_regular", file=database)
        if not self.readonly and not os.access(database, os.W_OK):
            raise InputError.said("errors.registry.db_read_only", file=database)

    def ensure_schema(self) -> None:
        try:
            with self.engine.connect() as conn:
                current = current_revision(conn)
                tables = _has_tables(conn) if current is None else True
                conn.rollback()
        except Exception as error:  # an unreachable server, a file that is not SQLite
            raise InputError(f"{self.display}: database: {self._why(error)}") from None
        head = head_revision()
        if current == head:
            return
        if self.readonly:
            raise InputError(f"{self.display}: {self._not_current(current, tables)}")
        upgrade(self.engine)

    def _not_current(self, current: str | None, tables: bool) -> str:
        if current is None:
            database = self.engine.url.database if self.url.startswith("sqlite") else None
            if database and os.path.getsize(database) == 0:
                return "the file is empty (0 bytes), not a registry; `senim register` makes one"
            if not tables:
                return "an empty database, not a registry; `senim register` makes one"
            return "not a Senim registry (it has tables but no schema version)"
        if current in _known_revisions():
            return (f"the registry's schema {current} is older than this Senim's {head_revision()}; "
                    f"`senim db upgrade` migrates it (reading commands never change a registry)")
        return f"the registry's schema {current} is not one this Senim knows (made by a newer Senim?)"

    def _why(self, error: Exception) -> str:
        """The first line of a database error, in words, without a password."""
        line = hide_password(_first_line(error), self.url)
        lowered = line.lower()
        if "readonly database" in lowered or "read-only" in lowered:
            return f"the registry cannot be written ({line})"
        if "malformed" in lowered or "not a database" in lowered or "could not decode" in lowered \
                or "no such table" in lowered or "no such column" in lowered:
            return f"the registry is damaged or not a Senim registry ({line})"
        return line

    @property
    def display(self) -> str:
        from sqlalchemy.engine import make_url

        try:
            return make_url(self.url).render_as_string(hide_password=True)
        except Exception:  # a URL SQLAlchemy cannot parse: still never its password
            return hide_password(self.url)

    def _settings(self):
        from contextlib import nullcontext

        return self.settings.active() if self.settings is not None else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._settings(), self._database_errors(), self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def write(self, signer=None) -> Iterator[Connection]:
        """A serialised transaction; the ledger is checkpointed before commit."""
        if self.readonly:
            raise ParameterError("opened read-only; a change needs Database(readonly=False)", field="readonly")
        with self._settings(), self._queue(), self._database_errors():
            with self.engine.connect().execution_options(senim_write=True) as conn:
                with conn.begin():
                    chain.lock(conn)
                    yield conn
                    chain.checkpoint(conn, signer)

    @contextmanager
    def _database_errors(self) -> Iterator[None]:
        """A database's own error (a damaged page, a read-only file, a lost
        server, a text it cannot decode) as one sentence naming the registry."""
        from sqlalchemy.exc import DBAPIError

        try:
            yield
        except DBAPIError as error:
            raise InputError(f"{self.display}: database: {self._why(error)}") from None

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

        with self._turn:
            if self._lock_fd is None:
                self._lock_fd = _open_lock(self._lock_path)
            fd = self._lock_fd
            if self._depth == 0:
                fcntl.flock(fd, fcntl.LOCK_EX)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    fcntl.flock(fd, fcntl.LOCK_UN)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def _open_lock(path: str) -> int:
    """The lock file, never through a symbolic link (a planted link would make
    us create or open whatever it points to) and only a regular file."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the name is a symbolic link
            raise InputError("the lock file is a symbolic link; Senim never opens its lock file through one "
                             "(remove the link)", file=path) from None
        raise InputError(f"the lock file cannot be opened ({error.strerror})", file=path) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError("the lock file is not a regular file (remove it)", file=path)
    return fd


def _has_tables(conn: Connection) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(conn).get_table_names())


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


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
