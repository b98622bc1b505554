"""What to scan: files found under the given paths, their kind, their chunks.

Text files are cut into chunks of about CHUNK bytes, each ending after a
newline where there is one (else on a UTF-8 character boundary), so that
chunks can be scanned in any process and put back in order; each chunk is
scanned with OVERLAP bytes of look-ahead so that nothing is lost at a cut.
"""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from senim.errors import InputError

CHUNK = 2 << 20
OVERLAP = 1024
TABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".tsv")
SNIFF = 8192
# Compressed files are read (and redacted) as streams, never whole: suffix,
# codec name, and the magic bytes the file must begin with.
COMPRESSIONS = {".gz": ("gzip", b"\x1f\x8b"), ".bz2": ("bz2", b"BZh"), ".xz": ("xz", b"\xfd7zXZ\x00"),
                ".zst": ("zstd", b"\x28\xb5\x2f\xfd")}


@dataclass(frozen=True)
class Source:
    path: str | None  # as the user will read it; "-" for standard input; None for data in memory
    kind: str  # text | csv | tsv | parquet | z-text | z-csv | z-tsv (compressed) | stdin | stream | frame | special
    data: Any = None  # a binary stream or a Polars frame, for kinds stream and frame


def _is_regular(path: str) -> bool:
    """A regular file (through symlinks): not a pipe, a socket or a device,
    which would block a reader or never end."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def compression_of(path: str) -> str | None:
    """The codec of a compressed file, by its suffix (gzip, bz2, xz, zstd), else None."""
    for suffix, (codec, _magic) in COMPRESSIONS.items():
        if path.lower().endswith(suffix):
            return codec
    return None


def open_compressed(path: str, codec: str, mode: str = "rb"):
    """A binary stream of the file decompressed as it is read (or compressed
    as it is written)."""
    if codec == "gzip":
        import gzip

        return gzip.open(path, mode)
    if codec == "bz2":
        import bz2

        return bz2.open(path, mode)
    if codec == "xz":
        import lzma

        return lzma.open(path, mode)
    import pyarrow as pa

    return pa.CompressedInputStream(path, codec) if mode == "rb" else pa.CompressedOutputStream(path, codec)


def decompression_errors() -> tuple:
    """What a damaged or cut compressed stream raises."""
    import lzma

    errors: tuple = (OSError, EOFError, ValueError, lzma.LZMAError)
    try:
        import pyarrow as pa

        errors += (pa.ArrowException,)
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        pass
    return errors


def kind_of(path: str) -> str:
    name = path.lower()
    for suffix in COMPRESSIONS:
        if name.endswith(suffix):
            inner = name[: -len(suffix)]
            if inner.endswith((".csv", ".tsv")):
                return "z-" + inner[-3:]
            return "z-text"
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".tsv"):
        return "tsv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    return "text"


def _matches(rel: str, globs: tuple[str, ...]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(name, g) for g in globs)


def discover(paths: list[str], include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> list[Source]:
    """Every file to scan, in a stable order; folders are walked recursively."""
    found: list[Source] = []
    for given in paths:
        if given == "-":
            found.append(Source("-", "stdin"))
            continue
        path = Path(given)
        if not path.exists():
            raise InputError(f"{given}: no such file or folder")
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    rel = os.path.relpath(full, path)
                    if include and not _matches(rel, include):
                        continue
                    if exclude and _matches(rel, exclude):
                        continue
                    found.append(Source(full, kind_of(full) if _is_regular(full) else "special"))
        else:
            if not _is_regular(given):
                raise InputError(f"{given}: not a regular file (a pipe, socket or device is not scanned: "
                                 "give its content on standard input with -)")
            found.append(Source(str(path), kind_of(str(path))))
    return found


def is_binary(path: str) -> bool:
    """A NUL byte in the first 8 KB: an image, an archive, a model file."""
    with open(path, "rb") as handle:
        head = handle.read(SNIFF)
    if head[:4] == b"PAR1":
        return False
    for suffix, (_codec, magic) in COMPRESSIONS.items():
        if head.startswith(magic) and path.lower().endswith(suffix):
            return False
    return b"\0" in head


def cut_point(data: bytes, most: int = 4 * CHUNK) -> int | None:
    """Where to cut a block of a stream: after its last newline; in a line
    longer than `most`, after a space (else on a character boundary), keeping
    OVERLAP bytes of look-ahead; None: read more first."""
    cut = data.rfind(b"\n") + 1
    if cut:
        return cut
    if len(data) < most:
        return None
    limit = len(data) - OVERLAP
    space = data.rfind(b" ", 0, limit)
    if space > 0:
        return space + 1
    cut = max(limit, 1)
    while cut < len(data) and 0x80 <= data[cut] < 0xC0:
        cut += 1
    return cut


def _cut_after(handle, position: int, size: int) -> int:
    """A cut near `position`: after the next newline within 64 KB, else on a
    UTF-8 character boundary."""
    if position >= size:
        return size
    handle.seek(position)
    window = handle.read(65536)
    newline = window.find(b"\n")
    if newline >= 0:
        return position + newline + 1
    space = window.find(b" ")
    if space >= 0:  # a very long line: after a space, so that no candidate loses what stands before it
        return position + space + 1
    back = 0
    while back < 4 and back < len(window) and 0x80 <= window[back] < 0xC0:
        back += 1  # move forward past continuation bytes to the next character start
    return position + back


def chunks(path: str, chunk: int = CHUNK) -> list[tuple[int, int]]:
    """[(start, end)] byte ranges covering the file."""
    size = os.path.getsize(path)
    ranges = []
    with open(path, "rb") as handle:
        start = 0
        while start < size:
            end = _cut_after(handle, start + chunk, size)
            ranges.append((start, end))
            start = end
    return ranges


def read_range(path: str, start: int, end: int, overlap: int = OVERLAP) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start + overlap)
