"""The IPTC digital source type in XMP, for tools that do not read C2PA.

Written by hand into the container of each image format (PNG iTXt chunk
`XML:com.adobe.xmp`, JPEG APP1 segment, WebP `XMP ` chunk), because
re-encoding the image only to add metadata would change its pixels. The
walkers below also check each container's structure, so that a broken
chunk or a truncated file gets a sentence naming the place.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import quoteattr

from senim.errors import InputError

IPTC_EXT_NS = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"
JPEG_XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"

_DESCRIPTION = (
    '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="' + IPTC_EXT_NS + '"'
    ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
    " Iptc4xmpExt:DigitalSourceType={source} xmp:CreatorTool={tool}/>"
)


def packet(digital_source_type: str, creator_tool: str) -> bytes:
    """A complete XMP packet that states the digital source type."""
    description = _DESCRIPTION.format(source=quoteattr(digital_source_type), tool=quoteattr(creator_tool))
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"{description}</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode("utf-8")


def merge(existing: bytes | None, digital_source_type: str, creator_tool: str) -> bytes:
    """Our statement added to an existing packet (other metadata kept), or a new packet."""
    if not existing or b"<rdf:RDF" not in existing:
        return packet(digital_source_type, creator_tool)
    text = existing.decode("utf-8", "replace")
    # Drop an earlier statement of the source type so that only ours remains.
    text = re.sub(r'\s+Iptc4xmpExt:DigitalSourceType\s*=\s*("[^"]*"|\'[^\']*\')', "", text)
    text = re.sub(r"<Iptc4xmpExt:DigitalSourceType>.*?</Iptc4xmpExt:DigitalSourceType>", "", text, flags=re.S)
    description = _DESCRIPTION.format(source=quoteattr(digital_source_type), tool=quoteattr(creator_tool))
    start = re.search(r"<rdf:RDF\b[^>]*>", text)
    assert start is not None
    return (text[: start.end()] + description + text[start.end():]).encode("utf-8")


def digital_source_type(xmp: bytes | None) -> str | None:
    """The IPTC digital source type stated in a packet, if any."""
    if not xmp:
        return None
    text = xmp.decode("utf-8", "replace")
    found = re.search(r'Iptc4xmpExt:DigitalSourceType\s*=\s*["\']([^"\']*)["\']', text) or re.search(
        r"<Iptc4xmpExt:DigitalSourceType>\s*([^<\s]*)\s*</Iptc4xmpExt:DigitalSourceType>", text)
    if found:
        return found.group(1)
    found = re.search(r'Iptc4xmpExt:DigitalSourceType\s+rdf:resource\s*=\s*["\']([^"\']*)["\']', text)
    return found.group(1) if found else None


# --- PNG -----------------------------------------------------------------

def _png_chunks(data: bytes, name: str):
    if not data.startswith(PNG_SIGNATURE):
        raise InputError(f"{name}: byte 0: not a PNG signature")
    pos = len(PNG_SIGNATURE)
    while pos < len(data):
        if pos + 12 > len(data):
            raise InputError(f"{name}: byte {pos}: PNG chunk header is cut off (file truncated)")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise InputError(f"{name}: byte {pos}: PNG chunk {kind!r} runs past the end of the file (file truncated)")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            chunk = kind.decode("latin-1")
            raise InputError(f"{name}: byte {pos}: PNG chunk {chunk!r} has a wrong CRC (the file is damaged)")
        yield pos, end, kind, body
        if kind == b"IEND":
            return
        pos = end
    raise InputError(f"{name}: byte {len(data)}: PNG has no IEND chunk (file truncated)")


def _png_itxt_xmp(body: bytes) -> bytes | None:
    keyword, _, rest = body.partition(b"\x00")
    if keyword != PNG_XMP_KEYWORD or len(rest) < 2 or rest[0] != 0:
        return None  # compressed XMP is not written by anyone we know; ignore it
    rest = rest[2:]
    _lang, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    return text


def _png_insert(data: bytes, name: str, digital_source_type_: str, tool: str) -> bytes:
    chunks = list(_png_chunks(data, name))
    existing = None
    kept = []
    for start, end, kind, body in chunks:
        if kind == b"iTXt" and _png_itxt_xmp(body) is not None:
            existing = _png_itxt_xmp(body)
            continue
        kept.append((start, end, kind))
    xmp = merge(existing, digital_source_type_, tool)
    body = PNG_XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + xmp
    chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body) & 0xFFFFFFFF)
    out = [PNG_SIGNATURE]
    for start, end, kind in kept:
        out.append(data[start:end])
        if kind == b"IHDR":
            out.append(chunk)
    return b"".join(out)


def _png_read(data: bytes, name: str) -> bytes | None:
    for _s, _e, kind, body in _png_chunks(data, name):
        if kind == b"iTXt":
            xmp = _png_itxt_xmp(body)
            if xmp is not None:
                return xmp
    return None


# --- JPEG ----------------------------------------------------------------

def _jpeg_segments(data: bytes, name: str):
    """Marker segments before the image data; checks that the file ends with EOI."""
    if not data.startswith(b"\xff\xd8"):
        raise InputError(f"{name}: byte 0: not a JPEG start-of-image marker")
    pos = 2
    while True:
        if pos + 4 > len(data) or data[pos] != 0xFF:
            raise InputError(f"{name}: byte {pos}: expected a JPEG marker (the file is damaged)")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2:pos + 4])
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise InputError(f"{name}: byte {pos}: JPEG segment runs past the end of the file (file truncated)")
        if marker == 0xDA:  # start of scan: image data follows, up to an end-of-image marker
            # (data after the marker, such as a motion-photo trailer, is allowed)
            if data.find(b"\xff\xd9", end) == -1:
                raise InputError(f"{name}: byte {len(data)}: JPEG has no end-of-image marker (file truncated)")
            yield pos, end, marker, data[pos + 4:end]
            return
        yield pos, end, marker, data[pos + 4:end]
        pos = end


def _jpeg_insert(data: bytes, name: str, digital_source_type_: str, tool: str) -> bytes:
    segments = list(_jpeg_segments(data, name))
    existing = None
    out = [data[:2]]
    inserted = False
    xmp_segment = None
    for start, end, marker, body in segments:
        if marker == 0xE1 and body.startswith(JPEG_XMP_HEADER):
            existing = body[len(JPEG_XMP_HEADER):]
    xmp = merge(existing, digital_source_type_, tool)
    payload = JPEG_XMP_HEADER + xmp
    if len(payload) + 2 > 0xFFFF:
        raise InputError(f"{name}: XMP: the existing XMP packet is too large to extend in one JPEG segment")
    xmp_segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    for start, end, marker, body in segments:
        if marker == 0xE1 and body.startswith(JPEG_XMP_HEADER):
            continue
        # After JFIF/Exif application segments, before everything else.
        if not inserted and marker not in (0xE0, 0xE1):
            out.append(xmp_segment)
            inserted = True
        out.append(data[start:end])
    last_end = segments[-1][1]
    out.append(data[last_end:])
    return b"".join(out)


def _jpeg_read(data: bytes, name: str) -> bytes | None:
    for _s, _e, marker, body in _jpeg_segments(data, name):
        if marker == 0xE1 and body.startswith(JPEG_XMP_HEADER):
            return body[len(JPEG_XMP_HEADER):]
    return None


# --- WebP ----------------------------------------------------------------

def _webp_chunks(data: bytes, name: str):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise InputError(f"{name}: byte 0: not a RIFF WebP header")
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size + 8 > len(data):
        raise InputError(f"{name}: byte 4: RIFF size {riff_size + 8} is larger than the file "
                         f"({len(data)} bytes; truncated)")
    pos = 12
    end_all = riff_size + 8
    while pos < end_all:
        if pos + 8 > end_all:
            raise InputError(f"{name}: byte {pos}: WebP chunk header is cut off (file truncated)")
        kind, size = struct.unpack("<4sI", data[pos:pos + 8])
        end = pos + 8 + size + (size & 1)
        if pos + 8 + size > end_all:
            raise InputError(f"{name}: byte {pos}: WebP chunk {kind!r} runs past the end of the file (file truncated)")
        yield pos, min(end, end_all), kind, data[pos + 8:pos + 8 + size]
        pos = end


def _webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) & 1 else b"")


def _webp_insert(data: bytes, name: str, digital_source_type_: str, tool: str) -> bytes:
    chunks = list(_webp_chunks(data, name))
    kinds = [c[2] for c in chunks]
    existing = next((c[3] for c in chunks if c[2] == b"XMP "), None)
    xmp = merge(existing, digital_source_type_, tool)
    parts = []
    if b"VP8X" in kinds:
        for start, end, kind, body in chunks:
            if kind == b"XMP ":
                continue
            if kind == b"VP8X":
                body = bytes([body[0] | 0x04]) + body[1:]
                parts.append(_webp_chunk(kind, body))
            else:
                parts.append(data[start:end])
    else:
        # A simple WebP: switch it to the extended layout, which can carry XMP.
        start, end, kind, body = chunks[0]
        if kind == b"VP8 ":
            if len(body) < 10 or body[3:6] != b"\x9d\x01\x2a":
                raise InputError(f"{name}: byte {start + 8}: VP8 frame header is damaged")
            width, height = (struct.unpack("<H", body[6:8])[0] & 0x3FFF), (struct.unpack("<H", body[8:10])[0] & 0x3FFF)
            alpha = False
        elif kind == b"VP8L":
            if len(body) < 5 or body[0] != 0x2F:
                raise InputError(f"{name}: byte {start + 8}: VP8L header is damaged")
            bits = struct.unpack("<I", body[1:5])[0]
            width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
            alpha = bool((bits >> 28) & 1)
        else:
            raise InputError(f"{name}: byte {start}: WebP starts with an unknown chunk {kind!r}")
        flags = 0x04 | (0x10 if alpha else 0)
        vp8x = bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
        parts.append(_webp_chunk(b"VP8X", vp8x))
        parts.extend(data[s:e] for s, e, k, _b in chunks if k != b"XMP ")
    parts.append(_webp_chunk(b"XMP ", xmp))
    body = b"WEBP" + b"".join(parts)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _webp_read(data: bytes, name: str) -> bytes | None:
    return next((body for _s, _e, kind, body in _webp_chunks(data, name) if kind == b"XMP "), None)


_INSERT = {"PNG": _png_insert, "JPEG": _jpeg_insert, "WebP": _webp_insert}
_READ = {"PNG": _png_read, "JPEG": _jpeg_read, "WebP": _webp_read}


def insert(data: bytes, fmt_name: str, name: str | Path, digital_source_type_: str, creator_tool: str) -> bytes:
    """`data` with the XMP statement added; InputError if the container is damaged."""
    return _INSERT[fmt_name](data, str(name), digital_source_type_, creator_tool)


def read(data: bytes, fmt_name: str, name: str | Path) -> bytes | None:
    """The XMP packet of an image, or None."""
    return _READ[fmt_name](data, str(name))


def check_structure(data: bytes, fmt_name: str, name: str | Path) -> None:
    """InputError if the image container is damaged or truncated."""
    read(data, fmt_name, name)
