"""`senim scan` and `senim redact`: personal data in files, tables and streams."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from senim.cli.app import app
from senim.cli.options import LANG, Lang

def _type_names(spec: str = "") -> tuple[str, ...]:
    """The shipped types, then an organisation's own (from --recognizers)."""
    import json

    from senim.checks.personal_data.detectors import types

    custom = tuple(r["name"] for r in json.loads(spec)["recognizers"]) if spec else ()
    return types() + custom


def _types(option: str, value: str | None, default: tuple[str, ...], spec: str = "") -> tuple[str, ...]:
    from senim.errors import InputError

    known = _type_names(spec)
    if not value:
        return default
    if value.strip() == "all":
        return known
    chosen = tuple(t.strip() for t in value.split(",") if t.strip())
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise InputError(f"{option}: unknown type {unknown[0]!r} (known: {', '.join(known)})")
    return chosen


def _spec(recognizers: str | None, min_confidence: float | None) -> str:
    from senim.checks.personal_data import recognizers as custom

    spec = custom.load(recognizers) if recognizers else ""
    return custom.with_threshold(spec, min_confidence)


def _print_summary(report: dict, lang: str) -> None:
    from senim.checks.personal_data.summary import in_words

    sys.stdout.write("\n".join(in_words(report, lang)) + "\n")


