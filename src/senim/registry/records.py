"""Small shared pieces: JSON-safe values and timestamps."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from senim.errors import InputError
from senim.ledger.canonical import CanonicalError, canonical


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


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_moment(value: Any, where: str) -> datetime:
    """An ISO 8601 date-time with an offset (a bare date means its start, UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(f"{where}: {value!r} is not an ISO 8601 date-time") from None
    else:
        raise InputError(f"{where}: expected an ISO 8601 date-time, got {type(value).__name__}")
    if moment.tzinfo is None:
        raise InputError(f"{where}: {value!s} has no UTC offset (write e.g. 2026-03-02T10:00:00+05:00)")
    return moment
