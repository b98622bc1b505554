"""The assessment: every obligation joined with its evidence.

    report = assess("senim.yaml", run_checks=True, lang="kk")

The result (the JSON of `docs/assessment.md`) holds the classification,
every obligation with its status (met, partly_met, not_met, not_assessed,
not_applicable), the reason and the evidence behind it, the gaps in order of
what is at stake with the fine each risks and what to do next, and whether a
gap blocks a release. What is at stake and what blocks is data (the packs'
`stakes` section, `law/packs/*/data/stakes.yaml`), not code.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from senim.i18n import text
from senim.law import regimes

REPORT_FORMAT = "1.0"
STATUSES = ("met", "partly_met", "not_met", "not_assessed", "not_applicable")
_SEVERITY = {"not_met": 0, "partly_met": 1, "not_assessed": 2}


def _t(lang: str, key: str, **values: Any) -> str:
    return text(f"assess.{key}", lang, **values)


@lru_cache(maxsize=1)
def stakes() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("stakes")


def _dig(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def stake_of(obligation: dict[str, Any], classification: dict[str, Any]) -> dict[str, Any]:
    """The first stake whose kinds, id prefixes and condition all match."""
    for stake in stakes()["stakes"]:
        if "kinds" in stake and obligation.get("kind") not in stake["kinds"]:
            continue
        if "prefixes" in stake and not any(obligation["id"].startswith(p) for p in stake["prefixes"]):
            continue
        if any(_dig(classification, k) != v for k, v in (stake.get("if") or {}).items()):
            continue
        return stake
    return stakes()["stakes"][-1]


def _combine(statuses: list[str]) -> str:
    if all(s == "met" for s in statuses):
        return "met"
    if "not_met" in statuses:
        return "not_met"
    if all(s == "not_assessed" for s in statuses):
        return "not_assessed"
    return "partly_met"


def assess(manifest: Any, *, as_of: date | None = None, lang: str = "en", run_checks: bool = False,
           evidence_roots: Any = ()) -> dict[str, Any]:
    """The assessment of one manifest (a path or a loaded `Manifest`); its
    evidence paths are read from its folder and the `evidence_roots` only."""
    from senim import __version__
    from senim.assessment.checks import judge
    from senim.assessment.evidence import key_lines, read_evidence
    from senim.evidence import file_sha256
    from senim.law.engine import classify
    from senim.law.pack import load_packs
    from senim.manifest import load_manifest

    if not hasattr(manifest, "raw"):
        manifest = load_manifest(manifest)
    as_of = as_of or date.today()
    classification = classify(manifest, as_of, lang)
    known = {o.id: o for pack in load_packs() for o in pack.obligations}
    answers = read_evidence(manifest, set(known), roots=evidence_roots)
    keys = key_lines(manifest.path) if answers else {}  # the line of each evidence entry's key

    entries: list[dict[str, Any]] = []
    charts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for law in regimes():
        part = classification[law]
        for obligation, owed in [(o, True) for o in part["obligations"]] + [(o, False) for o in part.get("upcoming_obligations", [])]:
            seen.add(obligation["id"])
            entry = _entry(law, obligation, classification, manifest, keys)
            found = [_judge(judge, a, manifest, run_checks, lang) for a in answers.get(obligation["id"], [])]
            for f in found:
                if "chart" in f:
                    charts.append({"obligation": obligation["id"], **f["chart"]})
            entry["evidence"] = [f["evidence"] for f in found]
            entry["measured_failure"] = any(f.get("measured") for f in found)
            breach = _breach(obligation["id"], manifest, classification, lang) if owed else None
            if breach:  # a fact the manifest states is itself the breach, whatever evidence says
                entry["status"] = "not_met"
                entry["reason"] = " ".join([breach["reason"], *(f["reason"] for f in found)])
                entry["field"], entry["line"] = breach["field"], manifest.line_of(breach["field"]) or entry["line"]
            elif not owed:
                entry["status"] = "not_applicable"
                entry["reason"] = _t(lang, "reason.upcoming", date=obligation["applies_from"])
            elif obligation.get("kind") == "prohibition":
                items = ", ".join(part.get("prohibited") or []) or _t(lang, "reason.autonomy")
                entry["status"], entry["reason"] = "not_met", _t(lang, "reason.prohibited", items=items)
            elif found:
                entry["status"] = _combine([f["status"] for f in found])
                entry["reason"] = " ".join(f["reason"] for f in found)
            elif _dig(manifest.raw, stakes().get("declared_by", {}).get(obligation["id"], {}).get("fact", "-")) in (True, False):
                fact = stakes()["declared_by"][obligation["id"]]["fact"]
                declared = _dig(manifest.raw, fact)
                entry["status"] = "partly_met" if declared else "not_met"
                entry["reason"] = _t(lang, "reason.declared_yes" if declared else "reason.declared_no", field=fact)
                entry["field"], entry["line"] = fact, manifest.line_of(fact) or entry["line"]
            elif obligation["id"] in stakes().get("met_by_classification", {}).get("obligations", []):
                entry["status"], entry["reason"] = "met", _t(lang, "reason.classified")
            else:
                entry["status"], entry["reason"] = "not_assessed", _t(lang, "reason.no_evidence")
            entries.append(entry)
    for obligation_id, given in answers.items():
        if obligation_id in seen:
            continue
        spec = known[obligation_id]
        entries.append({"id": obligation_id, "law": obligation_id.split(".")[0], "status": "not_applicable",
                        "reason": _t(lang, "reason.not_owed"), "evidence": [], "stake": "none", "rank": 9,
                        "blocking": False, "line": keys.get(obligation_id, given[0].line), "field": f"evidence.{obligation_id}",
                        "title": spec.title[lang], "kind": spec.kind, "ref": spec.ref, "confidence": spec.confidence,
                        "next": "", "measured_failure": False})

    gaps = []
    only_when_assessed = set(stakes().get("gap_only_when_assessed", {}).get("kinds", []))
    measured_blocks = bool(stakes().get("measured_failure", {}).get("blocks"))
    for entry in entries:
        stake = stake_of(entry, classification) if entry["stake"] != "none" else {"blocks": []}
        entry["blocking"] = entry["status"] in stake.get("blocks", []) or (
            entry["measured_failure"] and entry["status"] == "not_met" and measured_blocks)
        entry["next"] = _next(entry, manifest, lang)
        is_gap = entry["status"] in _SEVERITY and not (entry["status"] == "not_assessed" and entry["kind"] in only_when_assessed)
        if is_gap:
            gaps.append(entry)
    # Blocking first; then what is shown not met, before partly met, before
    # what nobody has shown either way; within each, by what is at stake.
    gaps.sort(key=lambda e: (not e["blocking"], _SEVERITY[e["status"]], e["rank"], e["law"] != "kz"))
    entries.sort(key=lambda e: (e["law"] != "kz", e["rank"], e["id"]))
    summary = {s: sum(1 for e in entries if e["status"] == s) for s in STATUSES}
    charts.insert(0, {"kind": "obligations", "counts": summary})
    blocking = [g["id"] for g in gaps if g["blocking"]]
    owed_count = sum(n for s, n in summary.items() if s != "not_applicable")
    counts = {"obligations": owed_count, "no_evidence": summary["not_assessed"],
              "assessed": owed_count - summary["not_assessed"], "blocking": len(blocking), "gaps": len(gaps)}
    return {
        "report_format": REPORT_FORMAT,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "senim_version": __version__,
        "lang": lang,
        "manifest": {"path": manifest.path, "sha256": file_sha256(manifest.path) if Path(manifest.path).is_file() else None,
                     "system": manifest.id, "name": manifest.name, "version": manifest.raw.get("version")},
        "as_of": as_of.isoformat(),
        "checks_run": run_checks,
        "classification": classification,
        "summary": summary,
        "verdict": "blocked" if blocking else ("gaps" if gaps else "compliant"),
        "counts": counts,
        "headline": headline("blocked" if blocking else ("gaps" if gaps else "compliant"), counts, lang),
        "blocking": blocking,
        "gaps": [g["id"] for g in gaps],
        "obligations": entries,
        "charts": charts,
    }


def headline(verdict: str, counts: dict[str, int], lang: str) -> str:
    """The verdict in words that cannot be read as a pass while obligations are unknown:
    '11 of 23 obligations have no evidence; 0 blocking gaps found among the 12 assessed'."""
    parts = []
    if verdict == "blocked":
        parts.append(_t(lang, "headline.blocked", count=counts["blocking"]))
    if counts["no_evidence"]:
        parts.append(_t(lang, "headline.unknown", count=counts["no_evidence"], total=counts["obligations"]))
        if verdict != "blocked":
            parts.append(_t(lang, "headline.none_blocking", count=counts["assessed"]))
    elif verdict == "gaps":
        parts.append(_t(lang, "headline.gaps", count=counts["gaps"], total=counts["obligations"]))
    elif verdict == "compliant":
        parts.append(_t(lang, "headline.compliant", count=counts["obligations"]))
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:]


def _breach(obligation_id: str, manifest: Any, classification: dict[str, Any], lang: str) -> dict[str, str] | None:
    """The first fact the manifest states that breaches this obligation (the stakes' breached_by)."""
    for case in stakes().get("breached_by", {}).get(obligation_id, []):
        if _condition(obligation_id, case).test({"fact": manifest.data, "result": classification}):
            field = case["field"]
            value = _dig(manifest.data, field)
            from senim.i18n.words import fact_value

            return {"field": field, "reason": _t(lang, f"breach.{case['reason']}", value=fact_value(field, value, lang),
                                                 line=manifest.line_of(field) or 0)}
    return None


_CONDITIONS: dict[tuple[str, int], Any] = {}


def _condition(obligation_id: str, case: dict[str, Any]) -> Any:
    from senim.law.conditions import compile_condition

    key = (obligation_id, id(case))
    if key not in _CONDITIONS:
        _CONDITIONS[key] = compile_condition(case["when"], f"law packs: stakes.breached_by.{obligation_id}")
    return _CONDITIONS[key]


def _judge(judge: Any, answer: Any, manifest: Any, run_checks: bool, lang: str) -> dict[str, Any]:
    """Run one answer; a check's own input error is told at the manifest line that asked for it."""
    from senim.errors import InputError

    try:
        return judge(answer, run_checks=run_checks, lang=lang)
    except InputError as error:
        raise InputError.said("errors.evidence.in_answer", file=manifest.path, line=answer.line,
                              field=f"evidence.{answer.obligation}", error=error) from None


def _entry(law: str, obligation: dict[str, Any], classification: dict[str, Any], manifest: Any,
           keys: dict[str, int]) -> dict[str, Any]:
    stake = stake_of(obligation, classification)
    entry = {key: obligation.get(key) for key in ("id", "ref", "title", "kind", "confidence", "role", "applies_from", "what")}
    entry["law"] = law
    entry["stake"], entry["rank"] = stake["name"], stake["rank"]
    if obligation.get("fine"):  # the pack's figures for the owner's size, and the engine's sentence
        entry["fine"] = dict(obligation["fine"])
    line = keys.get(obligation["id"])
    if line:  # the evidence given for it
        entry["field"], entry["line"] = f"evidence.{obligation['id']}", line
        return entry
    # Else the nearest fact the user wrote that made it fire; else the stake's field.
    from senim.assessment.locate import facts_behind, written

    behind = [f for f in facts_behind(obligation["id"], classification, manifest) if written(manifest, f)]
    entry["field"] = behind[0] if behind else stake.get("field", "id")
    entry["line"] = manifest.line_of(entry["field"]) or 1
    return entry


def _next(entry: dict[str, Any], manifest: Any, lang: str) -> str:
    """What to do next, in one or two sentences."""
    status = entry["status"]
    what = (entry.get("what") or "").strip()
    if status in ("met", "not_applicable"):
        return ""
    if entry.get("kind") == "prohibition":
        return _t(lang, "next.prohibition")
    if status == "not_assessed":
        return (what + " " if what else "") + _t(lang, "next.not_assessed", id=entry["id"], file=Path(manifest.path).name)
    return (what + " " if what else "") + _t(lang, f"next.{status}")


def exit_code(report: dict[str, Any]) -> int:
    """1 when a gap blocks a release, else 0."""
    return 1 if report["blocking"] else 0
