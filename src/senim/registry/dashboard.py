"""What an organisation's dashboard counts, from what the registry stores:
systems by risk and autonomy, open gaps by what is at stake (from each
system's latest assessment), incidents by their nearest deadline, and the
obligations that start applying in a coming period (from the stored
classifications, which carry each obligation's `applies_from`).

A registered version never changes, so what is read from its
classification is kept in memory by (organisation, system, version).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import select

from senim.registry.models import System, SystemVersion
from senim.registry.tenancy import Actor

_SEEN: dict[tuple[int, str, int], dict[str, Any]] = {}
_LOCK = threading.Lock()
_LIMIT = 50_000


def _facts(classification: dict[str, Any]) -> dict[str, Any]:
    upcoming = []
    for law in ("kz", "eu"):
        part = classification.get(law) or {}
        for item in part.get("upcoming_obligations") or []:
            upcoming.append({"id": item["id"], "law": law, "ref": item.get("ref"), "title": item.get("title"),
                             "applies_from": item.get("applies_from")})
    return {"autonomy": (classification.get("kz") or {}).get("autonomy"), "upcoming": upcoming}


def _versions(db, actor: Actor) -> list[tuple[str, str | None, int, str | None, str | None, dict[str, Any]]]:
    with db.read() as conn:
        rows = conn.execute(
            select(System.id, System.name, System.latest_version, SystemVersion.kz_risk, SystemVersion.eu_category)
            .join(SystemVersion, (SystemVersion.organisation_id == System.organisation_id)
                  & (SystemVersion.system_id == System.id) & (SystemVersion.version == System.latest_version))
            .where(System.organisation_id == actor.org).order_by(System.id)).all()
        missing = [(r.id, r.latest_version) for r in rows if (actor.org, r.id, r.latest_version) not in _SEEN]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            for system_id, version, classification in conn.execute(
                    select(SystemVersion.system_id, SystemVersion.version, SystemVersion.classification)
                    .where(SystemVersion.organisation_id == actor.org,
                           SystemVersion.system_id.in_([c[0] for c in chunk]))):
                if (system_id, version) in chunk:
                    with _LOCK:
                        if len(_SEEN) > _LIMIT:
                            _SEEN.clear()
                        _SEEN[(actor.org, system_id, version)] = _facts(json.loads(classification))
    return [(r.id, r.name, r.latest_version, r.kz_risk, r.eu_category, _SEEN[(actor.org, r.id, r.latest_version)])
            for r in rows]


def dashboard(db, actor: Actor, today: date, until: date) -> dict[str, Any]:
    from senim.registry.assessments import latest_summaries
    from senim.registry.incidents import list_incidents

    systems = _versions(db, actor)
    by_risk = Counter(s[3] or "none" for s in systems)
    by_autonomy = Counter(s[5]["autonomy"] or "none" for s in systems)
    grid = Counter((s[3] or "none", s[5]["autonomy"] or "none") for s in systems)
    summaries = latest_summaries(db, actor)
    gaps: Counter = Counter()
    for summary in summaries.values():
        gaps.update(summary.get("gaps_by_stake", {}))
    coming = []
    for system_id, name, _version, _risk, _eu, facts in systems:
        for item in facts["upcoming"]:
            starts = item.get("applies_from")
            if starts and today.isoformat() <= starts <= until.isoformat():
                coming.append({**item, "system": system_id, "system_name": name})
    coming.sort(key=lambda c: (c["applies_from"], c["system"], c["id"]))
    incidents = [i for i in list_incidents(db, actor=actor) if i["status"] != "closed"]
    incidents.sort(key=lambda i: (not i["overdue"], min((d["due"] for d in i["deadlines"]), default="9999")))
    return {"systems": len(systems), "by_risk": dict(by_risk), "by_autonomy": dict(by_autonomy),
            "grid": {f"{k[0]}/{k[1]}": v for k, v in grid.items()}, "gaps_by_stake": dict(gaps),
            "assessed": len(summaries), "coming": coming[:200], "coming_total": len(coming),
            "incidents": incidents[:50], "until": until.isoformat()}
