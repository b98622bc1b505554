"""The results of the public functions: small typed records.

Each has `to_dict()`, the JSON the CLI prints (the JSON schemas under
`senim/schemas/` and `docs/` stay the contract), and `from_dict()` to read
that JSON back. Fields follow the JSON's keys, in its order.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

__all__ = ["Result", "Classification", "Assessment", "Fairness", "Explanation", "Verification", "Audit",
           "Labelling", "CheckRun"]

_OPTIONAL = {"optional": True}  # left out of to_dict() when None
_NOT_JSON = {"json": False}  # kept beside the JSON, not in it


@dataclass(frozen=True)
class Result:
    """A result with `to_dict()` (today's JSON) and `from_dict()` (back)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON of this result, as a new dict (changing it changes nothing here)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            if not f.metadata.get("json", True):
                continue
            value = getattr(self, f.name)
            if value is None and f.metadata.get("optional"):
                continue
            out[f.name] = _json(value)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], **beside: Any):
        """The result of this JSON; `beside` gives the fields that are not in it."""
        names = {f.name for f in fields(cls) if f.metadata.get("json", True)}
        return cls(**{k: copy.deepcopy(v) for k, v in data.items() if k in names}, **beside)


def _json(value: Any) -> Any:
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, date):
        return value.isoformat()
    return copy.deepcopy(value)


# ----------------------------------------------------------------- the law


@dataclass(frozen=True)
class Classification(Result):
    """A system's classification under every rule pack, on one date.

    Attributes
    ----------
    system, name : str
        The manifest's ``id`` and ``name``.
    as_of : datetime.date
        The day the law was applied as in force.
    law_versions : dict
        Pack name -> version of the pack applied (the consolidated version in force on as_of).
    law_acts : dict
        Pack name -> the acts that version consolidates, base act first.
    regimes : dict
        Pack name (``kz``, ``eu``) -> that law's verdict: whether it
        applies, the risk level or category, its obligations and upcoming
        obligations, and the pack's own fields.
    trace : list of dict
        Every rule that fired: its id, citation, why, confidence and title.
    """

    system: str
    name: str
    as_of: date
    law_versions: dict[str, str]
    regimes: dict[str, dict[str, Any]]
    trace: list[dict[str, Any]]
    law_acts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``classification.schema.json``."""
        return {"system": self.system, "name": self.name, "as_of": self.as_of.isoformat(),
                "law_versions": dict(self.law_versions), "law_acts": copy.deepcopy(self.law_acts),
                **copy.deepcopy(self.regimes), "trace": copy.deepcopy(self.trace)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Classification":
        known = {"system", "name", "as_of", "law_versions", "law_acts", "trace"}
        return cls(system=data["system"], name=data["name"], as_of=date.fromisoformat(data["as_of"]),
                   law_versions=dict(data["law_versions"]), law_acts=copy.deepcopy(data.get("law_acts") or {}),
                   regimes={k: copy.deepcopy(v) for k, v in data.items() if k not in known},
                   trace=copy.deepcopy(data["trace"]))

    @property
    def obligations(self) -> list[dict[str, Any]]:
        """What is owed on `as_of`, every regime's, each with its ``law``."""
        return [{"law": law, **o} for law, part in self.regimes.items() for o in part.get("obligations") or []]

    @property
    def upcoming_obligations(self) -> list[dict[str, Any]]:
        """What will be owed later, each with its ``law`` and ``applies_from``."""
        return [{"law": law, **o} for law, part in self.regimes.items()
                for o in part.get("upcoming_obligations") or []]

    def __getitem__(self, key: str) -> Any:
        """``result["kz"]["risk"]``: the JSON's keys, read in place."""
        return self.to_dict()[key]


