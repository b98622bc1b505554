"""Renderers: what Senim shows people, and the one registry of report formats.

`FORMATS` names every format an assessment report is written in (the CLI's
``senim assess --format``/``--report``, ``senim pack``, the web app's
downloads): its name, file extension, media type and renderer.

>>> from senim.report import FORMATS
>>> [(f.name, f.extension, f.media_type) for f in FORMATS.values()][:3]
[('text', 'txt', 'text/plain; charset=utf-8'), ('json', 'json', 'application/json'), ('markdown', 'md', 'text/markdown; charset=utf-8')]

Adding a format is one entry here and its renderer in a module of its own
(see docs/conventions.md).
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["ReportFormat", "FORMATS", "render", "report_format"]


class ReportFormat:
    """One format of the assessment report.

    `renderer` is ``"module:function"``, imported when first used (PDF
    rendering loads WeasyPrint); the function takes the report's JSON and
    the manifest's path, as a report's links name it, and returns the bytes
    of the file. `binary` formats are never written to a terminal; the
    `folder` ones are those ``senim assess --report DIR`` writes.
    """

    __slots__ = ("name", "extension", "media_type", "renderer", "binary", "folder")

    # a plain class, not a dataclass: `senim --help` imports this module
    def __init__(self, name: str, extension: str, media_type: str, renderer: str, *, binary: bool = False,
                 folder: bool = True):
        self.name, self.extension, self.media_type, self.renderer = name, extension, media_type, renderer
        self.binary, self.folder = binary, folder

    def __repr__(self) -> str:
        return f"ReportFormat({self.name!r}, {self.extension!r}, {self.media_type!r})"

    def render(self, report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
        import importlib

        module, function = self.renderer.split(":")
        make: Callable[..., bytes] = getattr(importlib.import_module(module), function)
        return make(report, manifest_uri)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def text_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    """The text a terminal shows, without colours, 120 columns wide."""
    import io

    from rich.console import Console

    from senim.report.assessment import render_text

    console = Console(highlight=False, soft_wrap=True, file=io.StringIO(), width=120, color_system=None)
    console.print(render_text(report))
    return _utf8(console.file.getvalue())


def json_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    """The report signed with the organisation's key, laid out as `senim report verify` checks it."""
    from senim.report.signing import layout, sign

    return layout(sign(report))


def markdown_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    from senim.report.assessment import render_markdown

    return _utf8(render_markdown(report))


def html_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    from senim.report.html import render_html

    return _utf8(render_html(report))


def pdf_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    from senim.report.html import render_pdf

    return render_pdf(report)


def sarif_file(report: dict[str, Any], manifest_uri: str | None = None) -> bytes:
    import json

    from senim.report.sarif import render_sarif

    return _utf8(json.dumps(render_sarif(report, manifest_uri), ensure_ascii=False, indent=2) + "\n")


FORMATS: dict[str, ReportFormat] = {f.name: f for f in (
    ReportFormat("text", "txt", "text/plain; charset=utf-8", "senim.report:text_file", folder=False),
    ReportFormat("json", "json", "application/json", "senim.report:json_file"),
    ReportFormat("markdown", "md", "text/markdown; charset=utf-8", "senim.report:markdown_file"),
    ReportFormat("html", "html", "text/html; charset=utf-8", "senim.report:html_file"),
    ReportFormat("pdf", "pdf", "application/pdf", "senim.report:pdf_file", binary=True),
    ReportFormat("sarif", "sarif", "application/sarif+json", "senim.report:sarif_file"),
)}


def report_format(name: str) -> ReportFormat:
    """The format called `name`; a ParameterError naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except (KeyError, TypeError):
        from senim.errors import ParameterError

        raise ParameterError(f"{name!r} is not one of {', '.join(FORMATS)}", field="format") from None


def render(report: dict[str, Any], format: str, manifest_uri: str | None = None) -> bytes:
    """The assessment `report` (its JSON) in `format`, as the bytes of its file.

    `manifest_uri` is how SARIF results name the manifest; by default the
    path the report records.
    """
    if manifest_uri is None:
        manifest_uri = (report.get("manifest") or {}).get("path")
    return report_format(format).render(report, manifest_uri)
