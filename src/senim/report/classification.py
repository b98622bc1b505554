"""A classification as a compliance officer reads it: verdict, why, what to do.

Renders the dict of `senim.law.classify` as text (Rich markup) or Markdown,
every sentence in the chosen language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from senim.i18n import catalog, text
from senim.law import regimes

KIND_ORDER = {"prohibition": 0, "duty": 1, "right": 2, "voluntary": 3, "principle": 4}


def _t(lang: str, key: str, **values: Any) -> str:
    return text(f"core.{key}", lang, **values)


# --------------------------------------------------------------------------
# Citations. The packs cite in English and JSON keeps that form; a report in
# Kazakh or Russian reads each part of a citation by the `en` forms of the
# catalog's core.cite.* entries and writes it by the reader's forms. A part
# the catalog does not know stays as the pack wrote it.

_NUMBER = r"\d+(?:-\d+)?(?:\([0-9a-z]+\))*(?:-\([0-9a-z]+\))?"  # 17, 641-1, 5(1)(h), 17(1)-(2)
_SLOTS = {
    "number": rf"(?P<number>{_NUMBER}(?:, {_NUMBER})*)",
    "numbers": rf"(?P<number>{_NUMBER}(?:, {_NUMBER})*)",
    "annex": r"(?P<annex>[IVXLC]+)\b",
    "point": r"(?P<point>\d+(?:\([0-9a-z]+\))?)",
}
_STRUCTURES = ("annex_point", "annex", "articles", "article")  # the longer form first
_REST = re.compile(r"(?P<sep>[\s;,()]+)|[^\s;,()]+")


@lru_cache(maxsize=1)
def _citation_reader() -> tuple[list[tuple[str, re.Pattern]], list[tuple[str, str]]]:
    """The structures (article, annex point...) as patterns, and the named acts
    and phrases by their English text, longest first."""
    entries = catalog("core")
    structures = []
    for key in _STRUCTURES:
        parts = re.split(r"\{(\w+)\}", entries[f"core.cite.{key}"]["en"])
        structures.append((key, re.compile("".join(
            re.escape(part) if n % 2 == 0 else _SLOTS[part] for n, part in enumerate(parts)))))
    names = [(entry["en"], key) for key, entry in entries.items()
             if key.startswith(("core.cite.law.", "core.cite.phrase."))]
    return structures, sorted(names, key=lambda name: -len(name[0]))


def citation(ref: str, lang: str) -> str:
    """A pack's citation as a reader of `lang` writes it:
    'EU AI Act Art. 6(2), Annex III point 5(b)' -> 'AI Act ЕС, ст. 6(2), Приложение III, п. 5(b)'."""
    return ref if lang == "en" else _citation(ref, lang)


@lru_cache(maxsize=1024)
def _citation(ref: str, lang: str) -> str:
    structures, names = _citation_reader()
    parts: list[tuple[str, str]] = []  # (kind, text): act, phrase, cite, sep, word
    at = 0
    while at < len(ref):
        name = next((n for n in names if ref.startswith(n[0], at)
                     and not ref[at + len(n[0]):at + len(n[0]) + 1].isalnum()), None)
        if name:
            parts.append(("act" if name[1].startswith("core.cite.law.") else "phrase", text(name[1], lang)))
            at += len(name[0])
            continue
        for key, pattern in structures:
            found = pattern.match(ref, at)
            if found:
                parts.append(("cite", _structure(key, found.groupdict(), lang)))
                at = found.end()
                break
        else:
            found = _REST.match(ref, at)
            parts.append(("sep" if found.group("sep") else "word", found.group()))
            at = found.end()
    # 'KZ AI Law Art. 17' -> 'Закон РК об ИИ, ст. 17': the act named, then a comma
    for n in range(1, len(parts) - 1):
        if parts[n - 1][0] == "act" and parts[n] == ("sep", " ") and parts[n + 1][0] == "cite":
            parts[n] = ("sep", ", ")
    return "".join(part for _, part in parts)


def _structure(key: str, found: dict[str, str | None], lang: str) -> str:
    if key in ("article", "articles"):
        numbers = found["number"].split(", ")
        if len(numbers) > 1:
            key = "articles"
        written = ", ".join(numbers).replace(")-(", ")\u2013(")  # 17(1)–(2): a range of paragraphs
        return text(f"core.cite.{key}", lang, number=written, numbers=written)
    return text(f"core.cite.{key}", lang, annex=found["annex"], point=found.get("point"))


def autonomy_word(lang: str, value: Any) -> str:
    """The word for a degree of autonomy (a feminine noun in Russian) in `lang`."""
    try:
        return _t(lang, f"autonomy.{value}")
    except KeyError:
        return str(value)


def value_word(lang: str, value: Any) -> str:
    """The word for a degree of risk in `lang`."""
    try:
        return _t(lang, f"value.{value}")
    except KeyError:
        return str(value)


def _codes(field: str, codes: list[str], lang: str) -> str:
    from senim.i18n.words import fact_value

    return fact_value(field, list(codes), lang)


def verdict_lines(result: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(law, verdict, style) for each law: the first thing a reader sees."""
    kz, eu = result["kz"], result["eu"]
    lines = []
    if kz["applies"]:
        parts = [_t(lang, "report.kz_verdict", risk=value_word(lang, kz["risk"]), autonomy=autonomy_word(lang, kz["autonomy"]))]
        style = {"high": "red", "medium": "yellow", "minimal": "green"}[kz["risk"]]
        if kz["prohibited"]:
            parts.insert(0, _t(lang, "report.prohibited", items=_codes("kz.prohibited", kz["prohibited"], lang)))
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
        from senim.i18n.formats import format_date

        lines.append((_t(lang, "report.kz"), _t(lang, "report.not_applies_kz", date=format_date(result["as_of"], lang)), "dim"))
    if eu["applies"]:
        parts = [_t(lang, "report.eu_verdict", category=_t(lang, f"category.{eu['category']}"))]
        style = {"prohibited": "bold red", "high": "red", "limited": "yellow", "minimal": "green"}[eu["category"]]
        if eu["prohibited"]:
            parts.append(_t(lang, "report.prohibited", items=_codes("eu.prohibited", eu["prohibited"], lang)))
        if eu["high_risk"]:
            parts.append(_t(lang, "report.high_risk", items=_codes("eu.high_risk", eu["high_risk"], lang)))
        if eu["transparency"]:
            parts.append(_t(lang, "report.transparency",
                            items=", ".join(_t(lang, f"transparency.{code}") for code in eu["transparency"])))
        if eu["gpai"] not in (None, "none"):
            parts.append(_t(lang, f"gpai.{eu['gpai']}"))
        lines.append((_t(lang, "report.eu"), " · ".join(parts), style))
    else:
        lines.append((_t(lang, "report.eu"), _t(lang, "report.not_applies_eu"), "dim"))
    return lines