@dataclass(frozen=True)
class Assessment(Result):
    """Every obligation of a system joined with its evidence (``docs/assessment.md``).

    `verdict` is ``compliant``, ``gaps`` or ``blocked``; `blocking` lists the
    obligations whose gap blocks a release, `gaps` every gap in order of
    what is at stake; `obligations` holds each with its status, reason,
    evidence and next step.
    """

    report_format: str
    generated: str
    senim_version: str
    lang: str
    manifest: dict[str, Any]
    as_of: str
    checks_run: bool
    classification: Classification
    summary: dict[str, int]
    verdict: str
    blocking: list[str]
    gaps: list[str]
    obligations: list[dict[str, Any]]
    charts: list[dict[str, Any]]
    counts: dict[str, int] | None = field(default=None, metadata=_OPTIONAL)
    headline: str | None = field(default=None, metadata=_OPTIONAL)
    ledger: dict[str, Any] | None = field(default=None, metadata=_OPTIONAL)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Assessment":
        data = dict(data)
        data["classification"] = Classification.from_dict(data["classification"])
        names = {f.name for f in fields(cls)}
        return cls(**{k: copy.deepcopy(v) if k != "classification" else v for k, v in data.items() if k in names})

    @property
    def exit_code(self) -> int:
        """1 when a gap blocks a release, else 0 (what `senim assess` exits with)."""
        return 1 if self.blocking else 0

    def render(self, format: str = "json") -> bytes:
        """The report in one of `senim.report.FORMATS` (``json`` is signed), as its file's bytes."""
        from senim.report import render

        return render(self.to_dict(), format)


# ----------------------------------------------------------------- checks


@dataclass(frozen=True)
class CheckRun(Result):
    """What every check returns beside its own fields: the evidence record
    (one shape for all checks: ``senim.evidence.make_evidence``, the record
    ``--evidence`` writes and ``senim assess`` reads back) and the verdict
    (``pass``, ``fail``, or None when no gate was set)."""

    evidence: dict[str, Any] | None = field(default=None, metadata=_NOT_JSON, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """False only when a gate failed."""
        return getattr(self, "verdict", None) != "fail"


@dataclass(frozen=True)
class Fairness(CheckRun):
    """Group fairness of a decision log (the JSON of ``senim fairness --format json``).

    `groups` holds each group's size and metrics (Fairlearn's names:
    ``selection_rate``, ``true_positive_rate``, ...) with their 95%
    intervals under ``ci``; `overall` the same for all rows; `disparities`
    the differences and ratios between groups (`disparities_ci` their
    intervals); `checks` the four-fifths rule and any ``max_difference``
    gate; `verdict` ``fail`` when a gate failed; `masked_values` the
    sensitive columns whose values are personal data and are shown masked.
    """

    target: str = ""
    prediction: str = ""
    sensitive: list[str] = field(default_factory=list)
    score: str | None = None
    groups: list[dict[str, Any]] = field(default_factory=list)
    overall: dict[str, Any] = field(default_factory=dict)
    disparities: dict[str, Any] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = None
    bootstrap: dict[str, Any] = field(default_factory=dict)
    min_group: int = 0
    disparities_ci: dict[str, Any] | None = field(default=None, metadata=_OPTIONAL)
    extremes: dict[str, Any] | None = field(default=None, metadata=_OPTIONAL)
    by_column: list[dict[str, Any]] | None = field(default=None, metadata=_OPTIONAL)
    masked_values: list[str] | None = field(default=None, metadata=_OPTIONAL)  # columns shown masked

    @property
    def intervals(self) -> dict[str, Any]:
        """The 95% bootstrap intervals: of the disparities, overall, and per group."""
        return {"disparities": self.disparities_ci, "overall": self.overall.get("ci"),
                "groups": [{"group": g["group"], **(g.get("ci") or {})} for g in self.groups]}

    @property
    def failed_checks(self) -> list[dict[str, Any]]:
        """The gates (``max_difference``, ``min_ratio``) that failed."""
        return [c for c in self.checks if c["name"] in ("max_difference", "min_ratio") and c["passed"] is False]


@dataclass(frozen=True)
class Explanation(CheckRun):
    """Why a model decides as it does (the JSON of ``senim explain --format json``):
    permutation importance in `global_`, and for each decision asked for,
    its SHAP contributions and a letter to the person, in `decisions`."""

    model: str = ""
    data: str = ""
    model_type: str = ""
    features: list[str] = field(default_factory=list)
    id_column: str | None = None
    target: str | None = None
    global_: dict[str, Any] = field(default_factory=dict)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    verdict: str | None = field(default=None, metadata=_NOT_JSON)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out = {("global" if k == "global_" else k): v for k, v in out.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], **beside: Any) -> "Explanation":
        data = {("global_" if k == "global" else k): v for k, v in data.items()}
        return super().from_dict(data, **beside)


