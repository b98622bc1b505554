"""Incidents: what happened, to which systems, who learned of it when, what
was done, and the notification deadlines that follow from packs/incident-deadlines.yaml."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from senim.errors import InputError, ParameterError
from senim.ledger.canonical import canonical
from senim.registry import deadlines as deadline_rules
from senim.registry.db import Database
from senim.registry.models import Incident, IncidentUpdate, System, SystemVersion
from senim.registry.records import iso, jsonable, parse_moment, utc_now
from senim.registry.tenancy import Actor, NotFound, ledger, scoped

KINDS = (
    "malfunction",
    "harm_to_health",
    "death",
    "infringement_of_rights",
    "critical_infrastructure_disruption",
    "personal_data_breach",
    "unlabelled_synthetic_content",
    "misuse",
)
SEVERITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "reported", "closed")


def _choice(value: Any, allowed: tuple[str, ...], where: str, parameter: str | None = None) -> str:
    if value not in allowed and parameter:
        raise ParameterError(f"{value!r} is not one of {', '.join(allowed)}", file=where, field=parameter)
    if value not in allowed:
        raise InputError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return value


def _eu_high_risk(conn, systems: list[str], org: int) -> bool:
    rows = conn.execute(
        select(SystemVersion.eu_category)
        .join(System, (System.organisation_id == SystemVersion.organisation_id) & (System.id == SystemVersion.system_id)
              & (System.latest_version == SystemVersion.version))
        .where(System.organisation_id == org, System.id.in_(systems))
    ).scalars()
    return any(category == "high" for category in rows)


def _check_systems(conn, systems: list[str], where: str, actor: Actor | None) -> int:
    """The organisation the incident belongs to: that of its systems, which
    must all be registered (to the actor's organisation, or one and the same)."""
    rows = conn.execute(scoped(select(System.id, System.organisation_id).where(System.id.in_(systems)),
                               System.organisation_id, actor)).all()
    known = {r.id for r in rows}
    for system in systems:
        if system not in known:
            raise NotFound(f"{system!r} is not registered", file=where, field="systems")
    orgs = sorted({r.organisation_id for r in rows})
    if len(orgs) > 1:
        raise ParameterError(f"the systems named belong to {len(orgs)} organisations; "
                             "an incident concerns the systems of one organisation", file=where, field="systems")
    return orgs[0]


def open_incident(
    db: Database,
    *,
    kind: str,
    severity: str,
    systems: list[str],
    summary: str,
    aware_at: str | datetime | None = None,
    aware_by: str | None = None,
    occurred_at: str | datetime | None = None,
    widespread: bool = False,
    actions: list[str] | None = None,
    where: str = "incident",
    actor: Actor | None = None,
) -> int:
    """Record a new incident; its number."""
    _choice(kind, KINDS, f"{where}: kind")
    _choice(severity, SEVERITIES, f"{where}: severity")
    if not systems:
        raise ParameterError("name at least one registered system", file=where, field="systems")
    if not summary or not summary.strip():
        raise InputError(f"{where}: summary: required")
    aware = parse_moment(aware_at, f"{where}: aware_at") if aware_at is not None else utc_now()
    occurred = parse_moment(occurred_at, f"{where}: occurred_at") if occurred_at is not None else None
    if occurred is not None and occurred > aware:
        raise InputError(f"{where}: occurred_at: after the moment of awareness")
    record = {
        "kind": kind,
        "severity": severity,
        "systems": sorted(set(systems)),
        "summary": summary.strip(),
        "aware_at": iso(aware),
        "aware_by": aware_by,
        "occurred_at": iso(occurred) if occurred else None,
        "widespread": bool(widespread),
        "actions": list(actions or []),
        "status": "open",
        "reported_at": None,
    }
    with db.write() as conn:
        org = _check_systems(conn, record["systems"], where, actor)
        record["eu_high_risk"] = _eu_high_risk(conn, record["systems"], org)
        record = jsonable(record, where)
        number = (conn.execute(select(func.max(Incident.id))).scalar() or 0) + 1
        entry = ledger(conn, "incident.opened", {"incident": number, **record}, org, actor)
        conn.execute(
            insert(Incident).values(
                id=number, organisation_id=org, kind=kind, severity=severity, status="open", aware_at=record["aware_at"],
                record=canonical(record).decode(), ledger_seq=entry.seq,
            )
        )
    return number


def update_incident(
    db: Database,
    number: int,
    *,
    status: str | None = None,
    severity: str | None = None,
    action: str | None = None,
    note: str | None = None,
    reported_at: str | datetime | None = None,
    by: str | None = None,
    actor: Actor | None = None,
) -> int:
    """Append an update (status, severity, an action taken, a note); its number."""
    where = f"incident {number}"
    if status is not None:
        _choice(status, STATUSES, where, "status")
    if severity is not None:
        _choice(severity, SEVERITIES, where, "severity")
    reported = parse_moment(reported_at, f"{where}: reported_at") if reported_at is not None else None
    if not any(v is not None for v in (status, severity, action, note, reported)):
        raise InputError(f"{where}: update: nothing to change (give a status, a severity, an action or a note)")
    with db.write() as conn:
        row = conn.execute(scoped(select(Incident).where(Incident.id == number), Incident.organisation_id, actor)).first()
        if row is None:
            raise NotFound(f"{where}: no such incident in {db.display}")
        record = json.loads(row.record)
        changes: dict[str, Any] = {}
        if status is not None:
            changes["status"] = status
            if status == "reported" and record.get("reported_at") is None and reported is None:
                reported = utc_now()
        if reported is not None:
            changes["reported_at"] = iso(reported)
        if severity is not None:
            changes["severity"] = severity
        if action:
            changes["actions"] = record["actions"] + [action]
        record.update(changes)
        update_no = (
            conn.execute(select(func.max(IncidentUpdate.number)).where(IncidentUpdate.incident_id == number)).scalar()
            or 0
        ) + 1
        payload = jsonable({"time": iso(utc_now()), "by": by, "changes": changes, "action": action, "note": note},
                           where)
        entry = ledger(conn, "incident.updated", {"incident": number, "update": update_no, **payload},
                       row.organisation_id, actor)
        conn.execute(
            insert(IncidentUpdate).values(
                incident_id=number, number=update_no, record=canonical(payload).decode(), ledger_seq=entry.seq
            )
        )
        conn.execute(
            update(Incident).where(Incident.id == number).values(
                status=record["status"], severity=record["severity"], record=canonical(record).decode()
            )
        )
    return update_no


def _with_deadlines(number: int, record: dict[str, Any], now: datetime) -> dict[str, Any]:
    facts = {
        "kind": record["kind"],
        "aware_at": parse_moment(record["aware_at"], f"incident {number}"),
        "eu_high_risk": record.get("eu_high_risk", False),
        "widespread": record.get("widespread", False),
    }
    reported = record.get("reported_at") is not None
    found = [d.status(now, reported) for d in deadline_rules.deadlines_for(facts)]
    return {"id": number, **record, "deadlines": found, "overdue": any(d["overdue"] for d in found)}


def get_incident(db: Database, number: int, now: datetime | None = None, *,
                 actor: Actor | None = None) -> dict[str, Any]:
    now = now or utc_now()
    with db.read() as conn:
        row = conn.execute(scoped(select(Incident).where(Incident.id == number), Incident.organisation_id, actor)).first()
        if row is None:
            raise NotFound(f"incident {number}: no such incident in {db.display}")
        updates = conn.execute(
            select(IncidentUpdate.number, IncidentUpdate.record, IncidentUpdate.ledger_seq)
            .where(IncidentUpdate.incident_id == number).order_by(IncidentUpdate.number)
        ).all()
    result = _with_deadlines(number, json.loads(row.record), now)
    result["ledger_seq"] = row.ledger_seq
    result["updates"] = [{"number": u.number, "ledger_seq": u.ledger_seq, **json.loads(u.record)} for u in updates]
    return result


def list_incidents(db: Database, now: datetime | None = None, status: str | None = None, *,
                   actor: Actor | None = None) -> list[dict[str, Any]]:
    now = now or utc_now()
    query = scoped(select(Incident.id, Incident.record).order_by(Incident.id), Incident.organisation_id, actor)
    if status:
        query = query.where(Incident.status == status)
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [_with_deadlines(r.id, json.loads(r.record), now) for r in rows]


def report(db: Database, number: int, lang: str = "en", now: datetime | None = None, *,
           actor: Actor | None = None) -> str:
    """The notice to the authorities, in Kazakh, Russian or English."""
    from senim.i18n import text

    incident = get_incident(db, number, now, actor=actor)
    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731
    lines = [t("report_title", number=number), ""]
    lines.append(t("report_kind", kind=t(f"kind_{incident['kind']}")))
    lines.append(t("report_severity", severity=t(f"severity_{incident['severity']}")))
    lines.append(t("report_systems", systems=", ".join(incident["systems"])))
    lines.append(t("report_aware", when=incident["aware_at"], who=incident["aware_by"] or "-"))
    if incident["occurred_at"]:
        lines.append(t("report_occurred", when=incident["occurred_at"]))
    lines.append(t("report_summary", summary=incident["summary"]))
    lines.append("")
    lines.append(t("report_actions"))
    for action in incident["actions"] or [t("none_recorded")]:
        lines.append(f"- {action}")
    lines.append("")
    lines.append(t("report_deadlines"))
    if not incident["deadlines"]:
        lines.append("- " + t("report_no_deadline"))
    for d in incident["deadlines"]:
        lines.append(f"- {d['title'].get(lang) or d['title']['en']} ({d['ref']}; {t('confidence')}: {d['confidence']})")
        lines.append("  " + t("report_due", due=d["due"], authority=d["authority"].get(lang) or d["authority"].get("en", "")))
    lines.append("")
    lines.append(t("report_record", seq=incident["ledger_seq"]))
    return "\n".join(lines) + "\n"
