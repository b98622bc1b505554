"""An assessment as text (Rich markup) and Markdown, in the report's language."""

from __future__ import annotations

from typing import Any

from senim.i18n import text
from senim.report.classification import citation, verdict_lines

STATUS_STYLE = {"met": "green", "partly_met": "yellow", "not_met": "red", "not_assessed": "magenta",
                "not_applicable": "dim"}


def _day(day: str, lang: str) -> str:
    from senim.i18n.formats import format_date

    return format_date(day, lang)


def _when(moment: str, lang: str) -> str:
    from senim.i18n.formats import format_datetime

    return format_datetime(moment, lang)


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
    """The headline: never a pass while some obligations have no evidence."""
    if report.get("headline"):
        return report["headline"]
    from senim.assessment import headline

    by_status = report["summary"]
    owed = sum(n for s, n in by_status.items() if s != "not_applicable")
    counts = {"obligations": owed, "no_evidence": by_status["not_assessed"], "assessed": owed - by_status["not_assessed"],
              "blocking": len(report["blocking"]), "gaps": len(report["gaps"])}
    return headline(report["verdict"], counts, report["lang"])


def gaps(report: dict[str, Any]) -> list[dict[str, Any]]:
    by_id = {o["id"]: o for o in report["obligations"]}
    return [by_id[i] for i in report["gaps"]]


def fine_text(obligation: dict[str, Any], lang: str) -> str:
    fine = obligation.get("fine")
    if not fine:
        return t(lang, "no_fine")
    from senim.report.fines import fine_words

    return f"{fine_words(fine, lang)} ({citation(fine['ref'], lang)}, {conf(lang, fine['confidence'])})"


def stake_text(obligation: dict[str, Any], lang: str) -> str:
    return t(lang, "stake." + obligation["stake"])


def no_fine_line(found: list[dict[str, Any]], unfined: int, lang: str) -> str:
    return t(lang, "no_fine_all") if unfined == len(found) else t(lang, "no_fine_rest", count=unfined)


