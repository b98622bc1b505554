"""Incidents: what happened, to which systems, who learned of it when, what
was done, and the notification deadlines that follow from law/packs/*/data/incident-deadlines.yaml."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update

from senim.errors import Codes, InputError, ParameterError, Word, Written
from senim.ledger.canonical import canonical
from senim.registry import deadlines as deadline_rules
from senim.registry.db import Database
from senim.registry.models import Incident, IncidentUpdate, System, SystemVersion
from senim.registry.records import iso, jsonable, parse_moment, shown, storable_number, utc_now
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
# Where a problem is, said in the reader's language: a new incident, or incident `number`.
NEW_INCIDENT = Word("errors.place.incident")


def numbered(number: int) -> Word:
    """Incident `number` as the place of a problem ("incident 3", «инцидент № 3»)."""
    return Word("errors.place.incident_number", number=number)


def _choice(value: Any, allowed: tuple[str, ...], where: str | Word, field: str, parameter: bool = False) -> str:
    """`value` if it is one of `allowed`; else refused at the field (a library parameter when `parameter`)."""
    if value not in allowed:
        kind = ParameterError if parameter else InputError
        raise kind.said("errors.field.not_one_of", file=where, field=field, shown=shown(value), options=Codes(allowed))
    return value


def _eu_high_risk(conn, systems: list[str], org: int) -> bool:
    rows = conn.execute(
        select(SystemVersion.eu_category)
        .join(System, (System.organisation_id == SystemVersion.organisation_id) & (System.id == SystemVersion.system_id)
              & (System.latest_version == SystemVersion.version))
        .where(System.organisation_id == org, System.id.in_(systems))
    ).scalars()
    return any(category == "high" for category in rows)


def _check_systems(conn, systems: list[str], where: str | Word, actor: Actor | None) -> int:
    """The organisation the incident belongs to: that of its systems, which
    must all be registered (to the actor's organisation, or one and the same)."""
    rows = conn.execute(scoped(select(System.id, System.organisation_id).where(System.id.in_(systems)),
                               System.organisation_id, actor)).all()
    known = {r.id for r in rows}
    for system in systems:
        if system not in known:
            raise NotFound.said("errors.registry.not_registered", file=where, field="systems", system=Written(system))
    orgs = sorted({r.organisation_id for r in rows})
    if len(orgs) > 1:
        raise ParameterError.said("errors.incident.several_organisations", file=where, field="systems", count=len(orgs))
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
    affected: int | None = None,
    data_categories: list[str] | None = None,
    where: str | Word = NEW_INCIDENT,
    actor: Actor | None = None,
) -> int:
    """Record a new incident; its number. `affected` is the number of people
    affected, `data_categories` the kinds of personal data concerned (both told
    in the notice)."""
    _choice(kind, KINDS, where, "kind")
    _choice(severity, SEVERITIES, where, "severity")
    if not systems:
        raise ParameterError.said("errors.incident.no_systems", file=where, field="systems")
    if not summary or not summary.strip():
        raise InputError.said("errors.registry.required", file=where, field="summary")
    aware = parse_moment(aware_at, where, "aware_at") if aware_at is not None else utc_now()
    occurred = parse_moment(occurred_at, where, "occurred_at") if occurred_at is not None else None
    if occurred is not None and occurred > aware:
        raise InputError.said("errors.incident.occurred_after_aware", file=where, field="occurred_at")
    if affected is not None and (isinstance(affected, bool) or not isinstance(affected, int) or affected < 0):
        raise InputError.said("errors.incident.affected", file=where, field="--affected")
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
        "affected": affected,
        "data_categories": list(data_categories or []),
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


def _check_number(db, number: int, where: Word) -> None:
    """An incident number no database could hold is no such incident (not a database error)."""
    if not storable_number(number):
        raise NotFound.said("errors.incident.no_such", file=where, registry=db.display)


