"""A classification as a compliance officer reads it: verdict, why, what to do.

Renders the dict of `senim.law.classify` as text (Rich markup) or Markdown,
every sentence in the chosen language.
"""

from __future__ import annotations

from typing import Any

from senim.i18n import text

KIND_ORDER = {"prohibition": 0, "duty": 1, "right": 2, "voluntary": 3, "principle": 4}


def _t(lang: str, key: str, **values: Any) -> str:
    return text(f"core.{key}", lang, **values)


def value_word(lang: str, value: Any) -> str:
    """The word for a classification value (risk, autonomy, category) in `lang`."""
    try:
        return _t(lang, f"value.{value}")
    except KeyError:
        return str(value)


def verdict_lines(result: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(law, verdict, style) for each law: the first thing a reader sees."""
    kz, eu = result["kz"], result["eu"]
    lines = []
    if kz["applies"]:
        parts = [_t(lang, "report.kz_verdict", risk=value_word(lang, kz["risk"]), autonomy=_t(lang, f"autonomy.{kz['autonomy']}"))]
        style = {"high": "red", "medium": "yellow", "minimal": "green"}[kz["risk"]]
        if kz["prohibited"]:
            parts.insert(0, _t(lang, "report.prohibited", items=", ".join(kz["prohibited"])))
            style = "bold red"
        if kz["high_autonomy_permitted"] is False:
            parts.append(_t(lang, "report.high_autonomy_not_permitted"))
            style = "bold red"
        if kz["synthetic_results"]:
            parts.append(_t(lang, "report.synthetic"))
        if kz["state_security_parity"]:
            parts.append(_t(lang, "report.state_security"))
        lines.append((_t(lang, "report.kz"), " · ".join(parts), style))
    else:
        lines.append((_t(lang, "report.kz"), _t(lang, "report.not_applies_kz", date=result["as_of"]), "dim"))
    if eu["applies"]:
        parts = [_t(lang, "report.eu_verdict", category=value_word(lang, eu["category"]))]
        style = {"prohibited": "bold red", "high": "red", "limited": "yellow", "minimal": "green"}[eu["category"]]
        if eu["prohibited"]:
            parts.append(_t(lang, "report.prohibited", items=", ".join(eu["prohibited"])))
        if eu["high_risk"]:
            parts.append(_t(lang, "report.high_risk", items=", ".join(eu["high_risk"])))
        if eu["transparency"]:
            parts.append(_t(lang, "report.transparency", items=", ".join(eu["transparency"])))
        if eu["gpai"] not in (None, "none"):
            parts.append(_t(lang, "report.gpai", value=value_word(lang, eu["gpai"])))
        lines.append((_t(lang, "report.eu"), " · ".join(parts), style))
    else:
        lines.append((_t(lang, "report.eu"), _t(lang, "report.not_applies_eu"), "dim"))
    return lines


def reasons(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The classification rules that fired (the trace without the obligations)."""
    owed = {o["id"] for law in ("kz", "eu") for o in result[law]["obligations"]}
    return [step for step in result["trace"] if step["rule"] not in owed]


def sorted_obligations(obligations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(obligations, key=lambda o: (KIND_ORDER.get(o.get("kind", "duty"), 1), o["applies_from"]))


def _fines(result: dict[str, Any]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for law in ("kz", "eu"):
        for obligation in result[law]["obligations"] + result[law].get("upcoming_obligations", []):
            fine = obligation.get("fine")
            if fine and fine["id"] not in seen:
                seen[fine["id"]] = fine
    return list(seen.values())


def _qualifier(lang: str, obligation: dict[str, Any]) -> str:
    marks = []
    if obligation.get("confidence") in ("secondary", "unverified"):
        marks.append(_t(lang, f"report.confidence.{obligation['confidence']}"))
    if obligation.get("kind") == "voluntary":
        marks.append(_t(lang, "report.kind.voluntary"))
    return f" ({', '.join(marks)})" if marks else ""


def render_text(result: dict[str, Any], lang: str = "en") -> str:
    """Rich markup; a Console strips it when the output is not a terminal."""
    from rich.markup import escape

    out = [f"[bold]{escape(result.get('name') or result['system'])}[/bold] ({result['system']}) · "
           + _t(lang, "report.as_of", date=result["as_of"]), ""]
    for law, verdict, style in verdict_lines(result, lang):
        out.append(f"  [bold]{law:<14}[/bold] [{style}]{escape(verdict)}[/{style}]")
    why = reasons(result)
    if why:
        out += ["", f"[bold]{_t(lang, 'report.why')}[/bold]"]
        for step in why:
            out.append(f"  • {escape(step['title'])} — {escape(step['because'])} [dim]\\[{escape(step['ref'])}][/dim]")
    total = sum(len(result[law]["obligations"]) for law in ("kz", "eu"))
    out += ["", f"[bold]{_t(lang, 'report.todo', count=total)}[/bold]"]
    if not total:
        out.append("  " + _t(lang, "report.nothing"))
    for law in ("kz", "eu"):
        part = result[law]
        if not part["obligations"]:
            continue
        role = part["obligations"][0]["role"]
        out.append("  [bold]" + _t(lang, "report.role", law=_t(lang, f"report.{law}"), role=_t(lang, f"role.{role}")) + "[/bold]")
        duties = [o for o in sorted_obligations(part["obligations"]) if o.get("kind") != "principle"]
        for n, obligation in enumerate(duties, 1):
            style = "red" if obligation.get("kind") == "prohibition" else ""
            title = escape(obligation["title"]) + _qualifier(lang, obligation)
            out.append(f"   {n:>2}. " + (f"[{style}]{title}[/{style}]" if style else title)
                       + f" [dim]— {escape(obligation['ref'])}, {_t(lang, 'report.from', date=obligation['applies_from'])}[/dim]")
            if obligation.get("what"):
                out.append(f"       {escape(obligation['what'])}")
        principles = [o["title"] for o in part["obligations"] if o.get("kind") == "principle"]
        if principles:
            out.append("   " + escape(_t(lang, "report.principles", items="; ".join(principles))))
    upcoming = [o for law in ("kz", "eu") for o in result[law].get("upcoming_obligations", [])]
    if upcoming:
        out += ["", f"[bold]{_t(lang, 'report.upcoming')}[/bold]"]
        for obligation in sorted(upcoming, key=lambda o: o["applies_from"]):
            out.append(f"  • {obligation['applies_from']}: {escape(obligation['title'])} [dim]— {escape(obligation['ref'])}[/dim]")
    for fine in _fines(result):
        out += ["", f"[bold]{escape(fine['title'])}[/bold] [dim]\\[{escape(fine['ref'])}][/dim]", f"  {escape(fine['text'])}"]
    return "\n".join(out)


def render_markdown(result: dict[str, Any], lang: str = "en") -> str:
    out = [f"# {result.get('name') or result['system']} (`{result['system']}`)", "",
           f"*{_t(lang, 'report.as_of', date=result['as_of'])}*", ""]
    for law, verdict, _ in verdict_lines(result, lang):
        out.append(f"- **{law}**: {verdict}")
    why = reasons(result)
    if why:
        out += ["", f"## {_t(lang, 'report.why')}", ""]
        out += [f"- {s['title']}: {s['because']} ({s['ref']}, {s['confidence']})" for s in why]
    total = sum(len(result[law]["obligations"]) for law in ("kz", "eu"))
    out += ["", f"## {_t(lang, 'report.todo', count=total)}", ""]
    for law in ("kz", "eu"):
        part = result[law]
        if not part["obligations"]:
            continue
        role = part["obligations"][0]["role"]
        out += [f"### {_t(lang, 'report.role', law=_t(lang, f'report.{law}'), role=_t(lang, f'role.{role}'))}", "",
                "| # | Obligation | Citation | From | Confidence |", "|---|---|---|---|---|"]
        for n, o in enumerate(sorted_obligations(part["obligations"]), 1):
            title = o["title"].replace("|", "\\|") + (f"<br>{o['what']}" if o.get("what") else "")
            out.append(f"| {n} | {title} | {o['ref']} | {o['applies_from']} | {o['confidence']} |")
        out.append("")
    upcoming = [o for law in ("kz", "eu") for o in result[law].get("upcoming_obligations", [])]
    if upcoming:
        out += [f"## {_t(lang, 'report.upcoming')}", ""]
        out += [f"- {o['applies_from']}: {o['title']} ({o['ref']})" for o in sorted(upcoming, key=lambda o: o["applies_from"])]
        out.append("")
    for fine in _fines(result):
        out += [f"**{fine['title']}** ({fine['ref']}): {fine['text']}", ""]
    return "\n".join(out).rstrip() + "\n"


def render_table(results: list[dict[str, Any]], lang: str = "en") -> Any:
    """Many systems at a glance: one row each, the verdict of each law."""
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    table.add_column("system")
    table.add_column(_t(lang, "report.kz"))
    table.add_column(_t(lang, "report.eu"))
    table.add_column("#", justify="right")
    for result in results:
        cells = [f"[{style}]{verdict}[/{style}]" for _, verdict, style in verdict_lines(result, lang)]
        owed = sum(len(result[law]["obligations"]) for law in ("kz", "eu"))
        table.add_row(result["system"], *cells, str(owed))
    return table
