"""`senim fairness`: group metrics, disparities and intervals of a decision log."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from senim.cli.app import app
from senim.cli.options import Lang



class FairnessFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


@app.command()
def fairness(
    data: Path = typer.Argument(..., help="Decision log: CSV, Parquet, JSON Lines, or a folder of Parquet files."),
    target: str = typer.Option(..., "--target", help="Column with the true outcome (0/1)."),
    prediction: str = typer.Option(..., "--prediction", help="Column with the system's decision (0/1)."),
    sensitive: str = typer.Option(..., "--sensitive", help="Sensitive column(s), comma-separated; several give intersectional groups."),
    score: Optional[str] = typer.Option(None, "--score", help="Column with the model's score, for ROC AUC."),
    output_format: FairnessFormat = typer.Option(FairnessFormat.text, "--format", help="Output format."),
    bootstrap: int = typer.Option(1000, "--bootstrap", help="Bootstrap replicates for the 95% intervals (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap."),
    min_group: int = typer.Option(30, "--min-group", help="Warn about groups with fewer rows."),
    max_difference: Optional[float] = typer.Option(None, "--max-difference", help="CI gate: exit 1 when a disparity difference exceeds this."),
    min_ratio: Optional[float] = typer.Option(None, "--min-ratio", help="CI gate: exit 1 when a disparity ratio is below this (0.8: the four-fifths rule)."),
    max_groups: int = typer.Option(1000, "--max-groups", help="Refuse sensitive columns that make more groups."),
    cluster: Optional[str] = typer.Option(None, "--cluster", help="Address of a Dask scheduler to count on."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Count on a local Dask cluster of this many worker processes."),
    evidence: Optional[Path] = typer.Option(None, "--evidence", help="Write the result as evidence JSON to this file."),
    show_values: bool = typer.Option(False, "--show-values", help="Show group values that are personal data (an IIN, a name) as they are; masked by default."),
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the report."),
) -> None:
    """Fairness of a decision log: per-group metrics, disparities (Fairlearn's definitions), 95% intervals."""
    import json

    from senim.checks.fairness import assess
    from senim.checks.fairness.render import to_html, to_text
    from senim.errors import InputError
    from senim.i18n import text

    if workers is not None and workers < 1:
        raise InputError(f"--workers: {workers} is not a positive number of workers")
    if min_group < 0 or max_groups < 1:
        raise InputError("--min-group and --max-groups must be positive")
    if min_ratio is not None and not 0 <= min_ratio <= 1:
        raise InputError(f"--min-ratio: {min_ratio} is not between 0 and 1")
    if max_difference is not None and max_difference < 0:
        raise InputError(f"--max-difference: {max_difference} is negative")
    columns = [c.strip() for c in sensitive.split(",") if c.strip()]
    result = assess(
        data, target=target, prediction=prediction, sensitive=columns, score=score,
        bootstrap=bootstrap, seed=seed, min_group=min_group, max_difference=max_difference,
        min_ratio=min_ratio, max_groups=max_groups, cluster=cluster, workers=workers, lang=lang.value,
        show_values=show_values,
    )
    if evidence is not None:
        from senim.evidence import make_evidence, write_evidence

        parameters = {
            "target": target, "prediction": prediction, "sensitive": columns, "score": score,
            "bootstrap": bootstrap, "seed": seed, "min_group": min_group,
            "max_difference": max_difference, "min_ratio": min_ratio, "max_groups": max_groups,
            "engine": "dask" if (cluster or workers) else "polars",
        }
        if show_values:
            parameters["show_values"] = True
        write_evidence(evidence, make_evidence(
            "fairness", inputs={"data": data}, parameters=parameters, result=result,
            libraries=["polars", "numpy", "pyarrow"] + (["dask", "distributed"] if (cluster or workers) else []),
            verdict=result["verdict"],
        ))
    if output_format is FairnessFormat.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    elif output_format is FairnessFormat.html:
        sys.stdout.write(to_html(result, lang.value))
    else:
        sys.stdout.write(to_text(result, lang.value))
    gates = ("max_difference", "min_ratio")
    failed = [c for c in result["checks"] if c["name"] in gates and c["passed"] is False]
    failed += [c for part in result.get("by_column", []) for c in part["checks"] if c["name"] in gates and c["passed"] is False]
    for check in failed:
        key = "fairness.gate_failed" if check["name"] == "max_difference" else "fairness.gate_failed_ratio"
        sys.stderr.write(text(key, lang.value, metric=check["metric"], value=check["value"],
                              threshold=check["threshold"]) + "\n")
    if failed:
        raise typer.Exit(1)