def _incident_row(conn, db, number: int, actor: Actor | None, where: Word):
    """The incident's row, seen as `actor` sees it; NotFound naming `where` when there is none."""
    row = conn.execute(scoped(select(Incident).where(Incident.id == number), Incident.organisation_id, actor)).first()
    if row is None:
        raise NotFound.said("errors.incident.no_such", file=where, registry=db.display)
    return row


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
    where = numbered(number)
    if status is not None:
        _choice(status, STATUSES, where, "status", parameter=True)
    if severity is not None:
        _choice(severity, SEVERITIES, where, "severity", parameter=True)
    reported = parse_moment(reported_at, where, "reported_at") if reported_at is not None else None
    if not any(v is not None for v in (status, severity, action, note, reported)):
        raise InputError.said("errors.incident.nothing_to_change", file=where, field="update")
    _check_number(db, number, where)
    with db.write() as conn:
        row = _incident_row(conn, db, number, actor, where)
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
    try:
        aware = parse_moment(record["aware_at"], numbered(number), "aware_at")
    except InputError as error:  # stored by a Senim that did not check its dates: listed, without deadlines
        return {"id": number, **record, "deadlines": [], "overdue": False, "deadline_problem": str(error)}
    facts = {
        "kind": record["kind"],
        "aware_at": aware,
        "eu_high_risk": record.get("eu_high_risk", False),
        "widespread": record.get("widespread", False),
    }
    reported = record.get("reported_at") is not None
    found = [d.status(now, reported) for d in deadline_rules.deadlines_for(facts)]
    return {"id": number, **record, "deadlines": found, "overdue": any(d["overdue"] for d in found)}


def get_incident(db: Database, number: int, now: datetime | None = None, *,
                 actor: Actor | None = None) -> dict[str, Any]:
    now = now or utc_now()
    _check_number(db, number, numbered(number))
    with db.read() as conn:
        row = _incident_row(conn, db, number, actor, numbered(number))
        updates = conn.execute(
            select(IncidentUpdate.number, IncidentUpdate.record, IncidentUpdate.ledger_seq)
            .where(IncidentUpdate.incident_id == number).order_by(IncidentUpdate.number)
        ).all()
    result = _with_deadlines(number, json.loads(row.record), now)
    result["ledger_seq"] = row.ledger_seq
    result["updates"] = [{"number": u.number, "ledger_seq": u.ledger_seq, **json.loads(u.record)} for u in updates]
    return result


def list_incidents(db: Database, now: datetime | None = None, status: str | None = None, *,
                   actor: Actor | None = None, overdue: bool = False) -> list[dict[str, Any]]:
    """The incidents (of `status`; with `overdue`, only those past a deadline), with their deadlines."""
    now = now or utc_now()
    query = scoped(select(Incident.id, Incident.record).order_by(Incident.id), Incident.organisation_id, actor)
    if status:
        query = query.where(Incident.status == status)
    with db.read() as conn:
        rows = conn.execute(query).all()
    found = [_with_deadlines(r.id, json.loads(r.record), now) for r in rows]
    return [r for r in found if r["overdue"]] if overdue else found


# ------------------------------------------------------------------ notices
# What the authorities and the owner read: every sentence in kk, ru or en,
# citations in the reader's form, times in Kazakhstan's time.


def _owners(db: Database, systems: list[str]) -> list[dict[str, Any]]:
    """The registered manifest (latest version) of each system concerned: its owner and personal data."""
    with db.read() as conn:
        rows = conn.execute(
            select(System.id, SystemVersion.manifest)
            .join(SystemVersion, (SystemVersion.system_id == System.id) & (SystemVersion.version == System.latest_version))
            .where(System.id.in_(systems))
        ).all()
    found = {row.id: json.loads(row.manifest) for row in rows}
    return [found[s] for s in systems if s in found]


def why_no_deadline(incident: dict[str, Any], lang: str) -> list[str]:
    """Why no notification deadline of the rule data binds this incident, one
    sentence for each group of deadlines (EU Art. 73, the Kazakh breach notice)."""
    from senim.i18n import text
    from senim.i18n.formats import format_date

    aware = parse_moment(incident["aware_at"], numbered(incident["id"]) if "id" in incident else NEW_INCIDENT)
    facts = {"kind": incident["kind"], "eu_high_risk": incident.get("eu_high_risk", False),
             "widespread": incident.get("widespread", False)}
    kind = text(f"registry.kind_{incident['kind']}", lang)
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule in deadline_rules.rules()["deadlines"]:
        groups.setdefault(rule.get("group", rule["id"]), []).append(rule)
    bound = {d["id"] for d in incident["deadlines"]}
    reasons = []
    for group, members in groups.items():
        if any(m["id"] in bound for m in members):
            continue
        rule = members[0]  # the general rule of the group says why
        when = rule.get("applies_when", {})
        start = rule.get("from")
        if start and aware.astimezone(deadline_rules.zone()).date() < start:
            key = "why_not_yet"
        elif when.get("eu_high_risk") and not facts["eu_high_risk"]:
            key = "why_not_eu_high_risk"
        else:
            key = "why_not_kind"
        reasons.append(text(f"registry.{key}.{rule['regime']}", lang, kind=kind,
                            date=format_date(start, lang) if start else "", title=rule["title"].get(lang, rule["title"]["en"])))
    return reasons


