"""The assessment as one self-contained HTML page (inline CSS and SVG charts).

The same page is printed to PDF by WeasyPrint (`report.pdf`), so the CSS
sticks to what both a browser and WeasyPrint draw, and names DejaVu Sans,
which has every Kazakh letter.
"""

from __future__ import annotations

from html import escape
from typing import Any

from senim.report import svg
from senim.report.assessment import _day, _fined, _when, conf, fine_text, gaps, ledger_line, no_fine_line, place, stake_text, t, verdict
from senim.report.classification import citation, verdict_lines

CSS = """
@page { size: A4; margin: 16mm 14mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 9pt; font-family: "DejaVu Sans", sans-serif; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #212121; max-width: 60em; margin: 1em auto; line-height: 1.4; }
h1 { font-size: 18pt; margin-bottom: 0.2em; } h2 { font-size: 14pt; border-bottom: 1px solid #bbb; margin-top: 1.4em; }
h3 { font-size: 11.5pt; margin: 1em 0 0.3em; }
.meta { color: #555; font-size: 9pt; } .verdict { font-size: 13pt; font-weight: bold; padding: 0.4em 0.6em; border-radius: 4px; }
.blocked { background: #ffebee; color: #b71c1c; } .gaps { background: #fff8e1; color: #8d6e00; } .compliant { background: #e8f5e9; color: #1b5e20; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; } th, td { border: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }
th { background: #f1f1f1; } table.obligations { table-layout: fixed; }
table.obligations th:nth-child(1) { width: 28%; } table.obligations th:nth-child(2) { width: 13%; } td.status { white-space: normal; }
table.obligations th:nth-child(3) { width: 18%; } table.obligations th:nth-child(4) { width: 15%; } .status { font-weight: bold; white-space: nowrap; }
table.obligations td, table.obligations th { overflow-wrap: anywhere; word-wrap: break-word; }
.met { color: #2e7d32; } .partly_met { color: #8d6e00; } .not_met { color: #c62828; } .not_assessed { color: #8e24aa; } .not_applicable { color: #757575; }
.gap { border-left: 4px solid #c62828; padding-left: 0.6em; margin-bottom: 0.8em; page-break-inside: avoid; }
.gap.soft { border-left-color: #f9a825; } .tag { background: #c62828; color: #fff; padding: 0 4px; border-radius: 3px; font-size: 8.5pt; }
.chart { page-break-inside: avoid; margin: 0.6em 0; } code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; word-break: break-all; }
"""


def _e(value: Any) -> str:
    return escape(str(value if value is not None else ""))


