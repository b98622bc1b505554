"""Incident notification deadlines, computed from the law's incident deadlines (the packs' incident-deadlines section).

Calendar-day periods run from the moment of awareness. Business-day periods
use Kazakhstan's working-day calendar from the `holidays` package, which knows
the public holidays, the days off moved when a holiday falls on a weekend, and
the Government's transfers of days off (a Saturday made a working day); it
only knows the transfer decrees published before its release, so a newer
decree needs a newer `holidays`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from senim.errors import InputError
from senim.law.pack import PACKS_DIR

# The home pack's deadlines, where their shape is described (the EU's are in packs/eu/data/).
DATA = PACKS_DIR / "kz" / "data" / "incident-deadlines.yaml"

@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("incident-deadlines")


def zone() -> ZoneInfo:
    return ZoneInfo(rules()["timezone"]["value"])


@lru_cache(maxsize=8)
def _calendar(country: str, first: int, last: int):
    import holidays

    return holidays.country_holidays(country, years=range(first, last + 1))


def is_working_day(day: date, country: str = "KZ") -> bool:
    return _calendar(country, day.year - 1, day.year + 1).is_working_day(day)


def add_business_days(day: date, count: int, country: str = "KZ") -> date:
    """The `count`-th working day after `day`."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_working_day(current, country):
            count -= 1
    return current


@dataclass(frozen=True)
class Deadline:
    id: str
    regime: str
    ref: str
    confidence: str
    due: datetime
    title: dict[str, str]
    authority: dict[str, str]

    def status(self, now: datetime, reported: bool = False) -> dict[str, Any]:
        left = self.due - now
        return {
            "id": self.id,
            "regime": self.regime,
            "ref": self.ref,
            "confidence": self.confidence,
            "due": self.due.isoformat(timespec="seconds"),
            "seconds_left": int(left.total_seconds()),
            "overdue": (not reported) and left.total_seconds() < 0,
            "title": self.title,
            "authority": self.authority,
        }


def _matches(condition: dict[str, Any], facts: dict[str, Any]) -> bool:
    for key, expected in condition.items():
        if key == "any":
            if not any(_matches(part, facts) for part in expected):
                return False
        elif key == "kinds":
            if facts["kind"] not in expected:
                return False
        elif bool(facts.get(key)) != bool(expected):
            return False
    return True


def due_date(rule: dict[str, Any], aware_at: datetime) -> datetime:
    period = rule["period"]
    if "calendar_days" in period:
        return aware_at + timedelta(days=int(period["calendar_days"]))
    if "business_days" in period:
        tz = zone()
        local_day = aware_at.astimezone(tz).date()
        last_day = add_business_days(local_day, int(period["business_days"]), period.get("calendar", "KZ"))
        return datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=tz)  # end of that day
    raise InputError(f"{DATA}: {rule['id']}: period: needs calendar_days or business_days")


def deadlines_for(facts: dict[str, Any]) -> list[Deadline]:
    """The binding deadlines for an incident.

    facts: kind, aware_at (aware datetime), eu_high_risk, widespread.
    """
    aware_at: datetime = facts["aware_at"]
    best: dict[str, Deadline] = {}
    for rule in rules()["deadlines"]:
        start = rule.get("from")
        if start and aware_at.astimezone(zone()).date() < start:
            continue
        if not _matches(rule.get("applies_when", {}), facts):
            continue
        deadline = Deadline(
            id=rule["id"],
            regime=rule["regime"],
            ref=rule["ref"],
            confidence=rule["confidence"],
            due=due_date(rule, aware_at),
            title=rule["title"],
            authority=rule.get("authority", {}),
        )
        group = rule.get("group", rule["id"])
        if group not in best or deadline.due < best[group].due:
            best[group] = deadline
    return sorted(best.values(), key=lambda d: d.due)