def _readable(incident: dict[str, Any]) -> None:
    """An incident whose stored dates no notice can show (an older Senim did
    not check them) is one sentence; `incident list` still lists it."""
    if incident.get("deadline_problem"):
        try:  # the problem `_with_deadlines` met, again, so that it can be said in the reader's language
            parse_moment(incident["aware_at"], numbered(incident["id"]), "aware_at")
        except InputError as error:
            raise InputError.said("errors.incident.stored_by_older", error=error) from None
        raise InputError(f"{incident['deadline_problem']}; it was stored by an older Senim and cannot be shown "
                         "or reported (`senim incident list` still lists it)")


def incident_text(incident: dict[str, Any], lang: str = "en", owners: list[dict[str, Any]] | None = None) -> str:
    """An incident as `incident show` prints it: every field in words, deadlines with their state."""
    from senim.i18n import text
    from senim.i18n.formats import format_datetime

    _readable(incident)
    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731
    lines = [t("show_title", number=incident["id"], kind=t(f"kind_{incident['kind']}"),
               severity=t(f"severity_{incident['severity']}"), status=t(f"status_{incident['status']}"))]
    lines.append(t("report_systems", systems=", ".join(incident["systems"])))
    lines.append(t("report_aware_when", when=format_datetime(incident["aware_at"], lang)))
    if incident.get("aware_by"):
        lines.append(t("report_aware_who", who=incident["aware_by"]))
    if incident.get("occurred_at"):
        lines.append(t("report_occurred", when=format_datetime(incident["occurred_at"], lang)))
    if incident.get("reported_at"):
        lines.append(t("report_reported", when=format_datetime(incident["reported_at"], lang)))
    lines.append(t("report_summary", summary=incident["summary"]))
    lines += _people_and_data(incident, owners or [], lang)
    lines += ["", t("report_actions")]
    lines += [f"- {a}" for a in incident["actions"] or [t("none_recorded")]]
    lines += ["", t("report_deadlines")] + _deadline_lines(incident, lang)
    if incident.get("updates"):
        lines += ["", t("show_updates")]
        for u in incident["updates"]:
            changes = "; ".join(_change_words(k, v, lang) for k, v in (u.get("changes") or {}).items())
            parts = [p for p in (changes, u.get("note")) if p]
            by = f" ({u['by']})" if u.get("by") else ""
            lines.append(f"- {t('update_line', number=u['number'], time=format_datetime(u['time'], lang))}{by} "
                         + " · ".join(parts))
    lines += ["", t("report_record", seq=incident["ledger_seq"])]
    return "\n".join(lines) + "\n"


def describe(db: Database, number: int, lang: str = "en", now: datetime | None = None) -> str:
    """Incident `number` as `incident show` prints it (`incident_text`), with
    the owners of the systems concerned as the registry holds them."""
    incident = get_incident(db, number, now)
    return incident_text(incident, lang, _owners(db, incident["systems"]))


def incident_lines(incidents: list[dict[str, Any]], lang: str = "en") -> str:
    """One line an incident: number, kind, severity, status, then each deadline
    with its time left; every word in `lang` (the codes stay in the JSON)."""
    from senim.i18n import text
    from senim.i18n.formats import format_datetime, format_number

    lines = []
    for incident in incidents:
        parts = [f"#{incident['id']}", text(f"registry.kind_{incident['kind']}", lang),
                 text(f"registry.severity_{incident['severity']}", lang),
                 text(f"registry.status_{incident['status']}", lang)]
        for d in incident["deadlines"]:
            if incident.get("reported_at"):
                state = text("registry.reported", lang)
            elif d["overdue"]:
                state = text("registry.overdue", lang)
            else:
                state = text("registry.left", lang, hours=format_number(d["seconds_left"] / 3600, lang, 1))
            parts.append(text("registry.due", lang, deadline=_deadline_name(d, lang),
                              due=format_datetime(d["due"], lang), state=state))
        lines.append("  ".join(parts) + "\n")
    return "".join(lines)


def _deadline_name(deadline: dict[str, Any], lang: str) -> str:
    """The deadline as the rule pack names it in `lang`: its title up to the period
    ("Personal-data security breach notice (Kazakhstan)"); the id stays in the JSON."""
    title = deadline.get("title") or {}
    words = title.get(lang) or title.get("en") if isinstance(title, dict) else title
    if not words:
        return deadline["id"]
    return words.split(": ", 1)[0]


