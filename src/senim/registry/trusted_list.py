"""Applications for the list of trusted high-risk AI systems (KZ AI Law Art. 19).

The owner applies for a registered high-risk system that has an assessment:
the application drafted as `senim pack trusted-list` drafts it (from the
latest assessment, which is the audit report) and the documents a person
adds are kept as evidence of the obligation `kz.high.trusted_list`. The
sectoral body's reviewers (people of an authority, role `regulator`) and the
owner then move it through the workflow of the law pack
`kz/data/trusted-list-workflow.yaml`: its states, who may make each move, and the
working-day period each move starts, counted on the Kazakh calendar
(senim.registry.deadlines). The code names no state's meaning: a new state or
period is a change of the pack.

Every move is a ledger entry (`trusted_list.<move>`) naming who made it,
owned by the applicant's organisation, so that both sides read the same
history. A listed application is on the public trusted list.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select, update

from senim.errors import InputError
from senim.ledger.canonical import canonical
from senim.registry.models import Assessment, Organisation, SystemVersion, TrustedApplication
from senim.registry.records import iso, utc_now
from senim.registry.tenancy import Actor, NotFound, ledger

OBLIGATION = "kz.high.trusted_list"
SIDES = ("owner", "reviewer")


class NoteNeeded(InputError):
    """A move the workflow says needs a reason, made without a note (doors word it in the reader's language)."""


class NoteTooLong(InputError):
    """A note over 4,000 characters."""


@lru_cache(maxsize=1)
def workflow() -> dict[str, Any]:
    """The workflow of the law pack, checked: every move joins known states,
    is made by a known side, and starts a period, keeps one or ends it."""
    from senim.law.pack import PACKS_DIR, legal_data

    data = legal_data("trusted-list-workflow")
    where = PACKS_DIR / "kz" / "data" / "trusted-list-workflow.yaml"
    flow = data.get("workflow") or {}
    states = {s["id"]: s for s in flow.get("states") or []}
    for move in data.get("transitions") or []:
        name = move.get("id")
        for state in [*(move.get("from_states") or []), move.get("to")]:
            if state not in states:
                raise InputError(f"{where}: {name}: state {state!r} is not among the states")
        if move.get("by") not in SIDES:
            raise InputError(f"{where}: {name}: by: {move.get('by')!r} is not one of {', '.join(SIDES)}")
        period = move.get("deadline")
        if period not in ("keep", "none") and not (isinstance(period, dict) and "working_days" in period
                                                   and period.get("ref") and period.get("confidence")):
            raise InputError(f"{where}: {name}: deadline: keep, none, or a period with working_days, ref and confidence")
    return {"ref": flow["ref"], "confidence": flow["confidence"], "calendar": flow.get("calendar", "KZ"),
            "states": flow["states"], "transitions": data["transitions"], "by_state": states,
            "by_move": {m["id"]: m for m in data["transitions"]}}


def local_day(moment: datetime) -> date:
    from senim.registry.deadlines import zone

    return moment.astimezone(zone()).date()


def _period(spec: dict[str, Any], start: date) -> dict[str, Any]:
    from senim.registry.deadlines import add_business_days

    days = spec.get("working_days")
    due = add_business_days(start, int(days), workflow().get("calendar", "KZ")) if days is not None else None
    return {"id": spec["id"], "working_days": days, "acts": spec["acts"], "from": start.isoformat(),
            "due": due.isoformat() if due else None, "ref": spec["ref"], "confidence": spec["confidence"],
            "title": spec["title"]}


def _deadline(move: dict[str, Any], running: dict[str, Any] | None, start: date) -> dict[str, Any] | None:
    spec = move["deadline"]
    if spec == "keep":
        return running
    if spec == "none":
        return None
    return _period(spec, start)


def _side(actor: Actor | None) -> str:
    return "reviewer" if actor is not None and actor.role == "regulator" else "owner"


def apply(db, files: Path, actor: Actor, system: str, *, documents: list[dict[str, Any]] = (),
          lang: str = "en", now: datetime | None = None) -> dict[str, Any]:
    """The owner's application for `system` (of the actor's organisation).

    `documents`: what a person adds (the copyright certificate or agreement):
    dicts of a checked upload (path, sha256, size, media_type, file_name). The
    application document is drafted from the latest assessment; all are kept
    as evidence of `kz.high.trusted_list`. Returns the application."""
    from senim.assessment.packs import build_pack
    from senim.registry.evidence import add_evidence
    from senim.registry.systems import show

    now = now or utc_now()
    if _side(actor) != "owner":
        raise InputError("application: only the system's owner applies")
    record = show(db, system, actor=actor)
    if record["kz_risk"] != "high":
        raise InputError(f"application: system: {system!r} is not high-risk; the trusted lists are of high-risk systems")
    with db.read() as conn:
        latest = conn.execute(select(Assessment).where(Assessment.organisation_id == actor.org,
                                                       Assessment.system_id == system)
                              .order_by(Assessment.id.desc()).limit(1)).first()
        running = conn.execute(select(TrustedApplication.id, TrustedApplication.state).where(
            TrustedApplication.organisation_id == actor.org, TrustedApplication.system_id == system)).all()
    if latest is None:
        raise InputError(f"application: system: {system!r} has no assessment yet; the audit report is its assessment")
    finals = {s for s, v in workflow()["by_state"].items() if v.get("final")}
    if any(r.state not in finals for r in running):
        raise InputError(f"application: system: {system!r} has an application under way already")
    # a state the workflow makes public is the system on the list: applying again would list it twice
    publics = {s for s, v in workflow()["by_state"].items() if v.get("public")}
    if any(r.state in publics for r in running):
        raise InputError(f"application: system: {system!r} is on the trusted list already")
    report = json.loads(latest.report)
    draft = build_pack("trusted-list", report, SimpleNamespace(data=record["manifest"]), Path("."), lang=lang,
                       submit_on=local_day(now), report_files=[f"assessment {latest.id}"]).encode("utf-8")
    kept = [_keep_draft(db, files, actor, system, draft, lang)]
    for item in documents:
        kept.append(add_evidence(db, files, actor, system=system, obligation=OBLIGATION, upload=item["path"],
                                 sha256=item["sha256"], size=item["size"], media_type=item["media_type"],
                                 file_name=item["file_name"], answer="yes", note="trusted-list application"))
    papers = [{"document": "application" if n == 0 else "copyright", "evidence": e["id"], "sha256": e["sha256"],
               "file_name": e["file_name"], "media_type": e["media_type"]} for n, e in enumerate(kept)]
    papers.append({"document": "audit_report", "assessment": latest.id, "sha256": latest.report_sha256,
                   "verdict": latest.verdict})
    move = workflow()["by_move"]["submit"]
    step = {"move": "submit", "from": None, "to": move["to"], "side": "owner", "by": actor.user, "at": iso(now),
            "note": None, "deadline": _deadline(move, None, local_day(now))}
    body = {"system": system, "system_version": record["version"], "system_name": record["name"],
            "documents": papers, "steps": [step]}
    with db.write() as conn:
        number = (conn.execute(select(func.max(TrustedApplication.id))).scalar() or 0) + 1
        entry = ledger(conn, "trusted_list.submit", {"application": number, "system": system,
                                                      "system_version": record["version"], "documents": papers,
                                                      "step": step}, actor.org, actor)
        conn.execute(insert(TrustedApplication).values(
            id=number, organisation_id=actor.org, system_id=system, system_version=record["version"],
            state=move["to"], record=canonical(body).decode(), created=iso(now), ledger_seq=entry.seq))
    return get(db, actor, number, now=now)


def _keep_draft(db, files: Path, actor: Actor, system: str, draft: bytes, lang: str) -> dict[str, Any]:
    import hashlib
    import tempfile

    from senim.registry.evidence import add_evidence

    Path(files).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=files, prefix=".draft-", delete=False) as handle:
        handle.write(draft)
    return add_evidence(db, files, actor, system=system, obligation=OBLIGATION, upload=Path(handle.name),
                        sha256=hashlib.sha256(draft).hexdigest(), size=len(draft), media_type="text/plain",
                        file_name=f"application.{lang}.md", answer="yes", note="trusted-list application (draft)")


