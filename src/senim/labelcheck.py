"""The public label check: one uploaded file's AI label in one of four states.

- ``valid``: content credentials (C2PA) that hold, from a signer on the trust list;
- ``untrusted``: they hold, but the signer is not on the trust list;
- ``invalid``: the credentials were altered or are broken;
- ``none``: no credentials at all.

The content is judged from its bytes alone (never a name or a declared
type) and is held only in memory: `senim.provenance.verification.verify`
reads bytes, so nothing is written to disk. A file without credentials is
``none`` even if it carries an unsigned AI mark (XMP or an HTML meta tag
anyone could write).

``signing_time`` is the C2PA reader's ``signature_info.time``: the time a
time-stamp authority countersigned (``senim label --tsa``). A label signed
without one, as Senim signs offline by default, has none, and the claim
itself carries no signed time, so the field is then ``null``.
"""

from __future__ import annotations

import hashlib
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
    from senim.provenance.verification import verify

    digest = hashlib.sha256(data).hexdigest()
    _suffix(data)  # the types the page names, refused in its words
    found = verify(data, trust_anchors=trust_anchors, name="file").to_dict()
    return {"state": found["state"], "ai_labelled": bool(found["ai_labelled"]),
            "generator": found.get("generator"), "signer": found.get("signer"),
            "signing_time": found.get("signing_time"), "digital_source_type": found.get("digital_source_type"),
            "media_type": found.get("media_type"), "sha256": digest, "issues": list(found.get("issues", []))}
