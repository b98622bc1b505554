"""Core commands: classify, obligations, validate, law show, law diff, law versions."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import AS_OF, LANG, Format, Lang, parse_date, print_json, print_rich
from senim.errors import InputError


class ClassifyFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    table = "table"


def _load_all(paths: List[Path]) -> list:
    from senim.manifest import load_manifest

    return [load_manifest(path) for path in paths]


@app.command()
def classify(
    manifests: List[Path] = typer.Argument(..., metavar="MANIFEST...", help="senim.yaml files (YAML or JSON), or folders holding one."),
    as_of: Optional[str] = AS_OF,
    format: ClassifyFormat = typer.Option(ClassifyFormat.text, "--format", help="text, json, markdown, or table (one line a system)."),
    lang: Lang = LANG,
) -> None:
    """Classify AI systems under the Kazakh AI law and the EU AI Act: verdict, why, what to do."""
    from senim.law.engine import classify as run

    on = parse_date(as_of, "--as-of")
    systems = _load_all(manifests)  # every manifest is checked before anything is printed
    results = [run(m, on, lang.value) for m in systems]
    if format is ClassifyFormat.json:
        print_json(results[0] if len(results) == 1 else results)
    elif format is ClassifyFormat.markdown:
        from senim.report.classification import render_markdown

        sys.stdout.write("\n".join(render_markdown(r, lang.value) for r in results))
    elif format is ClassifyFormat.table:
        from senim.report.classification import render_table

        print_rich(render_table(results, lang.value))
    else:
        from senim.report.classification import render_text

        print_rich("\n\n".join(render_text(r, lang.value) for r in results))


@app.command()
def obligations(
    manifest: Path = typer.Argument(..., metavar="MANIFEST"),
    as_of: Optional[str] = AS_OF,
    format: ClassifyFormat = typer.Option(ClassifyFormat.text, "--format", help="text, json or markdown."),
    lang: Lang = LANG,
) -> None:
    """What the filing organisation owes, from when, and what a breach costs."""
    from senim.law import regimes
    from senim.law.engine import classify as run

    on = parse_date(as_of, "--as-of")
    (system,) = _load_all([manifest])
    result = run(system, on, lang.value)
    if format is ClassifyFormat.json:
        print_json({
            "system": result["system"], "as_of": result["as_of"],
            **{law: {"applies": result[law]["applies"], "obligations": result[law]["obligations"],
                     "upcoming_obligations": result[law]["upcoming_obligations"]} for law in regimes()},
        })
        return
    from senim.report.classification import render_markdown, render_obligations

    if format is ClassifyFormat.markdown:
        sys.stdout.write(render_markdown(result, lang.value))
    else:
        print_rich(render_obligations(result, lang.value))


@app.command()
def validate(
    manifests: List[Path] = typer.Argument(..., metavar="MANIFEST..."),
    lang: Lang = LANG,
) -> None:
    """Check manifests against the format: a line per valid file, a line per problem of an invalid one (in line order); exit 2 if any is invalid."""  # noqa: E501 (one line: Typer keeps breaks)
    from senim.i18n import text
    from senim.manifest import load_manifest

    failed = 0
    for path in manifests:
        try:
            system = load_manifest(path)
        except InputError as error:
            failed += 1
            for problem in error.problems_in(lang.value):
                sys.stderr.write(f"senim: {problem}\n")
            continue
        sys.stdout.write(text("core.validate.ok", lang.value, path=path, id=system.id) + "\n")
    if failed:
        raise typer.Exit(2)


law_app = typer.Typer(no_args_is_help=True, help="Browse the rule packs: articles, rules, dates.")
app.add_typer(law_app, name="law")


@law_app.command("show")
def law_show(
    words: Optional[List[str]] = typer.Argument(None, metavar="[ARTICLE]", help="An article, e.g. 17, kz 21, eu:50, prohibited."),
    format: Format = typer.Option(Format.text, "--format"),
    lang: Lang = LANG,
) -> None:
    """The packs and their articles, or the rules that cite one article."""
    from senim.law import browse

    article = " ".join(words) if words else None
    if article is None:
        packs = browse.overview(lang.value)
        if format is Format.json:
            return print_json(packs)
        from senim.report.law import render_overview

        return print_rich(render_overview(packs, lang.value))
    found = browse.article(article, lang.value)
    if format is Format.json:
        return print_json(found)
    from senim.report.law import render_article

    print_rich(render_article(found, lang.value))


@law_app.command("diff")
def law_diff(
    start: str = typer.Option(..., "--from", metavar="DATE"),
    end: str = typer.Option(..., "--to", metavar="DATE"),
    manifest: Optional[Path] = typer.Argument(None, metavar="[MANIFEST]", help="Compare one system's obligations on the two dates."),
    format: Format = typer.Option(Format.text, "--format"),
    lang: Lang = LANG,
) -> None:
    """What changes in the obligations between two dates (e.g. around 2026-08-02)."""
    from senim.law import browse

    first, last = parse_date(start, "--from"), parse_date(end, "--to")
    system = _load_all([manifest])[0] if manifest else None
    result = browse.changes(first, last, lang.value, system)
    if format is Format.json:
        return print_json(result)
    from rich.markup import escape

    from senim.i18n import text
    from senim.law import regimes
    from senim.report.classification import citation

    lines = [f"[bold]{text('core.diff.title', lang.value, start=first, end=last)}[/bold]"]
    empty = True
    acts = {a.id: a for p in browse.load_packs() for a in p.acts}

    def by(item: dict) -> str:
        act = acts.get(item.get("act") or "")
        if not act:
            return ""
        return " — " + escape(act.title[lang.value] + (f", {citation(item['point'], lang.value)}" if item.get("point") else ""))

    for law in regimes():
        part = result.get(law, {})
        for change in ("added", "removed"):
            for item in part.get(change, []):
                empty = False
                when = item.get("date") or item.get("applies_from", "")
                sign = "+" if change == "added" else "−"
                lines.append(f"  {sign} {when}  {escape(item['title'])} [dim](`{item['id']}`; {escape(citation(item['ref'], lang.value))}){by(item)}[/dim]")
        for item in part.get("moved", []):
            empty = False
            lines.append(f"  » {item['applies_from']}  {escape(item['title'])} [dim](`{item['id']}`; "
                         + escape(text("core.diff.moved", lang.value, before=item["was_from"], after=item["applies_from"])) + f"){by(item)}[/dim]")
        for item in part.get("amended", []):
            empty = False
            lines.append(f"  ~ {item['date']}  {escape(item['title'])} [dim](`{item['id']}`; " + escape(_amendment_words(item, lang.value)) + f"){by(item)}[/dim]")
    if empty:
        lines.append("  " + text("core.diff.none", lang.value, start=first, end=last))
    print_rich("\n".join(lines))


def _amendment_words(item: dict, lang: str) -> str:
    from senim.i18n import text

    changed = item.get("changed") or {}
    if item["change"] == "inserted":
        return text("core.diff.inserted", lang, after=", ".join(changed.get("dates", [[], []])[1]))
    words = []
    if "dates" in changed:
        before, after = changed["dates"]
        words.append(text("core.diff.moved", lang, before=", ".join(before), after=", ".join(after)))
    if "confidence" in changed:
        words.append(text("core.diff.confidence", lang, before=changed["confidence"][0], after=changed["confidence"][1]))
    if set(changed) - {"dates", "confidence"}:
        words.append(text("core.diff.wording", lang))
    return "; ".join(words) or text("core.diff.wording", lang)


@law_app.command("versions")
def law_versions(
    format: Format = typer.Option(Format.text, "--format"),
    lang: Lang = LANG,
) -> None:
    """The acts each pack consolidates, with the date each came into force and the rules it changed."""
    from rich.markup import escape

    from senim.i18n import text
    from senim.law import browse

    packs = browse.versions(lang.value)
    if format is Format.json:
        return print_json(packs)
    lines = []
    for pack in packs:
        lines.append(f"[bold]{escape(pack['title'])}[/bold] ({pack['pack']}, {pack['version']})")
        for act in pack["acts"]:
            amends = " " + text("core.versions.amends", lang.value, act=act["amends"]) if act.get("amends") else ""
            lines.append(f"  {act['in_force']}  {escape(act['title'])}{escape(amends)} [dim]({escape(act['ref'])}; {act['confidence']})[/dim]")
            if act["changed"] or act["inserted"] or act["fines_changed"]:
                lines.append("              " + escape(text("core.versions.changes", lang.value, changed=len(act["changed"]),
                                                              inserted=len(act["inserted"]), fines=len(act["fines_changed"]))))
        lines.append("")
    print_rich("\n".join(lines).rstrip())
