"""The checks as jobs: a personal-data scan and a fairness check of an uploaded
data file, and an assessment report rendered as PDF.

An uploaded data file is kept content-addressed (`evidence.keep_file`, the
store evidence uses) and reached through a link that gives it its kind
(`FILES/data/<SHA-256>.csv` -> `../sha256/..`): the checks tell CSV, Parquet
and JSON Lines apart by the suffix, and a Dask cluster whose workers share
the files folder reads the same path. Each check runs through the library
as `senim scan` and `senim fairness` run it (on `jobs.CLUSTER` when the door
names one), and ends in one ledger entry naming who asked: `evidence.added`
when an obligation was named (its evidence record, kept as evidence of that
obligation, which `senim assess` then reads), else `check.recorded`. The
scan's result is counts only (a finding's value is never kept); a fairness
result shows group values masked when they are personal data.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from senim.errors import Codes, InputError, Word, Written
from senim.registry.jobs import kind
from senim.registry.tenancy import Actor

LANGS = ("kk", "ru", "en")
# the suffixes the checks read a data file by; a name's own suffix is kept when it is one of them
DATA_SUFFIXES = (".csv", ".tsv", ".parquet", ".jsonl", ".ndjson", ".txt")
TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".jsonl", ".ndjson")


def data_suffix(path: Path, media_type: str, file_name: str) -> str:
    """The suffix the checks read an upload by: Parquet by its content; text by
    its name's suffix when it is a data one, else JSON Lines when the first line
    is a JSON object, else plain text."""
    if media_type == "application/vnd.apache.parquet":
        return ".parquet"
    suffix = Path(file_name).suffix.lower()
    if suffix in DATA_SUFFIXES and suffix != ".parquet":
        return suffix
    with open(path, "rb") as handle:
        first = handle.readline(65536).strip()
    try:
        return ".jsonl" if isinstance(json.loads(first), dict) else ".txt"
    except ValueError:
        return ".txt"


def data_file(files: Path, sha256: str, suffix: str) -> Path:
    """The kept file under a name with its kind: a relative link, made once."""
    link = Path(files) / "data" / f"{sha256}{suffix}"
    if not link.is_symlink():
        link.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            os.symlink(Path("..") / "sha256" / sha256[:2] / sha256, link)
        except FileExistsError:
            pass
    return link


def keep_data(files: Path, upload: Path, sha256: str, media_type: str, file_name: str) -> dict[str, Any]:
    """Keep a checked upload; the job's parameters that name it."""
    from senim.registry.evidence import keep_file

    suffix = data_suffix(upload, media_type, file_name)
    keep_file(files, upload, sha256)
    data_file(files, sha256, suffix)
    return {"sha256": sha256, "suffix": suffix, "file_name": file_name}


def check_obligation(obligation: str | None) -> str | None:
    from senim.registry.evidence import known_obligations

    obligation = (obligation or "").strip() or None
    if obligation is not None and obligation not in known_obligations():
        raise InputError.said("errors.job.not_an_obligation", field="obligation", shown=Written(obligation))
    return obligation


def named_as(error: InputError, path: Path | str, name: str, field: str | None = None) -> InputError:
    """`error` naming the file as the user gave it (`name`), not by the server's
    `path`; its sentence, in every language, when the path is only its place."""
    path = str(path)
    if error.key is None or error.file != path or any(path in str(v) for v in error.values.values()):
        return InputError(str(error).replace(path, name), field=field)
    return InputError.said("errors.job.in_file", field=field, error=error.placed(file=name, line=error.line,
                                                                                 field=error.field))


