"""Small shared pieces: JSON-safe values and timestamps."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timezone
from typing import Any

from senim.errors import InputError, Word, Written
from senim.ledger.canonical import CanonicalError, canonical
from senim.registry import subjects


_PLACE = re.compile(r"(?P<file>.+?)(?::(?P<line>\d+))?(?:: (?P<field>[\w.-]+))?", re.S)


def place(where: str | Word, field: str | None = None) -> dict[str, Any]:
    """The place the registry's checks hand on as one text ("FILE:LINE: field")
    or as a place in words (`Word("errors.place.incident_number", number=3)`,
    with `field` beside it), as the parts `InputError.said` takes: the sentence
    reads as before, and the problem, and a place in words, can be said in
    another language."""
    if isinstance(where, Word):
        return {"file": where, "line": None, "field": field}
    found = _PLACE.fullmatch(where)
    parts = {"file": found["file"], "line": int(found["line"]) if found["line"] else None, "field": found["field"]}
    if field is not None:
        parts = ({"file": where, "line": None} if parts["field"] else parts) | {"field": field}
    return parts


def kind_of(value: Any) -> Any:
    """What a value is, as the English sentences name it ("got list"), a
    word the reader's language has for it."""
    from senim.i18n import has

    name = type(value).__name__
    return Word(f"errors.type.{name}") if has(f"errors.type.{name}") else name


def shown(value: Any) -> Any:
    """A value the reader gave, as a sentence shows it (`repr` in English, «» in Kazakh and Russian)."""
    return Written(value) if isinstance(value, str) else repr(value)


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
        raise InputError.said("errors.registry.not_storable", **place(where), detail=str(error)) from None
    return plain


def form_text(value: Any, field: str, limit: int, *, required: bool = True,
              no_iin: str | None = None) -> str | None:
    """A text a person typed into a form (the public pages' fields): stripped, at most `limit`
    characters; None when left empty and not `required`. With `no_iin`, a text holding an
    IIN is refused with that problem (the field's reason for keeping none)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError.said("errors.registry.required", field=field)
        return None
    if not isinstance(value, str):
        raise InputError.said("errors.registry.expected_text", field=field)
    value = value.strip()
    if len(value) > limit:
        raise InputError.said("errors.registry.too_long", field=field, limit=limit)
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


def parse_moment(value: Any, where: str | Word, field: str | None = None) -> datetime:
    """An ISO 8601 date-time with an offset (a bare date means its start, UTC),
    between the years FIRST_YEAR and LAST_YEAR in UTC; a problem is named at
    `where` (and `field`: see `place`)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError.said("errors.registry.not_a_moment", **place(where, field), shown=Written(_short(value))) from None
    else:
        raise InputError.said("errors.registry.moment_kind", **place(where, field), got=kind_of(value))
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError.said("errors.registry.no_offset", **place(where, field), shown=_short(str(value)))
    try:
        year = moment.astimezone(timezone.utc).year
    except (OverflowError, ValueError):
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError.said("errors.registry.outside_years", **place(where, field), shown=_short(str(value)),
                              first=FIRST_YEAR, last=LAST_YEAR)
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
                raise InputError.said("errors.registry.too_deep", **place(where), limit=limit)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