def _fined(report: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The gaps, and how many of them the rule packs set no fine for (said once, not under each)."""
    found = gaps(report)
    return found, sum(1 for g in found if not g.get("fine"))


def render_text(report: dict[str, Any]) -> str:
    from rich.markup import escape

    lang = report["lang"]
    c = report["classification"]
    style = {"blocked": "bold red", "gaps": "yellow", "compliant": "green"}[report["verdict"]]
    out = [f"[bold]{escape(t(lang, 'h.title'))}: {escape(c.get('name') or c['system'])}[/bold] ({c['system']}) · "
           + text("core.report.as_of", lang, date=_day(report["as_of"], lang)), ""]
    for law, line, law_style in verdict_lines(c, lang):
        out.append(f"  [bold]{law:<14}[/bold] [{law_style}]{escape(line)}[/{law_style}]")
    out += ["", f"[{style}]{escape(verdict(report))}[/{style}]",
            "  " + " · ".join(f"{t(lang, 'status.' + s)}: {n}" for s, n in report["summary"].items())]
    out += ["", f"[bold]{escape(t(lang, 'h.gaps'))}[/bold]"]
    if not report["gaps"]:
        out.append("  " + t(lang, "no_gaps"))
    found, unfined = _fined(report)
    for n, gap in enumerate(found, 1):
        st = STATUS_STYLE[gap["status"]]
        block = f" [bold red]\\[{t(lang, 'col.blocking')}][/bold red]" if gap["blocking"] else ""
        out.append(f" {n:>2}. [{st}]{escape(t(lang, 'status.' + gap['status']))}[/{st}]{block} "
                   f"[bold]{escape(gap['title'])}[/bold] [dim]— {escape(citation(gap['ref'], lang))} ({conf(lang, gap['confidence'])}), "
                   f"{escape(place(report, gap))}[/dim]")
        out.append(f"     [dim]{escape(t(lang, 'col.stake'))}:[/dim] {escape(stake_text(gap, lang))}")
        out.append(f"     {escape(gap['reason'])}")
        if gap.get("fine"):
            out.append(f"     [dim]{escape(t(lang, 'col.fine'))}:[/dim] {escape(fine_text(gap, lang))}")
        if gap["next"]:
            out.append(f"     [dim]{escape(t(lang, 'col.next'))}:[/dim] {escape(gap['next'])}")
    if unfined:
        out += ["", "  " + escape(no_fine_line(found, unfined, lang))]
    out += ["", f"[bold]{escape(t(lang, 'h.obligations'))}[/bold] ({len(report['obligations'])})"]
    for o in report["obligations"]:
        st = STATUS_STYLE[o["status"]]
        out.append(f"  • [{st}]{escape(t(lang, 'status.' + o['status']))}[/{st}] {escape(o['title'])} "
                   f"[dim]— {escape(o['reason'])}[/dim]")
    if report.get("ledger"):
        out += ["", f"{t(lang, 'meta.ledger')}: {escape(ledger_line(report['ledger']))}"]
    return "\n".join(out) + "\n"


_MARKDOWN_SPECIAL = set("\\`*_[]|~")


def md(value: Any) -> str:
    """Text from a manifest or evidence, safe inside a Markdown line: HTML is
    escaped (no tag survives), Markdown's inline characters are
    backslash-escaped (no link, emphasis, code or table cell can be made),
    and line breaks become spaces (no heading or list can be started)."""
    from html import escape

    text = escape(str(value if value is not None else ""), quote=False)
    text = " ".join(text.split("\n")).replace("\r", " ")
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def md_code(value: Any) -> str:
    """A value as inline code: a fence longer than any run of backticks inside."""
    import re

    text = " ".join(str(value if value is not None else "").splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(value: Any) -> str:
    return md(value)


def render_markdown(report: dict[str, Any]) -> str:
    """Markdown; every value from the manifest or its evidence is escaped (md, md_code)."""
    lang = report["lang"]
    c = report["classification"]
    out = [f"# {md(t(lang, 'h.title'))}: {md(c.get('name') or c['system'])} ({md_code(c['system'])})", "",
           f"- {t(lang, 'meta.manifest')}: {md_code(report['manifest']['path'])} (sha256 {md_code(report['manifest']['sha256'])})",
           f"- {t(lang, 'meta.as_of')}: {_day(report['as_of'], lang)} · {t(lang, 'meta.generated')}: {_when(report['generated'], lang)} · "
           f"{t(lang, 'meta.checks_run')}: {t(lang, 'yes' if report['checks_run'] else 'no')}", "",
           f"## {t(lang, 'h.classification')}", ""]
    for law, line, _ in verdict_lines(c, lang):
        out.append(f"- **{md(law)}**: {md(line)}")
    out += ["", f"## {t(lang, 'h.summary')}", "", f"**{md(verdict(report))}**", "",
            "| " + " | ".join(t(lang, "status." + s) for s in report["summary"]) + " |",
            "|" + "---|" * len(report["summary"]),
            "| " + " | ".join(str(n) for n in report["summary"].values()) + " |", "",
            f"## {t(lang, 'h.gaps')}", ""]
    if not report["gaps"]:
        out += [t(lang, "no_gaps"), ""]
    found, unfined = _fined(report)
    for n, gap in enumerate(found, 1):
        block = f" — **{t(lang, 'col.blocking')}**" if gap["blocking"] else ""
        out += [f"### {n}. {md(gap['title'])}{block}", "",
                f"- {t(lang, 'col.status')}: **{t(lang, 'status.' + gap['status'])}** · {md_code(place(report, gap))}",
                f"- {t(lang, 'col.stake')}: {md(stake_text(gap, lang))}",
                f"- {t(lang, 'col.ref')}: {md(citation(gap['ref'], lang))} ({t(lang, 'col.confidence')}: {conf(lang, gap['confidence'])})",
                f"- {t(lang, 'col.reason')}: {md(gap['reason'])}"]
        if gap.get("fine"):
            out.append(f"- {t(lang, 'col.fine')}: {md(fine_text(gap, lang))}")
        if gap["next"]:
            out.append(f"- {t(lang, 'col.next')}: {md(gap['next'])}")
        out.append("")
    if unfined:
        out += [md(no_fine_line(found, unfined, lang)), ""]
    out += [f"## {t(lang, 'h.obligations')}", "",
            f"| {t(lang, 'col.obligation')} | {t(lang, 'col.status')} | {t(lang, 'col.ref')} | {t(lang, 'col.confidence')} | {t(lang, 'col.reason')} |",
            "|---|---|---|---|---|"]
    for o in report["obligations"]:
        out.append(f"| {_cell(o['title'])} | {t(lang, 'status.' + o['status'])} | {_cell(citation(o['ref'], lang))} | {conf(lang, o['confidence'])} | {_cell(o['reason'])} |")
    evidence = [(o, e) for o in report["obligations"] for e in o["evidence"]]
    if evidence:
        out += ["", f"## {t(lang, 'h.evidence')}", ""]
        for o, e in evidence:
            inputs = ", ".join(f"{md_code(v['path'])} (sha256 {md_code(v['sha256'][:16] + '…')})" for v in e.get("inputs", {}).values())
            out.append(f"- {md_code(o['id'])}: {md(e.get('check') or e['kind'])} — {inputs}")
    if report.get("ledger"):
        out += ["", f"{t(lang, 'meta.ledger')}: {md(ledger_line(report['ledger']))}"]
    return "\n".join(out).rstrip() + "\n"
