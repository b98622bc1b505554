"""A check run: its result, its evidence record and its verdict, made in one place.

The public functions (`senim.fairness`, ...), the CLI's ``--evidence`` files
and ``senim assess --run-checks`` all take a check's evidence from here, so
that it has one shape (`senim.evidence.make_evidence`) and one verdict rule
wherever the check is run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

__all__ = ["Run", "fairness", "explain", "verify", "audit_verdict", "AUDIT_FAILURES"]

FAIRNESS_LIBRARIES = ("polars", "numpy", "pyarrow")
EXPLAIN_LIBRARIES = ("scikit-learn", "shap", "skops", "numpy", "polars")
PROVENANCE_LIBRARIES = ("c2pa-python", "pillow")

# A folder's audit fails when one of these lists a file (as `senim verify --report` exits 1);
# the rule itself is `senim.provenance.verification.folder_verdict`.
AUDIT_FAILURES = ("altered", "invalid", "unsigned", "unlabelled", "unreadable")


@dataclass(frozen=True)
class Run:
    """One run of one check: `result` (its JSON), `evidence` (the record an
    auditor reruns it from) and `verdict` (``pass``, ``fail``, or None when
    the check sets no gate)."""

    result: dict[str, Any]
    evidence: dict[str, Any]
    verdict: str | None


def _evidence(check: str, inputs: dict[str, Any], parameters: dict[str, Any], result: dict[str, Any],
              libraries: Sequence[str], verdict: str | None) -> dict[str, Any]:
    from senim.evidence import make_evidence

    return make_evidence(check, inputs=inputs, parameters=parameters, result=result, libraries=libraries,
                         verdict=verdict)


def fairness(data: Any, *, target: str, prediction: str, sensitive: Sequence[str], score: str | None = None,
             bootstrap: int = 1000, seed: int = 0, min_group: int = 30, max_difference: float | None = None,
             max_groups: int = 1000, cluster: str | None = None, workers: int | None = None, lang: str = "en",
             inputs: dict[str, Any] | None = None, min_ratio: float | None = None,
             show_values: bool = False) -> Run:
    """The fairness check of a decision log (a path, or a table in memory);
    `inputs` replaces the evidence's record of what it ran on; group values
    that are personal data are masked unless `show_values`."""
    from senim.checks.fairness import assess
    from senim.checks.fairness.source import table_kind

    result = assess(data, target=target, prediction=prediction, sensitive=sensitive, score=score,
                    bootstrap=bootstrap, seed=seed, min_group=min_group, max_difference=max_difference,
                    min_ratio=min_ratio, max_groups=max_groups, cluster=cluster, workers=workers, lang=lang,
                    show_values=show_values)
    if inputs is None:
        if table_kind(data) is None:
            inputs = {"data": data}
        else:
            from senim.evidence import table_input

            inputs = {"data": table_input(data, [target, prediction, *sensitive, *([score] if score else [])])}
    distributed = bool(cluster or workers)
    parameters = {"target": target, "prediction": prediction, "sensitive": list(sensitive), "score": score,
                  "bootstrap": bootstrap, "seed": seed, "min_group": min_group, "max_difference": max_difference,
                  "min_ratio": min_ratio, "max_groups": max_groups, "engine": "dask" if distributed else "polars"}
    if show_values:
        parameters["show_values"] = True
    libraries = list(FAIRNESS_LIBRARIES) + (["dask", "distributed"] if distributed else [])
    verdict = result["verdict"]
    return Run(result, _evidence("fairness", inputs, parameters, result, libraries, verdict), verdict)


def explain(model: Any, data: Any, *, rows: Sequence[str] = (), id_column: str | None = None,
            target: str | None = None, trust_model: bool = False, lang: str = "en", seed: int = 0,
            repeats: int = 10, inputs: dict[str, Any] | None = None) -> Run:
    """Explanations of a model's decisions; no gate, so no verdict."""
    from senim.checks.explain import explain as run

    wanted = list(rows)
    result = run(model, data, rows=wanted, id_column=id_column, target=target, trust_model=trust_model,
                 lang=lang, seed=seed, repeats=repeats)
    parameters = {"rows": wanted, "id_column": result["id_column"], "target": target, "seed": seed,
                  "repeats": repeats, "lang": lang, "trust_model": trust_model}
    inputs = inputs if inputs is not None else {"model": model, "data": data}
    return Run(result, _evidence("explain", inputs, parameters, result, EXPLAIN_LIBRARIES, None), None)


def audit_verdict(summary: dict[str, list]) -> str | None:
    """``fail`` when a file is altered, invalid, unsigned, unlabelled or
    unreadable; ``pass`` when at least one is labelled and valid and none
    fails; None when there was nothing to check (the provenance area's
    `folder_verdict`, so that every door decides alike)."""
    from senim.provenance.verification import folder_verdict

    return folder_verdict(summary)


def verify(path: Any, *, trust_anchors: str | None = None, max_bytes: int | None = None,
           inputs: dict[str, Any] | None = None, media_type: str | None = None, name: str | None = None) -> Run:
    """The labels of one file (passes when AI-labelled and its state is valid or
    untrusted) or the audit of a folder (`audit_verdict`); `path` may be the
    content's bytes, named `name`, of type `media_type`."""
    from senim.provenance.formats import DEFAULT_MAX_BYTES
    from senim.provenance.verification import folder_verdict, outcome, summarise
    from senim.provenance.verification import verify as check

    limit = max_bytes or DEFAULT_MAX_BYTES
    if isinstance(path, (bytes, bytearray, memoryview)):
        import hashlib

        data = bytes(path)
        result = check(data, media_type=media_type, trust_anchors=trust_anchors, max_bytes=limit,
                       name=name).to_dict()
        verdict = folder_verdict(summarise([result]))
        inputs = inputs if inputs is not None else {
            "content": {"path": result["path"], "sha256": hashlib.sha256(data).hexdigest()}}
    else:
        path = Path(path)
        if media_type is not None and not path.is_dir():
            result = check(path, media_type=media_type, trust_anchors=trust_anchors, max_bytes=limit).to_dict()
            verdict = folder_verdict(summarise([result]))
        else:
            result, _, verdict = outcome(path, trust_anchors=trust_anchors, max_bytes=limit)
        inputs = inputs if inputs is not None else {"path": path}
    parameters = {"trust_anchors": trust_anchors is not None, "max_bytes": limit}
    if media_type is not None:
        parameters["media_type"] = media_type
    return Run(result, _evidence("provenance.verify", inputs, parameters, result, PROVENANCE_LIBRARIES, verdict),
               verdict)
