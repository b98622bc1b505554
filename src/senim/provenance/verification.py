"""Verifying labels: one check, four states, and one rule for a folder.

A file's *state* is what its content credentials (C2PA) say, as the C2PA
reference reader judges them:

- ``valid``: the signature and hashes hold and the signer chains to a trust
  anchor given;
- ``untrusted``: they hold, but the signer is not on the trust list (an
  identity assertion whose credential is not trusted, CAWG's
  ``cawg.x509.credential.untrusted``, is this too, not a broken file);
- ``invalid``: the credentials were altered, are broken, or cannot be checked
  here (a manifest stored at a URL is never fetched);
- ``none``: the file carries no credentials.

``ai_labelled`` says what the marks claim: a machine-readable mark (C2PA,
XMP, HTML meta, Markdown front matter) names an AI digital source type. A
file *passes* when it is AI-labelled and its state is valid or untrusted;
a folder fails when any file in it does not (`folder_verdict`), the one
rule of ``senim verify --report``, ``senim assess`` and ``senim.verify``.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from senim.errors import InputError
from senim.provenance import credentials, formats, wording
from senim.provenance.formats import SIDECAR_SUFFIX

STATES = ("valid", "untrusted", "invalid", "none")
PASSING_STATES = ("valid", "untrusted")

# A folder fails when one of these lists a file.
FOLDER_FAILURES = ("altered", "invalid", "unsigned", "unlabelled", "unreadable")
MAX_ANCHOR_BYTES = 1 << 20  # a trust list of PEM certificates; far beyond a real one

# What `verify` finds, one English sentence each as the JSON's `issues` keep it;
# the text output says the same in kk, ru or en (catalog provenance.issue.<key>,
# through `issue_words`). Fields are the reader's values (a file name, the C2PA
# reader's own message), shown quoted.
ISSUES = {
    "sidecar_not_given": "the C2PA sidecar {name!r} was not given with the content",
    "sidecar_elsewhere": "the C2PA sidecar link {name!r} points elsewhere; looked for {looked}",
    "no_sidecar": "no C2PA sidecar {name}",
    "damaged": "damaged file: {error}",
    "remote_manifest": "the C2PA manifest is stored elsewhere ({error}); Senim never fetches it, so it cannot be checked here",
    "unreadable_manifest": "C2PA manifest cannot be read: {error}",
    "no_manifest": "no C2PA manifest",
    "failure": "C2PA {code}: {explanation}",
    "untrusted_no_anchors": "signer is not on the trust list (no trust anchors given)",
    "untrusted": "signer is not on the trust list",
    "cawg_untrusted": "the identity assertion's credential is not on the trust list (CAWG)",
    "not_ai_source": "C2PA manifest from {tool} declares no AI digital source type ({source_type})",
    "no_ai_mark": "no machine-readable AI mark",
    "unsigned_mark": "an AI mark without content credentials: unsigned, so anyone could have written it",
    "marks_disagree": "marks disagree on the digital source type: {types}",
}


def _issue(key: str, **values: Any) -> str:
    return ISSUES[key].format(**values)


def _pattern(template: str):
    import re

    parts = re.split(r"\{(\w+)(?:!r)?\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
    return re.compile(regex + r"\Z", re.S)


def issue_words(issue: str, lang: str) -> str:
    """One of `verify`'s issues in kk, ru or en, as a person reads it; the
    values it quotes (a file name, the C2PA reader's message) stay as written.
    An issue this table does not know is given quoted, as written."""
    from senim.i18n import has, text

    for key, template in ISSUES.items():
        found = _pattern(template).match(issue)
        if found and has(f"provenance.issue.{key}"):
            values = {k: v.strip("'\"") for k, v in found.groupdict().items()}
            return text(f"provenance.issue.{key}", lang, **values)
    return f"«{issue}»"


@dataclass(frozen=True)
class LabelCheck:
    """What `verify` finds in one file (the JSON of ``senim verify --format json`` is its `to_dict`).

    `state` is one of `STATES`; `ai_labelled` whether a machine-readable mark
    names an AI source type; `generator` the AI system or tool the marks name;
    `signer` the certificate's holder (and issuer); `signing_time` when the
    claim was signed (ISO 8601, as the time stamp or the claim gives it).
    """

    path: str
    state: str
    ai_labelled: bool
    generator: str | None = None
    signer: str | None = None
    signing_time: str | None = None
    digital_source_type: str | None = None
    media_type: str | None = None
    marks: list[dict[str, Any]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """AI-labelled, with credentials that hold (trusted or not)."""
        return self.ai_labelled and self.state in PASSING_STATES

    # The older booleans, kept for the JSON's readers: `valid` is the
    # credentials holding (valid or untrusted), `trusted` the state valid.
    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(labelled=self.ai_labelled, valid=self.state in PASSING_STATES, trusted=self.state == "valid")
        return out


def read_trust_anchors(value: Any) -> str | None:
    """Trust anchors as PEM text, from PEM text (str or bytes) or a PEM file's path."""
    import os

    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str) and "BEGIN CERTIFICATE" in value:
        return value
    if not isinstance(value, (str, os.PathLike)):
        raise InputError(f"trust anchors: expected PEM text or a PEM file's path, got {type(value).__name__}")
    path = Path(value)
    if not path.exists():
        raise InputError("no such file", file=path)
    if not path.is_file():
        raise InputError("not a PEM file (a folder, a pipe or a device)", file=path)
    with open(path, "rb") as handle:
        data = handle.read(MAX_ANCHOR_BYTES + 1)
    if len(data) > MAX_ANCHOR_BYTES:
        raise InputError(f"over {MAX_ANCHOR_BYTES >> 20} MiB; a trust list of PEM certificates is smaller", file=path)
    text = data.decode("utf-8", "replace")
    if "BEGIN CERTIFICATE" not in text:
        raise InputError("no PEM certificate found", file=path, line=1)
    return text


