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
    """The registry; with existing=True (commands that only read) it is opened
    read-only: a SQLite file must already be there (a mistyped --db is not a
    new, empty, "intact" registry), and nothing is migrated or written, so a
    read-only copy can be listed and verified."""
    from senim.registry.db import Database

    return Database(db, readonly=existing)


def _reading(command):
    """A reading command: a stored row it cannot read (a SQLite file changed
    outside Senim: a BLOB where text belongs, text that is not UTF-8 or not
    JSON) is one sentence naming the table and the row, exit 2."""
    import functools

    @functools.wraps(command)
    def run(*args, **kwargs):
        from senim.registry.audit import UNREADABLE

        try:
            return command(*args, **kwargs)
        except UNREADABLE as error:
            from senim.registry.audit import unreadable
            from senim.registry.db import Database

            database = Database(kwargs.get("db"), readonly=True)
            try:
                with database.read() as conn:
                    why = unreadable(conn, error)
            finally:
                database.dispose()
            raise InputError(f"{database.display}: {why}; `senim ledger verify` checks the whole registry") from None

    return run


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
@_reading
def systems_command(
    risk: Optional[str] = typer.Option(None, "--risk", help="Only systems of this Kazakh risk level (minimal, medium, high)."),
    eu_category: Optional[str] = typer.Option(None, "--eu-category", help="Only systems of this EU category."),
    db: Optional[str] = DbOption,
    fmt: TableFormat = typer.Option(TableFormat.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the text (json and csv keep the codes)."),
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
        from senim.i18n import text

        for r in rows:
            sys.stdout.write(text("registry.systems_line", lang.value, id=r["id"], version=r["version"],
                                  risk=_risk_words(r["kz_risk"], lang.value),
                                  category=_category_words(r["eu_category"], lang.value),
                                  name=f"«{r['name']}»" if r["name"] else "") + "\n")
        sys.stderr.write(text("registry.systems_count", lang.value, count=len(rows)) + "\n")


def _risk_words(risk: Optional[str], lang: str) -> str:
    """The Kazakh risk level in words ("medium risk"). Where the Kazakh law applies
    its rules always set one, so none means it does not apply."""
    from senim.i18n import text
    from senim.i18n.words import value_label

    if not risk:
        return text("registry.kz_not_applicable", lang)
    return text("registry.risk_words", lang, risk=value_label("kz.risk", risk, lang))


def _category_words(category: Optional[str], lang: str) -> str:
    """The EU category in words. Where the AI Act applies its rules always set
    one (minimal at least), so none means it does not apply."""
    from senim.i18n import text
    from senim.i18n.words import value_label

    if not category:
        return text("registry.eu_not_applicable", lang)
    return value_label("eu.category", category, lang)


@app.command("show")
@_reading
def show_command(
    system_id: str = typer.Argument(..., metavar="ID"),
    version: Optional[int] = typer.Option(None, "--version", min=1, help="A registered version (default: latest)."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the text (json keeps the codes)."),
) -> None:
    """Show one registered system, its classification and its versions."""
    from senim.i18n import text
    from senim.i18n.formats import format_datetime
    from senim.registry import show

    record = show(_open(db, existing=True), system_id, version)
    if fmt is Format.json:
        print_json(record)
        return
    t = lambda key, **kw: text(f"registry.{key}", lang.value, **kw)  # noqa: E731

    def when(moment: Optional[str]) -> str:
        try:
            return format_datetime(moment, lang.value)
        except (TypeError, ValueError):  # a stored time Senim cannot read is shown as stored
            return str(moment)

    out = [
        f"{record['id']}: «{record['name']}»" if record["name"] else record["id"],
        t("show_version", version=record["version"], latest=record["latest_version"],
          registered=when(record["registered"]), seq=record["ledger_seq"]),
        t("show_digest", digest=record["manifest_sha256"]),
        t("show_classes", risk=_risk_words(record["kz_risk"], lang.value),
          category=_category_words(record["eu_category"], lang.value)),
        t("show_versions"),
    ]
    out += ["  " + t("show_version_item", version=v["version"], registered=when(v["registered"]))
            for v in record["versions"]]
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
    except Exception as error:  # the server, the file or the schema refused: never the password
        raise InputError(f"{database.display}: database: {database._why(error)}") from None
    sys.stdout.write(f"{database.display}: schema {before or 'empty'} -> {after}\n")


ledger_app = typer.Typer(help="The tamper-evident ledger.", no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")


def _trusted(key: Optional[Path]):
    if key is None:
        return None
    from senim.ledger import keys
    from senim.reading import LIMITS, read_bounded

    data = read_bounded(key, LIMITS["key"], "public key")
    try:
        public = keys.load_public_pem(data)
    except Exception:  # cryptography: ValueError, TypeError or UnsupportedAlgorithm
        raise InputError(f"{key}: --key: not an Ed25519 public key (PEM)") from None
    return {keys.key_id(public): public}


def _seen(value: Optional[str], option: str = "--since"):
    """SIZE:ROOT, a checkpoint seen before (64 hex digits of root)."""
    if value is None:
        return None
    from senim.ledger.verify import Seen

    size, _, root = value.partition(":")
    try:
        seen = Seen(int(size), bytes.fromhex(root), option)
    except ValueError:
        seen = None
    if seen is None or seen.size < 1 or len(seen.root) != 32:
        raise InputError(f"{option}: {value[:80]!r} is not SIZE:ROOT (a tree size of 1 or more, a colon and "
                         "the 64 hex digits of its root, as `ledger verify` or bundle.json prints them)")
    return seen


@ledger_app.command("verify")
def ledger_verify(
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verify an exported bundle folder; no database needed."),
    key: Optional[Path] = typer.Option(None, "--key", help="Accept only checkpoints signed by this public key (PEM)."),
    since: Optional[str] = typer.Option(None, "--since", metavar="SIZE:ROOT",
                                        help="A checkpoint seen before: its first SIZE entries must still give ROOT (a cut tail or a rewrite fails)."),
    db: Optional[str] = DbOption,
    fmt: Format = typer.Option(Format.text, "--format"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
) -> None:
    """Check the chain, the canonical form, the Merkle roots and the signatures. Exit 1 if broken.

    Keys: with --key only that key; else the keys pinned for this ledger on
    this machine (SENIM_HOME/ledger-pins.json), else this home's own ledger
    key, else (first use) the keys the ledger lists, which are then pinned.
    """
    from senim.i18n import text
    from senim.ledger import pins

    given = _trusted(key)
    seen = _seen(since)
    if bundle is not None:
        from senim.ledger.bundle import bundle_genesis, listed_keys, verify_bundle

        if not bundle.is_dir():
            raise InputError(f"{bundle}: --bundle: not a folder")
        genesis = bundle_genesis(bundle) if (bundle / "entries.jsonl").exists() else None
        trust = pins.Trust(given, "given") if given is not None else \
            pins.trust_for(genesis, listed_keys(bundle) if (bundle / "keys.json").exists() else {}, database=False)
        verdict = verify_bundle(bundle, trust.keys, [x for x in (seen, trust.seen) if x])
        row_problem = None
    else:
        from senim.ledger.store import genesis as genesis_of, stored_keys
        from senim.registry.audit import audit_database

        database = _open(db, existing=True)
        with database.read() as conn:
            genesis = genesis_of(conn)
            trust = pins.Trust(given, "given") if given is not None else \
                pins.trust_for(genesis, stored_keys(conn), database=True)
            verdict, row_problem = audit_database(conn, trust.keys, [x for x in (seen, trust.seen) if x])
        if row_problem is not None:  # the ledger is intact but a table was changed behind it
            verdict.ok, verdict.problem = False, f"registry: {row_problem}"
    if verdict.ok:
        pinned_now = pins.record(genesis, trust, verdict.keys, verdict.entries, verdict.root)
    else:
        pinned_now = False
    if fmt is Format.json:
        print_json({**verdict.as_dict(), "trust": trust.how})
    elif verdict.ok:
        sys.stdout.write(text("registry.verify_ok", lang.value, entries=verdict.entries,
                              checkpoints=verdict.checkpoints, root=verdict.root) + "\n")
        for kid in verdict.keys:
            sys.stderr.write(text("registry.verify_keys", lang.value, fingerprint=kid) + "\n")
        if pinned_now:
            sys.stderr.write(text("ledger.pinned_first_use", lang.value, file=pins.path()) + "\n")
        if verdict.entries:
            sys.stderr.write(text("ledger.keep_since", lang.value, since=f"{verdict.entries}:{verdict.root}") + "\n")
    else:
        sys.stdout.write(text("registry.verify_bad", lang.value, problem=verdict.problem) + "\n")
    if not verdict.ok:
        raise typer.Exit(1)


@ledger_app.command("consistency")
def ledger_consistency(
    old: str = typer.Argument(..., metavar="OLD", help="The earlier tree: SIZE, or SIZE:ROOT as kept from a verify or a bundle."),
    new: Optional[str] = typer.Argument(None, metavar="NEW", help="The later signed checkpoint: SIZE or SIZE:ROOT (default: the latest)."),
    db: Optional[str] = DbOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """An RFC 9162 consistency proof that the ledger at NEW extends the ledger at OLD (JSON).

    When OLD (or NEW) carries a ROOT, the proof is also checked against it:
    exit 1 if the ledger no longer extends that checkpoint.
    """
    from senim.ledger.merkle import verify_consistency
    from senim.ledger.store import consistency

    old_seen = _seen(old, "OLD") if ":" in old else None
    new_seen = _seen(new, "NEW") if new and ":" in new else None
    try:
        old_size = old_seen.size if old_seen else int(old)
        new_size = new_seen.size if new_seen else (int(new) if new else None)
    except ValueError:
        raise InputError("ledger consistency: OLD and NEW are SIZE or SIZE:ROOT") from None
    database = _open(db, existing=True)
    with database.read() as conn:
        try:
            proof = consistency(conn, old_size, new_size)
        except LookupError as error:
            raise InputError(f"ledger consistency: {error}") from None
    _emit(json.dumps(proof, ensure_ascii=False, indent=2) + "\n", output)
    path = [bytes.fromhex(h) for h in proof["path"]]
    old_root = old_seen.root if old_seen else bytes.fromhex(proof["old_root"])
    new_root = new_seen.root if new_seen else bytes.fromhex(proof["checkpoint"]["body"]["root"])
    if not verify_consistency(old_size, proof["new_size"], old_root, new_root, path):
        sys.stderr.write(f"senim: the ledger at {proof['new_size']} entries does not extend the tree of "
                         f"{old_size} entries given (a cut tail or a rewrite)\n")
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
@_reading
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
    from senim.i18n.formats import format_datetime, format_number

    parts = [f"#{incident['id']}", text(f"registry.kind_{incident['kind']}", lang),
             text(f"registry.severity_{incident['severity']}", lang),
             text(f"registry.status_{incident['status']}", lang)]
    for d in incident["deadlines"]:
        if incident.get("reported_at"):
            state = text("registry.reported", lang)
        elif d["overdue"]:
            state = text("registry.overdue", lang)
        else:
            state = text("registry.left", lang, hours=format_number(d["seconds_left"] / 3600, lang, 1))
        parts.append(text("registry.due", lang, deadline=_deadline_name(d, lang),
                          due=format_datetime(d["due"], lang), state=state))
    sys.stdout.write("  ".join(parts) + "\n")


def _deadline_name(deadline: dict, lang: str) -> str:
    """The deadline as the rule pack names it in `lang`: its title up to the period
    ("Personal-data security breach notice (Kazakhstan)"); the id stays in the JSON."""
    title = deadline.get("title") or {}
    words = title.get(lang) or title.get("en") if isinstance(title, dict) else title
    if not words:
        return deadline["id"]
    return words.split(": ", 1)[0]


@incident_app.command("list")
@_reading
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
@_reading
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
@_reading
def incident_report(
    number: int = typer.Argument(..., metavar="ID"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    db: Optional[str] = DbOption,
    output: Optional[Path] = typer.Option(None, "--output", "-o"),
) -> None:
    """Write the incident notice for the authorities in Kazakh, Russian or English."""
    from senim.registry.incidents import report

    _emit(report(_open(db, existing=True), number, lang.value), output)
