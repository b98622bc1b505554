"""The regulator's view of the registry: every organisation's systems and
incidents, read across organisations by a person of an authority.

What crosses the organisations' line is what the law has the owner tell the
authorised body anyway: the system, its classification, its assessments'
verdicts and its incidents. Decision records, letters and the people they
are about never do; no function here reads the `decisions` table, and the
web routes that do stay 403 for the regulator (senim.web.permissions).

Systems of organisations that run their own Senim come from the bundles they
send (senim.registry.regbundle); they are listed beside the online ones with
their source and the bundle's signature check.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from senim.errors import InputError
from senim.registry.models import Assessment, Incident, Organisation, System, SystemVersion
from senim.registry.records import utc_now
from senim.registry.tenancy import Actor

RISKS = ("minimal", "medium", "high")
COLUMNS = ("source", "owner", "bin", "system", "name", "version", "kz_risk", "eu_category", "autonomy",
           "assessment_verdict", "assessment_date", "open_incidents", "signature")


class NotAuthority(PermissionError):
    """Only a regulator (a person of an authority organisation) reads across organisations."""


def _authority(actor: Actor | None) -> None:
    if actor is not None and actor.role != "regulator":
        raise NotAuthority("only a regulator reads the registry of every organisation")


def _open_incidents(rows) -> dict[tuple[int, str], int]:
    """(organisation, system) -> incidents not closed that name it."""
    found: dict[tuple[int, str], int] = {}
    for org, record in rows:
        for system in json.loads(record).get("systems") or []:
            found[(org, system)] = found.get((org, system), 0) + 1
    return found


def systems(db, actor: Actor | None = None, *, risk: str | None = "high", owner: str | None = None,
            autonomy: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
    """Every organisation's systems (latest version) with the owner, BIN,
    classification, autonomy, latest assessment and open incidents; then the
    imported bundles' systems. Filters: `risk` (the Kazakh risk level, None
    for all), `owner` (a BIN), `autonomy`, `text` (in the id or the name)."""
    _authority(actor)
    if risk is not None and risk not in RISKS:
        raise InputError(f"risk: {risk!r} is not one of {', '.join(RISKS)}")
    query = (select(System.organisation_id, System.id, System.name, System.latest_version, SystemVersion.kz_risk,
                    SystemVersion.eu_category, SystemVersion.classification, Organisation.name.label("owner"),
                    Organisation.bin)
             .join(SystemVersion, (SystemVersion.organisation_id == System.organisation_id)
                   & (SystemVersion.system_id == System.id) & (SystemVersion.version == System.latest_version))
             .join(Organisation, Organisation.id == System.organisation_id)
             .order_by(Organisation.name, System.id))
    if risk is not None:
        query = query.where(SystemVersion.kz_risk == risk)
    if owner:
        query = query.where(Organisation.bin == owner)
    with db.read() as conn:
        rows = conn.execute(query).all()
        newest = (select(Assessment.organisation_id, Assessment.system_id, func.max(Assessment.id).label("id"))
                  .group_by(Assessment.organisation_id, Assessment.system_id).subquery())
        assessed = {(r.organisation_id, r.system_id): r for r in conn.execute(
            select(Assessment.organisation_id, Assessment.system_id, Assessment.verdict, Assessment.created)
            .join(newest, newest.c.id == Assessment.id))}
        incidents = _open_incidents(conn.execute(select(Incident.organisation_id, Incident.record)
                                                 .where(Incident.status != "closed")))
    found = []
    for r in rows:
        kz = json.loads(r.classification).get("kz") or {}
        last = assessed.get((r.organisation_id, r.id))
        found.append({"source": "online", "owner": r.owner, "bin": r.bin, "organisation": r.organisation_id,
                      "system": r.id, "name": r.name, "version": r.latest_version, "kz_risk": r.kz_risk,
                      "eu_category": r.eu_category, "autonomy": kz.get("autonomy"),
                      "assessment_verdict": last.verdict if last else None,
                      "assessment_date": last.created if last else None,
                      "open_incidents": incidents.get((r.organisation_id, r.id), 0), "signature": None})
    found += _imported_systems(db, risk, owner)
    return [s for s in found if _keep(s, autonomy, text)]


def _keep(system: dict[str, Any], autonomy: str | None, text: str | None) -> bool:
    if autonomy and system["autonomy"] != autonomy:
        return False
    if text:
        needle = text.casefold()
        return needle in system["system"].casefold() or needle in (system["name"] or "").casefold() \
            or needle in (system["owner"] or "").casefold()
    return True


def _imported_systems(db, risk: str | None, owner: str | None) -> list[dict[str, Any]]:
    try:
        from senim.registry.regbundle import imported_systems
    except ImportError:  # the bundles' module is optional to this view
        return []
    return [s for s in imported_systems(db) if (risk is None or s["kz_risk"] == risk)
            and (not owner or s["bin"] == owner)]


def incidents(db, actor: Actor | None = None, now: datetime | None = None, *,
              status: str | None = None) -> list[dict[str, Any]]:
    """Every organisation's incidents with their owner and BIN, by legal
    deadline: the overdue ones first, then the nearest deadline, closed last."""
    from senim.registry.incidents import _with_deadlines

    _authority(actor)
    now = now or utc_now()
    query = (select(Incident.id, Incident.record, Incident.organisation_id, Organisation.name, Organisation.bin)
             .join(Organisation, Organisation.id == Incident.organisation_id).order_by(Incident.id))
    if status:
        query = query.where(Incident.status == status)
    with db.read() as conn:
        rows = conn.execute(query).all()
    found = []
    for r in rows:
        incident = _with_deadlines(r.id, json.loads(r.record), now)
        incident.update({"source": "online", "owner": r.name, "bin": r.bin, "organisation": r.organisation_id})
        found.append(incident)
    found += _imported_incidents(db, now, status)
    return sorted(found, key=inbox_order)


def inbox_order(incident: dict[str, Any]) -> tuple:
    due = min((d["due"] for d in incident["deadlines"] if not incident.get("reported_at")), default=None)
    return (incident["status"] == "closed", not incident["overdue"], due is None,
            _utc(due) if due else "", incident["id"])


def _utc(moment: str) -> str:
    """A deadline as UTC text, so that deadlines given in different offsets sort by time."""
    from senim.registry.records import iso

    return iso(datetime.fromisoformat(moment))


def _imported_incidents(db, now: datetime, status: str | None) -> list[dict[str, Any]]:
    try:
        from senim.registry.regbundle import imported_incidents
    except ImportError:
        return []
    return [i for i in imported_incidents(db, now) if not status or i["status"] == status]


def as_csv(rows: list[dict[str, Any]]) -> str:
    """The systems list as CSV (RFC 4180, a header line, CRLF), the columns of COLUMNS."""
    import csv
    import io

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) if not isinstance(row.get(c), dict)
                         else json.dumps(row.get(c), ensure_ascii=False) for c in COLUMNS])
    return out.getvalue()