def _signer(report: credentials.CredentialReport) -> str | None:
    if not report.signer and not report.issuer:
        return None
    if report.issuer and report.issuer != report.signer:
        return f"{report.signer} ({report.issuer})"
    return report.signer


def _printable(text: str) -> str:
    # Reader messages quote the file (a URL, a label): no control characters reach a terminal.
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _text_marks(data: bytes, fmt: formats.MediaFormat, name: str, folder: Path | None,
                max_bytes: int) -> tuple[list[dict], list[str], bytes | None, bool]:
    """Marks of an HTML or Markdown file, and its sidecar's bytes: (marks, issues, sidecar, named)."""
    from senim.provenance import textmarks

    marks, issues = [], []
    found = textmarks.read_marks(data, fmt.name, name)
    if found["digital_source_type"]:
        marks.append({"kind": "html-meta" if fmt.name == "HTML" else "front-matter",
                      "digital_source_type": found["digital_source_type"]})
    if found["warning"]:  # in several languages: the texts, and their languages beside them
        marks.append({"kind": "visible-text", "text": found["warning"],
                      **({"language": found["language"]} if found.get("language") else {})})
    linked = found["sidecar"]
    if folder is None:
        if linked:
            issues.append(_issue("sidecar_not_given", name=linked))
        return marks, issues, None, bool(linked)
    sidecar = folder / (Path(name).name + SIDECAR_SUFFIX)
    if linked and any(c in linked for c in "/\\:"):
        # Only a sidecar beside the file is read: verifying never fetches or climbs folders.
        issues.append(_issue("sidecar_elsewhere", name=linked, looked=sidecar.name))
    elif linked:
        sidecar = folder / linked
    if sidecar.is_file() and sidecar.stat().st_size <= max_bytes:
        return marks, issues, sidecar.read_bytes(), bool(linked)
    issues.append(_issue("no_sidecar", name=sidecar.name))
    return marks, issues, None, bool(linked)


