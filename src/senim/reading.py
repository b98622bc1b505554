"""Reading a file the user names, with a stated bound, never blocking.

Every file Senim reads on a user's word goes through `read_bounded` (or
`open_regular` where it is streamed): the file is opened without blocking
(a FIFO with no writer would otherwise hang the open itself), refused with a
sentence unless it is a regular file (a FIFO, a device such as /dev/zero, a
socket), and read to at most `limit` bytes plus one, so that a file larger
than its bound is refused without being read whole. The bounds are listed in
docs/security.md ("Input limits").
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from senim.errors import InputError

KIB = 1 << 10
MIB = 1 << 20

#: Bounds on the files Senim reads; docs/security.md lists them.
LIMITS = {
    "manifest": 1 * MIB,
    "key": 64 * KIB,  # a PEM or a raw secret is a few hundred bytes
    "report": 64 * MIB,  # a report file checked by `report verify`
    "evidence_json": 64 * MIB,  # a check's evidence file named by `file:` in a manifest
    "row_ids": 16 * MIB,  # `explain --rows`: one decision id a line
    "labels": 1 * MIB,  # a model's label table (model.labels.yaml), a page of YAML
}
# Evidence documents and check inputs are hashed in 1 MiB chunks, never held whole:
# they are bounded by being regular files (no device, no FIFO) inside the allowed folders.


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_words(limit: int) -> str:
    if limit >= MIB:
        return f"{limit // MIB} MB"
    return f"{limit // KIB} KB"


def open_regular(path: str | Path, what: str = "file") -> int:
    """A read-only descriptor on `path`, which must be a regular file.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a
    writer; fstat on the open descriptor (not stat on the name) says what was
    opened, so a name swapped in between cannot slip a device through."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError.said("errors.file.missing", file=path) from None
    except IsADirectoryError:
        raise InputError(f"is a folder; give the {what} itself", file=path) from None
    except PermissionError:
        raise InputError.said("errors.file.permission_denied", file=path) from None
    except OSError as error:
        raise InputError(f"the {what} cannot be opened ({error.strerror or error})", file=path) from None
    try:
        info = os.fstat(fd)
        kind = kind_of(info.st_mode)
        if kind is not None:
            raise InputError(f"is {kind}, not a regular file; Senim reads a {what} only from a regular file",
                             file=path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bounded(path: str | Path, limit: int, what: str = "file", bound: str | None = None) -> bytes:
    """The bytes of the regular file at `path`, refused with a sentence when
    larger than `limit` (counted as read, not only as `stat` says: a file can
    grow). `bound` words the limit (default "a {what} is at most N MB")."""
    fd = open_regular(path, what)
    chunks: list[bytes] = []
    total = 0
    try:
        with os.fdopen(fd, "rb", closefd=True) as handle:
            size = os.fstat(handle.fileno()).st_size
            while total <= limit:
                chunk = handle.read(min(limit + 1 - total, 1 * MIB))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
    except OSError as error:
        raise InputError(f"the {what} cannot be read ({error.strerror or error})", file=path) from None
    if total > limit:
        found = f"{size / 1e6:.1f} MB" if size > limit else f"more than {size_words(limit)}"
        bound = bound or f"a {what} is at most {size_words(limit)}"
        raise InputError(f"the file is {found}; {bound}", file=path)
    return b"".join(chunks)


def check_key_file(path: str | Path, warn) -> None:
    """Call `warn(sentence)` when a key file is a symlink or readable by others
    than its owner: a secret anyone on the machine could read, or one a link
    can swap for another without the key file itself changing."""
    path = Path(path)
    try:
        link = path.is_symlink()
        mode = path.stat().st_mode
    except OSError:
        return  # the reading says what is wrong
    if link:
        warn(f"{path}: the key file is a symbolic link (to {os.path.realpath(path)}); "
             "keep a key in a regular file only its owner can read")
    if stat.S_ISREG(mode) and mode & 0o077:
        who = "anyone on this machine" if mode & 0o007 else "its group"
        warn(f"{path}: the key file is open to {who} (mode {stat.S_IMODE(mode):04o}); "
             f"make it its owner's only: chmod 600 {path}")