def move(db, actor: Actor, number: int, name: str, *, note: str | None = None,
         now: datetime | None = None) -> dict[str, Any]:
    """Make the move `name` of the workflow on application `number`, as the
    actor's side (a regulator reviews; the owner's people answer)."""
    now = now or utc_now()
    spec = workflow()["by_move"].get(name)
    where = f"application {number}"
    if spec is None or name == "submit":
        moves = ", ".join(m for m in workflow()["by_move"] if m != "submit")
        raise InputError(f"{where}: move: {name!r} is not one of {moves}")
    side = _side(actor)
    note = (note or "").strip() or None
    if note is not None and len(note) > 4000:
        raise NoteTooLong("at most 4,000 characters", file=where, field="note")
    with db.write() as conn:
        row = conn.execute(select(TrustedApplication).where(TrustedApplication.id == number)).first()
        if row is None or (side == "owner" and row.organisation_id != actor.org):
            raise NotFound(f"{where}: no such application")
        if spec["by"] != side:
            raise PermissionError(f"{where}: {name}: only the {spec['by']} makes this move")
        if row.state not in spec["from_states"]:
            raise InputError(f"{where}: move: {name!r} cannot be made from the state {row.state!r}")
        if spec.get("note_required") and not note:
            raise NoteNeeded("this move needs a note saying why", file=where, field="note")
        body = json.loads(row.record)
        running = body["steps"][-1]["deadline"]
        step = {"move": name, "from": row.state, "to": spec["to"], "side": side, "by": actor.user, "at": iso(now),
                "note": note, "deadline": _deadline(spec, running, local_day(now))}
        body["steps"].append(step)
        entry = ledger(conn, f"trusted_list.{name}", {"application": number, "system": row.system_id, "step": step},
                       row.organisation_id, actor)
        conn.execute(update(TrustedApplication).where(TrustedApplication.id == number).values(
            state=spec["to"], record=canonical(body).decode(), ledger_seq=entry.seq))
    return get(db, actor, number, now=now)


