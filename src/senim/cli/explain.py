"""`senim explain`: why a model decides as it does, and a letter for one decision."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import Lang



class ExplainFormat(str, Enum):
    text = "text"
    json = "json"


def _read_ids(path: Path) -> list[str]:
    from senim.errors import InputError, Word
    from senim.reading import LIMITS, read_bounded

    data = read_bounded(path, LIMITS["row_ids"], Word("errors.what.list_of_rows"))  # a FIFO or a device: refused, never waited on
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: cannot be read ({type(error).__name__})") from None
    ids = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not ids:
        raise InputError(f"{path}: lists no rows")
    return ids


def to_text(result: dict, lang: str) -> str:
    from senim.i18n import text

    lines = [text("explain.heading_global", lang)]
    width = max(len(f["feature"]) for f in result["global"]["features"])
    for f in result["global"]["features"]:
        lines.append(f"  {f['feature']:{width}}  {f['importance_mean']:8.4f} ± {f['importance_std']:.4f}")
    for d in result["decisions"]:
        lines += ["", text("explain.heading_local", lang, row=d["row"], method=d["method"], base=d["base_value"],
                           output=d["model_output"], scale=d["output"])]
        w = max(len(c["feature"]) for c in d["contributions"])
        for c in d["contributions"]:
            lines.append(f"  {c['feature']:{w}}  {str(c['value']):>12}  {c['contribution']:+.4f}")
        if d.get("letter"):
            lines += ["", text("explain.heading_letter", lang), "", d["letter"]]
    return "\n".join(lines) + "\n"


def text_of(key: str, lang: str, **values) -> str:
    from senim.i18n import text

    return text(key, lang, **values)


def _letter_context(model: Path, data: Path, labels: Optional[Path], manifest: Optional[Path],
                    decided_at: Optional[str]):
    """The owner's words and facts for the letter, read before any work is done."""
    from senim.checks.explain.letter import Context
    from senim.errors import InputError
    from senim.evidence import file_sha256
    from senim.letters import load_labels

    context = Context()
    if labels is not None:
        context.labels = load_labels(labels)
    place = manifest or (model.parent / "senim.yaml")
    if manifest is not None or place.is_file():
        from senim.manifest import load_manifest

        loaded = load_manifest(place)
        context.manifest = loaded.data
        for answer in (loaded.raw.get("evidence") or {}).values():  # columns its fairness checks call sensitive
            for item in answer if isinstance(answer, list) else [answer]:
                if isinstance(item, dict) and item.get("check") == "fairness":
                    marked = item.get("sensitive")
                    context.marked_sensitive += [marked] if isinstance(marked, str) else list(marked or [])
    if decided_at is not None:
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(decided_at.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"--decided-at: {decided_at!r} is not an ISO 8601 moment (2026-11-20T10:15:00+05:00)") from None
        if moment.tzinfo is None:
            raise InputError(f"--decided-at: {decided_at!r} has no offset; write it with one (+05:00 for Kazakhstan)")
        context.decided_at = moment.isoformat()
    context.record = [("model", model.name), ("model_sha256", file_sha256(model)), ("data_sha256", file_sha256(data))]
    return context


def _warn_sensitive(result: dict, context, lang: str) -> None:
    """Warn the owner, before the letters are shown, of reasons that are sensitive attributes."""
    from senim.letters import sensitive_warning, t

    for decision in result.get("decisions", []):
        if decision.get("sensitive_reasons"):
            sys.stderr.write(f"{decision['row']}: " + sensitive_warning(
                decision["sensitive_reasons"], context.labels if context else None, lang, t(lang, "the_owner_warned")) + "\n")


@app.command()
def explain(
    model: Path = typer.Argument(..., help="Model file saved with skops (.skops)."),
    data: Path = typer.Argument(..., help="Data the model decided on: CSV, Parquet or JSON Lines."),
    row: Optional[str] = typer.Option(None, "--row", help="Explain this decision (value of the id column, or row number)."),
    rows: Optional[Path] = typer.Option(None, "--rows", help="File listing decisions to explain, one id a line."),
    id_column: Optional[str] = typer.Option(None, "--id-column", help="Column that identifies a decision (default: 'id' or a column ending in '_id')."),
    target: Optional[str] = typer.Option(None, "--target", help="Column with true outcomes, for permutation importance against them."),
    output_format: ExplainFormat = typer.Option(ExplainFormat.text, "--format", help="Output format."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the letter."),
    trust_model: bool = typer.Option(False, "--trust-model", help="Load pickle/joblib files or unreviewed types (runs code from the file)."),
    seed: int = typer.Option(0, "--seed", help="Seed for the permutations and background sample."),
    repeats: int = typer.Option(10, "--repeats", help="Shuffles per feature for permutation importance."),
    evidence: Optional[Path] = typer.Option(None, "--evidence", help="Write the result as evidence JSON to this file."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="The owner's label table for the letter (default: model.labels.yaml beside the model)."),
    manifest: Optional[Path] = typer.Option(None, "--manifest", help="The system's senim.yaml: the owner's name and contact for the letter (default: senim.yaml beside the model)."),
    decided_at: Optional[str] = typer.Option(None, "--decided-at", help="When the decision was made (ISO 8601; default: now), told in Kazakhstan's time."),
) -> None:
    """Explain a model: permutation importance, SHAP contributions for single decisions, a letter in kk/ru/en."""
    import json

    from senim.checks.explain import explain as run_explain
    from senim.errors import InputError

    if row is not None and rows is not None:
        raise InputError("--row and --rows: give one or the other")
    if repeats < 1:
        raise InputError(f"--repeats: {repeats} is not a positive number")
    wanted = [row] if row is not None else (_read_ids(rows) if rows is not None else [])
    context = _letter_context(model, data, labels, manifest, decided_at) if wanted else None
    result = run_explain(model, data, rows=wanted, id_column=id_column, target=target,
                         trust_model=trust_model, lang=lang.value, seed=seed, repeats=repeats, context=context)
    _warn_sensitive(result, context, lang.value)
    if wanted and any(d.get("letter") is None for d in result["decisions"]):
        from senim.letters import labels_beside

        sys.stderr.write(text_of("explain.no_labels", lang.value, path=labels_beside(model)) + "\n")
    if evidence is not None:
        from senim.evidence import make_evidence, write_evidence

        write_evidence(evidence, make_evidence(
            "explain", inputs={"model": model, "data": data},
            parameters={"rows": wanted, "id_column": result["id_column"], "target": target, "seed": seed,
                        "repeats": repeats, "lang": lang.value, "trust_model": trust_model},
            result=result, libraries=["scikit-learn", "shap", "skops", "numpy", "polars"],
        ))
    if output_format is ExplainFormat.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        sys.stdout.write(to_text(result, lang.value))