def fairness_params(path: Path, file_name: str, suffix: str, fields: dict[str, str]) -> dict[str, Any]:
    """The fairness job's parameters from a form, its columns checked against
    the header of the file at `path` now (a missing one is an InputError
    naming its field); `file_name` is how messages name the file."""
    from senim.checks.fairness.source import open_log

    def one(name: str, required: bool = True) -> str | None:
        value = (fields.get(name) or "").strip()
        if required and not value:
            raise InputError.said("errors.job.column_required", field=name)
        return value or None

    target, prediction, score = one("target"), one("prediction"), one("score", required=False)
    sensitive = [c.strip() for c in (fields.get("sensitive") or "").split(",") if c.strip()]
    if not sensitive:
        raise InputError.said("errors.job.columns_required", field="sensitive")
    limit = (fields.get("max_difference") or "").strip()
    try:
        max_difference = float(limit) if limit else None
    except ValueError:
        raise InputError.said("errors.job.not_a_number", field="max_difference", shown=Written(limit)) from None
    if max_difference is not None and not 0 <= max_difference <= 1:
        raise InputError.said("errors.job.not_a_share", field="max_difference", shown=limit)
    if suffix not in TABLE_SUFFIXES:
        raise InputError.said("errors.job.not_a_table", field="file", name=file_name)
    try:
        _frame, schema, _kind, _files = open_log(path)
    except InputError as error:
        raise named_as(error, path, file_name, "file") from None
    names = list(schema.names())
    for field_name, column in (("target", target), ("prediction", prediction), ("score", score),
                               *(("sensitive", c) for c in sensitive)):
        if column is not None and column not in names:
            raise InputError.said("errors.job.no_column", field=field_name, column=Written(column), name=file_name,
                                  columns=Codes(names[:12]), more=", ..." if len(names) > 12 else "")
    return {"target": target, "prediction": prediction, "sensitive": sensitive, "score": score,
            "max_difference": max_difference}


def _record(db, files: Path, actor: Actor, params: dict[str, Any], evidence: dict[str, Any],
            summary: dict[str, Any]) -> dict[str, Any]:
    """The check's one ledger entry: its evidence kept for the obligation named, else the check recorded."""
    from senim.registry.tenancy import ledger

    if params.get("obligation"):
        from senim.registry.evidence import add_evidence

        blob = json.dumps(evidence, ensure_ascii=False, indent=2, sort_keys=True, default=str).encode("utf-8") + b"\n"
        folder = Path(files) / "incoming"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(dir=folder, prefix=".check-")
        with os.fdopen(handle, "wb") as out:
            out.write(blob)
        import hashlib

        kept = add_evidence(db, files, actor, system=params["system"], obligation=params["obligation"],
                            upload=Path(name), sha256=hashlib.sha256(blob).hexdigest(), size=len(blob),
                            media_type="application/json",
                            file_name=f"{evidence['check']}-{Path(params['file_name']).stem}.json")
        return {"evidence": kept["id"], "ledger_seq": kept["ledger_seq"]}
    data = {"check": evidence["check"], "system": params["system"], "data": evidence["inputs"]["data"],
            "verdict": evidence["verdict"], **summary}
    with db.write() as conn:
        entry = ledger(conn, "check.recorded", data, actor.org, actor)
    return {"evidence": None, "ledger_seq": entry.seq}


def _system(db, params: dict[str, Any], actor: Actor) -> None:
    from senim.registry.systems import show

    show(db, params["system"], actor=actor)  # NotFound when it is gone, or never the organisation's


@kind("scan")
def scan_data(db, files: Path, actor: Actor, params: dict[str, Any], progress=lambda message: None) -> dict:
    """Personal data in an uploaded file (params: system, sha256, suffix,
    file_name, obligation): the summary in words in each language and the
    findings by type, counts only."""
    from senim.checks.personal_data.scanner import Stitcher, scan
    from senim.checks.personal_data.summary import Summary, in_words, mass_threshold_default, operator_size_classes
    from senim.evidence import make_evidence
    from senim.registry import jobs

    _system(db, params, actor)
    path = str(data_file(files, params["sha256"], params["suffix"]))
    progress("scanning")
    summary = Summary(mass_threshold_default(), operator_size_classes())
    stitcher, notes, by_type = Stitcher([]), [], {}
    if jobs.CLUSTER:
        from senim.checks.personal_data.dask_engine import scan_on_cluster

        found = scan_on_cluster([path], address=jobs.CLUSTER, notes=notes, stitcher=stitcher)
    else:
        found = scan([path], workers=1, notes=notes, stitcher=stitcher)
    for finding in found:  # values stay here: the summary keeps counts only
        summary.add(finding)
        by_type[finding.type] = by_type.get(finding.type, 0) + 1
    rows = {s.path: stitcher.rows.get(i, 0) for i, s in enumerate(stitcher.sources)}
    report = summary.as_json(rows)
    for entry in report["files"]:
        entry["path"] = params["file_name"]  # the server's path is nobody's business
    data = {"path": params["file_name"], "sha256": params["sha256"]}
    evidence = make_evidence("personal_data.scan", inputs={"data": data},
                             parameters={"types": "all", "mass_threshold": report["total"]["mass_threshold"],
                                         "engine": "dask" if jobs.CLUSTER else "local"},
                             result=report, libraries=("hyperscan", "polars", "pyarrow", "pymorphy3"), verdict="pass")
    progress("recording")
    kept = _record(db, files, actor, params, evidence,
                   {"findings": report["total"]["findings"], "by_type": dict(sorted(by_type.items()))})
    return {"system": params["system"], "file_name": params["file_name"], "findings": report["total"]["findings"],
            "by_type": dict(sorted(by_type.items())), "distinct_people": report["total"]["distinct_people"],
            "mass_processing": report["total"]["mass_processing"], "summary": report,
            "words": {lang: in_words(report, lang) for lang in LANGS}, **kept}


