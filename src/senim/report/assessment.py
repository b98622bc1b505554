"""An assessment as text (Rich markup) and Markdown, in the report's language."""

from __future__ import annotations

from typing import Any

from senim.i18n import text
from senim.report.classification import citation, verdict_lines

STATUS_STYLE = {"met": "green", "partly_met": "yellow", "not_met": "red", "not_assessed": "magenta",
                "not_applicable": "dim"}


def t(lang: str, key: str, **values: Any) -> str:
    return text(f"assess.{key}", lang, **values)


def place(report: dict[str, Any], gap: dict[str, Any]) -> str:
    """FILE:LINE of the manifest line a gap concerns, as an editor opens it."""
    from pathlib import Path

    return f"{Path(report['manifest']['path']).name}:{gap['line']}"


def ledger_line(ledger: dict[str, Any]) -> str:
    return (f"#{ledger['seq']} sha256 {ledger['entry_hash']} · checkpoint {ledger['checkpoint']['number']} "
            f"(size {ledger['checkpoint']['size']}) · {ledger['database']}")


def conf(lang: str, confidence: str | None) -> str:
    return t(lang, f"confidence.{confidence or ''}")


def verdict(report: dict[str, Any]) -> str:
    lang = report["lang"]
    count = len(report["blocking"]) if report["verdict"] == "blocked" else len(report["gaps"])
    return t(lang, f"verdict.{report['verdict']}", count=count)


