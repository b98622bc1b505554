"""`senim decisions`: records of AI decisions about people, and the letter
that explains them to the person.

Heavy imports (SQLAlchemy, cryptography) happen inside the commands.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import DB, LANG, OUTPUT, Lang, emit, reading

decisions_app = typer.Typer(help="Records of AI decisions about people.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("record")
def decisions_record(
    file: Path = typer.Argument(..., metavar="FILE.jsonl"),
    db: Optional[str] = DB,
    lang: Lang = LANG,
) -> None:
    """Record every decision in a JSON Lines file (all or none).

    One JSON object a line: subject, system, inputs_digest, output (required);
    id, system_version, reasons, reviewer, decided_at, data_used (optional).

    Recording again adds nothing: a decision is known by its id within its
    system or, without one, by its content; a known id with other content is
    refused, since a recorded decision cannot change.

    The ledger can never erase what it holds, so a subject that holds an IIN
    is stored as a keyed pseudonym (HMAC-SHA256 under the organisation's key:
    $SENIM_PSEUDONYM_KEY, else SENIM_HOME/keys/subject-pseudonym.key, made on
    first need; keep it with the ledger key). The IIN is never stored, and
    `senim decisions explain IIN` finds the person's decisions with the same
    key. An IIN in any other field is refused.
    """
    from senim.registry.decisions import record_file, recorded_text

    sys.stdout.write(recorded_text(record_file(db, file), file, lang.value))


@decisions_app.command("explain")
@reading
def decisions_explain(
    subject: str = typer.Argument(..., metavar="SUBJECT", help="The subject as recorded; an IIN is looked up by its keyed pseudonym."),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    db: Optional[str] = DB,
    output: Optional[Path] = OUTPUT,
    labels: Optional[Path] = typer.Option(None, "--labels", help="The owner's label table (default: the one beside the registered senim.yaml)."),
) -> None:
    """Write the letter for one person's decisions: what was decided, why, and what they can do.

    Refuses (exit 1) a decision whose record does not match its ledger entry;
    warns on stderr, before the letter, when a reason is a sensitive attribute."""
    from senim.registry.decisions import explain

    def warn(line: str) -> None:
        sys.stderr.write(line + "\n")

    emit(explain(db, subject, lang.value, labels=labels, warn=warn), output, lang.value)
