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

from senim.errors import InputError, Word

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


def kind_word(mode: int) -> Word | None:
    """What a non-regular file is, as a word of the `errors` catalog, or None
    for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Word("errors.file.kind.folder")
    if stat.S_ISFIFO(mode):
        return Word("errors.file.kind.fifo")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Word("errors.file.kind.device")
    if stat.S_ISSOCK(mode):
        return Word("errors.file.kind.socket")
    return Word("errors.file.kind.other")


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in English words ("a folder"), or None for a regular file."""
    word = kind_word(mode)
    return None if word is None else str(word)


def what_word(what: str | Word) -> str | Word:
    """The catalog word for what a file is for (``"key file"`` is
    ``errors.what.key_file``), so that Kazakh and Russian can say it; a noun
    the catalog lacks stays as written, in every language."""
    if isinstance(what, Word):
        return what
    from senim.i18n import has

    key = "errors.what." + str(what).replace(" ", "_")
    return Word(key) if has(key) else what


def size_words(limit: int) -> str:
    if limit >= MIB:
        return f"{limit // MIB} MB"
    return f"{limit // KIB} KB"


def open_regular(path: str | Path, what: str | Word = "file") -> int:
    """A read-only descriptor on `path`, which must be a regular file; `what`
    (a word of `errors.what`, or its English noun) says what it is for.

    O_NONBLOCK makes opening a FIFO return at once instead of waiting for a
    writer; fstat on the open descriptor (not stat on the name) says what was
    opened, so a name swapped in between cannot slip a device through."""
    what = what_word(what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError.said("errors.file.missing", file=path) from None
    except IsADirectoryError:
        raise InputError.said("errors.file.folder", file=path, what=what) from None
    except PermissionError:
        raise InputError.said("errors.file.permission_denied", file=path) from None
    except OSError as error:
        raise InputError.said("errors.file.cannot_open", file=path, what=what,
                              detail=error.strerror or str(error)) from None
    try:
        info = os.fstat(fd)
        kind = kind_word(info.st_mode)
        if kind is not None:
            raise InputError.said("errors.file.not_regular", file=path, kind=kind, what=what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bounded(path: str | Path, limit: int, what: str | Word = "file", bound: str | Word | None = None) -> bytes:
    """The bytes of the regular file at `path`, refused with a sentence when
    larger than `limit` (counted as read, not only as `stat` says: a file can
    grow). `bound` words the limit (default "a {what} is at most N MB"; a
    catalog word lets Kazakh and Russian say it too)."""
    what = what_word(what)
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
        raise InputError.said("errors.file.cannot_read", file=path, what=what,
                              detail=error.strerror or str(error)) from None
    if total > limit:
        # the size stat gave, or (a file that grew while read) only that it passed the bound
        found = {"size": f"{size / 1e6:.1f} MB"} if size > limit else {}
        key = "errors.file.too_large" + (".bound" if bound is not None else "") + ("" if found else ".grew")
        said = {"bound": bound} if bound is not None else {"what": what}
        raise InputError.said(key, file=path, limit=size_words(limit), **found, **said)
    return b"".join(chunks)


def check_key_file(path: str | Path, warn) -> None:
    """Call `warn(notice)` when a key file is a symlink or readable by others
    than its owner: a secret anyone on the machine could read, or one a link
    can swap for another without the key file itself changing. The notice is
    an `InputError`, never raised: `senim.settings.notify` says it in the
    settings' language (the CLI's --lang), `str()` in English."""
    path = Path(path)
    try:
        link = path.is_symlink()
        mode = path.stat().st_mode
    except OSError:
        return  # the reading says what is wrong
    if link:
        warn(InputError.said("errors.key_file.symlink", file=path, target=os.path.realpath(path)))
    if stat.S_ISREG(mode) and mode & 0o077:
        who = Word("errors.key_file.who.anyone" if mode & 0o007 else "errors.key_file.who.group")
        warn(InputError.said("errors.key_file.open_to", file=path, who=who, mode=f"{stat.S_IMODE(mode):04o}",
                             path=str(path)))
