"""`senim ledger`: the tamper-evident ledger, verified, proven and exported.

Heavy imports (SQLAlchemy, cryptography) happen inside the commands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB, LANG, OUTPUT, Format, Lang, emit, print_check

ledger_app = typer.Typer(help="The tamper-evident ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


@ledger_app.command("verify")
def ledger_verify(
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verify an exported bundle folder; no database needed."),
    key: Optional[Path] = typer.Option(None, "--key", help="Accept only checkpoints signed by this public key (PEM)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="SIZE:ROOT",
                                        help="A checkpoint seen before: its first SIZE entries must still give ROOT (a cut tail or a rewrite fails)."),
    db: Optional[str] = DB,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Check the chain, the canonical form, the Merkle roots and the signatures. Exit 1 if broken.

    Keys: with --key only that key; else the keys pinned for this ledger on
    this machine (SENIM_HOME/ledger-pins.json), else this home's own ledger
    key, else (first use) the keys the ledger lists, which are then pinned.
    """
    from senim.registry.ledgercheck import verify_ledger, verify_text

    checked = verify_ledger(db, bundle=bundle, key=key, since=since)
    print_check(checked, fmt, lambda: verify_text(checked, lang.value))


@ledger_app.command("consistency")
def ledger_consistency(
    old: str = typer.Argument(..., metavar="OLD", help="The earlier tree: SIZE, or SIZE:ROOT as kept from a verify or a bundle."),
    new: Optional[str] = typer.Argument(None, metavar="NEW", help="The later signed checkpoint: SIZE or SIZE:ROOT (default: the latest)."),
    db: Optional[str] = DB,
    output: Optional[Path] = OUTPUT,
    lang: Lang = LANG,
) -> None:
    """An RFC 9162 consistency proof that the ledger at NEW extends the ledger at OLD (JSON).

    When OLD (or NEW) carries a ROOT, the proof is also checked against it:
    exit 1 if the ledger no longer extends that checkpoint.
    """
    from senim.registry.ledgercheck import consistency_check, not_extended_text

    checked = consistency_check(db, old, new)
    emit(json.dumps(checked.proof, ensure_ascii=False, indent=2) + "\n", output, lang.value)
    if not checked.extends:
        sys.stderr.write(f"senim: {not_extended_text(checked, lang.value)}\n")
        raise typer.Exit(1)


@ledger_app.command("proof")
def ledger_proof(
    entry: int = typer.Argument(..., metavar="ENTRY", help="The entry's sequence number."),
    db: Optional[str] = DB,
    output: Optional[Path] = OUTPUT,
    lang: Lang = LANG,
) -> None:
    """An RFC 9162 inclusion proof of ENTRY against the latest signed checkpoint (JSON)."""
    from senim.registry.ledgercheck import inclusion

    emit(json.dumps(inclusion(db, entry), ensure_ascii=False, indent=2) + "\n", output, lang.value)


@ledger_app.command("export")
def ledger_export(
    directory: Path = typer.Argument(..., metavar="DIR"),
    db: Optional[str] = DB,
    lang: Lang = LANG,
) -> None:
    """Write entries, checkpoints and public keys to DIR for verification elsewhere."""
    from senim.registry.ledgercheck import export_bundle, exported_text

    sys.stdout.write(exported_text(directory, export_bundle(db, directory), lang.value))
