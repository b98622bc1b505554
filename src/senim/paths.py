"""Where Senim keeps its own files, and how secrets are written.

The home folder (`senim.settings`: SENIM_HOME, default ~/.config/senim)
holds keys and local state. Keys are
written with owner-only permissions, and files are replaced atomically so a
failure never leaves one half-written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def senim_home() -> Path:
    """The home folder of the settings in force."""
    from senim.settings import current

    return current().home


def keys_dir() -> Path:
    path = senim_home() / "keys"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder.

    With private=True the file is created 0600 from the start, so a key is
    never readable by others, not even for a moment.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.replace(tmp, path)
        except IsADirectoryError:
            from senim.errors import InputError

            raise InputError(f"{path}: is a folder; give the name of a file to write") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# How long a reader waits for an empty key file to be filled: a first run
# writing it takes milliseconds; an empty file that stays is an interrupted run.
KEY_FILL_WAIT = 1.0


def read_key_file(path: Path, what: str) -> bytes:
    """A key file's bytes, stripped (as `senim redact --key-file` reads one),
    waiting briefly while another process may be filling it; one sentence
    naming the file when it cannot be read or stays empty."""
    import time

    from senim.errors import InputError

    deadline = time.monotonic() + KEY_FILL_WAIT
    while True:
        try:
            data = path.read_bytes().strip()
        except OSError as error:
            raise InputError(f"{path}: the {what} cannot be read ({error.strerror})") from None
        if data:
            return data
        if time.monotonic() >= deadline:
            raise InputError(f"{path}: the {what} file is empty (an interrupted first run?) and may be "
                             "deleted if no other senim process is creating it right now")
        time.sleep(0.02)
