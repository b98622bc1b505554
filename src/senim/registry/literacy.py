"""The AI literacy register (EU AI Act Art. 4 as amended; the Kazakh law's
call for training): per person, training records (course, date, hours,
provider, a certificate kept as evidence) and who operates which system.

An assessment counts the register as evidence for the obligations that
`law/packs/ai-literacy.yaml` names: a JSON extract for the system (its
operators and their trainings), stored content-addressed beside other
evidence, with the answer "yes" when every operator has a training record,
"partly" when some have and "no" when none has. A system with no operator
registered gets no such evidence: the register says nothing about it.
People are named as the organisation names them (an e-mail or a name):
they are its staff, and an IIN is refused, as everywhere else.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from senim.errors import InputError
from senim.ledger.canonical import canonical
from senim.registry.models import System
from senim.registry.public_models import LiteracyOperator, LiteracyTraining
from senim.registry.records import form_text
from senim.registry.tenancy import Actor, NotFound, ledger

CERTIFICATE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


@lru_cache(maxsize=1)
def law() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("ai-literacy")


def _text(value: Any, field: str, limit: int = 300, required: bool = True) -> str | None:
    return form_text(value, field, limit, required=required,
                     no_iin="holds an IIN; name the person by e-mail or name")


def _day(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=field) from None


def _system(conn, actor: Actor, system: str) -> None:
    if conn.execute(select(System.id).where(System.organisation_id == actor.org, System.id == system)).first() is None:
        raise NotFound(f"system: {system!r} is not registered")


def add_training(db, files: Path, actor: Actor, *, person: str, course: str, taken: Any, hours: Any,
                 provider: str, certificate: dict[str, Any] | None = None) -> dict[str, Any]:
    """A training record; `certificate`: an upload already checked (path, sha256, size, media_type, file_name)."""
    from senim.registry.evidence import keep_file

    person = _text(person, "person", 320)
    course = _text(course, "course")
    provider = _text(provider, "provider")
    day = _day(taken, "date")
    if day > date.today():
        raise InputError(f"{day.isoformat()} is in the future", field="date")
    try:
        hours = float(hours)
    except (TypeError, ValueError):
        raise InputError(f"{hours!r} is not a number of hours", field="hours") from None
    if not 0 < hours <= 1000:
        raise InputError("expected more than 0 and at most 1,000 hours", field="hours")
    record = {"person": person, "course": course, "date": day.isoformat(), "hours": hours, "provider": provider,
              "certificate": None, "by": actor.user}
    if certificate is not None:
        if certificate["media_type"] not in CERTIFICATE_TYPES:
            raise InputError("a certificate is a PDF, PNG or JPEG", field="certificate")
        keep_file(files, certificate["path"], certificate["sha256"])
        record["certificate"] = {k: certificate[k] for k in ("sha256", "size", "media_type", "file_name")}
    with db.write() as conn:
        number = (conn.execute(select(func.max(LiteracyTraining.id))).scalar() or 0) + 1
        entry = ledger(conn, "literacy.training_added", {"training": number, **record}, actor.org, actor)
        conn.execute(insert(LiteracyTraining).values(id=number, organisation_id=actor.org, person=person,
                                                     record=canonical(record).decode(), ledger_seq=entry.seq))
    return {"id": number, **record, "ledger_seq": entry.seq}


def add_operator(db, actor: Actor, *, person: str, system: str, since: Any = None) -> dict[str, Any]:
    """Record that `person` operates `system` (from `since`, default today); once per pair."""
    person = _text(person, "person", 320)
    system = _text(system, "system", 200)
    day = _day(since, "since") if since else date.today()
    with db.write() as conn:
        _system(conn, actor, system)
        if conn.execute(select(LiteracyOperator.person).where(
                LiteracyOperator.organisation_id == actor.org, LiteracyOperator.system_id == system,
                LiteracyOperator.person == person)).first():
            raise InputError(f"{person} is already registered as operating {system}", field="person")
        entry = ledger(conn, "literacy.operator_added", {"person": person, "system": system,
                                                         "since": day.isoformat()}, actor.org, actor)
        conn.execute(insert(LiteracyOperator).values(organisation_id=actor.org, system_id=system, person=person,
                                                     since=day.isoformat(), ledger_seq=entry.seq))
    return {"person": person, "system": system, "since": day.isoformat(), "ledger_seq": entry.seq}


def register(db, actor: Actor) -> list[dict[str, Any]]:
    """Every person of the register: their trainings and the systems they operate, by name."""
    with db.read() as conn:
        trainings = conn.execute(select(LiteracyTraining).where(LiteracyTraining.organisation_id == actor.org)
                                 .order_by(LiteracyTraining.id)).all()
        operators = conn.execute(select(LiteracyOperator).where(LiteracyOperator.organisation_id == actor.org)
                                 .order_by(LiteracyOperator.system_id)).all()
    people: dict[str, dict[str, Any]] = {}
    for row in trainings:
        people.setdefault(row.person, {"person": row.person, "trainings": [], "operates": []})["trainings"].append(
            {"id": row.id, **json.loads(row.record), "ledger_seq": row.ledger_seq})
    for row in operators:
        people.setdefault(row.person, {"person": row.person, "trainings": [], "operates": []})["operates"].append(
            {"system": row.system_id, "since": row.since})
    return sorted(people.values(), key=lambda p: p["person"].casefold())


def assessment_evidence(db, files: Path, actor: Actor, system: str) -> list[dict[str, Any]]:
    """The register's evidence for `system`, as `evidence.evidence_of` lists evidence (empty without operators)."""
    from senim.registry.evidence import keep_file

    people = [p for p in register(db, actor) if any(o["system"] == system for o in p["operates"])]
    if not people:
        return []
    trained = [p for p in people if p["trainings"]]
    answer = "yes" if len(trained) == len(people) else "partly" if trained else "no"
    extract = {"register": "ai_literacy", "system": system, "operators": [
        {"person": p["person"], "since": next(o["since"] for o in p["operates"] if o["system"] == system),
         "trainings": [{k: t[k] for k in ("course", "date", "hours", "provider", "certificate")}
                       for t in p["trainings"]]} for p in people]}
    blob = json.dumps(extract, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(blob).hexdigest()
    Path(files).mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, name = tempfile.mkstemp(dir=files, prefix=".literacy-")
    with os.fdopen(handle, "wb") as out:
        out.write(blob)
    keep_file(files, Path(name), digest)
    note = f"{len(trained)} of {len(people)} operators have a training record (AI literacy register)"
    return [{"obligation": item["obligation"], "sha256": digest, "size": len(blob), "media_type": "application/json",
             "file_name": f"ai-literacy-{system}.json", "answer": answer, "note": note, "by": "AI literacy register",
             "on": date.today().isoformat()} for item in law()["evidence_for"]]
