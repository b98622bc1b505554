"""Small shared pieces: JSON-safe values and timestamps."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from senim.errors import InputError
from senim.ledger.canonical import CanonicalError, canonical
from senim.registry import subjects


def jsonable(value: Any, where: str) -> Any:
    """`value` as plain JSON (dates become ISO text), checked to be canonicalisable."""
    def default(obj: Any) -> Any:
        if isinstance(obj, (date, datetime)):
            return obj.isoformat()
        raise TypeError(type(obj).__name__)

    try:
        plain = json.loads(json.dumps(value, default=default, allow_nan=False))
        canonical(plain)
    except (TypeError, ValueError, CanonicalError) as error:
        raise InputError(f"{where}: cannot be stored as JSON ({error})") from None
    return plain


def form_text(value: Any, field: str, limit: int, *, required: bool = True,
              no_iin: str | None = None) -> str | None:
    """A text a person typed into a form (the public pages' fields): stripped, at most `limit`
    characters; None when left empty and not `required`. With `no_iin`, a text holding an
    IIN is refused with that problem (the field's reason for keeping none)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError("required", field=field)
        return None
    if not isinstance(value, str):
        raise InputError("expected text", field=field)
    value = value.strip()
    if len(value) > limit:
        raise InputError(f"at most {limit:,} characters", field=field)
    if no_iin is not None and subjects.find_iin(value, field) is not None:
        raise InputError(no_iin, field=field)
    return value


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# The moments a registry holds: what a decision or an incident can truly be
# dated, with room for every deadline after it. Outside, Python cannot hold
# the moment in UTC (9999-12-31T23:59:59-23:59) or a deadline after it
# (9999-12-31T23:00:00+00:00 plus 72 hours): refused at the door, so that no
# stored value can make a later command fail.
FIRST_YEAR, LAST_YEAR = 1900, 2999
# How deep a record (a decision, its output and reasons) may nest: real ones
# are two or three levels; Python's own parsers give up near 1,000.
MAX_DEPTH = 32
# The largest number a registry row can have (a signed 64-bit integer, on
# SQLite and PostgreSQL alike); a larger one names no row.
MAX_NUMBER = 2**63 - 1


def storable_number(number: object) -> bool:
    return isinstance(number, int) and not isinstance(number, bool) and -MAX_NUMBER <= number <= MAX_NUMBER


def parse_moment(value: Any, where: str) -> datetime:
    """An ISO 8601 date-time with an offset (a bare date means its start, UTC),
    between the years FIRST_YEAR and LAST_YEAR in UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{where}: {_short(value)!r} is not an ISO 8601 date-time") from None
    else:
        raise InputError(f"{where}: expected an ISO 8601 date-time, got {type(value).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{where}: {_short(str(value))} has no UTC offset (write e.g. 2026-03-02T10:00:00+05:00)")
    try:
        year = moment.astimezone(timezone.utc).year
    except (OverflowError, ValueError):
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{where}: {_short(str(value))} is outside the years {FIRST_YEAR} to {LAST_YEAR} (UTC) "
                         "a registry date can be")
    return moment


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a value nested deeper than `limit` lists and objects (iteratively:
    the check itself must not overflow)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                raise InputError(f"{where}: nested more than {limit} levels deep (lists and objects within each other)")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
