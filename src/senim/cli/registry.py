"""Registry, ledger, decisions and incidents commands.

Every command takes --db PATH_OR_URL (or SENIM_DB; default ./senim.db).
Heavy imports (SQLAlchemy, cryptography) happen inside the commands.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import Format, Lang, print_json
from senim.errors import InputError

DB_HELP = "Registry database: a SQLite file or a postgresql:// URL (default ./senim.db; env SENIM_DB)."
DbOption = typer.Option(None, "--db", envvar="SENIM_DB", help=DB_HELP, show_envvar=True)




class TableFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


def _open(db: Optional[str], *, existing: bool = False):
    """The registry, as the library opens it (`senim.open_registry`); with existing=True (commands
    that only read) a SQLite file must already be there."""
    from senim.api.registry import open_registry

    return open_registry(db, existing=existing)


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        from senim.paths import write_atomic

        write_atomic(output, text.encode("utf-8"))
        sys.stderr.write(f"wrote {output}\n")


@app.command("register")
def register_command(
    manifests: List[Path] = typer.Argument(..., help="senim.yaml files to register (all are checked first)."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Register AI systems: add each, or a new version when its manifest changed."""
    from senim.manifest import load_manifest
    from senim.registry import register

    for manifest in manifests:  # every file is valid before anything is stored
        load_manifest(manifest)
    database = _open(db)
    results = [register(database, manifest) for manifest in manifests]
    if fmt is Format.json:
        print_json(results)
        return
    for r in results:
        sys.stdout.write(f"{r['system']}: version {r['version']} ({r['status'].replace('_', ' ')}), "
                         f"ledger entry {r['ledger_seq']}\n")


@app.command("systems")
def systems_command(
    risk: Optional[str] = typer.Option(None, "--risk", help="Only systems of this Kazakh risk level (minimal, medium, high)."),
    eu_category: Optional[str] = typer.Option(None, "--eu-category", help="Only systems of this EU category."),
    db: Optional[str] = DbOption,
    fmt: TableFormat = typer.Option(TableFormat.text, "--format"),
) -> None:
    """List registered systems (latest version of each)."""
    from senim.registry import list_systems

    if risk is not None and risk not in ("minimal", "medium", "high"):
        raise InputError(f"--risk: {risk!r} is not one of minimal, medium, high")
    rows = list_systems(_open(db, existing=True), risk=risk, eu_category=eu_category)
    if fmt is TableFormat.json:
        print_json(rows)
    elif fmt is TableFormat.csv:
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["id", "name", "version", "kz_risk", "eu_category", "registered"])
        for r in rows:
            writer.writerow([r["id"], r["name"], r["version"], r["kz_risk"], r["eu_category"], r["registered"]])
    else:
        for r in rows:
            sys.stdout.write(f"{r['id']}\tv{r['version']}\tKZ {r['kz_risk'] or '-'}\tEU {r['eu_category'] or '-'}\t{r['name'] or ''}\n")
        sys.stderr.write(f"{len(rows)} systems\n")


