"""An assessment report in each format that `senim assess --report` writes.

Uses the report-format registry of `senim.report` when it has one (its
entries: name, extension, media type, renderer); until then, the renderers
themselves, as the CLI calls them."""

from __future__ import annotations

import json

MEDIA = {"json": ("application/json", "json"), "markdown": ("text/markdown; charset=utf-8", "md"),
         "html": ("text/html; charset=utf-8", "html"), "pdf": ("application/pdf", "pdf"),
         "sarif": ("application/sarif+json", "sarif")}


def render(report: dict, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file extension) of the report in `fmt`."""
    media_type, extension = MEDIA[fmt]
    if fmt == "json":
        from senim.report.signing import layout, sign

        return layout(sign(report)), media_type, extension
    if fmt == "markdown":
        from senim.report.assessment import render_markdown

        return render_markdown(report).encode("utf-8"), media_type, extension
    if fmt == "html":
        from senim.report.html import render_html

        return render_html(report).encode("utf-8"), media_type, extension
    if fmt == "pdf":
        from senim.report.html import render_pdf

        return render_pdf(report), media_type, extension
    from senim.report.sarif import render_sarif

    body = json.dumps(render_sarif(report, report["manifest"]["path"]), ensure_ascii=False, indent=2) + "\n"
    return body.encode("utf-8"), media_type, extension
