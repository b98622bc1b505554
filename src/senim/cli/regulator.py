"""`senim registry`: bundles for the regulator from an organisation that runs
its own Senim (export, offline verify, import on the regulator's server).
Heavy imports happen inside the commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB, LANG, Format, Lang, print_check, registry
from senim.errors import InputError

registry_app = typer.Typer(help="Bundles for the regulator: export, verify, import.", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("export")
def registry_export(
    for_regulator: Path = typer.Option(..., "--for-regulator", metavar="DIR",
                                       help="Write the signed bundle for the regulator into DIR (new or empty)."),
    org: Optional[str] = typer.Option(None, "--org", metavar="BIN", help="The organisation (needed when the "
                                      "registry holds several)."),
    db: Optional[str] = DB,
    lang: Lang = LANG,
) -> None:
    """Systems, classifications, assessments, incidents and trusted-list steps, each with its inclusion
    proof against the signed ledger; no decision about a person."""
    from senim.registry.regbundle import export, exported_text

    summary = export(registry(db, existing=True), for_regulator, org_bin=org)
    sys.stdout.write(exported_text(for_regulator, summary, lang.value))


@registry_app.command("verify")
def registry_verify(
    directory: Path = typer.Argument(..., metavar="DIR"),
    key: Optional[Path] = typer.Option(None, "--key", help="Accept only a checkpoint signed by this public key (PEM)."),
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = LANG,
) -> None:
    """Check a regulator bundle offline, no database needed. Exit 1 if any byte is wrong."""
    from senim.registry.regbundle import check, check_text

    checked = check(directory, key)
    print_check(checked, fmt, lambda: check_text(checked, lang.value))


@registry_app.command("import")
def registry_import(
    directory: Path = typer.Argument(..., metavar="DIR"),
    key: Optional[Path] = typer.Option(None, "--key", help="Accept only a checkpoint signed by this public key (PEM)."),
    db: Optional[str] = DB,
    lang: Lang = LANG,
) -> None:
    """Verify a regulator bundle and keep it in this registry (the regulator's view lists it). A bundle
    that does not verify is refused and nothing is stored."""
    from senim.ledger.keys import trusted_from_file
    from senim.registry.regbundle import import_bundle, imported_text

    if not directory.is_dir():
        raise InputError(f"{directory}: DIR: not a folder")
    done = import_bundle(registry(db), directory, trusted=trusted_from_file(key))
    sys.stdout.write(imported_text(directory, done, lang.value))
