"""Assessing a registered system with the evidence kept for it, as a job.

The registered manifest of the version asked for, with an `evidence:`
section naming each stored piece of evidence (by its content hash), is
assessed by `senim.assessment.assess` exactly as a manifest on disk would be.
The report is kept and ledgered in one transaction, as `senim assess --db`
ledgers it (the same entry: its digest, the statuses and the evidence).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select

from senim.ledger.canonical import canonical
from senim.registry.evidence import evidence_in, evidence_of, stored_path
from senim.registry.jobs import kind
from senim.registry.models import Assessment
from senim.registry.records import iso, utc_now
from senim.registry.tenancy import Actor, ledger, owned

KIND = "assessment.recorded"
LANGS = ("kk", "ru", "en")


def _manifest_with_evidence(folder: Path, manifest: dict[str, Any], evidence: list[dict[str, Any]], files: Path) -> Path:
    section: dict[str, list[dict[str, Any]]] = {}
    (folder / "evidence").mkdir()
    for item in evidence:
        name = item["sha256"] + (".json" if item["media_type"] == "application/json" else "")
        os.symlink(stored_path(files, item["sha256"]), folder / "evidence" / name)
        if item["answer"] is None:
            answer = {"file": f"evidence/{name}"}
        else:
            answer = {"document": f"evidence/{name}", "answer": item["answer"], "by": item["by"] or "-",
                      "on": item["on"]}
            if item.get("note"):
                answer["note"] = item["note"]
        section.setdefault(item["obligation"], []).append(answer)
    document = {k: v for k, v in manifest.items() if k != "evidence"}
    if section:
        document["evidence"] = section
    path = folder / "senim.yaml"
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


@kind("assess")
def assess_system(db, files: Path, actor: Actor, params: dict[str, Any], progress=lambda message: None) -> dict:
    """Assess one registered system (params: system, version, lang, as_of); the assessment's number."""
    from senim.assessment import assess
    from senim.assessment.store import report_digest
    from senim.registry.systems import show

    lang = params.get("lang") if params.get("lang") in LANGS else "en"
    system = show(db, params["system"], params.get("version"), actor=actor)
    evidence = evidence_of(db, system["id"], actor)
    from senim.registry.literacy import assessment_evidence

    evidence += assessment_evidence(db, files, actor, system["id"])  # the AI literacy register counts too
    progress("assessing")
    with tempfile.TemporaryDirectory(prefix="senim-assess-") as folder:
        path = _manifest_with_evidence(Path(folder), system["manifest"], evidence, files)
        as_of = date.fromisoformat(params["as_of"]) if params.get("as_of") else None
        # the evidence links lead to the stored files: that folder is allowed, nothing else
        report = assess(path, as_of=as_of, lang=lang, run_checks=False, evidence_roots=(files,))
    report["manifest"]["path"] = f"{system['id']}.yaml"
    data = {
        "system": system["id"], "system_version": system["version"], "manifest_sha256": report["manifest"]["sha256"],
        "as_of": report["as_of"], "report_sha256": report_digest(report), "verdict": report["verdict"],
        "blocking": report["blocking"], "statuses": {o["id"]: o["status"] for o in report["obligations"]},
        "evidence": [{"obligation": o["id"], **e} for o in report["obligations"] for e in o["evidence"]],
    }
    gaps: dict[str, int] = {}
    for item in report["obligations"]:
        if item["id"] in report["gaps"]:
            gaps[item["stake"]] = gaps.get(item["stake"], 0) + 1
    summary = {"gaps_by_stake": gaps, "blocking": len(report["blocking"]), "gaps": len(report["gaps"])}
    progress("recording")
    with db.write() as conn:
        number = (conn.execute(select(func.max(Assessment.id))).scalar() or 0) + 1
        entry = ledger(conn, KIND, data, actor.org, actor)
        report["ledger"] = {"kind": KIND, "seq": entry.seq, "entry_hash": entry.hash}
        conn.execute(insert(Assessment).values(
            id=number, organisation_id=actor.org, system_id=system["id"], system_version=system["version"],
            lang=lang, verdict=report["verdict"], report=canonical(report).decode(), report_sha256=data["report_sha256"],
            summary=json.dumps(summary), created=iso(utc_now()), ledger_seq=entry.seq))
    # The checkpoint that covers the entry is signed as its transaction commits;
    # the report then names it, as `senim assess --db` does (its digest leaves
    # the `ledger` part out, so the entry still matches).
    from sqlalchemy import update

    from senim.ledger.store import latest_checkpoint

    with db.write() as conn:
        cp = latest_checkpoint(conn)
        report["ledger"].update({"database": "senim serve", "system_version": system["version"],
                                 "report_sha256": data["report_sha256"],
                                 "checkpoint": {"number": cp[0], "size": cp[1], "body": cp[2], "signature": cp[3]}})
        conn.execute(update(Assessment).where(Assessment.id == number).values(report=canonical(report).decode()))
    return {"assessment": number, "verdict": report["verdict"]}