@app.command(help="Find personal data in files and tables (IIN, BIN, IBAN, cards, phones, names).")
def scan(
    paths: List[str] = typer.Argument(..., help="Files, folders (recursive) or - for standard input."),
    format: str = typer.Option("summary", "--format", help="summary, json or jsonl."),
    types: Optional[str] = typer.Option(None, "--types", help="Comma-separated types to look for (default: all)."),
    show_values: bool = typer.Option(False, "--show-values", help="Print values in full instead of masked."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (default: every core)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Address of a Dask scheduler to run on."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Exit 1 if any finding of these types (or 'all')."),
    include: List[str] = typer.Option([], "--include", help="Glob of files to scan inside folders (repeatable)."),
    exclude: List[str] = typer.Option([], "--exclude", help="Glob of files to skip inside folders (repeatable)."),
    mass_threshold: Optional[int] = typer.Option(
        None, "--mass-threshold", help="Distinct people that make processing 'mass' (default from the law's data, packs/kz/data/personal-data.yaml: 10,000)."),
    evidence: Optional[str] = typer.Option(None, "--evidence", help="Write an evidence record (JSON) to this file."),
    recognizers: Optional[str] = typer.Option(
        None, "--recognizers", help="YAML file of your own recognizers, allow list and threshold."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", help="Drop findings below this (0-1)."),
    lang: Lang = LANG,
) -> None:
    import json
    import os

    from senim.checks.personal_data import sources as src
    from senim.checks.personal_data.scanner import Stitcher, scan as local_scan
    from senim.checks.personal_data.summary import Summary
    from senim.errors import InputError
    from senim.i18n import text

    if format not in ("summary", "json", "jsonl"):
        raise InputError(f"--format: {format!r} is not summary, json or jsonl")
    if workers < 0:
        raise InputError(f"--workers: {workers} is not a number of processes")
    spec = _spec(recognizers, min_confidence)
    chosen = _types("--types", types, _type_names(spec), spec)
    failing = _types("--fail-on", fail_on, (), spec) if fail_on else ()
    need_summary = format != "jsonl" or evidence is not None
    if mass_threshold is None and need_summary:  # the law's data, read only when a summary is made
        from senim.checks.personal_data.summary import mass_threshold_default

        mass_threshold = mass_threshold_default()
    size_classes = []
    if need_summary:  # the law's operator size classes by unique subjects
        from senim.checks.personal_data.summary import operator_size_classes

        size_classes = operator_size_classes()
    summary = Summary(mass_threshold, size_classes)
    notes: list = []
    stitcher = Stitcher([])
    found: dict[str, int] = {}  # type -> findings

    progress = None
    bar = None
    total_bytes = sum(
        os.path.getsize(s.path) for s in src.discover(list(paths), tuple(include), tuple(exclude)) if s.kind not in ("stdin", "special")
    )
    if sys.stderr.isatty() and total_bytes > 64 << 20:
        from rich.progress import Progress

        bar = Progress(transient=True, console=__import__("rich.console").console.Console(stderr=True))
        bar.start()
        job = bar.add_task(text("scan.progress", lang.value), total=max(1, total_bytes // src.CHUNK + 1))
        progress = lambda n: bar.advance(job, n)  # noqa: E731

    if cluster:
        from senim.checks.personal_data.dask_engine import scan_on_cluster

        def findings_iter():
            yield from scan_on_cluster(paths, chosen, address=cluster, include=tuple(include), exclude=tuple(exclude),
                                       notes=notes, progress=progress, stitcher=stitcher, recognizers=spec,
                                       stdin=sys.stdin.buffer)
    else:
        def findings_iter():
            # with --format jsonl and no summary wanted, workers write the lines of text files
            render = show_values if format == "jsonl" and evidence is None else None
            yield from local_scan(paths, chosen, workers=workers or None, include=tuple(include),
                                  exclude=tuple(exclude), notes=notes, progress=progress, stitcher=stitcher,
                                  render=render, recognizers=spec, stdin=sys.stdin.buffer)

    from senim.checks.personal_data.findings import json_line

    collected = []
    write = sys.stdout.write
    buffer: list[str] = []
    try:
        for finding in _with_blocks(findings_iter(), stitcher, write, buffer):
            if finding is None:
                continue
            if need_summary:
                summary.add(finding)
            found[finding.type] = found.get(finding.type, 0) + 1
            if format == "jsonl":
                buffer.append(json_line(finding, show_values))
                if len(buffer) >= 4096:
                    write("".join(buffer))
                    buffer.clear()
            elif format == "json":
                collected.append(finding.as_json(show_values))
        if buffer:
            write("".join(buffer))
    finally:
        if bar is not None:
            bar.stop()
    for kind, path in notes:
        key = "scan.binary_skipped" if kind == "binary" else "scan.special_skipped"
        sys.stderr.write(text(key, lang.value, path=path) + "\n")
    skipped = {path for _kind, path in notes}
    rows = {s.path: stitcher.rows.get(i, 0) for i, s in enumerate(stitcher.sources) if s.path not in skipped}
    report = summary.as_json(rows) if need_summary else None
    if format == "json":
        json.dump({"findings": collected, "summary": report}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif format == "summary":
        _print_summary(report, lang.value)
    sys.stdout.flush()
    for type_, n in stitcher.rendered.items():  # the lines workers wrote
        found[type_] = found.get(type_, 0) + n
    failed = {t: found[t] for t in failing if found.get(t)}
    verdict = "fail" if failed else "pass"
    if evidence:
        from senim.evidence import make_evidence, write_evidence

        inputs = {f"input{i}": p for i, p in enumerate(paths) if p != "-"}
        write_evidence(evidence, make_evidence(
            "personal_data.scan", inputs=inputs,
            parameters={"types": list(chosen), "fail_on": list(failing), "mass_threshold": mass_threshold,
                        "include": list(include), "exclude": list(exclude),
                        "recognizers": json.loads(spec) if spec else None},
            result=report, libraries=("hyperscan", "polars", "pyarrow", "pymorphy3"), verdict=verdict,
        ))
    if failed:
        from senim.checks.personal_data.summary import type_words
        from senim.i18n.formats import format_number

        # in words, as the summary names them; the codes stay in the JSON and the evidence
        listed = ", ".join(f"{type_words(t, lang.value)}: {format_number(n, lang.value)}" for t, n in failed.items())
        sys.stderr.write(text("scan.fail_on", lang.value, count=format_number(sum(failed.values()), lang.value),
                              types=listed) + "\n")
        raise typer.Exit(1)


def _with_blocks(findings, stitcher, write, buffer):
    """Findings, with JSON Lines that workers wrote flushed in order between them."""
    for finding in findings:
        if stitcher.blocks:
            _flush_blocks(stitcher, write, buffer)
        yield finding
    if stitcher.blocks:
        _flush_blocks(stitcher, write, buffer)


def _flush_blocks(stitcher, write, buffer):
    if buffer:
        write("".join(buffer))
        buffer.clear()
    sys.stdout.flush()  # the blocks are bytes: what was written as text goes first
    sys.stdout.buffer.write(b"".join(stitcher.blocks))
    stitcher.blocks.clear()


@app.command(help="Write a copy with the personal data found replaced by masks or keyed pseudonyms.")
def redact(
    source: str = typer.Argument(..., help="A file (text, CSV, Parquet, .gz) or a folder."),
    output: str = typer.Option(..., "-o", "--output", help="Where to write the redacted copy."),
    mode: str = typer.Option("mask", "--mode", help="mask or pseudonym."),
    key_file: Optional[str] = typer.Option(None, "--key-file", help="Pseudonym key file (else $SENIM_PSEUDONYM_KEY)."),
    types: Optional[str] = typer.Option(None, "--types", help="Comma-separated types to replace (default: all)."),
    recognizers: Optional[str] = typer.Option(
        None, "--recognizers", help="YAML file of your own recognizers, allow list and threshold."),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", help="Leave findings below this (0-1)."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file, or files already in the output folder."),
    lang: Lang = LANG,
) -> None:
    import os

    from senim.checks.personal_data import sources as src
    from senim.checks.personal_data.redact import load_key, redact_file
    from senim.errors import InputError
    from senim.i18n import text

    spec = _spec(recognizers, min_confidence)
    chosen = _types("--types", types, _type_names(spec), spec)
    if mode not in ("mask", "pseudonym"):
        raise InputError(f"--mode: {mode!r} is not mask or pseudonym")
    key = load_key(key_file) if mode == "pseudonym" else None
    here, there = os.path.realpath(source), os.path.realpath(output)
    if there == here or (os.path.isdir(source) and there.startswith(here + os.sep)):
        raise InputError(f"{output}: the output must not be the input or inside it (the originals would be overwritten)")
    if os.path.isdir(source):
        pairs = []
        for s in src.discover([source]):
            if s.kind == "special":
                sys.stderr.write(text("scan.special_skipped", lang.value, path=s.path) + "\n")
                continue
            if src.is_binary(s.path):
                sys.stderr.write(text("scan.binary_skipped", lang.value, path=s.path) + "\n")
                continue
            pairs.append((s.path, os.path.join(output, os.path.relpath(s.path, source))))
        existing = [target for _path, target in pairs if os.path.lexists(target)]
        if existing and not force:
            raise InputError(f"{existing[0]}: already exists ({len(existing)} of the {len(pairs)} files to write "
                             "are in the output folder); nothing was written: give --force to overwrite them")
    elif os.path.exists(source):
        if os.path.lexists(output) and not force:  # as for a folder: another file is never replaced unasked
            raise InputError(f"{output}: already exists; nothing was written: give --force to overwrite it")
        pairs = [(source, output)]
    else:
        raise InputError(f"{source}: no such file or folder")
    for path, target in pairs:
        count = redact_file(path, target, chosen, mode, key, recognizers=spec)
        sys.stderr.write(text("scan.redacted", lang.value, target=target, count=count) + "\n")
