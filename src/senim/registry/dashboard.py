"""What an organisation's dashboard counts, from what the registry stores:
systems by risk and autonomy, open gaps by what is at stake (from each
system's latest assessment), incidents by their nearest deadline, and the
obligations that start applying in a coming period.

The database counts: systems by (risk, autonomy) with one GROUP BY over the
latest versions (`kz_autonomy` is kept beside `kz_risk`, schema 0006), and
the coming obligations from `upcoming_obligations` (each registered
version's obligations that start later, with their day), by an indexed
range on that day. Nothing of the organisation's systems is loaded one by
one; only open incidents are read, and the latest assessment's summary of
each assessed system.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, func, select

from senim.registry.models import Incident, System, SystemVersion, UpcomingObligation
from senim.registry.tenancy import Actor

COMING_SHOWN = 200
INCIDENTS_SHOWN = 50


def _latest(model) -> Any:
    """The join condition of `model`'s rows to the latest version of their system."""
    return ((System.organisation_id == model.organisation_id) & (System.id == model.system_id)
            & (System.latest_version == model.version))


def _bytewise(column, dialect: str):
    """`column` ordered by its characters' code points, as Python sorts (not by a locale's collation)."""
    return column.collate("C") if dialect == "postgresql" else column


@lru_cache(maxsize=4)
def _queries(dialect: str) -> dict[str, Any]:
    """The dashboard's queries, built once per dialect; the organisation and the
    period are bound at each execute (:org, :start, :until)."""
    mine = System.organisation_id == bindparam("org")
    window = (UpcomingObligation.organisation_id == bindparam("org"),
              UpcomingObligation.applies_from >= bindparam("start"),
              UpcomingObligation.applies_from <= bindparam("until"))
    return {
        "grid": select(SystemVersion.kz_risk, SystemVersion.kz_autonomy, func.count())
        .select_from(System).join(SystemVersion, _latest(SystemVersion)).where(mine)
        .group_by(SystemVersion.kz_risk, SystemVersion.kz_autonomy),
        "coming_total": select(func.count()).select_from(UpcomingObligation)
        .join(System, _latest(UpcomingObligation)).where(*window),
        "coming": select(UpcomingObligation.obligation, UpcomingObligation.law, UpcomingObligation.ref,
                         UpcomingObligation.title, UpcomingObligation.applies_from, UpcomingObligation.system_id,
                         System.name)
        .join(System, _latest(UpcomingObligation)).where(*window)
        .order_by(UpcomingObligation.applies_from, _bytewise(UpcomingObligation.system_id, dialect),
                  _bytewise(UpcomingObligation.obligation, dialect))
        .limit(COMING_SHOWN),
        "incidents": select(Incident.id, Incident.record)
        .where(Incident.organisation_id == bindparam("org"), Incident.status != "closed")
        .order_by(Incident.id),
    }


def dashboard(db, actor: Actor, today: date, until: date) -> dict[str, Any]:
    from senim.registry.assessments import latest_summaries_in
    from senim.registry.incidents import _with_deadlines
    from senim.registry.records import utc_now

    now = utc_now()
    window = {"org": actor.org, "start": today.isoformat(), "until": until.isoformat()}
    with db.read() as conn:
        query = _queries(conn.dialect.name)
        grid = {(risk or "none", autonomy or "none"): n
                for risk, autonomy, n in conn.execute(query["grid"], {"org": actor.org})}
        coming_total = conn.execute(query["coming_total"], window).scalar_one()
        coming = [{"id": r.obligation, "law": r.law, "ref": json.loads(r.ref) if r.ref else None,
                   "title": json.loads(r.title) if r.title else None, "applies_from": r.applies_from,
                   "system": r.system_id, "system_name": r.name}
                  for r in conn.execute(query["coming"], window)]
        open_incidents = conn.execute(query["incidents"], {"org": actor.org}).all()
        summaries = latest_summaries_in(conn, actor)
    by_risk: Counter = Counter()
    by_autonomy: Counter = Counter()
    for (risk, autonomy), n in grid.items():
        by_risk[risk] += n
        by_autonomy[autonomy] += n
    gaps: Counter = Counter()
    for summary in summaries.values():
        gaps.update(summary.get("gaps_by_stake", {}))
    incidents = [i for i in (_with_deadlines(r.id, json.loads(r.record), now) for r in open_incidents)
                 if i["status"] != "closed"]
    incidents.sort(key=lambda i: (not i["overdue"], min((d["due"] for d in i["deadlines"]), default="9999")))
    return {"systems": sum(grid.values()), "by_risk": dict(by_risk), "by_autonomy": dict(by_autonomy),
            "grid": {f"{k[0]}/{k[1]}": v for k, v in grid.items()}, "gaps_by_stake": dict(gaps),
            "assessed": len(summaries), "coming": coming, "coming_total": coming_total,
            "incidents": incidents[:INCIDENTS_SHOWN], "until": until.isoformat()}
