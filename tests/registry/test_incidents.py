"""Incidents and their deadlines, worked by hand from the law and the calendar.

EU AI Act Art. 73(2)-(4): 15 days, 10 for a death, 2 for a widespread
infringement or a critical-infrastructure disruption, counted from awareness.
Kazakhstan's Personal Data Law (as amended by Law No. 44-VIII, from 1 July
2024): notice within one business day of detection.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from registry_helpers import run_cli, write_manifest


def _setup(db_url, tmp_path):
    from senim.registry import Database, register

    db = Database(db_url)
    register(db, write_manifest(tmp_path, "retail-credit-scoring"))  # KZ only: no EU duty
    register(db, write_manifest(tmp_path, "triage-assistant"))       # EU Annex III 5(d): high-risk
    return db


def _due(incident, rule):
    (match,) = [d for d in incident["deadlines"] if d["id"] == rule]
    return datetime.fromisoformat(match["due"])


def test_eu_art73_deadlines(db_url, tmp_path):
    from senim.registry import get_incident, open_incident

    db = _setup(db_url, tmp_path)
    aware = datetime(2026, 9, 1, 8, 30, tzinfo=timezone.utc)
    general = open_incident(db, kind="harm_to_health", severity="high", systems=["triage-assistant"],
                            summary="Wrong triage level", aware_at=aware.isoformat())
    death = open_incident(db, kind="death", severity="critical", systems=["triage-assistant"],
                          summary="Patient died after a wrong triage level", aware_at=aware.isoformat())
    widespread = open_incident(db, kind="infringement_of_rights", severity="high", systems=["triage-assistant"],
                               summary="Refusals in several countries", aware_at=aware.isoformat(), widespread=True)
    infra = open_incident(db, kind="critical_infrastructure_disruption", severity="critical",
                          systems=["triage-assistant"], summary="Dispatch down", aware_at=aware.isoformat())
    not_high = open_incident(db, kind="harm_to_health", severity="high", systems=["retail-credit-scoring"],
                             summary="x", aware_at=aware.isoformat())
    now = aware + timedelta(days=1)
    assert [d["id"] for d in get_incident(db, general, now)["deadlines"]] == ["eu.art73.general"]
    assert _due(get_incident(db, general, now), "eu.art73.general") == datetime(2026, 9, 16, 8, 30, tzinfo=timezone.utc)
    assert [d["id"] for d in get_incident(db, death, now)["deadlines"]] == ["eu.art73.death"]
    assert _due(get_incident(db, death, now), "eu.art73.death") == datetime(2026, 9, 11, 8, 30, tzinfo=timezone.utc)
    for number in (widespread, infra):
        incident = get_incident(db, number, now)
        assert [d["id"] for d in incident["deadlines"]] == ["eu.art73.widespread"]
        assert _due(incident, "eu.art73.widespread") == datetime(2026, 9, 3, 8, 30, tzinfo=timezone.utc)
    assert get_incident(db, not_high, now)["deadlines"] == []
    # time left and overdue: one day in, the 2-day deadline has 24 hours left
    assert get_incident(db, infra, now)["deadlines"][0]["seconds_left"] == 24 * 3600
    late = get_incident(db, infra, aware + timedelta(days=3))
    assert late["overdue"] and late["deadlines"][0]["overdue"]
    db.dispose()


def test_kz_breach_notice_uses_working_days(db_url, tmp_path):
    from senim.registry import get_incident, open_incident

    db = _setup(db_url, tmp_path)
    cases = {
        # Wednesday 25 Nov 2026 -> by the end of Thursday 26 Nov (Almaty, UTC+5)
        "2026-11-25T15:00:00+05:00": "2026-11-27T00:00:00+05:00",
        # Friday -> the next working day is Monday
        "2026-11-27T09:00:00+05:00": "2026-12-01T00:00:00+05:00",
        # Tuesday 15 Dec 2026; 16 Dec is Independence Day -> Thursday 17 Dec
        "2026-12-15T11:00:00+05:00": "2026-12-18T00:00:00+05:00",
        # Thursday 2 Jan 2025 (holiday); Friday 3 Jan was made a day off and
        # Sunday 5 Jan a working day by the Government's transfer of days off
        "2025-01-02T10:00:00+05:00": "2025-01-06T00:00:00+05:00",
        # 20:30 UTC on Monday 20 Oct 2025 is 01:30 on Tuesday in Almaty: due end of Wednesday
        "2025-10-20T20:30:00+00:00": "2025-10-23T00:00:00+05:00",
        # 18:30 UTC the same Monday is still Monday in Almaty: due end of Tuesday
        "2025-10-20T18:30:00+00:00": "2025-10-22T00:00:00+05:00",
    }
    for aware, due in cases.items():
        number = open_incident(db, kind="personal_data_breach", severity="medium", systems=["retail-credit-scoring"],
                               summary="Export left on a shared drive", aware_at=aware)
        incident = get_incident(db, number)
        assert [d["id"] for d in incident["deadlines"]] == ["kz.personal_data.breach_notice"], aware
        assert _due(incident, "kz.personal_data.breach_notice") == datetime.fromisoformat(due), aware
    # before the amendment came into force (1 July 2024) there was no such deadline
    number = open_incident(db, kind="personal_data_breach", severity="medium", systems=["retail-credit-scoring"],
                           summary="old", aware_at="2024-06-03T10:00:00+05:00")
    assert get_incident(db, number)["deadlines"] == []
    db.dispose()
