"""The assessment's gaps as SARIF 2.1.0, each pointing at its line of senim.yaml.

Code-scanning tools (GitHub, GitLab, IDEs) show each result beside the
manifest line it concerns: the evidence entry for the obligation when the
manifest has one, else the nearest fact the user wrote that made it owed
(`human_oversight: none` for a high autonomy no law permits), else the field
its stake names (`assessment/locate.py`, `law/packs/*/data/stakes.yaml`).
"""

from __future__ import annotations

from typing import Any

from senim.report.assessment import fine_text, gaps, t, verdict

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"not_met": "error", "partly_met": "warning", "not_assessed": "note"}


def artifact_uri(path: str) -> str:
    """A path as a SARIF artifact URI (RFC 3986): an absolute path as a file:
    URI, a relative one as a relative reference, every other character
    percent-encoded (a space is %20, '#' is %23), so readers open the file
    the path names."""
    from pathlib import PurePosixPath, PureWindowsPath
    from urllib.parse import quote

    if "://" in path:  # already a URI
        return path
    if PureWindowsPath(path).drive:
        return "file:///" + quote(PureWindowsPath(path).as_posix(), safe="/:")
    posix = PurePosixPath(path)
    if posix.is_absolute():
        return "file://" + quote(str(posix), safe="/")
    return quote(str(posix), safe="/")


def render_sarif(report: dict[str, Any], manifest_uri: str | None = None) -> dict[str, Any]:
    lang = report["lang"]
    uri = artifact_uri(manifest_uri or report["manifest"]["path"])
    found = gaps(report)
    rules, index = [], {}
    for gap in found:
        if gap["id"] in index:
            continue
        index[gap["id"]] = len(rules)
        rules.append({
            "id": gap["id"],
            "name": "".join(p.capitalize() for p in gap["id"].replace("_", ".").split(".")),
            "shortDescription": {"text": gap["title"]},
            "fullDescription": {"text": gap.get("what") or gap["title"]},
            "help": {"text": f"{gap['ref']} ({gap['confidence']}). {t(lang, 'col.fine')}: {fine_text(gap, lang)}"},
            "properties": {"law": gap["law"], "ref": gap["ref"], "confidence": gap["confidence"],
                           "stake": gap["stake"], "tags": ["compliance", gap["law"], gap["stake"]]},
        })
    results = []
    for gap in found:
        level = "error" if gap["blocking"] else LEVEL[gap["status"]]
        message = f"{gap['title']}: {t(lang, 'status.' + gap['status'])}. {gap['reason']}"
        if gap["next"]:
            message += f" {t(lang, 'col.next')}: {gap['next']}"
        results.append({
            "ruleId": gap["id"],
            "ruleIndex": index[gap["id"]],
            "level": level,
            "kind": "fail",
            "message": {"text": message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri},
                "region": {"startLine": max(int(gap["line"]), 1)},
            }}],
            "properties": {"status": gap["status"], "blocking": gap["blocking"], "stake": gap["stake"],
                           "field": gap.get("field")},
        })
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "senim", "version": report["senim_version"], "rules": rules}},
            "language": {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}[lang],
            "artifacts": [{"location": {"uri": uri}, "hashes": {"sha-256": report["manifest"]["sha256"]}}
                          ] if report["manifest"]["sha256"] else [{"location": {"uri": uri}}],
            "results": results,
            "properties": {"verdict": report["verdict"], "headline": verdict(report), "as_of": report["as_of"],
                           "counts": report.get("counts", {})},
        }],
    }
