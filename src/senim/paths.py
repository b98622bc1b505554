"""Where Senim keeps its own files, and how secrets are written.

The home folder (`senim.settings`: SENIM_HOME, default ~/.config/senim)
holds keys and local state. Keys are
written with owner-only permissions, and files are replaced atomically so a
failure never leaves one half-written.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from senim.errors import Word


def senim_home() -> Path:
    """The home folder of the settings in force."""
    from senim.settings import current

    return current().home


def keys_dir() -> Path:
    path = senim_home() / "keys"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


@contextmanager
def new_folder(directory: Path):
    """Fill a folder so that it is never half there (the export bundles): yields a
    temporary folder beside `directory`; once the block ends it is made 0755 and
    renamed to `directory` (an empty folder of that name is replaced); on any
    error it is removed and the error goes on."""
    import shutil

    directory.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        if directory.exists():
            directory.rmdir()
        os.replace(tmp, directory)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_atomic(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` through a temporary file in the same folder.

    With private=True the file is created 0600 from the start, so a key is
    never readable by others, not even for a moment. A name that is a
    symbolic link is written through (its target is replaced, the link
    stays); a character device or a FIFO (`-o /dev/null`, `-o /dev/stdout`)
    is written into, never replaced by a file (as root, renaming over
    /dev/full destroyed it); a block device is refused. An error names
    `path`, never the hidden temporary file.
    """
    write_all_atomic([(Path(path), data)], private=private)


def write_all_atomic(files, *, private: bool = False) -> None:
    """Write several files so that either all of them are there or none
    changed (`senim assess --report DIR` writes five): every temporary file
    is written and flushed first, and only then are they renamed into place;
    on any error the temporary files are removed and the error names the file."""
    from senim.errors import InputError

    staged: list[tuple[str, str]] = []  # (temporary file, real target)
    streams: list[tuple[Path, str, bytes]] = []  # devices and FIFOs: written into, after the files
    try:
        for path, data in files:
            path = Path(path)
            real = os.path.realpath(path)  # through links, so that a link is never replaced by a file
            kind = _special(real)
            if kind == "folder":
                raise InputError(f"{path}: is a folder; give the name of a file to write")
            if kind == "block device":
                raise InputError(f"{path}: is a block device; Senim does not write onto a disk")
            if kind is not None:
                streams.append((path, real, data))
                continue
            staged.append((_stage(path, Path(real), data, private), real))
        for tmp, real in staged:
            try:
                os.replace(tmp, real)
            except OSError as error:
                error.filename = real
                raise
        staged.clear()
        for path, real, data in streams:
            _write_into(path, real, data)
    except OSError as error:
        raise InputError(f"{_named(error, files)}: cannot be written ({error.strerror or error})") from None
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _special(real: str) -> str | None:
    import stat

    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISBLK(mode):
        return "block device"
    return "stream"  # a character device, a FIFO, a socket


def _stage(path: Path, real: Path, data: bytes, private: bool) -> str:
    real.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as error:
        error.filename = str(path)  # the user's name for it, not the temporary file's
        raise
    try:
        os.fchmod(fd, 0o600 if private else 0o644)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException as error:
        os.unlink(tmp)
        if isinstance(error, OSError):
            error.filename = str(path)
        raise
    return tmp


def _write_into(path: Path, real: str, data: bytes) -> None:
    # O_NONBLOCK: a FIFO with no reader fails at once (ENXIO) instead of hanging
    try:
        fd = os.open(real, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        error.filename = str(path)
        raise
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as error:
        error.filename = str(path)
        raise
    finally:
        os.close(fd)


def _named(error: OSError, files) -> str:
    if error.filename:
        return str(error.filename)
    names = [str(p) for p, _ in files]
    return names[0] if len(names) == 1 else "output"


def read_secret(path: Path, what: str | Word, *, warn: bool = True) -> bytes:
    """A key file's bytes, stripped: a regular file of at most 64 KB (a FIFO,
    /dev/zero or a huge file is refused with a sentence, never read for ever),
    with a notice when it is a link or open to others than its owner."""
    from senim.errors import InputError
    from senim.reading import LIMITS, check_key_file, read_bounded, what_word
    from senim.settings import notify

    if warn:
        check_key_file(path, notify)
    try:
        return read_bounded(path, LIMITS["key"], what_word(what)).strip()
    except InputError as error:
        problem = error.placed()  # its problem, the place said once
        raise InputError.said("errors.file.unreadable_as", file=path, what=what_word(what), problem=problem) from None


# How long a reader waits for an empty key file to be filled: a first run
# writing it takes milliseconds; an empty file that stays is an interrupted run.
KEY_FILL_WAIT = 1.0


def read_key_file(path: Path, what: str | Word) -> bytes:
    """A key file's bytes, stripped (as `senim redact --key-file` reads one),
    waiting briefly while another process may be filling it; one sentence
    naming the file when it cannot be read or stays empty."""
    import time

    from senim.errors import InputError
    from senim.reading import what_word

    deadline = time.monotonic() + KEY_FILL_WAIT
    warned = False
    while True:
        data = read_secret(path, what, warn=not warned)
        warned = True
        if data:
            return data
        if time.monotonic() >= deadline:
            raise InputError.said("errors.file.key_empty", file=path, what=what_word(what))
        time.sleep(0.02)