def _change_words(key: str, value: Any, lang: str) -> str:
    from senim.i18n import text
    from senim.i18n.formats import format_datetime

    if key == "status":
        value = text(f"registry.status_{value}", lang)
    elif key == "severity":
        value = text(f"registry.severity_{value}", lang)
    elif key == "reported_at":
        value = format_datetime(value, lang)
    elif key == "actions":
        value = value[-1] if value else ""
    return text(f"registry.change_{key}", lang, value=value)


def _people_and_data(incident: dict[str, Any], owners: list[dict[str, Any]], lang: str) -> list[str]:
    from senim.i18n import text
    from senim.i18n.formats import format_number
    from senim.i18n.words import fact_value

    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731
    lines = []
    affected = incident.get("affected")
    lines.append(t("report_affected", count=format_number(affected, lang)) if affected is not None else t("report_affected_unknown"))
    categories = incident.get("data_categories") or []
    if not categories and incident["kind"] == "personal_data_breach":  # the manifest's own categories
        categories = [c for o in owners for c in ((o.get("personal_data") or {}).get("categories") or [])]
    if categories:
        lines.append(t("report_categories", categories=fact_value("personal_data.categories", list(dict.fromkeys(categories)), lang)))
    return lines


def _deadline_lines(incident: dict[str, Any], lang: str) -> list[str]:
    from senim.i18n import text
    from senim.i18n.formats import format_datetime
    from senim.report.classification import citation

    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731
    lines = []
    if not incident["deadlines"]:
        lines.append("- " + t("report_no_deadline"))
        lines += [f"  {reason}" for reason in why_no_deadline(incident, lang)]
    for d in incident["deadlines"]:
        lines.append(f"- {d['title'].get(lang) or d['title']['en']} ({citation(d['ref'], lang)}; "
                     f"{t('confidence')}: {text('core.confidence.' + d['confidence'], lang)})")
        if incident.get("reported_at"):
            state = t("reported")
        elif d["overdue"]:
            state = t("overdue")
        else:
            state = t("left", hours=round(d["seconds_left"] / 3600, 1))
        lines.append("  " + t("report_due", due=format_datetime(d["due"], lang),
                              authority=d["authority"].get(lang) or d["authority"].get("en", "")) + f" ({state})")
    return lines


def report(db: Database, number: int, lang: str = "en", now: datetime | None = None, *,
           actor: Actor | None = None) -> str:
    """The notice to the authorities, in Kazakh, Russian or English: who notifies
    (the organisation, its BIN, a contact), what happened and when (Kazakhstan's
    time), how many people and which data, what was done, and the deadlines."""
    from senim.i18n import text
    from senim.i18n.formats import format_datetime

    incident = get_incident(db, number, now, actor=actor)
    _readable(incident)
    owners = _owners(db, incident["systems"])
    t = lambda key, **kw: text(f"registry.{key}", lang, **kw)  # noqa: E731
    lines = [t("report_title", number=number), ""]
    seen = set()
    for manifest in owners:
        owner = manifest.get("owner") or {}
        if owner.get("name") in seen:
            continue
        seen.add(owner.get("name"))
        lines.append(t("report_organisation", name=owner.get("name") or "-", bin=owner.get("bin") or t("not_given")))
        lines.append(t("report_contact", contact=owner.get("contact") or t("not_given")))
    lines.append(t("report_kind", kind=t(f"kind_{incident['kind']}")))
    lines.append(t("report_severity", severity=t(f"severity_{incident['severity']}")))
    names = {m.get("id"): m.get("name") for m in owners}
    lines.append(t("report_systems", systems=", ".join(f"«{names[s]}» ({s})" if names.get(s) else s for s in incident["systems"])))
    lines.append(t("report_aware_when", when=format_datetime(incident["aware_at"], lang)))
    if incident.get("aware_by"):
        lines.append(t("report_aware_who", who=incident["aware_by"]))
    if incident["occurred_at"]:
        lines.append(t("report_occurred", when=format_datetime(incident["occurred_at"], lang)))
    lines.append(t("report_summary", summary=incident["summary"]))
    lines += _people_and_data(incident, owners, lang)
    lines.append("")
    lines.append(t("report_actions"))
    for action in incident["actions"] or [t("none_recorded")]:
        lines.append(f"- {action}")
    lines.append("")
    lines.append(t("report_deadlines"))
    lines += _deadline_lines(incident, lang)
    lines.append("")
    lines.append(t("report_record", seq=incident["ledger_seq"]))
    return "\n".join(lines) + "\n"
