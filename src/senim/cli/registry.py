"""`senim register`, `systems`, `show` and `db`: the registry of AI systems.

Every command takes --db PATH_OR_URL (or SENIM_DB; default ./senim.db).
Heavy imports (SQLAlchemy, cryptography) happen inside the commands.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB, LANG, Format, Lang, print_json, print_result, reading, registry


class TableFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


@app.command("register")
def register_command(
    manifests: List[Path] = typer.Argument(..., help="senim.yaml files to register (all are checked first)."),
    db: Optional[str] = DB,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = LANG,
) -> None:
    """Register AI systems: add each, or a new version when its manifest changed."""
    from senim.registry.systems import register_all, registered_text

    results = register_all(db, manifests)
    print_result(results, fmt, lambda: registered_text(results, lang.value))


@app.command("systems")
@reading
def systems_command(
    risk: Optional[str] = typer.Option(None, "--risk", help="Only systems of this Kazakh risk level (minimal, medium, high)."),
    eu_category: Optional[str] = typer.Option(None, "--eu-category", help="Only systems of this EU category."),
    db: Optional[str] = DB,
    fmt: TableFormat = typer.Option(TableFormat.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the text (json and csv keep the codes)."),
) -> None:
    """List registered systems (latest version of each)."""
    from senim.registry.systems import list_systems, systems_count, systems_csv, systems_text

    rows = list_systems(registry(db, existing=True), risk=risk, eu_category=eu_category)
    if fmt is TableFormat.json:
        print_json(rows)
    elif fmt is TableFormat.csv:
        sys.stdout.write(systems_csv(rows))
    else:
        sys.stdout.write(systems_text(rows, lang.value))
        sys.stderr.write(systems_count(rows, lang.value) + "\n")


@app.command("show")
@reading
def show_command(
    system_id: str = typer.Argument(..., metavar="ID"),
    version: Optional[int] = typer.Option(None, "--version", min=1, help="A registered version (default: latest)."),
    db: Optional[str] = DB,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the text (json keeps the codes)."),
) -> None:
    """Show one registered system, its classification and its versions."""
    from senim.registry.systems import show, system_text

    record = show(registry(db, existing=True), system_id, version)
    print_result(record, fmt, lambda: system_text(record, lang.value))


db_app = typer.Typer(help="The registry database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: Optional[str] = DB, lang: Lang = LANG) -> None:
    """Create the database or migrate it to the newest schema."""
    from senim.registry.db import upgrade_database, upgraded_text

    sys.stdout.write(upgraded_text(upgrade_database(db), lang.value))
