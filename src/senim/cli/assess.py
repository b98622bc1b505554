"""`senim assess`, `senim report verify`: is this system compliant, and what is missing."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import AS_OF, LANG, Lang, parse_date
from senim.report import FORMATS, render


# The formats are the registry's (senim.report.FORMATS): one list for assess, pack and the web app.
AssessFormat = Enum("AssessFormat", {name: name for name in FORMATS}, type=str)


def _can_write_in(folder: Path, named: Path, option: str) -> None:
    """Refuse a place that cannot be written before anything is assessed or
    stored (a record in the registry with no report beside it)."""
    import tempfile

    from senim.errors import InputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".senim-"):
            pass
    except OSError as error:
        raise InputError(f"{named}: {option}: cannot be written there ({error.strerror or error})") from None


@app.command()
def assess(
    manifest: Path = typer.Argument(..., metavar="MANIFEST", help="senim.yaml (YAML or JSON), or a folder holding one."),
    run_checks: bool = typer.Option(False, "--run-checks", help="Run the checks the evidence section names (fairness, scan, verify, explain)."),
    as_of: Optional[str] = AS_OF,
    report_dir: Optional[Path] = typer.Option(None, "--report", metavar="DIR", help="Write the report in every format (json signed, md, html, pdf, sarif) to DIR."),
    output_format: AssessFormat = typer.Option(AssessFormat.text, "--format", help="Format printed on stdout (or written to --output): text, json (signed), markdown, html, pdf, sarif."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the --format output to FILE instead of stdout."),
    lang: Lang = LANG,
    db: Optional[str] = typer.Option(None, "--db", envvar="SENIM_DB", help="Registry database: store and ledger the assessment (default ./senim.db when it exists, as the other registry commands; env SENIM_DB)."),
    no_db: bool = typer.Option(False, "--no-db", help="Store nothing, even when ./senim.db exists."),
    evidence_roots: Optional[list[Path]] = typer.Option(None, "--evidence-root", metavar="DIR", help="Also read evidence paths from DIR (repeatable); by default only from the manifest's folder."),
) -> None:
    """Assess a system: every obligation with its status, evidence and gaps; exit 1 when a gap blocks a release."""
    from senim.assessment import assess as run, exit_code
    from senim.errors import InputError
    from senim.i18n import text
    from senim.paths import write_atomic

    # Refuse before assessing, so that nothing is run or stored for nothing.
    if output is None and FORMATS[output_format.value].binary and sys.stdout.isatty():
        raise InputError(f"--format {output_format.value}: stdout is a terminal; give -o/--output FILE, "
                         "or redirect stdout to a file")
    if output is not None and output.is_dir():
        raise InputError(f"{output}: --output: is a folder; give the name of a file to write")
    if report_dir is not None and report_dir.exists() and not report_dir.is_dir():
        raise InputError(f"{report_dir}: --report: is a file, not a folder")
    if output is not None:
        _can_write_in(output.parent, output, "--output")
    if report_dir is not None:
        _can_write_in(report_dir, report_dir, "--report")

    if db is None and not no_db and Path("senim.db").is_file():  # the registry the other commands use
        db = "senim.db"
    if no_db:
        db = None
    report = run(manifest, as_of=parse_date(as_of, "--as-of"), lang=lang.value, run_checks=run_checks,
                 evidence_roots=tuple(evidence_roots or ()))
    if db:
        from senim.assessment.store import store

        report["ledger"] = store(report, db)
    uri = report["manifest"]["path"]
    if report_dir is not None:
        base = f"{report['manifest']['system']}.{lang.value}"
        from senim.paths import write_all_atomic

        # every file rendered and staged before any is renamed: a full disk leaves none, not four of five
        staged = [(report_dir / f"{base}.{fmt.extension}", fmt.render(report, uri))
                  for fmt in FORMATS.values() if fmt.folder]
        write_all_atomic(staged)
        written = [target for target, _ in staged]
        for target in written:
            sys.stderr.write(text("assess.report_written", lang.value, path=target) + "\n")
    if output is not None:
        write_atomic(output, render(report, output_format.value, uri))
        sys.stderr.write(text("assess.report_written", lang.value, path=output) + "\n")
    elif output_format.value == "text":
        from senim.cli.options import print_rich
        from senim.report.assessment import render_text

        print_rich(render_text(report))
    else:
        sys.stdout.buffer.write(render(report, output_format.value, uri))
        sys.stdout.flush()
    raise typer.Exit(exit_code(report))


report_app = typer.Typer(help="Signed assessment reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("verify")
def report_verify(
    file: Path = typer.Argument(..., help="A signed JSON report written by `senim assess`."),
    key_id: Optional[str] = typer.Option(None, "--key-id", help="Require this signing key (its id or a prefix of it)."),
    key: Optional[Path] = typer.Option(None, "--key", help="Require the key of this public-key PEM file (the one the organisation publishes)."),
    lang: Lang = LANG,
) -> None:
    """Check a signed JSON report: exit 0 when every byte is as signed, 1 when not."""
    from senim.errors import InputError, Word
    from senim.i18n import text
    from senim.report.signing import verify

    if key is not None:
        from senim.ledger.keys import key_id as id_of, load_public_pem

        from senim.reading import LIMITS, read_bounded

        pem = read_bounded(key, LIMITS["key"], Word("errors.what.public_key"))
        try:
            key_id = id_of(load_public_pem(pem))
        except (OSError, ValueError, TypeError) as error:
            raise InputError(f"{key}: --key: not an Ed25519 public key in PEM ({type(error).__name__})") from None

    from senim.reading import LIMITS, read_bounded

    blob = read_bounded(file, LIMITS["report"], Word("errors.what.report"))  # /dev/zero or a FIFO: refused, not read for ever
    ok, detail = verify(blob, key_id)
    if ok:
        sys.stdout.write(text("assess.verify.ok", lang.value, key_id=detail) + "\n")
        return
    sys.stderr.write(f"senim: {file}: " + text("assess.verify.bad", lang.value, problem=detail) + "\n")
    raise typer.Exit(1)


@app.command()
def init(
    output: Path = typer.Option(Path("senim.yaml"), "--output", "-o", help="Where to write the manifest."),
    force: bool = typer.Option(False, "--force", help="Replace an existing file."),
    lang: Lang = LANG,
) -> None:
    """Answer a few questions and get a senim.yaml; only what matters for your answers is asked."""
    import yaml

    from senim.assessment.init import run_questionnaire
    from senim.errors import InputError
    from senim.i18n import text
    from senim.law.engine import classify
    from senim.manifest import parse_manifest
    from senim.paths import write_atomic
    from senim.report.classification import render_text

    if output.exists() and not force:
        raise InputError(text("assess.init.exists", lang.value, path=output))

    def read() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    def say(line: str) -> None:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    document = run_questionnaire(lang.value, read, say, interactive=sys.stdin.isatty())
    blob = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")
    manifest = parse_manifest(blob, str(output))  # what we write must load
    write_atomic(output, blob)
    sys.stderr.write(text("assess.init.written", lang.value, path=output) + "\n")
    from senim.cli.options import print_rich

    print_rich(render_text(classify(manifest, None, lang.value), lang.value))


class PackKind(str, Enum):
    trusted_list = "trusted-list"
    eu_annex_iv = "eu-annex-iv"
    fria = "fria"


@app.command()
def pack(
    kind: PackKind = typer.Argument(..., help="trusted-list (KZ trusted high-risk list), eu-annex-iv (EU technical documentation), or fria (EU fundamental-rights impact assessment)."),
    manifest: Path = typer.Argument(..., metavar="MANIFEST", help="senim.yaml, or a folder holding one."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="DIR", help="Folder to write the pack to (default pack-KIND)."),
    run_checks: bool = typer.Option(False, "--run-checks", help="Run the evidence section's checks first."),
    submit_on: Optional[str] = typer.Option(None, "--submit-on", metavar="DATE", help="Filing date for the trusted-list timeline (default today)."),
    as_of: Optional[str] = AS_OF,
    lang: Lang = LANG,
    evidence_roots: Optional[list[Path]] = typer.Option(None, "--evidence-root", metavar="DIR", help="Also read evidence paths from DIR (repeatable); by default only from the manifest's folder."),
) -> None:
    """Draft an application pack: the document, filled where Senim knows the answer, marked where a person must write."""
    from senim.assessment import assess as run
    from senim.assessment.packs import build_pack
    from senim.i18n import text
    from senim.manifest import load_manifest
    from senim.paths import write_atomic

    loaded = load_manifest(manifest)
    report = run(loaded, as_of=parse_date(as_of, "--as-of"), lang=lang.value, run_checks=run_checks,
                 evidence_roots=tuple(evidence_roots or ()))
    out = output or Path(f"pack-{kind.value}")
    from senim.paths import write_all_atomic

    files, staged = [], []
    if kind is PackKind.trusted_list:
        for fmt in (FORMATS[name] for name in ("json", "html", "pdf")):
            target = out / f"audit-report.{lang.value}.{fmt.extension}"
            staged.append((target, fmt.render(report, report["manifest"]["path"])))
            files.append(target.name)
    document = build_pack(kind.value, report, loaded, out, lang=lang.value,
                          submit_on=parse_date(submit_on, "--submit-on"), report_files=files)
    name = {"trusted-list": "application", "eu-annex-iv": "annex-iv", "fria": "fria"}[kind.value]
    target = out / f"{name}.{lang.value}.md"
    staged.append((target, document.encode("utf-8")))
    write_all_atomic(staged)  # the pack whole or not at all
    for written in [target, *(out / f for f in files)]:
        sys.stderr.write(text("assess.report_written", lang.value, path=written) + "\n")