def get_assessment(db, number: int, actor: Actor) -> dict[str, Any]:
    row = owned(db, Assessment, number, actor, "assessment")
    return {"id": row.id, "system": row.system_id, "system_version": row.system_version, "lang": row.lang,
            "verdict": row.verdict, "created": row.created, "ledger_seq": row.ledger_seq,
            "report": json.loads(row.report)}


def assessments_of(db, actor: Actor, system: str | None = None) -> list[dict[str, Any]]:
    with db.read() as conn:
        return assessments_in(conn, actor, system)


def assessments_in(conn, actor: Actor, system: str | None = None) -> list[dict[str, Any]]:
    """`assessments_of` within a transaction the caller holds."""
    rows = conn.execute(_assessments_query(system is not None), {"org": actor.org, "system": system}).all()
    return [{"id": r.id, "system": r.system_id, "system_version": r.system_version, "lang": r.lang,
             "verdict": r.verdict, "created": r.created, "ledger_seq": r.ledger_seq} for r in rows]


# The queries of the dashboard and the system page are built once, their values
# bound at each execute (building a query costs more than running it).
@lru_cache(maxsize=2)
def _assessments_query(of_system: bool):
    query = select(Assessment.id, Assessment.system_id, Assessment.system_version, Assessment.lang, Assessment.verdict,
                   Assessment.created, Assessment.ledger_seq).where(Assessment.organisation_id == bindparam("org"))
    if of_system:
        query = query.where(Assessment.system_id == bindparam("system"))
    return query.order_by(Assessment.id.desc())


@lru_cache(maxsize=1)
def _summaries_query():
    newest = (select(Assessment.system_id, func.max(Assessment.id).label("id"))
              .where(Assessment.organisation_id == bindparam("org")).group_by(Assessment.system_id).subquery())
    return select(Assessment.id, Assessment.system_id, Assessment.verdict, Assessment.created,
                  Assessment.summary).join(newest, newest.c.id == Assessment.id)


@lru_cache(maxsize=1)
def _report_query():
    return select(Assessment.report).where(Assessment.id == bindparam("id"),
                                           Assessment.organisation_id == bindparam("org"))


def latest_summaries(db, actor: Actor) -> dict[str, dict[str, Any]]:
    """The newest assessment of each system of the organisation: verdict, date and gaps by stake."""
    with db.read() as conn:
        return latest_summaries_in(conn, actor)


def latest_summaries_in(conn, actor: Actor) -> dict[str, dict[str, Any]]:
    """`latest_summaries` within a transaction the caller holds."""
    rows = conn.execute(_summaries_query(), {"org": actor.org}).all()
    return {r.system_id: {"id": r.id, "verdict": r.verdict, "created": r.created, **json.loads(r.summary)}
            for r in rows}


def system_page(db, system_id: str, actor: Actor) -> dict[str, Any]:
    """What a system's page shows, read in one transaction: the system (as
    `systems.show`), its evidence, its assessments (newest first) and the
    obligations' statuses in the newest one (by obligation id; empty when
    it was never assessed)."""
    from senim.registry.systems import show_in

    with db.read() as conn:
        record = show_in(conn, system_id, actor=actor, where=db.display)
        evidence = evidence_in(conn, system_id, actor)
        assessments = assessments_in(conn, actor, system_id)
        report = conn.execute(_report_query(), {"id": assessments[0]["id"], "org": actor.org}).scalar() \
            if assessments else None
    statuses = {o["id"]: o for o in json.loads(report)["obligations"]} if report else {}
    return {"system": record, "evidence": evidence, "assessments": assessments, "statuses": statuses}
