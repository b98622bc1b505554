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

# Types Senim only checks: the C2PA reference reader reads their credentials,
# but Senim has no visible warning for them, so `label` refuses them.
CHECK_ONLY = {
    ".tif": MediaFormat("TIFF", "image/tiff", "other"),
    ".tiff": MediaFormat("TIFF", "image/tiff", "other"),
    ".dng": MediaFormat("DNG", "image/x-adobe-dng", "other"),
    ".gif": MediaFormat("GIF", "image/gif", "other"),
    ".avif": MediaFormat("AVIF", "image/avif", "other"),
    ".heic": MediaFormat("HEIC", "image/heic", "other"),
    ".heif": MediaFormat("HEIF", "image/heif", "other"),
    ".jxl": MediaFormat("JPEG XL", "image/jxl", "other"),
    ".svg": MediaFormat("SVG", "image/svg+xml", "other"),
    ".pdf": MediaFormat("PDF", "application/pdf", "other"),
    ".mov": MediaFormat("QuickTime", "video/quicktime", "other"),
    ".m4v": MediaFormat("M4V", "video/x-m4v", "other"),
    ".avi": MediaFormat("AVI", "video/x-msvideo", "other"),
    ".m4a": MediaFormat("M4A", "audio/mp4", "other"),
    ".flac": MediaFormat("FLAC", "audio/flac", "other"),
}

SIDECAR_SUFFIX = ".c2pa"


def format_of_name(path: Path) -> MediaFormat | None:
    """The type Senim labels, by the file's name (None: not one it labels)."""
    return FORMATS.get(Path(path).suffix.lower())


def checkable_format(path: Path) -> MediaFormat | None:
    """The type Senim verifies, by the file's name: every type it labels, and those it only checks."""
    suffix = Path(path).suffix.lower()
    return FORMATS.get(suffix) or CHECK_ONLY.get(suffix)


def format_of_media_type(media_type: str) -> MediaFormat | None:
    """The type for a MIME type (``image/png``; parameters after ``;`` ignored) or a name's suffix (``.png``)."""
    wanted = str(media_type).split(";", 1)[0].strip().lower()
    if wanted.startswith("."):
        return checkable_format(Path("x" + wanted))
    aliases = {"image/jpg": "image/jpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav",
               "audio/vnd.wave": "audio/wav", "audio/mp3": "audio/mpeg", "image/x-webp": "image/webp",
               "image/dng": "image/x-adobe-dng", "video/avi": "video/x-msvideo", "text/x-markdown": "text/markdown"}
    wanted = aliases.get(wanted, wanted)
    return next((f for f in (*FORMATS.values(), *CHECK_ONLY.values()) if f.mime == wanted), None)


def sniff(head: bytes) -> MediaFormat | None:
    """The type the first bytes show, for content that came without a name."""
    seen = _looks_like(head)
    if seen == "text":
        lower = head[:4096].lower()
        if b"<svg" in lower:
            return CHECK_ONLY[".svg"]
        html = b"<html" in lower or b"<!doctype html" in lower or b"<meta" in lower or b"<head" in lower
        return FORMATS[".html"] if html else FORMATS[".md"]
    if seen == "MP4":
        brand = head[8:12]
        for brands, suffix in (((b"avif", b"avis"), ".avif"), ((b"heic", b"heix", b"mif1", b"msf1"), ".heic"),
                               ((b"qt  ",), ".mov"), ((b"M4A ",), ".m4a")):
            if brand in brands:
                return CHECK_ONLY[suffix]
    named = {"PNG": ".png", "JPEG": ".jpg", "WebP": ".webp", "WAV": ".wav", "MP4": ".mp4", "MP3": ".mp3",
             "TIFF": ".tif", "GIF": ".gif", "PDF": ".pdf", "AVI": ".avi", "FLAC": ".flac", "JPEG XL": ".jxl"}
    suffix = named.get(seen)
    return (FORMATS.get(suffix) or CHECK_ONLY.get(suffix)) if suffix else None


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
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "AVI"
    if head.startswith(b"fLaC"):
        return "FLAC"
    if head.startswith(b"\xff\x0a") or head.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "JPEG XL"
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


def unsupported(what: str, checking: bool) -> str:
    """The sentence for a type Senim does not handle, naming the ones it does."""
    names = [*FORMATS.values(), *(CHECK_ONLY.values() if checking else ())]
    known = ", ".join(sorted({f.name for f in names}))
    return f"unsupported type {what}; Senim {'checks' if checking else 'labels'} {known}"


def check_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, *, checking: bool = False,
               fmt: MediaFormat | None = None) -> MediaFormat:
    """The format of `path`, or InputError naming what is wrong with it.

    `checking`: for verification, which also takes the types Senim only
    checks (their content is left to the C2PA reader); `fmt`: the type the
    caller says it is, instead of the one the name says.
    """
    path = Path(path)
    try:  # a missing file is missing, whatever its name says
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    fmt = fmt or (checkable_format(path) if checking else format_of_name(path))
    if fmt is None:
        raise InputError(f"{path}: file name: " + unsupported(repr(path.suffix or "(none)"), checking))
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if size > max_bytes:
        raise InputError(
            f"{path}: size: {size / 2**20:,.0f} MiB is over the limit of {max_bytes / 2**20:,.0f} MiB; "
            "raise it with --max-mb if this file is really meant")
    if size == 0:
        raise InputError(f"{path}: byte 0: the file is empty")
    if fmt.kind == "other":
        return fmt  # the reference reader parses it, and says what is wrong with it
    with open(path, "rb") as handle:
        head = handle.read(64)
    seen = _looks_like(head)
    expected = "text" if fmt.kind == "text" else fmt.name
    if seen != expected:
        raise InputError(f"{path}: byte 0: the name says {fmt.name} but the content looks like {seen}")
    return fmt