def examine(stream: BinaryIO, fmt: formats.MediaFormat, name: str, *, folder: Path | None = None,
            trust_anchors: str | None = None, max_bytes: int = formats.DEFAULT_MAX_BYTES) -> LabelCheck:
    """The check of one file's content (`stream`, of type `fmt`); `folder` is where its sidecar may be."""
    from senim.provenance import xmp

    ai_types = wording.ai_source_types()
    marks: list[dict] = []
    issues: list[str] = []
    manifest_data = None
    sidecar_named = False

    if fmt.kind == "image":
        data = stream.read()
        stream = io.BytesIO(data)
        try:
            packet = xmp.read(data, fmt.name, name)
        except InputError as error:
            packet = None
            issues.append(_issue("damaged", error=error))
        xmp_type = xmp.digital_source_type(packet)
        if xmp_type:
            marks.append({"kind": "xmp", "digital_source_type": xmp_type})
    elif fmt.kind == "text":
        data = stream.read()
        stream = io.BytesIO(data)
        text_marks, text_issues, manifest_data, sidecar_named = _text_marks(data, fmt, name, folder, max_bytes)
        marks += text_marks
        issues += text_issues

    if fmt.kind == "text" and manifest_data is None:
        report = credentials.CredentialReport()
    else:
        report = credentials.read(fmt.mime, stream, manifest_data=manifest_data, trust_anchors=trust_anchors)

    if report.present and not report.error:
        marks.insert(0, {"kind": "c2pa", "digital_source_type": report.digital_source_type,
                         "generator": report.generator, "claim_generator": report.claim_generator,
                         "actions": report.actions})
        if report.warning:
            marks.append({"kind": "declared-warning", **report.warning})
    elif report.remote:
        issues.append(_issue("remote_manifest", error=_printable(report.error or "")))
    elif report.error:
        issues.append(_issue("unreadable_manifest", error=_printable(report.error)))
    elif fmt.kind != "text":
        issues.append(_issue("no_manifest"))

    if not report.present:
        # Text names its sidecar: a named one that is missing is a broken label, not an absent one.
        state = "invalid" if sidecar_named else "none"
    else:
        state = credentials.STATES.get(report.state or "", "invalid")
    for failure in report.failures:
        if failure["code"] != "manifest.unreadable":
            issues.append(_printable(_issue("failure", code=failure["code"], explanation=failure["explanation"])))
    if state == "untrusted":
        issues.append(_issue("untrusted" if trust_anchors else "untrusted_no_anchors"))
    if "cawg.x509.credential.untrusted" in report.untrusted_codes:
        issues.append(_issue("cawg_untrusted"))

    machine = [m for m in marks if m.get("digital_source_type")]
    labelled = any(m["digital_source_type"] in ai_types for m in machine)
    if report.present and not report.error and report.digital_source_type not in ai_types:
        issues.append(_issue("not_ai_source", tool=report.claim_generator or "an unnamed tool",
                             source_type=report.digital_source_type or "none"))
    if not machine:
        issues.append(_issue("no_ai_mark"))
    elif labelled and state == "none":
        issues.append(_issue("unsigned_mark"))
    types = {m["digital_source_type"] for m in machine}
    if len(types) > 1:
        issues.append(_issue("marks_disagree", types=", ".join(sorted(types))))
    return LabelCheck(
        path=name, state=state, ai_labelled=labelled,
        generator=report.generator or report.claim_generator,
        signer=_signer(report), signing_time=report.signing_time,
        digital_source_type=report.digital_source_type or next(iter(sorted(types)), None),
        media_type=fmt.mime, marks=marks, issues=issues,
    )


def verify(source: Any, *, media_type: str | None = None, trust_anchors: Any = None,
           max_bytes: int = formats.DEFAULT_MAX_BYTES, name: str | None = None) -> LabelCheck:
    """Check one file's AI label: its state (valid, untrusted, invalid, none) and what it claims.

    Parameters
    ----------
    source : bytes or str or os.PathLike
        The content itself, or a file's path (an HTML or Markdown file's
        C2PA sidecar, ``NAME.c2pa``, is read from beside it).
    media_type : str, optional
        Its MIME type (``image/png``) or suffix (``.png``); by default the
        file's name says, or for bytes the first bytes do.
    trust_anchors : str, bytes or os.PathLike, optional
        Trusted root certificates: PEM text, or a PEM file's path. Without
        them no signer is trusted, so a label that holds is ``untrusted``.
    max_bytes : int
        Refuse larger content.
    name : str, optional
        How the result and messages name content given as bytes.

    Returns
    -------
    LabelCheck
        ``.state``, ``.ai_labelled``, ``.generator``, ``.signer``,
        ``.signing_time``, ``.marks``, ``.issues``, ``.passed``.

    Raises
    ------
    InputError
        The content cannot be examined at all: empty, too large, of a type
        Senim does not check, or a text whose front matter cannot be read.
        Broken credentials are not an error: they are the state ``invalid``.

    Examples
    --------
    >>> from senim.provenance import verify
    >>> check = verify(b"<!doctype html><html><body>Hello</body></html>")
    >>> check.state, check.ai_labelled
    ('none', False)
    """
    anchors = read_trust_anchors(trust_anchors)
    given = None
    if media_type is not None:
        given = formats.format_of_media_type(media_type)
        if given is None:
            raise InputError(formats.unsupported(repr(media_type), True), field="media_type")
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = name or "<bytes>"
        if not data:
            raise InputError("the content is empty", file=label)
        if len(data) > max_bytes:
            raise InputError(f"{len(data) / 2**20:,.0f} MiB is over the limit of {max_bytes / 2**20:,.0f} MiB",
                             file=label)
        fmt = given or formats.sniff(data[:4096])
        if fmt is None:
            raise InputError(formats.unsupported("of these bytes", True), file=label)
        return examine(io.BytesIO(data), fmt, label, trust_anchors=anchors, max_bytes=max_bytes)
    path = Path(source)
    fmt = formats.check_file(path, max_bytes, checking=True, fmt=given)
    with open(path, "rb") as stream:
        return examine(stream, fmt, name or str(path), folder=path.parent, trust_anchors=anchors,
                       max_bytes=max_bytes)


