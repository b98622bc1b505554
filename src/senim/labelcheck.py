"""The public label check: one uploaded file's AI label in one of four states.

- ``valid``: content credentials (C2PA) that hold, from a signer on the trust list;
- ``untrusted``: they hold, but the signer is not on the trust list;
- ``invalid``: the credentials were altered or are broken;
- ``none``: no credentials at all.

The content is judged from its bytes alone (never a name or a declared
type) and is held only in memory and, while the C2PA reader needs a file,
in a private temporary folder removed before the answer is sent. Where the
provenance library gives the four states itself (`senim.provenance.verify`
on bytes) it is used; otherwise they are read from `verify_file`'s verdict
the same way: a file without credentials is ``none`` even if it carries an
unsigned AI mark (XMP or an HTML meta tag anyone could write).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from senim.errors import InputError

STATES = ("valid", "untrusted", "invalid", "none")
SUFFIXES = {"PNG": ".png", "JPEG": ".jpg", "WebP": ".webp", "MP4": ".mp4", "WAV": ".wav", "MP3": ".mp3"}


def _suffix(data: bytes) -> str:
    from senim.provenance.formats import _looks_like

    seen = _looks_like(data[:64])
    if seen in SUFFIXES:
        return SUFFIXES[seen]
    if seen == "text" and b"\x00" not in data[:8192]:
        head = data[:4096].lstrip().lower()
        return ".html" if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head else ".md"
    raise InputError("its content is not an image, video, audio or HTML file Senim can check "
                     "(PNG, JPEG, WebP, MP4, WAV, MP3, HTML, Markdown)", field="file")


def check(data: bytes, *, trust_anchors: str | None = None) -> dict[str, Any]:
    """The state of `data`'s AI label, with what its marks claim.

    Returns state, ai_labelled, generator, signer, signing_time,
    digital_source_type, media_type, sha256 and issues.
    """
    if not data:
        raise InputError("no file was sent (or it is empty)", field="file")
    digest = hashlib.sha256(data).hexdigest()
    try:
        from senim.provenance.verification import verify  # the provenance library's four states
    except ImportError:
        verify = None
    if verify is not None:
        _suffix(data)  # the same types as below, refused in the same words
        found = verify(data, trust_anchors=trust_anchors, name="file").to_dict()
        media_type = found.get("media_type")
    else:
        found, media_type = _from_verdict(data, trust_anchors)
    return {"state": found["state"], "ai_labelled": bool(found.get("ai_labelled", found.get("labelled"))),
            "generator": found.get("generator"), "signer": found.get("signer"),
            "signing_time": found.get("signing_time"), "digital_source_type": found.get("digital_source_type"),
            "media_type": media_type, "sha256": digest, "issues": list(found.get("issues", []))}


def _from_verdict(data: bytes, trust_anchors: str | None) -> tuple[dict[str, Any], str]:
    from senim.provenance import formats
    from senim.provenance.verify import verify_file

    suffix = _suffix(data)
    folder = tempfile.mkdtemp(prefix="senim-check-")  # 0700: only this process's user reads it
    try:
        path = Path(folder) / ("file" + suffix)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(data)
        result = verify_file(path, trust_anchors=trust_anchors)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    c2pa = next((m for m in result["marks"] if m.get("kind") == "c2pa"), None)
    broken = any(i.startswith(("C2PA manifest cannot be read", "damaged file")) for i in result["issues"])
    if result["valid"]:
        state = "valid" if result["trusted"] else "untrusted"
    elif c2pa is not None or broken:
        state = "invalid"
    else:
        state = "none"
    issues = [i.replace(str(path), "file") for i in result["issues"]]
    return {"state": state, "ai_labelled": result["labelled"], "generator": (c2pa or {}).get("generator"),
            "signer": result["signer"], "signing_time": None, "digital_source_type": result["digital_source_type"],
            "issues": issues}, formats.FORMATS[suffix].mime
