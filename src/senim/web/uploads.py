"""Uploads that cannot hurt.

- The multipart body is parsed as it arrives and the file is streamed to
  disk, counting: past the route's limit the request ends with 413 and the
  partial file is gone. Other fields are short (64 KB) and few.
- The type is sniffed from the content (magic numbers, then a zip's member
  names, then strict UTF-8 and JSON parsing), never taken from the declared
  Content-Type or the file name, and checked against the route's allow-list.
- A zip (DOCX, XLSX and ODF files are zips) is judged by its central
  directory before any member is opened: at most `ZIP_MEMBERS` members,
  `ZIP_TOTAL` bytes unpacked, a ratio of `ZIP_RATIO` per member.
- An image's dimensions are read from its header with Pillow's pixel limit
  set low (`MAX_PIXELS`), so a 50,000 x 50,000 PNG is refused before a pixel
  is decoded.
- The original file name is decoded as UTF-8 (what browsers send), kept as
  data and sent back only as `filename*=UTF-8''...` of an attachment.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from fastapi import HTTPException, Request

KB, MB = 1024, 1024 * 1024
FIELD_LIMIT = 64 * KB
MAX_FIELDS = 20
ZIP_MEMBERS = 2000
ZIP_TOTAL = 200 * MB
ZIP_RATIO = 200
MAX_PIXELS = 40_000_000

EVIDENCE_TYPES = frozenset({
    "application/pdf", "image/png", "image/jpeg", "application/json", "text/plain", "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
})
# data files for the checks (scan, fairness): CSV, TSV, JSON Lines and text sniff as text/plain
# (a one-line JSON Lines file as application/json); Parquet by its magic number at both ends
DATA_TYPES = frozenset({"text/plain", "application/json", "application/vnd.apache.parquet"})
EXTENSIONS = {"application/vnd.apache.parquet": ".parquet", "application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "application/json": ".json",
              "text/plain": ".txt", "application/zip": ".zip",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
              "application/vnd.oasis.opendocument.text": ".odt"}


@dataclass
class Upload:
    fields: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    size: int = 0
    sha256: str = ""
    file_name: str = ""
    media_type: str = ""

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def refuse(status: int, field_name: str, problem: str) -> HTTPException:
    return HTTPException(status, f"{field_name}: {problem}")


def file_name_of(disposition: dict[bytes, bytes]) -> str:
    """The uploaded file's own name: filename* (RFC 5987) if given, else
    filename as UTF-8; no folders, no control characters, NFC."""
    raw = disposition.get(b"filename*")
    if raw is not None and raw.lower().startswith(b"utf-8''"):
        name = unquote(raw[7:].decode("ascii", "replace"), encoding="utf-8", errors="replace")
    else:
        name = (disposition.get(b"filename") or b"").decode("utf-8", "replace")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C")
    return name.strip()[:255] or "file"


async def receive(request: Request, *, limit: int, file_field: str = "file", folder: Path) -> Upload:
    """Parse a multipart/form-data body, streaming the one file to `folder`."""
    from python_multipart.multipart import MultipartParser, parse_options_header

    kind, options = parse_options_header(request.headers.get("content-type", ""))
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise refuse(415, "body", "expected multipart/form-data with a file")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + MB:
        raise refuse(413, file_field, f"larger than the limit of {limit // MB} MB")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    upload = Upload()
    state: dict = {"headers": {}, "name": None, "buffer": bytearray(), "out": None, "hash": None, "header": b""}
    problems: list[HTTPException] = []

    def on_header_field(data, start, end):
        state["header_name"] = state.get("header_name", b"") + data[start:end]

    def on_header_value(data, start, end):
        state["header"] += data[start:end]

    def on_header_end():
        state["headers"][state.pop("header_name", b"").lower()] = state["header"]
        state["header"] = b""

    def on_headers_finished():
        _, params = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["name"] = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in params or b"filename*" in params:
            if state["name"] != file_field or upload.path is not None:
                problems.append(refuse(422, state["name"] or "file", "one file is expected, in the field "
                                       f"{file_field!r}"))
                return
            handle, name = tempfile.mkstemp(dir=folder, prefix=".upload-")
            upload.path = Path(name)
            upload.file_name = file_name_of(params)
            state["out"], state["hash"] = os.fdopen(handle, "wb"), hashlib.sha256()
        elif len(upload.fields) >= MAX_FIELDS:
            problems.append(refuse(422, "body", "too many fields"))

    def on_part_data(data, start, end):
        chunk = data[start:end]
        if state["out"] is not None:
            upload.size += len(chunk)
            if upload.size > limit:
                problems.append(refuse(413, file_field, f"larger than the limit of {limit // MB} MB"))
                return
            state["hash"].update(chunk)
            state["out"].write(chunk)
        else:
            state["buffer"] += chunk
            if len(state["buffer"]) > FIELD_LIMIT:
                problems.append(refuse(413, state["name"] or "field", "longer than 64 KB"))

    def on_part_end():
        if state["out"] is not None:
            state["out"].close()
            upload.sha256 = state["hash"].hexdigest()
            state["out"] = None
        elif state["name"]:
            try:
                upload.fields[state["name"]] = bytes(state["buffer"]).decode("utf-8")
            except UnicodeDecodeError:
                problems.append(refuse(422, state["name"], "not UTF-8 text"))
        state["buffer"], state["headers"] = bytearray(), {}

    parser = MultipartParser(options[b"boundary"], {
        "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if problems:
                raise problems[0]
        parser.finalize()
        if problems:
            raise problems[0]
    except HTTPException:
        if state["out"] is not None:
            state["out"].close()
        upload.discard()
        raise
    except Exception:  # a malformed body
        if state["out"] is not None:
            state["out"].close()
        upload.discard()
        raise refuse(422, "body", "not a well-formed multipart/form-data body") from None
    return upload


def sniff(path: Path) -> str:
    """The media type of a file, from its content alone."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PAR1") and _ends_with(path, b"PAR1"):
        return "application/vnd.apache.parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(path)
    if b"\0" in head:
        return "application/octet-stream"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return "application/octet-stream"
    if text.lstrip()[:1] in ("{", "["):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            pass
    return "text/plain"


