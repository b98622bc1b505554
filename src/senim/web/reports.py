"""An assessment report in each format of the report-format registry
(`senim.report.FORMATS`: name, extension, media type, renderer), as the
CLI's `senim assess --report` writes them."""

from __future__ import annotations


def downloadable() -> list[str]:
    """The formats a report is offered in (those `--report DIR` writes)."""
    from senim.report import FORMATS

    return [f.name for f in FORMATS.values() if f.folder]


def render(report: dict, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, media type, file extension) of the report in `fmt`."""
    from senim.report import FORMATS

    found = FORMATS[fmt]
    return found.render(report, report["manifest"]["path"]), found.media_type, found.extension
