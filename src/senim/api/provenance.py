"""`senim.label` and `senim.verify`: AI labels on synthetic content, and checking them."""

from __future__ import annotations

import os
from typing import Any

from senim.api import inputs
from senim.api.results import Audit, Labelling, Verification
from senim.errors import InputError, ParameterError

__all__ = ["label", "verify"]

DEFAULT_MAX_BYTES = 1 << 30


def _max_bytes(value: Any) -> int:
    return inputs.count(value, "max_bytes", least=1)


def _anchors(value: Any) -> str | None:
    """Trust anchors: a PEM file's path, or the PEM text (str or bytes) itself."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, os.PathLike) or (isinstance(value, str) and "BEGIN CERTIFICATE" not in value):
        path = inputs.data_path(value, "trust_anchors")
        if not path.is_file():
            raise ParameterError("no such file" if not path.exists() else "is a folder, not a PEM file",
                                 file=path, field="trust_anchors")
        value = path.read_text(encoding="utf-8", errors="replace")
        if "BEGIN CERTIFICATE" not in value:
            raise InputError("no PEM certificate found", file=path, line=1)
        return value
    if not isinstance(value, str):
        raise ParameterError(f"expected a PEM file's path or PEM text, got {type(value).__name__}",
                             field="trust_anchors")
    return value


def label(source: Any, output: Any, *, lang: str = "en", warning: bool = True,
          generator: str = "unknown AI system", action: str = "created", key: Any = None, chain: Any = None,
          tsa: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Labelling:
    """Put a machine-readable AI mark (C2PA, XMP) and a perceivable warning on one file.

    Parameters
    ----------
    source : str or os.PathLike
        A PNG, JPEG, WebP, MP4, WAV, MP3, HTML or Markdown file.
    output : str or os.PathLike
        The labelled copy (a file of the same type).
    lang : {"en", "kk", "ru"}
        Language of the warning.
    warning : bool
        Add the visible banner, spoken notice or first line; False: marks only.
    generator : str
        The AI system that made the content.
    action : {"created", "edited"}
        Made by AI, or edited with AI.
    key, chain : str or os.PathLike, optional
        The signing key (PKCS#8 PEM) and its certificate chain; by default
        the key of ``senim keys init`` under the settings' home, made on
        first use.
    tsa : str, optional
        A time-stamp authority URL (needs the network).
    max_bytes : int
        Refuse a larger input.

    Returns
    -------
    Labelling
        ``.output``, ``.marks`` (``c2pa``, ``xmp``, ``visible-banner``, ...);
        ``.to_dict()`` is an item of ``senim label --format json``.
    """
    from senim.provenance import label_file, load_signing_key
    from senim.provenance.formats import check_file
    from senim.settings import notify

    here, there = inputs.data_path(source, "source"), inputs.data_path(output, "output")
    lang, max_bytes = inputs.language(lang), _max_bytes(max_bytes)
    warning = inputs.flag(warning, "warning")
    if (key is None) != (chain is None):
        raise ParameterError("give both the private key and its certificate `chain`, or neither", field="key")
    if here.is_dir():
        raise ParameterError("is a folder; label its files one by one (or run `senim label` on it)",
                             file=here, field="source")
    check_file(here, max_bytes)  # bad input is refused before any key is made
    signing_key, created = load_signing_key(None if key is None else inputs.data_path(key, "key"),
                                            None if chain is None else inputs.data_path(chain, "chain"))
    if created:
        notify(f"made a local signing key and certificate under {signing_key.key_path.parent}")
    if there.is_dir():
        there = there / here.name
    done = label_file(here, there, key=signing_key, lang=lang, warning=warning, generator=generator,
                      action=action, tsa_url=tsa, max_bytes=max_bytes)
    return Labelling.from_dict(done)


def verify(source: Any, *, trust_anchors: Any = None, max_bytes: int = DEFAULT_MAX_BYTES,
           name: str | None = None) -> Verification | Audit:
    """Check a file's AI marks and C2PA credentials, or audit a folder of them.

    Parameters
    ----------
    source : str, os.PathLike, or bytes
        A file to check, its bytes (its type is told from its content), or a
        folder to audit.
    trust_anchors : str, bytes or os.PathLike, optional
        Trusted root certificates: a PEM file's path or the PEM text.
    max_bytes : int
        Refuse larger files.
    name : str, optional
        How the result names content given as bytes (default ``<bytes>``).

    Returns
    -------
    Verification or Audit
        For a file: ``.labelled`` (a machine-readable mark names an AI
        source type), ``.valid`` (the C2PA signature and hashes hold),
        ``.trusted``, ``.signer``, ``.issues`` and ``.verdict`` (``pass``
        when labelled and valid). For a folder: an `Audit` with each file's
        verification, the summary (labelled and valid, altered, invalid,
        unlabelled, unreadable, skipped) and the verdict of
        ``senim verify --report``.
    """
    from senim.checks import runs

    anchors, max_bytes = _anchors(trust_anchors), _max_bytes(max_bytes)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _verify_bytes(bytes(source), anchors, max_bytes, name or "<bytes>")
    path = inputs.data_path(source, "source")
    run = runs.verify(path, trust_anchors=anchors, max_bytes=max_bytes)
    kind = Audit.from_audit if path.is_dir() else Verification.from_dict
    return kind(run.result, evidence=run.evidence, verdict=run.verdict)


# What the first bytes say a file is, as the name it is checked under.
_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WebP": ".webp", "WAV": ".wav", "MP4": ".mp4", "MP3": ".mp3"}


def _verify_bytes(data: bytes, anchors: str | None, max_bytes: int, name: str) -> Verification:
    import hashlib
    import tempfile
    from pathlib import Path

    from senim.checks import runs
    from senim.provenance.formats import _looks_like

    if not data:
        raise InputError("the content is empty", file=name)
    if len(data) > max_bytes:
        raise InputError(f"{len(data) / 2**20:,.0f} MiB is over the limit of {max_bytes / 2**20:,.0f} MiB",
                         file=name)
    seen = _looks_like(data[:64])
    if seen == "text":
        head = data[:4096].lower()
        suffix = ".html" if b"<html" in head or b"<!doctype" in head or b"<meta" in head else ".md"
    elif seen in _SUFFIX:
        suffix = _SUFFIX[seen]
    else:
        raise InputError("is not a PNG, JPEG, WebP, MP4, WAV, MP3, HTML or Markdown file", file=name)
    with tempfile.TemporaryDirectory(prefix="senim-verify-") as folder:
        path = Path(folder) / f"content{suffix}"
        path.write_bytes(data)
        content = {"content": {"path": name, "sha256": hashlib.sha256(data).hexdigest()}}
        try:
            run = runs.verify(path, trust_anchors=anchors, max_bytes=max_bytes, inputs=content)
        except InputError as error:  # named as the caller names the content, not by the temporary file
            raise InputError(str(error).replace(f"{path}: ", "", 1).replace(str(path), name), file=name) from None
    result = {**run.result, "path": name}
    evidence = {**run.evidence, "result": result}
    return Verification.from_dict(result, evidence=evidence, verdict=run.verdict)
