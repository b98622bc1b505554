"""Turn one answer of the evidence section into a status with its reason.

Checks are the other areas' library entry points (fairness, personal-data
scan, label verify, explain); this module only calls them and reads their
results. Heavy libraries are imported inside the functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from senim.assessment.evidence import Answer
from senim.errors import InputError, Word
from senim.evidence import file_sha256
from senim.i18n import text

ANSWER_STATUS = {"yes": "met", "partly": "partly_met", "no": "not_met"}


def _t(lang: str, key: str, **values: Any) -> str:
    return text(f"assess.{key}", lang, **values)


def judge(answer: Answer, *, run_checks: bool, lang: str) -> dict[str, Any]:
    """{status, reason, evidence, chart?, measured?} for one answer.

    `measured` is true when a check measured a failure (see the packs' stakes,
    measured_failure) and the evidence entry does not call it advisory."""
    if answer.shape == "check":
        if not run_checks:
            return {"status": "not_assessed", "reason": _t(lang, "reason.check_not_run", check=_t(lang, f"check.{answer.fields['check']}")),
                    "evidence": _record(answer, {})}
        return _advisory(answer, RUNNERS[answer.fields["check"]](answer, lang), lang)
    if answer.shape == "file":
        return _advisory(answer, _from_file(answer, lang), lang)
    record = _record(answer, {"document": answer.fields["document"]} if answer.shape == "document" else {})
    record.update(answer=answer.fields["answer"], by=answer.fields["by"], on=answer.fields["on"],
                  note=answer.fields.get("note"))
    key = "reason.document" if answer.shape == "document" else "reason.statement"
    from senim.i18n.formats import format_date

    reason = _t(lang, key, by=answer.fields["by"], on=format_date(answer.fields["on"], lang),
                answer=_t(lang, f"answer.{answer.fields['answer']}"))
    if answer.fields.get("note"):
        reason += " " + answer.fields["note"]
    return {"status": ANSWER_STATUS[answer.fields["answer"]], "reason": reason, "evidence": record}


def _advisory(answer: Answer, out: dict[str, Any], lang: str) -> dict[str, Any]:
    """A measured failure the evidence entry calls advisory is told, and does not block."""
    if out.get("measured") and answer.fields.get("advisory"):
        out["measured"] = False
        out["reason"] += " " + _t(lang, "reason.advisory")
    return out


def _measured(check: str, status: str) -> bool:
    from senim.assessment import stakes

    return status == "not_met" and check in stakes().get("measured_failure", {}).get("checks", [])


def _record(answer: Answer, inputs: dict[str, str]) -> dict[str, Any]:
    """Which evidence, with the content hash of every input."""
    record: dict[str, Any] = {"kind": answer.shape, "manifest_line": answer.line}
    if answer.shape == "check":
        record["check"] = answer.fields["check"]
        record["parameters"] = {k: v for k, v in answer.fields.items() if k != "check"}
    record["inputs"] = {role: {"path": path, "sha256": file_sha256(answer.base / path)} for role, path in inputs.items()}
    return record


# ----------------------------------------------------------------- checks


def _fairness(answer: Answer, lang: str) -> dict[str, Any]:
    from senim.checks.fairness import assess

    f = answer.fields
    result = assess(answer.path("data"), target=f["target"], prediction=f["prediction"], sensitive=f["sensitive"],
                    score=f.get("score"), bootstrap=f.get("bootstrap", 1000), seed=f.get("seed", 0),
                    min_group=f.get("min_group", 30), max_difference=f.get("max_difference"),
                    min_ratio=f.get("min_ratio"), lang=lang)
    return _fairness_status(answer, result, lang, {"data": f["data"]})


def _fairness_status(answer: Answer, result: dict[str, Any], lang: str, inputs: dict[str, str]) -> dict[str, Any]:
    failed = [c for c in result["checks"] if c.get("passed") is False]
    passed = [c for c in result["checks"] if c.get("passed") is True]
    warned = result.get("warnings") or [w for g in result.get("groups", []) for w in g.get("warnings", [])]
    shown = "; ".join(_check_shown(c, lang) for c in (failed or passed))
    if failed:
        status, reason = "not_met", _t(lang, "reason.fairness_failed", checks=shown)
    elif warned:
        status, reason = "partly_met", _t(lang, "reason.fairness_warned", checks=shown, count=len(warned))
    else:
        status, reason = "met", _t(lang, "reason.fairness_passed", checks=shown)
    record = _record(answer, inputs)
    record["result"] = {"disparities": result["disparities"], "checks": result["checks"], "verdict": result.get("verdict")}
    chart = {"kind": "fairness", "metric": "selection_rate", "sensitive": result["sensitive"],
             "groups": [{"label": ", ".join(str(v) for v in g["group"].values()), "n": g["n"],
                         "value": g.get("selection_rate"), "ci": (g.get("ci") or {}).get("selection_rate")}
                        for g in result["groups"]],
             "overall": result["overall"].get("selection_rate")}
    return {"status": status, "reason": reason, "evidence": record, "chart": chart,
            "measured": _measured("fairness", status)}


def _check_shown(check: dict[str, Any], lang: str) -> str:
    """'demographic parity ratio 0.553, threshold at least 0.8' in the reader's words."""
    from senim.checks.fairness.render import metric_name, number

    value = "-" if check.get("value") is None else number(check["value"], lang, 3)
    bound = "min" if check["name"] in ("four_fifths_rule", "min_ratio") else "max"
    return _t(lang, f"reason.fairness_check_{bound}", metric=metric_name(check["metric"], lang), value=value,
              threshold=number(check["threshold"], lang, 3))