def _view(row, owner: dict[str, Any], today: date) -> dict[str, Any]:
    body = json.loads(row.record)
    deadline = body["steps"][-1]["deadline"]
    if deadline is not None:
        deadline = {**deadline, "overdue": deadline["due"] is not None and today.isoformat() > deadline["due"]}
    states = workflow()["by_state"]
    return {"id": row.id, "organisation": row.organisation_id, "owner": owner["name"], "bin": owner["bin"],
            "system": row.system_id, "system_version": row.system_version, "system_name": body.get("system_name"),
            "state": row.state, "state_title": states[row.state]["title"], "final": bool(states[row.state].get("final")),
            "public": bool(states[row.state].get("public")),
            "created": row.created, "ledger_seq": row.ledger_seq, "documents": body["documents"],
            "steps": body["steps"], "deadline": deadline,
            "moves": {side: [m["id"] for m in workflow()["transitions"] if m["by"] == side and row.state in m["from_states"]]
                      for side in SIDES}}


def _rows(conn, query, today: date) -> list[dict[str, Any]]:
    owners = {o.id: {"name": o.name, "bin": o.bin} for o in conn.execute(select(Organisation))}
    return [_view(r, owners[r.organisation_id], today) for r in conn.execute(query)]


def get(db, actor: Actor, number: int, *, now: datetime | None = None) -> dict[str, Any]:
    """An application: the owner's own, or any for a reviewer."""
    query = select(TrustedApplication).where(TrustedApplication.id == number)
    if _side(actor) == "owner":
        query = query.where(TrustedApplication.organisation_id == actor.org)
    with db.read() as conn:
        found = _rows(conn, query, local_day(now or utc_now()))
    if not found:
        raise NotFound(f"application {number}: no such application")
    return found[0]


def applications(db, actor: Actor, *, system: str | None = None, now: datetime | None = None) -> list[dict[str, Any]]:
    """The owner's applications, or every application for a reviewer (the
    nearest deadline first, finished ones last)."""
    query = select(TrustedApplication).order_by(TrustedApplication.id.desc())
    if _side(actor) == "owner":
        query = query.where(TrustedApplication.organisation_id == actor.org)
    if system is not None:
        query = query.where(TrustedApplication.system_id == system)
    with db.read() as conn:
        found = _rows(conn, query, local_day(now or utc_now()))
    return sorted(found, key=lambda a: (a["final"], (a["deadline"] or {}).get("due") or "9999-12-31", -a["id"]))


def public_list(db) -> list[dict[str, Any]]:
    """The public trusted list: every listed system, its owner and BIN, and when it was listed."""
    public = [s for s, v in workflow()["by_state"].items() if v.get("public")]
    with db.read() as conn:
        rows = conn.execute(
            select(TrustedApplication.id, TrustedApplication.system_id, TrustedApplication.system_version,
                   TrustedApplication.record, Organisation.name.label("owner"), Organisation.bin, SystemVersion.kz_risk)
            .join(Organisation, Organisation.id == TrustedApplication.organisation_id)
            .join(SystemVersion, (SystemVersion.organisation_id == TrustedApplication.organisation_id)
                  & (SystemVersion.system_id == TrustedApplication.system_id)
                  & (SystemVersion.version == TrustedApplication.system_version))
            .where(TrustedApplication.state.in_(public)).order_by(Organisation.name, TrustedApplication.system_id)
        ).all()
    found = []
    for r in rows:
        body = json.loads(r.record)
        listed = next(s for s in reversed(body["steps"]) if s["to"] in public)
        found.append({"owner": r.owner, "bin": r.bin, "system": r.system_id, "name": body.get("system_name"),
                      "system_version": r.system_version, "kz_risk": r.kz_risk,
                      "listed_on": local_day(datetime.fromisoformat(listed["at"].replace("Z", "+00:00"))).isoformat(),
                      "application": r.id, "ref": workflow()["ref"]})
    return found


def document_path(files: Path, application: dict[str, Any], index: int) -> tuple[Path, dict[str, Any]]:
    """The stored file of the application's document `index` (its evidence files)."""
    from senim.registry.evidence import stored_path

    papers = [d for d in application["documents"] if "evidence" in d]
    if not 0 <= index < len(papers):
        raise NotFound(f"application {application['id']}: no document {index}")
    return stored_path(files, papers[index]["sha256"]), papers[index]