def verify_file(path: Path, *, trust_anchors: str | None = None,
                max_bytes: int = formats.DEFAULT_MAX_BYTES) -> dict:
    """`verify` of one file, as the JSON of ``senim verify --format json``."""
    return verify(Path(path), trust_anchors=trust_anchors, max_bytes=max_bytes).to_dict()


def altered(result: dict) -> bool:
    """Labelled once, changed since: a content hash no longer matches."""
    return any("Hash.mismatch" in issue or "hash.mismatch" in issue for issue in result["issues"])


def place(result: dict) -> str:
    """Which list of a folder's summary a file's check goes in."""
    if result["ai_labelled"] and result["state"] in PASSING_STATES:
        return "labelled_valid"
    if result["state"] == "invalid":
        return "altered" if altered(result) else "invalid"
    if result["ai_labelled"]:  # state none: an AI mark nobody signed
        return "unsigned"
    return "unlabelled"


def passes(result: dict) -> bool:
    """AI-labelled, with credentials that hold (valid or untrusted)."""
    return place(result) == "labelled_valid"


def summarise(results: list[dict], unreadable: list[str] = (), skipped: list[str] = ()) -> dict[str, list[str]]:
    summary: dict[str, list[str]] = {key: [] for key in ("labelled_valid", *FOLDER_FAILURES[:-1])}
    for result in results:
        summary[place(result)].append(result["path"])
    summary["unreadable"] = list(unreadable)
    summary["skipped"] = list(skipped)
    return summary


def folder_verdict(summary: dict[str, list]) -> str | None:
    """``fail`` when a file is altered, invalid, unsigned, unlabelled or unreadable;
    ``pass`` when at least one is labelled and valid and none fails; None when
    there was nothing to check."""
    if any(summary.get(key) for key in FOLDER_FAILURES):
        return "fail"
    return "pass" if summary.get("labelled_valid") else None


def audit_folder(folder: Path, *, trust_anchors: str | None = None,
                 max_bytes: int = formats.DEFAULT_MAX_BYTES) -> dict:
    """Which files under `folder` are AI-labelled, which are not, which were altered after labelling."""
    folder = Path(folder)
    results, unreadable, skipped = [], [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() or p.is_fifo()):
        if path.name.endswith(SIDECAR_SUFFIX):
            continue  # examined with the file it belongs to
        if formats.checkable_format(path) is None:
            skipped.append(str(path.relative_to(folder)))
            continue
        try:
            results.append(verify_file(path, trust_anchors=trust_anchors, max_bytes=max_bytes))
        except InputError as error:
            unreadable.append(str(error))
    return {"folder": str(folder), "files": results, "summary": summarise(results, unreadable, skipped)}


def outcome(path: Path, *, trust_anchors: str | None = None,
            max_bytes: int = formats.DEFAULT_MAX_BYTES) -> tuple[dict, dict[str, list[str]], str | None]:
    """(result, summary, verdict) of a file or a folder, by the one rule: what
    ``senim verify``, ``senim verify --report``, ``senim assess`` and
    ``senim.verify`` each decide from."""
    path = Path(path)
    if path.is_dir():
        result = audit_folder(path, trust_anchors=trust_anchors, max_bytes=max_bytes)
        summary = result["summary"]
    else:
        result = verify_file(path, trust_anchors=trust_anchors, max_bytes=max_bytes)
        summary = summarise([result])
    return result, summary, folder_verdict(summary)
