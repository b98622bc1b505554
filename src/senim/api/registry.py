"""`senim.open_registry`: the registry of AI systems, decisions and incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from senim.errors import InputError, ParameterError

__all__ = ["open_registry"]


def open_registry(url: str | None = None, *, existing: bool = False, settings: Any = None):
    """Open the registry: a SQLite file or a PostgreSQL database, migrated on first use.

    Parameters
    ----------
    url : str, optional
        A SQLite file's path or a ``postgresql://`` URL; default the
        settings' registry (SENIM_DB), else ``./senim.db``.
    existing : bool
        Refuse a SQLite file that is not there yet (for reading: a mistyped
        path is then not a new, empty, "intact" registry).
    settings : senim.settings.Settings, optional
        The settings whose registry, keys and home its transactions use;
        default those in force at each use.

    Returns
    -------
    senim.registry.Database
        The object every function of `senim.registry` takes (``register``,
        ``list_systems``, ``show``, ``record_decisions``, ``open_incident``,
        ...) and the registry commands use; ``.read()`` and ``.write()`` give
        transactions; ``.dispose()`` closes it.

    Examples
    --------
    >>> import os, tempfile, senim
    >>> from senim.registry import list_systems
    >>> registry = senim.open_registry(os.path.join(tempfile.mkdtemp(), "senim.db"))
    >>> list_systems(registry)
    []
    >>> registry.dispose()
    """
    if url is not None and not isinstance(url, str):
        if isinstance(url, Path):
            url = str(url)
        else:
            raise ParameterError(f"expected a path or a database URL, got {type(url).__name__}", field="url")
    from contextlib import nullcontext

    from senim.registry.db import Database, resolve_url

    with settings.active() if settings is not None else nullcontext():
        if existing:
            _must_exist(resolve_url(url))
        return Database(url, settings=settings)


def _must_exist(url: str) -> None:
    from sqlalchemy.engine import make_url

    found = make_url(url)
    if found.get_backend_name() == "sqlite" and found.database not in (None, "", ":memory:") \
            and not Path(found.database).exists():
        raise InputError.said("errors.registry.no_database", file=found.database)