def _scan(answer: Answer, lang: str) -> dict[str, Any]:
    from senim.checks.personal_data import scan

    target = answer.path("path")
    by_place: dict[str, int] = {}
    by_type: dict[str, int] = {}
    total = 0
    for finding in scan([str(target)], workers=1):
        total += 1
        place = f"{Path(finding.path).name}:{finding.column}" if finding.column else Path(finding.path).name
        by_place[place] = by_place.get(place, 0) + 1
        by_type[finding.type] = by_type.get(finding.type, 0) + 1
    limit = answer.fields.get("max_findings", 0)
    from senim.i18n.words import value_label

    kinds = ", ".join(f"{value_label('pd_type', k, lang)}: {v}" for k, v in sorted(by_type.items()))
    if total <= limit:
        status, reason = "met", _t(lang, "reason.scan_clean", count=total, limit=limit)
    else:  # more personal data than the manifest says is there: a measured failure
        status, reason = "not_met", _t(lang, "reason.scan_found", count=total, kinds=kinds, limit=limit)
    record = _record(answer, {"path": answer.fields["path"]})
    record["result"] = {"findings": total, "by_type": by_type, "by_place": by_place}
    chart = {"kind": "personal_data", "places": [{"label": k, "value": v} for k, v in sorted(by_place.items())]}
    return {"status": status, "reason": reason, "evidence": record, "chart": chart, "measured": _measured("scan", status)}


def _verify(answer: Answer, lang: str) -> dict[str, Any]:
    from senim.checks.runs import AUDIT_FAILURES
    from senim.provenance.verification import outcome

    # The provenance area's one rule, so that assess and `senim verify --report` agree on a folder.
    _, summary, verdict = outcome(answer.path("path"))
    bad = sum(len(summary[key]) for key in AUDIT_FAILURES)
    good = len(summary["labelled_valid"])
    if verdict == "fail":
        status, reason = "not_met", _t(lang, "reason.verify_bad", bad=bad, total=bad + good)
    elif verdict == "pass":
        status, reason = "met", _t(lang, "reason.verify_good", total=good)
    else:
        status, reason = "not_assessed", _t(lang, "reason.verify_empty")
    record = _record(answer, {"path": answer.fields["path"]})
    record["result"] = {k: len(v) for k, v in summary.items()}
    return {"status": status, "reason": reason, "evidence": record, "measured": _measured("verify", status)}


def _explain(answer: Answer, lang: str) -> dict[str, Any]:
    from senim.checks.explain import explain

    f = answer.fields
    result = explain(answer.path("model"), answer.path("data"), target=f.get("target"),
                     trust_model=f.get("trust_model", False), lang=lang, repeats=f.get("repeats", 5))
    top = [x["feature"] for x in result["global"]["features"][:3]]
    record = _record(answer, {"model": f["model"], "data": f["data"]})
    record["result"] = {"model_type": result["model_type"], "features": len(result["features"]),
                        "top_features": top}
    return {"status": "met", "reason": _t(lang, "reason.explain_done", features=", ".join(top)), "evidence": record}


def _hash_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except InputError:  # no longer a regular file (a FIFO swapped in): not the data that was checked
        return None


RUNNERS = {"fairness": _fairness, "scan": _scan, "verify": _verify, "explain": _explain}


# ------------------------------------------------------- earlier evidence


def _from_file(answer: Answer, lang: str) -> dict[str, Any]:
    from senim.assessment.evidence import inside
    from senim.reading import LIMITS, read_bounded

    path = answer.path("file")
    where = f"{answer.fields['file']}"
    try:
        data = json.loads(read_bounded(path, LIMITS["evidence_json"], Word("errors.what.evidence_file")).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as error:
        raise InputError.said("errors.evidence.file_not_json", file=where, detail=type(error).__name__) from None
    if not isinstance(data, dict) or "check" not in data or "result" not in data:
        raise InputError.said("errors.evidence.file_not_senim", file=where)
    record = _record(answer, {"file": answer.fields["file"]})
    record.update(check=data["check"], created=data.get("created"), original_inputs=data.get("inputs", {}))
    # An auditor's first question: is the data still the data that was checked?
    changed = []
    inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
    for role, entry in inputs.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or "\0" in entry["path"]:
            continue  # an input in memory (no path), or not Senim's shape: nothing on disk to compare
        source = Path(entry["path"])
        source = source if source.is_absolute() else answer.base / source
        # the paths an evidence file names are hashed only where the manifest's own may be:
        # an evidence file is input too, and could name /etc/shadow or /dev/zero
        if source.exists() and inside(source, answer.roots or (answer.base.resolve(),)) \
                and _hash_or_none(source) != entry.get("sha256"):
            changed.append(str(entry.get("path")))
    if data["check"] == "fairness" and isinstance(data["result"], dict) and "groups" in data["result"]:
        out = _fairness_status(answer, data["result"], lang, {"file": answer.fields["file"]})
        out["evidence"].update(record)
    else:
        verdict = data.get("verdict")
        status = {"pass": "met", "fail": "not_met"}.get(verdict, "partly_met")
        out = {"status": status, "reason": _t(lang, "reason.file", check=data["check"], verdict=verdict or "-"),
               "evidence": record, "measured": _measured(str(data["check"]), status)}
    if changed:
        out["status"] = "partly_met" if out["status"] == "met" else out["status"]
        out["reason"] += " " + _t(lang, "reason.file_changed", paths=", ".join(changed))
    return out
