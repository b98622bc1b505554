"""Which kinds of file Senim labels, and checking that a file is what its name says.

The type comes from the file name; the first bytes must agree, so that a
text file called `.mp4` is refused with a clear sentence instead of being
handed to a parser. The size is checked before anything is read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from senim.errors import InputError

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: larger files are refused before reading


@dataclass(frozen=True)
class MediaFormat:
    name: str
    mime: str
    kind: str  # image | video | audio | text


FORMATS = {
    ".png": MediaFormat("PNG", "image/png", "image"),
    ".jpg": MediaFormat("JPEG", "image/jpeg", "image"),
    ".jpeg": MediaFormat("JPEG", "image/jpeg", "image"),
    ".webp": MediaFormat("WebP", "image/webp", "image"),
    ".mp4": MediaFormat("MP4", "video/mp4", "video"),
    ".wav": MediaFormat("WAV", "audio/wav", "audio"),
    ".mp3": MediaFormat("MP3", "audio/mpeg", "audio"),
    ".html": MediaFormat("HTML", "text/html", "text"),
    ".htm": MediaFormat("HTML", "text/html", "text"),
    ".md": MediaFormat("Markdown", "text/markdown", "text"),
    ".markdown": MediaFormat("Markdown", "text/markdown", "text"),
}

SIDECAR_SUFFIX = ".c2pa"


def format_of_name(path: Path) -> MediaFormat | None:
    return FORMATS.get(Path(path).suffix.lower())


def _looks_like(head: bytes) -> str:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "WAV"
    if head[4:8] == b"ftyp":
        return "MP4"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "MP3"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        # A cut in the middle of a multi-byte letter is still text.
        try:
            head[:-3].decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            return "unknown data"


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> MediaFormat:
    """The format of `path`, or InputError naming what is wrong with it."""
    path = Path(path)
    try:  # a missing file is missing, whatever its name says
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    fmt = format_of_name(path)
    if fmt is None:
        known = ", ".join(sorted({f.name for f in FORMATS.values()}))
        raise InputError(f"{path}: file name: unsupported type {path.suffix or '(none)'!r}; Senim labels {known}")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if size > max_bytes:
        raise InputError(
            f"{path}: size: {size / 2**20:,.0f} MiB is over the limit of {max_bytes / 2**20:,.0f} MiB; "
            "raise it with --max-mb if this file is really meant")
    if size == 0:
        raise InputError(f"{path}: byte 0: the file is empty")
    with open(path, "rb") as handle:
        head = handle.read(64)
    seen = _looks_like(head)
    expected = "text" if fmt.kind == "text" else fmt.name
    if seen != expected:
        raise InputError(f"{path}: byte 0: the name says {fmt.name} but the content looks like {seen}")
    return fmt