def reasons(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The classification rules that fired (the trace without the obligations)."""
    owed = {o["id"] for law in regimes() for o in result[law]["obligations"]}
    return [step for step in result["trace"] if step["rule"] not in owed]


def sorted_obligations(obligations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(obligations, key=lambda o: (KIND_ORDER.get(o.get("kind", "duty"), 1), o["applies_from"]))


def _fines(result: dict[str, Any]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for law in regimes():
        for obligation in result[law]["obligations"] + result[law].get("upcoming_obligations", []):
            fine = obligation.get("fine")
            if fine and fine["id"] not in seen:
                seen[fine["id"]] = fine
    return list(seen.values())


def _confidence(lang: str, confidence: str) -> str:
    """confirmed, secondary, unverified: as the packs say them in English."""
    try:
        return _t(lang, f"confidence.{confidence}")
    except KeyError:
        return confidence


def _qualifier(lang: str, obligation: dict[str, Any]) -> str:
    marks = []
    if obligation.get("confidence") in ("secondary", "unverified"):
        marks.append(_t(lang, f"report.confidence.{obligation['confidence']}"))
    voluntary = _t(lang, "report.kind.voluntary")
    if obligation.get("kind") == "voluntary" and f"({voluntary})" not in obligation["title"]:  # some titles say it
        marks.append(voluntary)
    return f" ({', '.join(marks)})" if marks else ""


def render_text(result: dict[str, Any], lang: str = "en") -> str:
    """Rich markup; a Console strips it when the output is not a terminal."""
    from rich.markup import escape

    out = [f"[bold]{escape(result.get('name') or result['system'])}[/bold] ({result['system']}) · "
           + _t(lang, "report.as_of", date=_date(result["as_of"], lang)), ""]
    for law, verdict, style in verdict_lines(result, lang):
        out.append(f"  [bold]{law:<14}[/bold] [{style}]{escape(verdict)}[/{style}]")
    why = reasons(result)
    if why:
        out += ["", f"[bold]{_t(lang, 'report.why')}[/bold]"]
        for step in why:
            out.append(f"  • {escape(step['title'])} — {escape(step['because'])} [dim]\\[{escape(citation(step['ref'], lang))}][/dim]")
    total = sum(len(result[law]["obligations"]) for law in regimes())
    out += ["", f"[bold]{_t(lang, 'report.todo', count=total)}[/bold]"]
    if not total:
        out.append("  " + _t(lang, "report.nothing"))
    for law in regimes():
        part = result[law]
        if not part["obligations"]:
            continue
        out.append("  [bold]" + _t(lang, "report.role", law=_t(lang, f"report.{law}"), role=_roles(part, lang)) + "[/bold]")
        duties = [o for o in sorted_obligations(part["obligations"]) if o.get("kind") != "principle"]
        for n, obligation in enumerate(duties, 1):
            style = "red" if obligation.get("kind") == "prohibition" else ""
            title = escape(obligation["title"]) + _qualifier(lang, obligation)
            out.append(f"   {n:>2}. " + (f"[{style}]{title}[/{style}]" if style else title)
                       + f" [dim]— {escape(citation(obligation['ref'], lang))}, {_t(lang, 'report.from', date=_date(obligation['applies_from'], lang))}[/dim]")
            if obligation.get("what"):
                out.append(f"       {escape(obligation['what'])}")
        principles = [o["title"] for o in part["obligations"] if o.get("kind") == "principle"]
        if principles:
            out.append("   " + escape(_t(lang, "report.principles", items="; ".join(principles))))
    upcoming = [o for law in regimes() for o in result[law].get("upcoming_obligations", [])]
    if upcoming:
        out += ["", f"[bold]{_t(lang, 'report.upcoming')}[/bold]"]
        for obligation in sorted(upcoming, key=lambda o: o["applies_from"]):
            out.append(f"  • {_date(obligation['applies_from'], lang)}: {escape(obligation['title'])} [dim]— {escape(citation(obligation['ref'], lang))}[/dim]")
    from senim.report.fines import fine_words

    for fine in _fines(result):
        out += ["", f"[bold]{escape(fine['title'])}[/bold] [dim]\\[{escape(citation(fine['ref'], lang))}][/dim]",
                f"  {escape(fine_words(fine, lang))}"]
    return "\n".join(out)


def render_obligations(result: dict[str, Any], lang: str = "en") -> str:
    """What the owner owes, one by one, with what a breach of each costs for the
    owner's size; the obligations the packs set no fine for are said once."""
    from rich.markup import escape

    from senim.report.fines import fine_words

    out = [f"[bold]{escape(result.get('name') or result['system'])}[/bold] ({result['system']}) · "
           + _t(lang, "report.as_of", date=_date(result["as_of"], lang)), ""]
    total = sum(len(result[law]["obligations"]) for law in regimes())
    out.append(f"[bold]{_t(lang, 'report.todo', count=total)}[/bold]")
    if not total:
        out.append("  " + _t(lang, "report.nothing"))
    unfined = 0
    for law in regimes():
        part = result[law]
        if not part["obligations"]:
            continue
        out.append("  [bold]" + _t(lang, "report.role", law=_t(lang, f"report.{law}"), role=_roles(part, lang)) + "[/bold]")
        for n, obligation in enumerate(sorted_obligations(part["obligations"]), 1):
            style = "red" if obligation.get("kind") == "prohibition" else ""
            title = escape(obligation["title"]) + _qualifier(lang, obligation)
            out.append(f"   {n:>2}. " + (f"[{style}]{title}[/{style}]" if style else title)
                       + f" [dim]— {escape(citation(obligation['ref'], lang))}, "
                       f"{_t(lang, 'report.from', date=_date(obligation['applies_from'], lang))}[/dim]")
            fine = obligation.get("fine")
            if fine:
                out.append(f"       {_t(lang, 'report.fine', text=escape(fine_words(fine, lang)))} "
                           f"[dim]\\[{escape(citation(fine['ref'], lang))}][/dim]")
            else:
                unfined += 1
    if unfined:
        out += ["", "  " + _t(lang, "report.no_fine_rest", count=unfined, total=total)]
    upcoming = [o for law in regimes() for o in result[law].get("upcoming_obligations", [])]
    if upcoming:
        out += ["", f"[bold]{_t(lang, 'report.upcoming')}[/bold]"]
        for obligation in sorted(upcoming, key=lambda o: o["applies_from"]):
            out.append(f"  • {_date(obligation['applies_from'], lang)}: {escape(obligation['title'])} "
                       f"[dim]— {escape(citation(obligation['ref'], lang))}[/dim]")
    return "\n".join(out)


def _date(day: str, lang: str) -> str:
    from senim.i18n.formats import format_date

    return format_date(day, lang)


def _roles(part: dict[str, Any], lang: str) -> str:
    """The roles the duties are owed in: 'provider', or 'provider, deployer' (eu_role may list several)."""
    roles = dict.fromkeys(r for o in part["obligations"] for r in o.get("roles") or [o["role"]])
    return ", ".join(_t(lang, f"role.{r}") for r in roles)


def render_markdown(result: dict[str, Any], lang: str = "en") -> str:
    out = [f"# {result.get('name') or result['system']} (`{result['system']}`)", "",
           f"*{_t(lang, 'report.as_of', date=_date(result['as_of'], lang))}*", ""]
    for law, verdict, _ in verdict_lines(result, lang):
        out.append(f"- **{law}**: {verdict}")
    why = reasons(result)
    if why:
        out += ["", f"## {_t(lang, 'report.why')}", ""]
        out += [f"- {s['title']}: {s['because']} ({citation(s['ref'], lang)}, {_confidence(lang, s['confidence'])})" for s in why]
    total = sum(len(result[law]["obligations"]) for law in regimes())
    out += ["", f"## {_t(lang, 'report.todo', count=total)}", ""]
    for law in regimes():
        part = result[law]
        if not part["obligations"]:
            continue
        out += [f"### {_t(lang, 'report.role', law=_t(lang, f'report.{law}'), role=_roles(part, lang))}", "",
                "| # | " + " | ".join(_t(lang, f"report.column.{c}") for c in ("obligation", "citation", "from", "confidence")) + " |",
                "|---|---|---|---|---|"]
        for n, o in enumerate(sorted_obligations(part["obligations"]), 1):
            title = o["title"].replace("|", "\\|") + (f"<br>{o['what']}" if o.get("what") else "")
            out.append(f"| {n} | {title} | {citation(o['ref'], lang)} | {_date(o['applies_from'], lang)} | {_confidence(lang, o['confidence'])} |")
        out.append("")
    upcoming = [o for law in regimes() for o in result[law].get("upcoming_obligations", [])]
    if upcoming:
        out += [f"## {_t(lang, 'report.upcoming')}", ""]
        out += [f"- {o['applies_from']}: {o['title']} ({citation(o['ref'], lang)})" for o in sorted(upcoming, key=lambda o: o["applies_from"])]
        out.append("")
    for fine in _fines(result):
        out += [f"**{fine['title']}** ({citation(fine['ref'], lang)}): {fine['text']}", ""]
    return "\n".join(out).rstrip() + "\n"


def render_table(results: list[dict[str, Any]], lang: str = "en") -> Any:
    """Many systems at a glance: one row each, the verdict of each law."""
    from rich.table import Table

    table = Table(show_lines=False, pad_edge=False)
    table.add_column(_t(lang, "report.column.system"))
    table.add_column(_t(lang, "report.kz"))
    table.add_column(_t(lang, "report.eu"))
    table.add_column("#", justify="right")
    for result in results:
        cells = [f"[{style}]{verdict}[/{style}]" for _, verdict, style in verdict_lines(result, lang)]
        owed = sum(len(result[law]["obligations"]) for law in regimes())
        table.add_row(result["system"], *cells, str(owed))
    return table