@dataclass(frozen=True)
class Verification(CheckRun):
    """The AI label of one file (one item of ``senim verify --format json``,
    `senim.provenance.LabelCheck` with its evidence): `state` is ``valid``
    (the credentials hold and the signer is on the trust list),
    ``untrusted`` (they hold; the signer is not recognised), ``invalid``
    (altered or broken) or ``none`` (no credentials); `ai_labelled` whether a
    machine-readable mark names an AI source type. `labelled`, `valid`
    (valid or untrusted) and `trusted` (valid) are the same facts as the
    booleans of earlier versions."""

    path: str = ""
    state: str = "none"
    ai_labelled: bool = False
    generator: str | None = None
    signer: str | None = None
    signing_time: str | None = None
    digital_source_type: str | None = None
    media_type: str | None = None
    marks: list[dict[str, Any]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    labelled: bool = False
    valid: bool = False
    trusted: bool = False
    extra: dict[str, Any] = field(default_factory=dict, metadata=_NOT_JSON, repr=False)
    verdict: str | None = field(default=None, metadata=_NOT_JSON)

    @classmethod
    def from_dict(cls, data: dict[str, Any], **beside: Any) -> "Verification":
        names = {f.name for f in fields(cls) if f.metadata.get("json", True)}
        extra = {k: copy.deepcopy(v) for k, v in data.items() if k not in names}
        ok = bool(data.get("ai_labelled", data.get("labelled")) and data.get("state") in ("valid", "untrusted"))
        beside.setdefault("verdict", "pass" if ok else "fail")
        return super().from_dict(data, extra=extra, **beside)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        return {**out, **copy.deepcopy(self.extra)} if self.extra else out


@dataclass(frozen=True)
class Audit(CheckRun):
    """The labels of every file under a folder (``senim verify --report --format json``).

    `summary` lists the files labelled and valid, altered (a content hash
    no longer matches), invalid, unlabelled, unreadable and skipped;
    `verdict` is `senim.checks.runs.audit_verdict` of it, the one rule for
    the CLI and for ``senim assess``.
    """

    folder: str = ""
    files: list[Verification] = field(default_factory=list)
    summary: dict[str, list[str]] = field(default_factory=dict)
    verdict: str | None = field(default=None, metadata=_NOT_JSON)

    @classmethod
    def from_audit(cls, audit: dict[str, Any], **beside: Any) -> "Audit":
        from senim.checks.runs import audit_verdict

        beside.setdefault("verdict", audit_verdict(audit["summary"]))
        return cls(folder=audit["folder"], files=[Verification.from_dict(f) for f in audit["files"]],
                   summary=copy.deepcopy(audit["summary"]), **beside)

    def to_dict(self) -> dict[str, Any]:
        return {"folder": self.folder, "files": [f.to_dict() for f in self.files],
                "summary": copy.deepcopy(self.summary)}

    from_dict = from_audit


@dataclass(frozen=True)
class Labelling(Result):
    """One file labelled (an item of ``senim label --format json``): where the
    copy went, its format, and which marks it carries (``c2pa``, ``xmp``,
    ``visible-banner``, ...); the rest (the warning's text, notes) in `extra`."""

    path: str = ""
    output: str = ""
    format: str = ""
    action: str = ""
    marks: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict, metadata=_NOT_JSON, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], **beside: Any) -> "Labelling":
        names = {f.name for f in fields(cls) if f.metadata.get("json", True)}
        extra = {k: copy.deepcopy(v) for k, v in data.items() if k not in names}
        return super().from_dict(data, extra=extra, **beside)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        return {**out, **copy.deepcopy(self.extra)} if self.extra else out