def _ends_with(path: Path, magic: bytes) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() < 2 * len(magic):
            return False
        handle.seek(-len(magic), os.SEEK_END)
        return handle.read() == magic


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if len(names) > ZIP_MEMBERS:
                raise refuse(413, "file", f"a zip of {len(names)} members; at most {ZIP_MEMBERS}")
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if info.compress_size and info.file_size / info.compress_size > ZIP_RATIO and info.file_size > MB:
                    raise refuse(413, "file", f"{info.filename[:80]} would unpack {info.file_size / info.compress_size:.0f} "
                                 "times larger than it is stored (a zip bomb?)")
                if total > ZIP_TOTAL:
                    raise refuse(413, "file", f"the zip would unpack to more than {ZIP_TOTAL // MB} MB")
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 100 and \
                    archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.text"):
                return "application/vnd.oasis.opendocument.text"
    except zipfile.BadZipFile:
        return "application/octet-stream"
    if "[Content_Types].xml" in names:
        if any(n.startswith("word/") for n in names):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if any(n.startswith("xl/") for n in names):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return "application/zip"


def check_image(path: Path, media_type: str) -> None:
    """Refuse an image with more pixels than MAX_PIXELS, or one Pillow cannot read, from its header."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise refuse(413, "file", f"an image of {width} x {height} pixels; at most {MAX_PIXELS:,} pixels")
            image.verify()
    except Image.DecompressionBombError:
        raise refuse(413, "file", f"an image of more than {MAX_PIXELS:,} pixels") from None
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for a broken file
        raise refuse(422, "file", f"not a readable {media_type.split('/')[1].upper()} image") from None


def checked(upload: Upload, allowed: frozenset[str]) -> Upload:
    """Sniff the file, check it against the allow-list and the bombs; the upload, typed."""
    if upload.path is None or upload.size == 0:
        upload.discard()
        raise refuse(422, "file", "no file was sent (or it is empty)")
    try:
        media_type = sniff(upload.path)
        if media_type not in allowed:
            raise refuse(415, "file", f"its content is {media_type}, which is not accepted here "
                                      f"(accepted: {', '.join(sorted(EXTENSIONS[t] for t in allowed))})")
        if media_type.startswith("image/"):
            check_image(upload.path, media_type)
    except HTTPException:
        upload.discard()
        raise
    upload.media_type = media_type
    return upload


def attachment(file_name: str) -> str:
    """A Content-Disposition that keeps any script's name (RFC 6266, 5987)."""
    fallback = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in file_name) or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
