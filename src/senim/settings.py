"""Settings in one place: where Senim keeps its files, which registry, which keys.

A door (the CLI, the web app) reads the environment once, with
`Settings.from_env()`, and makes the result the settings in force for the
work it starts (`with settings.active(): ...`); library code asks `current()`
and never reads an environment variable itself. A program that uses the
library makes its own:

>>> from pathlib import Path
>>> from senim.settings import Settings
>>> settings = Settings(home=Path("/srv/senim"), db="postgresql://registry/senim")
>>> settings.ledger_key
PosixPath('/srv/senim/keys/ledger-ed25519.pem')
>>> with settings.active():
...     from senim.settings import current
...     current().db
'postgresql://registry/senim'

Outside any door, `current()` is the environment as it is at the call, so a
script that sets SENIM_HOME before calling the library gets what it asked for.

The environment variables (each optional):

==================== =====================================================
SENIM_HOME           folder of keys and local state (default
                     ``$XDG_CONFIG_HOME/senim``, else ``~/.config/senim``)
SENIM_DB             the registry: a SQLite file or a ``postgresql://`` URL
                     (default ``./senim.db``)
SENIM_PSEUDONYM_KEY  the organisation's pseudonym key itself (default: the
                     file ``SENIM_HOME/keys/subject-pseudonym.key``)
SENIM_FONT           a TrueType font with the Kazakh letters, for banners
==================== =====================================================
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator, Mapping

__all__ = ["Settings", "current", "notify", "ENVIRONMENT"]

# setting -> the environment variable a door reads it from
ENVIRONMENT = {"home": "SENIM_HOME", "db": "SENIM_DB", "pseudonym_key": "SENIM_PSEUDONYM_KEY",
               "font": "SENIM_FONT"}

LEDGER_KEY = "ledger-ed25519.pem"
PSEUDONYM_KEY = "subject-pseudonym.key"
SIGNER_KEY = "c2pa-signer.key.pem"
SIGNER_CHAIN = "c2pa-signer.chain.pem"
LOCAL_CA = "c2pa-local-ca.pem"

def _default_home(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "senim"


def _key_file(name: str, doc: str) -> property:
    return property(lambda self: self.keys / name, doc=doc)


@dataclass(frozen=True)
class Settings:
    """What Senim needs to know about its place; every field optional.

    Parameters
    ----------
    home : pathlib.Path, optional
        Folder of keys and local state (``keys/`` below it).
    db : str, optional
        The registry: a SQLite file or a ``postgresql://`` URL; None is
        ``./senim.db``.
    pseudonym_key : bytes, optional
        The organisation's pseudonym key; None reads (or, when decisions are
        recorded, makes) ``home/keys/subject-pseudonym.key``.
    font : pathlib.Path, optional
        TrueType font for visible warnings; None looks for DejaVu Sans Bold.
    notice : callable, optional
        Where one-line notices go (a key made on first use); None logs them
        to the ``senim`` logger at INFO. The CLI prints them on stderr.
    lang : str
        The language a notice is said in, when it can be (kk, ru or en;
        the CLI's ``--lang``).
    environment : frozenset of str
        The settings read from environment variables (for messages that say
        where a bad value came from).
    """

    home: Path | None = None
    db: str | None = None
    pseudonym_key: bytes | None = field(default=None, repr=False)  # a secret: never in a repr
    font: Path | None = None
    notice: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    lang: str = "en"
    environment: frozenset = field(default=frozenset(), repr=False)

    def __post_init__(self) -> None:
        if self.home is None:
            object.__setattr__(self, "home", _default_home({}))
        elif not isinstance(self.home, Path):
            object.__setattr__(self, "home", Path(self.home))
        if isinstance(self.pseudonym_key, str):
            object.__setattr__(self, "pseudonym_key", self.pseudonym_key.encode())
        if self.font is not None and not isinstance(self.font, Path):
            object.__setattr__(self, "font", Path(self.font))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "Settings":
        """The settings the environment gives (`os.environ` by default), then `overrides`."""
        if environ is None:
            import os

            environ = os.environ
        values: dict = {}
        given = set()
        for name, variable in ENVIRONMENT.items():
            value = environ.get(variable)
            if value is None or (value == "" and name != "pseudonym_key"):
                continue
            values[name] = value
            given.add(name)
        values.setdefault("home", _default_home(environ))
        values.update(overrides)
        return cls(**values, environment=frozenset(given - set(overrides)))

    def replace(self, **changes) -> "Settings":
        """A copy with `changes`."""
        return replace(self, **changes)

    # ------------------------------------------------------------- places

    @property
    def keys(self) -> Path:
        """The folder of keys, ``home/keys`` (made 0700 by `senim.paths.keys_dir`)."""
        return self.home / "keys"

    ledger_key = _key_file(LEDGER_KEY, "The organisation's Ed25519 ledger signing key.")
    pseudonym_key_file = _key_file(PSEUDONYM_KEY, "The file of the pseudonym key, when `pseudonym_key` is not given.")
    signer_key = _key_file(SIGNER_KEY, "The C2PA signing key made by `senim keys init`.")
    signer_chain = _key_file(SIGNER_CHAIN, "The C2PA certificate chain made by `senim keys init`.")
    local_ca = _key_file(LOCAL_CA, "The local test certificate authority made by `senim keys init`.")

    def origin(self, name: str) -> str:
        """How a message names where setting `name` came from: its environment
        variable when read from one, else the setting's own name."""
        return ENVIRONMENT[name] if name in self.environment else name

    # ------------------------------------------------------------- in force

    @contextmanager
    def active(self) -> Iterator["Settings"]:
        """Make these the settings in force (in this thread or task) for the block."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


_current: ContextVar[Settings | None] = ContextVar("senim_settings", default=None)


def current() -> Settings:
    """The settings in force: a door's, else the environment's at this call."""
    return _current.get() or Settings.from_env()


def notify(message) -> None:
    """Tell the person running Senim something worth knowing (one line): a
    sentence, or an InputError (a key file others can read), said in the
    settings' language."""
    from senim.errors import InputError

    settings = current()
    if isinstance(message, InputError):
        message = message.sentence_in(settings.lang)
    if settings.notice is not None:
        settings.notice(message)
    else:  # INFO: shown only where the program configured logging to show it
        import logging

        logging.getLogger("senim").info(message)