@kind("fairness")
def fairness_of_data(db, files: Path, actor: Actor, params: dict[str, Any], progress=lambda message: None) -> dict:
    """Group fairness of an uploaded decision log (params: system, sha256,
    suffix, file_name, target, prediction, sensitive, score, max_difference,
    obligation, lang): `senim.fairness`'s result, and its verdict."""
    from senim import fairness
    from senim.registry import jobs

    _system(db, params, actor)
    lang = params.get("lang") if params.get("lang") in LANGS else "en"
    path = data_file(files, params["sha256"], params["suffix"])
    progress("measuring")
    try:
        run = fairness(path, target=params["target"], prediction=params["prediction"], sensitive=params["sensitive"],
                       score=params.get("score"), max_difference=params.get("max_difference"),
                       cluster=jobs.CLUSTER, lang=lang)
    except InputError as error:  # named by the file the user gave, not the server's path
        raise named_as(error, path, params["file_name"]) from None
    evidence = dict(run.evidence)
    evidence["inputs"] = {"data": {"path": params["file_name"], "sha256": params["sha256"]}}
    result = run.to_dict()
    progress("recording")
    kept = _record(db, files, actor, params, evidence,
                   {"disparities": {k: result["disparities"].get(k) for k in
                                    ("demographic_parity_difference", "equalized_odds_difference")}})
    return {"system": params["system"], "file_name": params["file_name"], "verdict": run.verdict,
            "fairness": result, **kept}


@kind("pdf")
def report_pdf(db, files: Path, actor: Actor, params: dict[str, Any], progress=lambda message: None) -> dict:
    """An assessment's report rendered as PDF (params: assessment), kept in the
    files store; the file's hash and name."""
    import hashlib

    from senim.registry.assessments import get_assessment
    from senim.registry.evidence import keep_file
    from senim.report import FORMATS

    record = get_assessment(db, params["assessment"], actor)
    progress("rendering")
    found = FORMATS["pdf"]
    blob = found.render(record["report"], record["report"]["manifest"]["path"])
    sha256 = hashlib.sha256(blob).hexdigest()
    folder = Path(files) / "incoming"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, name = tempfile.mkstemp(dir=folder, prefix=".pdf-")
    with os.fdopen(handle, "wb") as out:
        out.write(blob)
    keep_file(files, Path(name), sha256)
    return {"assessment": record["id"], "system": record["system"], "sha256": sha256, "size": len(blob),
            "media_type": found.media_type, "file_name": f"{record['system']}.{record['lang']}.{found.extension}"}


def job_file(db, files: Path, number: int, actor: Actor) -> dict[str, Any]:
    """The file a finished job made (a PDF): its path, type and name; NotFound
    for a job of another organisation, InputError while it is not ready."""
    from senim.registry import jobs
    from senim.registry.evidence import stored_path

    job = jobs.get(db, number, actor)
    result = job["result"] or {}
    if job["status"] != "done" or "sha256" not in result or "media_type" not in result:
        state = job["status"] if job["status"] != "done" else "done_without_file"
        raise InputError.said("errors.job.no_file", field="job_id", number=number, state=Word(f"errors.job.state.{state}"))
    return {"path": stored_path(files, result["sha256"]), "media_type": result["media_type"],
            "file_name": result["file_name"]}
