"""`senim.label` and `senim.verify`: AI labels on synthetic content, and checking them."""

from __future__ import annotations

import os
from typing import Any, Sequence

from senim.api import inputs
from senim.api.results import Audit, Labelling, Verification
from senim.errors import ParameterError

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
        from senim.provenance.verification import read_trust_anchors

        return read_trust_anchors(path)  # read with a bound
    if not isinstance(value, str):
        raise ParameterError(f"expected a PEM file's path or PEM text, got {type(value).__name__}",
                             field="trust_anchors")
    return value


def label(source: Any, output: Any, *, lang: str | Sequence[str] = "en", warning: bool = True,
          generator: str = "unknown AI system", action: str = "created", key: Any = None, chain: Any = None,
          tsa: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Labelling:
    """Put a machine-readable AI mark (C2PA, XMP) and a perceivable warning on one file.

    Parameters
    ----------
    source : str or os.PathLike
        A PNG, JPEG, WebP, MP4, WAV, MP3, HTML or Markdown file.
    output : str or os.PathLike
        The labelled copy (a file of the same type).
    lang : {"en", "kk", "ru"}, or several
        Language of the warning; several (``"kk,ru"`` or ``["kk", "ru"]``)
        make one warning carrying each language in that order: a banner with
        a row each, the spoken notice in each voice, a first paragraph with
        a part each, and the C2PA warning assertion listing them.
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

    Raises
    ------
    ParameterError
        `lang` names a language Senim has no warning in, or one twice; a
        `key` without its `chain`; `source` is a folder.
    InputError
        The file cannot be labelled (its type, size or content).
    """
    from senim.provenance import label_file, load_signing_key
    from senim.provenance.formats import check_file
    from senim.settings import notify

    here, there = inputs.data_path(source, "source"), inputs.data_path(output, "output")
    from senim.provenance.wording import languages

    lang, max_bytes = languages(lang), _max_bytes(max_bytes)
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


def verify(source: Any, *, media_type: str | None = None, trust_anchors: Any = None,
           max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None) -> Verification | Audit:
    """Check a file's AI label (one of four states), or audit a folder of them.

    Parameters
    ----------
    source : str, os.PathLike, or bytes
        A file to check, its bytes (its type told by `media_type` or by its
        first bytes), or a folder to audit.
    media_type : str, optional
        The content's MIME type (``image/png``) or suffix (``.png``).
    trust_anchors : str, bytes or os.PathLike, optional
        Trusted root certificates: a PEM file's path or the PEM text.
    max_bytes : int
        Refuse larger files.
    name : str, optional
        How the result names content given as bytes (default ``<bytes>``).

    Returns
    -------
    Verification or Audit
        For a file: ``.state`` (``valid``: the credentials hold and the
        signer is on the trust list; ``untrusted``: they hold, the signer is
        not recognised; ``invalid``: altered or broken; ``none``: no
        credentials), ``.ai_labelled``, ``.generator``, ``.signer``,
        ``.signing_time``, ``.issues`` and ``.verdict`` (``pass`` when
        AI-labelled and valid or untrusted). For a folder: an `Audit` with
        each file's verification, the summary and the verdict of
        ``senim verify --report`` (`senim.provenance.folder_verdict`).

    Raises
    ------
    ParameterError
        A parameter of the wrong kind (`max_bytes`, `trust_anchors`, `media_type`).
    InputError
        Content that cannot be examined at all (empty, too large, a type
        Senim does not check); broken credentials are the state ``invalid``.

    Examples
    --------
    >>> import senim
    >>> senim.verify(b"# Notes", media_type="text/markdown").state
    'none'
    """
    from senim.checks import runs
    from senim.provenance.formats import format_of_media_type

    anchors, max_bytes = _anchors(trust_anchors), _max_bytes(max_bytes)
    if media_type is not None and (not isinstance(media_type, str) or format_of_media_type(media_type) is None):
        raise ParameterError(f"{media_type!r} is not a type Senim checks (a MIME type such as image/png, or .png)",
                             field="media_type")
    if isinstance(source, (bytes, bytearray, memoryview)):
        run = runs.verify(bytes(source), trust_anchors=anchors, max_bytes=max_bytes, media_type=media_type,
                          name=name or "<bytes>")
        return Verification.from_dict(run.result, evidence=run.evidence, verdict=run.verdict)
    path = inputs.data_path(source, "source")
    run = runs.verify(path, trust_anchors=anchors, max_bytes=max_bytes, media_type=media_type)
    kind = Audit.from_audit if path.is_dir() else Verification.from_dict
    return kind(run.result, evidence=run.evidence, verdict=run.verdict)
