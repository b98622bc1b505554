"""Verifying labels: which marks a file carries, and whether its C2PA credentials hold.

A file is *labelled* when a machine-readable mark (C2PA, XMP, HTML meta,
Markdown front matter) names an AI digital source type, and *valid* when its
C2PA signature and content hashes check out. *Trusted* needs trust anchors.
"""

from __future__ import annotations

from pathlib import Path

from senim.errors import InputError
from senim.provenance import credentials, formats, wording
from senim.provenance.formats import SIDECAR_SUFFIX


def _signer(report: credentials.CredentialReport) -> str | None:
    if not report.signer and not report.issuer:
        return None
    if report.issuer and report.issuer != report.signer:
        return f"{report.signer} ({report.issuer})"
    return report.signer


def verify_file(path: Path, *, trust_anchors: str | None = None,
                max_bytes: int = formats.DEFAULT_MAX_BYTES) -> dict:
    """The verdict on one file; InputError only when the file cannot be examined at all."""
    from senim.provenance import textmarks, xmp

    path = Path(path)
    fmt = formats.check_file(path, max_bytes)
    ai_types = wording.ai_source_types()
    marks: list[dict] = []
    issues: list[str] = []
    manifest_data = None

    if fmt.kind == "image":
        data = path.read_bytes()
        try:
            packet = xmp.read(data, fmt.name, path)
        except InputError as error:
            packet = None
            issues.append(f"damaged file: {error}")
        xmp_type = xmp.digital_source_type(packet)
        if xmp_type:
            marks.append({"kind": "xmp", "digital_source_type": xmp_type})
    elif fmt.kind == "text":
        data = path.read_bytes()
        found = textmarks.read_marks(data, fmt.name, str(path))
        if found["digital_source_type"]:
            marks.append({"kind": "html-meta" if fmt.name == "HTML" else "front-matter",
                          "digital_source_type": found["digital_source_type"]})
        if found["warning"]:
            marks.append({"kind": "visible-text", "text": found["warning"]})
        sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
        linked = found["sidecar"]
        if linked and any(c in linked for c in "/\\:"):
            # Only a sidecar beside the file is read: verifying never fetches or climbs folders.
            issues.append(f"the C2PA sidecar link {linked!r} points elsewhere; looked for {sidecar.name}")
        elif linked:
            sidecar = path.with_name(linked)
        if sidecar.is_file() and sidecar.stat().st_size <= max_bytes:
            manifest_data = sidecar.read_bytes()
        else:
            issues.append(f"no C2PA sidecar {sidecar.name}")

    if fmt.kind == "text" and manifest_data is None:
        report = credentials.CredentialReport()
    else:
        with open(path, "rb") as stream:
            report = credentials.read(fmt.mime, stream, manifest_data=manifest_data, trust_anchors=trust_anchors)

    if report.present and not report.error:
        marks.insert(0, {"kind": "c2pa", "digital_source_type": report.digital_source_type,
                         "generator": report.generator, "claim_generator": report.claim_generator,
                         "actions": report.actions})
        if report.warning:
            marks.append({"kind": "declared-warning", **report.warning})
    elif report.error:
        issues.append(f"C2PA manifest cannot be read: {report.error}")
    elif fmt.kind != "text":
        issues.append("no C2PA manifest")

    valid = bool(report.present and not report.error and report.state in ("Valid", "Trusted") and not report.failures)
    for failure in report.failures:
        if failure["code"] != "manifest.unreadable":
            issues.append(f"C2PA {failure['code']}: {failure['explanation']}")
    trusted = valid and report.state == "Trusted"
    if valid and not trusted:
        issues.append("signer is not on the trust list" + ("" if trust_anchors else " (no --trust-anchors given)"))

    machine = [m for m in marks if m.get("digital_source_type")]
    labelled = any(m["digital_source_type"] in ai_types for m in machine)
    if report.present and not report.error and report.digital_source_type not in ai_types:
        issues.append(f"C2PA manifest from {report.claim_generator or 'an unnamed tool'} declares no AI digital "
                      f"source type ({report.digital_source_type or 'none'})")
    if not machine:
        issues.append("no machine-readable AI mark")
    types = {m["digital_source_type"] for m in machine}
    if len(types) > 1:
        issues.append(f"marks disagree on the digital source type: {', '.join(sorted(types))}")
    source_type = report.digital_source_type or next(iter(sorted(types)), None)
    return {
        "path": str(path),
        "labelled": labelled,
        "valid": valid,
        "signer": _signer(report),
        "trusted": trusted,
        "digital_source_type": source_type,
        "marks": marks,
        "issues": issues,
    }


def altered(result: dict) -> bool:
    """Labelled once, changed since: a content hash no longer matches."""
    return any("Hash.mismatch" in issue or "hash.mismatch" in issue for issue in result["issues"])


def audit_folder(folder: Path, *, trust_anchors: str | None = None,
                 max_bytes: int = formats.DEFAULT_MAX_BYTES) -> dict:
    """Which files under `folder` are AI-labelled, which are not, which were altered after labelling."""
    folder = Path(folder)
    results, unreadable, skipped = [], [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.endswith(SIDECAR_SUFFIX):
            continue  # examined with the file it belongs to
        if formats.format_of_name(path) is None:
            skipped.append(str(path.relative_to(folder)))
            continue
        try:
            results.append(verify_file(path, trust_anchors=trust_anchors, max_bytes=max_bytes))
        except InputError as error:
            unreadable.append(str(error))
    summary = {
        "labelled_valid": [r["path"] for r in results if r["labelled"] and r["valid"]],
        "altered": [r["path"] for r in results if altered(r)],
        "invalid": [r["path"] for r in results if r["labelled"] and not r["valid"] and not altered(r)],
        "unlabelled": [r["path"] for r in results if not r["labelled"]],
        "unreadable": unreadable,
        "skipped": skipped,
    }
    return {"folder": str(folder), "files": results, "summary": summary}
