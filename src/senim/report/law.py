"""`senim law show` and `senim law diff` as text, every sentence in the reader's language.

Rule ids stay as the packs write them (a lawyer cites them), set off as
code; articles are cited in the reader's form, confidence and dates in words.
"""

from __future__ import annotations

from typing import Any

from senim.i18n import text


def _confidence(lang: str, confidence: str | None) -> str:
    return text(f"core.confidence.{confidence}", lang) if confidence in ("confirmed", "secondary", "unverified") else "—"


def _article(pack: str, article: str, lang: str) -> str:
    """'17' as 'ст. 17' (a number), a named part ('prohibited', 'owners') by no code at all."""
    if article and article[0].isdigit():
        return text("core.cite.article", lang, number=article)
    return ""


def _date(day: Any, lang: str) -> str:
    from senim.i18n.formats import format_date

    return format_date(str(day), lang) if day else ""


def render_overview(packs: list[dict[str, Any]], lang: str) -> str:
    from rich.markup import escape

    lines = []
    for pack in packs:
        lines += [f"[bold]{escape(pack['title'])}[/bold] ({pack['pack'].upper()}, {_date(pack['version'], lang) or pack['version']})",
                  f"  [dim]{escape(pack['source'])}[/dim]"]
        for a in pack["articles"]:
            cite = _article(pack["pack"], a["article"], lang)
            rules = text("core.law.rules", lang, count=a["rules"])
            lines.append(f"  {cite:>14}  {escape(a['title'])} [dim]({_confidence(lang, a['confidence'])}; {rules})[/dim]")
        lines.append("")
    return "\n".join(lines).rstrip()


def render_article(found: list[dict[str, Any]], lang: str) -> str:
    from rich.markup import escape

    from senim.report.classification import citation

    lines = []
    for block in found:
        cite = _article(block["pack"], block["article"], lang) if block["article"] else None
        head = f"{block['pack'].upper()}" + (f", {cite}" if cite else "")
        confidence = f" [dim]({_confidence(lang, block['confidence'])})[/dim]" if block["confidence"] else ""
        lines.append(f"[bold]{head}: {escape(block['title'] or '')}[/bold]{confidence}")
        for rule in block["rules"]:
            until = f"–{_date(rule['until'], lang)}" if rule["until"] else ""
            lines.append(f"  • `{rule['id']}`: {escape(rule['title'])} [dim]— {escape(citation(rule['ref'], lang))}; "
                         f"{_confidence(lang, rule['confidence'])}; {text('core.report.from', lang, date=_date(rule['from'], lang))}{until}[/dim]")
        lines.append("")
    return "\n".join(lines).rstrip()