def charts(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(title, svg) of every chart the report holds."""
    lang = report["lang"]
    out = []
    for chart in report["charts"]:
        if chart["kind"] == "obligations":
            title = t(lang, "chart.obligations")
            items = [(t(lang, "status." + s), n, svg.STATUS_COLOURS[s]) for s, n in chart["counts"].items()]
            out.append((title, svg.bars(items, title)))
        elif chart["kind"] == "fairness":
            title = t(lang, "chart.fairness", sensitive=", ".join(chart["sensitive"]))
            out.append((title, svg.intervals(chart["groups"], title, overall=chart.get("overall"),
                                             overall_label=t(lang, "chart.overall"))))
        elif chart["kind"] == "personal_data" and chart["places"]:
            title = t(lang, "chart.personal_data")
            out.append((title, svg.bars([(p["label"], p["value"], "#6a1b9a") for p in chart["places"]], title)))
    return out


def render_html(report: dict[str, Any]) -> str:
    lang = report["lang"]
    c = report["classification"]
    name = c.get("name") or c["system"]
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
             f"<title>{_e(t(lang, 'h.title'))}: {_e(name)}</title><style>{CSS}</style></head><body>",
             f"<h1>{_e(t(lang, 'h.title'))}: {_e(name)}</h1>",
             f'<p class="meta">{_e(t(lang, "meta.system"))}: <code>{_e(c["system"])}</code> · '
             f'{_e(t(lang, "meta.manifest"))}: <code>{_e(report["manifest"]["path"])}</code> sha256 <code>{_e(report["manifest"]["sha256"])}</code><br>'
             f'{_e(t(lang, "meta.as_of"))}: {_e(_day(report["as_of"], lang))} · {_e(t(lang, "meta.generated"))}: {_e(_when(report["generated"], lang))} · '
             f'{_e(t(lang, "meta.checks_run"))}: {_e(t(lang, "yes" if report["checks_run"] else "no"))} · Senim {_e(report["senim_version"])}</p>',
             f"<h2>{_e(t(lang, 'h.classification'))}</h2><ul>"]
    for law, line, _ in verdict_lines(c, lang):
        parts.append(f"<li><b>{_e(law)}</b>: {_e(line)}</li>")
    parts.append(f"</ul><h2>{_e(t(lang, 'h.summary'))}</h2>")
    parts.append(f'<p class="verdict {report["verdict"]}">{_e(verdict(report))}</p>')
    parts.append(f"<h2>{_e(t(lang, 'h.charts'))}</h2>")
    for title, drawing in charts(report):
        parts.append(f'<div class="chart"><h3>{_e(title)}</h3>{drawing}</div>')
    parts.append(f"<h2>{_e(t(lang, 'h.gaps'))}</h2>")
    if not report["gaps"]:
        parts.append(f"<p>{_e(t(lang, 'no_gaps'))}</p>")
    found, unfined = _fined(report)
    for n, gap in enumerate(found, 1):
        tag = f' <span class="tag">{_e(t(lang, "col.blocking"))}</span>' if gap["blocking"] else ""
        parts.append(
            f'<div class="gap{"" if gap["status"] == "not_met" else " soft"}"><h3>{n}. {_e(gap["title"])}{tag}</h3>'
            f'<p><span class="status {gap["status"]}">{_e(t(lang, "status." + gap["status"]))}</span> · '
            f'<code>{_e(place(report, gap))}</code><br>'
            f'{_e(t(lang, "col.stake"))}: {_e(stake_text(gap, lang))}<br>'
            f'{_e(t(lang, "col.ref"))}: {_e(citation(gap["ref"], lang))} ({_e(t(lang, "col.confidence"))}: {_e(conf(lang, gap["confidence"]))})<br>'
            f'{_e(t(lang, "col.reason"))}: {_e(gap["reason"])}'
            + (f'<br>{_e(t(lang, "col.fine"))}: {_e(fine_text(gap, lang))}' if gap.get("fine") else "")
            + (f'<br>{_e(t(lang, "col.next"))}: {_e(gap["next"])}' if gap["next"] else "") + "</p></div>")
    if unfined:
        parts.append(f"<p>{_e(no_fine_line(found, unfined, lang))}</p>")
    parts.append(f"<h2>{_e(t(lang, 'h.obligations'))}</h2><table class=\"obligations\"><tr>"
                 + "".join(f"<th>{_e(t(lang, k))}</th>" for k in ("col.obligation", "col.status", "col.ref", "col.confidence", "col.reason"))
                 + "</tr>")
    for o in report["obligations"]:
        parts.append(f'<tr><td>{_e(o["title"])}<br><code>{_e(o["id"])}</code></td>'
                     f'<td class="status {o["status"]}">{_e(t(lang, "status." + o["status"]))}</td>'
                     f'<td>{_e(citation(o["ref"], lang))}</td><td>{_e(conf(lang, o["confidence"]))}</td><td>{_e(o["reason"])}</td></tr>')
    parts.append("</table>")
    evidence = [(o, e) for o in report["obligations"] for e in o["evidence"]]
    if evidence:
        parts.append(f"<h2>{_e(t(lang, 'h.evidence'))}</h2><ul>")
        for o, e in evidence:
            inputs = ", ".join(f'<code>{_e(v["path"])}</code> sha256 <code>{_e(v["sha256"])}</code>' for v in e.get("inputs", {}).values())
            parts.append(f'<li><code>{_e(o["id"])}</code>: {_e(e.get("check") or e["kind"])} {inputs}</li>')
        parts.append("</ul>")
    if report.get("ledger"):
        parts.append(f'<p class="meta">{_e(t(lang, "meta.ledger"))}: <code>{_e(ledger_line(report["ledger"]))}</code></p>')
    parts.append("</body></html>\n")
    return "".join(parts)


def render_pdf(report: dict[str, Any]) -> bytes:
    """The HTML page printed by WeasyPrint; fonts are embedded (subset)."""
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()