def gaps(report: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {o["id"]: o for o in report["obligations"]}
    return [by_id[i] for i in report["gaps"]]


def fine_text(obligation: dict[str, Any], lang: str) -> str:
    fine = obligation.get("fine")
    return f"{fine['text']} ({citation(fine['ref'], lang)}, {conf(lang, fine['confidence'])})" if fine else t(lang, "no_fine")


def render_text(report: dict[str, Any]) -> str:
    from rich.markup import escape

    lang = report["lang"]
    c = report["classification"]
    style = {"blocked": "bold red", "gaps": "yellow", "compliant": "green"}[report["verdict"]]
    out = [f"[bold]{escape(t(lang, 'h.title'))}: {escape(c.get('name') or c['system'])}[/bold] ({c['system']}) · "
           + text("core.report.as_of", lang, date=report["as_of"]), ""]
    for law, line, law_style in verdict_lines(c, lang):
        out.append(f"  [bold]{law:<14}[/bold] [{law_style}]{escape(line)}[/{law_style}]")
    out += ["", f"[{style}]{escape(verdict(report))}[/{style}]",
            "  " + " · ".join(f"{t(lang, 'status.' + s)}: {n}" for s, n in report["summary"].items())]
    out += ["", f"[bold]{escape(t(lang, 'h.gaps'))}[/bold]"]
    if not report["gaps"]:
        out.append("  " + t(lang, "no_gaps"))
    for n, gap in enumerate(gaps(report), 1):
        st = STATUS_STYLE[gap["status"]]
        block = f" [bold red]\\[{t(lang, 'col.blocking')}][/bold red]" if gap["blocking"] else ""
        out.append(f" {n:>2}. [{st}]{escape(t(lang, 'status.' + gap['status']))}[/{st}]{block} "
                   f"[bold]{escape(gap['title'])}[/bold] [dim]— {escape(citation(gap['ref'], lang))} ({conf(lang, gap['confidence'])}), "
                   f"{escape(t(lang, 'stake.' + gap['stake']))}, {escape(place(report, gap))}[/dim]")
        out.append(f"     {escape(gap['reason'])}")
        out.append(f"     [dim]{escape(t(lang, 'col.fine'))}:[/dim] {escape(fine_text(gap, lang))}")
        if gap["next"]:
            out.append(f"     [dim]{escape(t(lang, 'col.next'))}:[/dim] {escape(gap['next'])}")
    met = [o for o in report["obligations"] if o["status"] in ("met", "not_applicable")]
    if met:
        out += ["", f"[bold]{escape(t(lang, 'h.obligations'))}[/bold]"]
        for o in met:
            st = STATUS_STYLE[o["status"]]
            out.append(f"  • [{st}]{escape(t(lang, 'status.' + o['status']))}[/{st}] {escape(o['title'])} "
                       f"[dim]— {escape(o['reason'])}[/dim]")
    if report.get("ledger"):
        out += ["", f"{t(lang, 'meta.ledger')}: {escape(ledger_line(report['ledger']))}"]
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any]) -> str:
    lang = report["lang"]
    c = report["classification"]
    out = [f"# {t(lang, 'h.title')}: {c.get('name') or c['system']} (`{c['system']}`)", "",
           f"- {t(lang, 'meta.manifest')}: `{report['manifest']['path']}` (sha256 `{report['manifest']['sha256']}`)",
           f"- {t(lang, 'meta.as_of')}: {report['as_of']} · {t(lang, 'meta.generated')}: {report['generated']} · "
           f"{t(lang, 'meta.checks_run')}: {t(lang, 'yes' if report['checks_run'] else 'no')}", "",
           f"## {t(lang, 'h.classification')}", ""]
    for law, line, _ in verdict_lines(c, lang):
        out.append(f"- **{law}**: {line}")
    out += ["", f"## {t(lang, 'h.summary')}", "", f"**{verdict(report)}**", "",
            "| " + " | ".join(t(lang, "status." + s) for s in report["summary"]) + " |",
            "|" + "---|" * len(report["summary"]),
            "| " + " | ".join(str(n) for n in report["summary"].values()) + " |", "",
            f"## {t(lang, 'h.gaps')}", ""]
    if not report["gaps"]:
        out += [t(lang, "no_gaps"), ""]
    for n, gap in enumerate(gaps(report), 1):
        block = f" — **{t(lang, 'col.blocking')}**" if gap["blocking"] else ""
        out += [f"### {n}. {gap['title']}{block}", "",
                f"- {t(lang, 'col.status')}: **{t(lang, 'status.' + gap['status'])}** · {t(lang, 'col.stake')}: "
                f"{t(lang, 'stake.' + gap['stake'])} · `{place(report, gap)}`",
                f"- {t(lang, 'col.ref')}: {citation(gap['ref'], lang)} ({t(lang, 'col.confidence')}: {conf(lang, gap['confidence'])})",
                f"- {t(lang, 'col.reason')}: {gap['reason']}",
                f"- {t(lang, 'col.fine')}: {fine_text(gap, lang)}"]
        if gap["next"]:
            out.append(f"- {t(lang, 'col.next')}: {gap['next']}")
        out.append("")
    out += [f"## {t(lang, 'h.obligations')}", "",
            f"| {t(lang, 'col.obligation')} | {t(lang, 'col.status')} | {t(lang, 'col.ref')} | {t(lang, 'col.confidence')} | {t(lang, 'col.reason')} |",
            "|---|---|---|---|---|"]
    for o in report["obligations"]:
        out.append(f"| {_cell(o['title'])} | {t(lang, 'status.' + o['status'])} | {_cell(citation(o['ref'], lang))} | {conf(lang, o['confidence'])} | {_cell(o['reason'])} |")
    evidence = [(o, e) for o in report["obligations"] for e in o["evidence"]]
    if evidence:
        out += ["", f"## {t(lang, 'h.evidence')}", ""]
        for o, e in evidence:
            inputs = ", ".join(f"`{v['path']}` (sha256 `{v['sha256'][:16]}…`)" for v in e.get("inputs", {}).values())
            out.append(f"- `{o['id']}`: {e.get('check') or e['kind']} — {inputs}")
    if report.get("ledger"):
        out += ["", f"{t(lang, 'meta.ledger')}: {ledger_line(report['ledger'])}"]
    return "\n".join(out).rstrip() + "\n"