@app.command("show")
def show_command(
    system_id: str = typer.Argument(..., metavar="ID"),
    version: Optional[int] = typer.Option(None, "--version", min=1, help="A registered version (default: latest)."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
) -> None:
    """Show one registered system, its classification and its versions."""
    from senim.registry import show

    record = show(_open(db, existing=True), system_id, version)
    if fmt is Format.json:
        print_json(record)
        return
    out = [
        f"{record['id']}: {record['name']}",
        f"version {record['version']} of {record['latest_version']}, registered {record['registered']} "
        f"(ledger entry {record['ledger_seq']})",
        f"manifest sha256 {record['manifest_sha256']}",
        f"Kazakhstan risk: {record['kz_risk'] or '-'}; EU category: {record['eu_category'] or '-'}",
        "versions: " + ", ".join(f"{v['version']} ({v['registered']})" for v in record["versions"]),
    ]
    sys.stdout.write("\n".join(out) + "\n")


db_app = typer.Typer(help="The registry database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: Optional[str] = DbOption) -> None:
    """Create the database or migrate it to the newest schema."""
    from senim.registry.db import Database, upgrade

    database = Database(db, migrate=False)
    try:
        before, after = upgrade(database.engine)
    except Exception as error:
        from senim.registry.db import _first_line

        raise InputError(f"{database.display}: database: {_first_line(error)}") from None
    sys.stdout.write(f"{database.display}: schema {before or 'empty'} -> {after}\n")


ledger_app = typer.Typer(help="The tamper-evident ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


def _trusted(key: Optional[Path]):
    if key is None:
        return None
    from senim.ledger import keys

    try:
        public = keys.load_public_pem(key.read_bytes())
    except (OSError, ValueError):
        raise InputError(f"{key}: --key: not a readable Ed25519 public key (PEM)") from None
    return {keys.key_id(public): public}


@ledger_app.command("verify")
def ledger_verify(
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verify an exported bundle folder; no database needed."),
    key: Optional[Path] = typer.Option(None, "--key", help="Accept only checkpoints signed by this public key (PEM)."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Check the chain, the canonical form, the Merkle roots and the signatures. Exit 1 if broken."""
    from senim.i18n import text

    trusted = _trusted(key)
    if bundle is not None:
        from senim.ledger.bundle import verify_bundle

        if not bundle.is_dir():
            raise InputError(f"{bundle}: --bundle: not a folder")
        verdict = verify_bundle(bundle, trusted)
    else:
        from senim.registry.audit import audit_database

        database = _open(db, existing=True)
        with database.read() as conn:
            verdict, row_problem = audit_database(conn, trusted)
        if row_problem is not None:  # the ledger is intact but a table was changed behind it
            verdict.ok, verdict.problem = False, f"registry: {row_problem}"
    if fmt is Format.json:
        print_json(verdict.as_dict())
    elif verdict.ok:
        sys.stdout.write(text("registry.verify_ok", lang.value, entries=verdict.entries,
                              checkpoints=verdict.checkpoints, root=verdict.root) + "\n")
        for kid in verdict.keys:
            sys.stderr.write(text("registry.verify_keys", lang.value, fingerprint=kid) + "\n")
    else:
        sys.stdout.write(text("registry.verify_bad", lang.value, problem=verdict.problem) + "\n")
    if not verdict.ok:
        raise typer.Exit(1)


@ledger_app.command("proof")
def ledger_proof(
    entry: int = typer.Argument(..., metavar="ENTRY", help="The entry's sequence number."),
    db: Optional[str] = DbOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """An RFC 9162 inclusion proof of ENTRY against the latest signed checkpoint (JSON)."""
    from senim.ledger.store import prove

    database = _open(db, existing=True)
    with database.read() as conn:
        try:
            proof = prove(conn, entry)
        except LookupError as error:
            raise InputError(f"ledger: ENTRY: {error}") from None
    _emit(json.dumps(proof, ensure_ascii=False, indent=2) + "\n", output)


@ledger_app.command("export")
def ledger_export(
    directory: Path = typer.Argument(..., metavar="DIR"),
    db: Optional[str] = DbOption,
) -> None:
    """Write entries, checkpoints and public keys to DIR for verification elsewhere."""
    from senim.ledger.bundle import export

    database = _open(db, existing=True)
    with database.read() as conn:
        try:
            summary = export(conn, directory)
        except FileExistsError as error:
            raise InputError(f"{directory}: DIR: {error.args[0].split(': ', 1)[-1]}") from None
    sys.stdout.write(f"{directory}: {summary['entries']} entries, {summary['checkpoints']} checkpoints\n")


decisions_app = typer.Typer(help="Records of AI decisions about people.", no_args_is_help=True)
app.add_typer(decisions_app, name="decisions")


@decisions_app.command("record")
def decisions_record(
    file: Path = typer.Argument(..., metavar="FILE.jsonl"),
    db: Optional[str] = DbOption,
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
    from senim.registry.decisions import read_jsonl, record_decisions

    records, places = read_jsonl(file)
    done = record_decisions(_open(db), records, places)
    parts = [f"recorded {len(done.new)} decision{'' if len(done.new) == 1 else 's'}"
             + (f" ({done.new[0]}-{done.new[-1]})" if done.new else "")]
    if done.already:
        parts.append(f"{done.already} already recorded")
    if done.repeated:
        parts.append(f"{done.repeated} repeated in the file")
    if done.pseudonymised:
        parts.append(f"{done.pseudonymised} IIN subjects stored as keyed pseudonyms")
    sys.stdout.write(f"{file}: " + "; ".join(parts) + "\n")


@decisions_app.command("explain")
def decisions_explain(
    subject: str = typer.Argument(..., metavar="SUBJECT", help="The subject as recorded; an IIN is looked up by its keyed pseudonym."),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    db: Optional[str] = DbOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
    labels: Optional[Path] = typer.Option(None, "--labels", help="The owner's label table (default: the one beside the registered senim.yaml)."),
) -> None:
    """Write the letter for one person's decisions: what was decided, why, and what they can do.

    Refuses (exit 1) a decision whose record does not match its ledger entry;
    warns on stderr, before the letter, when a reason is a sensitive attribute."""
    from senim.registry.decisions import explain

    table = None
    if labels is not None:
        from senim.letters import load_labels

        table = load_labels(labels)

    def warn(line: str) -> None:
        sys.stderr.write(line + "\n")

    _emit(explain(_open(db, existing=True), subject, lang.value, labels=table, warn=warn), output)


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
    db: Optional[str] = DbOption,
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Open an incident; prints its number and deadlines."""
    from senim.registry import get_incident, open_incident

    database = _open(db)
    number = open_incident(database, kind=kind, severity=severity, systems=system, summary=summary,
                           aware_at=aware_at, aware_by=aware_by, occurred_at=occurred_at,
                           widespread=widespread, actions=action, affected=affected,
                           data_categories=data_category)
    _print_incident_line(get_incident(database, number), lang.value)


@incident_app.command("update")
def incident_update(
    number: int = typer.Argument(..., metavar="ID"),
    status: Optional[str] = typer.Option(None, "--status", help="open, reported, closed"),
    severity: Optional[str] = typer.Option(None, "--severity"),
    action: Optional[str] = typer.Option(None, "--action", help="An action taken."),
    note: Optional[str] = typer.Option(None, "--note"),
    reported_at: Optional[str] = typer.Option(None, "--reported-at", help="When it was reported (default now, with --status reported)."),
    by: Optional[str] = typer.Option(None, "--by", help="Who makes this update."),
    db: Optional[str] = DbOption,
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Add an update to an incident (status, severity, an action, a note)."""
    from senim.i18n import text
    from senim.registry import update_incident

    update_no = update_incident(_open(db), number, status=status, severity=severity, action=action, note=note,
                                reported_at=reported_at, by=by)
    sys.stdout.write(text("registry.update_recorded", lang.value, number=number, update=update_no) + "\n")


def _print_incident_line(incident: dict, lang: str) -> None:
    """One line an incident: number, kind, severity, status, then each deadline
    with its time left; every word in `lang` (codes stay in --format json)."""
    from senim.i18n import text

    parts = [f"#{incident['id']}", text(f"registry.kind_{incident['kind']}", lang),
             text(f"registry.severity_{incident['severity']}", lang),
             text(f"registry.status_{incident['status']}", lang)]
    for d in incident["deadlines"]:
        if incident.get("reported_at"):
            state = text("registry.reported", lang)
        elif d["overdue"]:
            state = text("registry.overdue", lang)
        else:
            state = text("registry.left", lang, hours=round(d["seconds_left"] / 3600, 1))
        parts.append(text("registry.due", lang, deadline=d["id"], due=d["due"], state=state))
    sys.stdout.write("  ".join(parts) + "\n")


@incident_app.command("list")
def incident_list(
    status: Optional[str] = typer.Option(None, "--status"),
    overdue: bool = typer.Option(False, "--overdue", help="Only incidents past a deadline."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Incidents with their deadlines, time left and overdue flags."""
    from senim.registry import list_incidents

    rows = list_incidents(_open(db, existing=True), status=status)
    if overdue:
        rows = [r for r in rows if r["overdue"]]
    if fmt is Format.json:
        print_json(rows)
        return
    for row in rows:
        _print_incident_line(row, lang.value)


@incident_app.command("show")
def incident_show(
    number: int = typer.Argument(..., metavar="ID"),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format", help="text (in --lang) or json (the codes, for programs)."),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """One incident with its updates and deadlines, in the chosen language (JSON with --format json)."""
    from senim.registry import get_incident
    from senim.registry.incidents import _owners, incident_text

    database = _open(db, existing=True)
    incident = get_incident(database, number)
    if fmt is Format.json:
        print_json(incident)
    else:
        sys.stdout.write(incident_text(incident, lang.value, _owners(database, incident["systems"])))


@incident_app.command("report")
def incident_report(
    number: int = typer.Argument(..., metavar="ID"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    db: Optional[str] = DbOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """Write the incident notice for the authorities in Kazakh, Russian or English."""
    from senim.registry.incidents import report

    _emit(report(_open(db, existing=True), number, lang.value), output)
