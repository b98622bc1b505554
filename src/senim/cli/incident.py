"""`senim incident`: incidents, their notification deadlines and the notice
for the authorities.

Heavy imports (SQLAlchemy, cryptography) happen inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB, OUTPUT, Format, Lang, emit, print_json, print_result, reading, registry

incident_app = typer.Typer(help="Incidents and their notification deadlines.", no_args_is_help=True)
app.add_typer(incident_app, name="incident")


@incident_app.command("new")
def incident_new(
    kind: str = typer.Option(..., "--kind", help="malfunction, harm_to_health, death, infringement_of_rights, "
                             "critical_infrastructure_disruption, personal_data_breach, "
                             "unlabelled_synthetic_content, misuse"),
    severity: str = typer.Option(..., "--severity", help="low, medium, high, critical"),
    system: List[str] = typer.Option(..., "--system", help="A registered system concerned (repeat for more)."),
    summary: str = typer.Option(..., "--summary"),
    aware_at: Optional[str] = typer.Option(None, "--aware-at", help="When the organisation learned of it (ISO 8601 with offset; default now)."),
    aware_by: Optional[str] = typer.Option(None, "--aware-by", help="Who learned of it."),
    occurred_at: Optional[str] = typer.Option(None, "--occurred-at"),
    widespread: bool = typer.Option(False, "--widespread", help="An infringement affecting several countries."),
    action: List[str] = typer.Option([], "--action", help="An action taken (repeat for more)."),
    affected: Optional[int] = typer.Option(None, "--affected", min=0, help="How many people are affected (told in the notice)."),
    data_category: List[str] = typer.Option([], "--data-category", help="A category of personal data concerned (repeat for more; default for a breach: the manifest's)."),
    db: Optional[str] = DB,
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Open an incident; prints its number and deadlines."""
    from senim.registry.incidents import get_incident, incident_lines, open_incident

    database = registry(db)
    number = open_incident(database, kind=kind, severity=severity, systems=system, summary=summary,
                           aware_at=aware_at, aware_by=aware_by, occurred_at=occurred_at,
                           widespread=widespread, actions=action, affected=affected,
                           data_categories=data_category)
    sys.stdout.write(incident_lines([get_incident(database, number)], lang.value))


@incident_app.command("update")
def incident_update(
    number: int = typer.Argument(..., metavar="ID"),
    status: Optional[str] = typer.Option(None, "--status", help="open, reported, closed"),
    severity: Optional[str] = typer.Option(None, "--severity"),
    action: Optional[str] = typer.Option(None, "--action", help="An action taken."),
    note: Optional[str] = typer.Option(None, "--note"),
    reported_at: Optional[str] = typer.Option(None, "--reported-at", help="When it was reported (default now, with --status reported)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who makes this update."),
    db: Optional[str] = DB,
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Add an update to an incident (status, severity, an action, a note)."""
    from senim.i18n import text
    from senim.registry.incidents import update_incident

    update_no = update_incident(registry(db), number, status=status, severity=severity, action=action, note=note,
                                reported_at=reported_at, by=by)
    sys.stdout.write(text("registry.update_recorded", lang.value, number=number, update=update_no) + "\n")


@incident_app.command("list")
@reading
def incident_list(
    status: Optional[str] = typer.Option(None, "--status"),
    overdue: bool = typer.Option(False, "--overdue", help="Only incidents past a deadline."),
    db: Optional[str] = DB,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Incidents with their deadlines, time left and overdue flags."""
    from senim.registry.incidents import incident_lines, list_incidents

    rows = list_incidents(registry(db, existing=True), status=status, overdue=overdue)
    print_result(rows, fmt, lambda: incident_lines(rows, lang.value))


@incident_app.command("show")
@reading
def incident_show(
    number: int = typer.Argument(..., metavar="ID"),
    db: Optional[str] = DB,
    fmt: Format = typer.Option(Format.text, "--format", help="text (in --lang) or json (the codes, for programs)."),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """One incident with its updates and deadlines, in the chosen language (JSON with --format json)."""
    from senim.registry.incidents import describe, get_incident

    database = registry(db, existing=True)
    if fmt is Format.json:
        print_json(get_incident(database, number))
    else:
        sys.stdout.write(describe(database, number, lang.value))


@incident_app.command("report")
@reading
def incident_report(
    number: int = typer.Argument(..., metavar="ID"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    db: Optional[str] = DB,
    output: Optional[Path] = OUTPUT,
) -> None:
    """Write the incident notice for the authorities in Kazakh, Russian or English."""
    from senim.registry.incidents import report

    emit(report(registry(db, existing=True), number, lang.value), output, lang.value)
