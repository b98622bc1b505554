"""Citizens' requests to the owner of an AI system: an explanation or the
data a decision used (AI Law Art. 16), an objection or a human review
(Personal Data Law Art. 19-1), or a refusal to interact.

A person names the owner by its BIN and the system by the id in its
manifest (both shown to the people it decides about) and gets a tracking
code. The code is the only key to the answer, so it is 120 random bits and
the registry keeps only its SHA-256, as it does for session cookies. The
date by which the owner must answer comes from the law's data
(`law/packs/kz/data/citizen-requests.yaml`, each kind with its `ref`): working days
on Kazakhstan's calendar (`deadlines.add_business_days`), or none where the
law sets none.

A person is known to the owner only by what they chose to send. An IIN they
give is stored as the server's keyed pseudonym (`subjects.pseudonym`), as
decision subjects are, so the owner finds the person's decisions by it and
the number itself is kept nowhere; an IIN written into the free text or the
contact is refused with a sentence pointing to the IIN field. Every step is
ledgered (received, answered, the answer's first reading), naming the
request by number and its texts only by digest.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, insert, select, update

from senim.errors import InputError
from senim.registry import subjects
from senim.registry.models import Organisation, System
from senim.registry.public_models import CitizenRequest
from senim.registry.records import form_text, iso, utc_now
from senim.registry.tenancy import Actor, NotFound, ledger, owned

KINDS = ("explanation", "data_basis", "objection", "human_review", "refusal")
MAX_TEXT = 10_000
MAX_CONTACT = 320
ANSWER_KINDS = ("letter", "own_words")


@lru_cache(maxsize=1)
def law() -> dict[str, Any]:
    from senim.law.pack import legal_data

    return legal_data("citizen-requests")


def rule(kind: str) -> dict[str, Any]:
    """The law's entry for a kind of request: ref, confidence, period, title, period_note."""
    try:
        return law()["kinds"][kind]
    except KeyError:
        raise InputError(f"{kind!r} is not one of {', '.join(KINDS)}", field="kind") from None


def due_date(kind: str, received: datetime) -> date | None:
    """The last day the owner may answer on, or None where the law sets no period."""
    from zoneinfo import ZoneInfo

    from senim.registry.deadlines import add_business_days

    period = rule(kind).get("period")
    if not period:
        return None
    day = received.astimezone(ZoneInfo(law()["timezone"]["value"])).date()
    if "business_days" in period:
        return add_business_days(day, int(period["business_days"]), period.get("calendar", "KZ"))
    if "calendar_days" in period:
        return day + timedelta(days=int(period["calendar_days"]))
    raise InputError(f"citizen-requests.yaml: {kind}: period: needs business_days or calendar_days")


def new_tracking() -> str:
    """A code a person can copy or read out: 120 random bits, base32 in groups of four."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode("ascii")
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def _hash(tracking: str) -> str:
    normal = "".join(c for c in tracking.upper() if c.isalnum())
    return hashlib.sha256(normal.encode("ascii", "replace")).hexdigest()


def _digest(value: str) -> str:
    return "sha256:" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def _no_iin(value: str, field: str) -> None:
    if subjects.find_iin(value, field) is not None:
        raise InputError("holds an IIN; give it in the field `iin` alone, so that it is kept only as a "
                         "pseudonym", field=field)


def _text(value: Any, field: str, limit: int, required: bool = True) -> str | None:
    return form_text(value, field, limit, required=required)


def _subject(iin: str | None, subject: str | None) -> tuple[str | None, bytes | None]:
    """What the registry keeps about who asks: the IIN's pseudonym, or the id
    the owner gave the person (as its decisions name them); a new key to keep."""
    if iin:
        found = subjects.find_iin(iin, "iin")
        if found is None or len("".join(c for c in iin if c.isdigit())) != 12:
            raise InputError("not a valid IIN (12 digits with a right check digit)", field="iin")
        key, new = subjects.key_for_recording()
        return subjects.pseudonym(found, key), key if new else None
    if subject:
        subjects.check(subject, "subject")
        if subjects.find_iin(subject, "subject") is not None:
            return _subject(subject, None)
        return subject, None
    return None, None


def submit(db, *, owner: str, system: str, kind: str, contact: str, text: str, iin: str | None = None,
           subject: str | None = None, lang: str = "en", received: datetime | None = None) -> dict[str, Any]:
    """Record a person's request; its tracking code (shown once) and due date.

    `owner`: the owner's BIN; `system`: the system's id in its manifest;
    `iin` or `subject`: how the owner's decisions name the person (optional).
    """
    from senim.i18n import LANGUAGES

    rule(kind)
    if not isinstance(owner, str) or not owner.strip():
        raise InputError("required (the owner's BIN)", field="owner")
    if not isinstance(system, str) or not system.strip():
        raise InputError("required (the system's id)", field="system")
    contact = _text(contact, "contact", MAX_CONTACT)
    text = _text(text, "text", MAX_TEXT)
    iin = _text(iin, "iin", 40, required=False)
    subject = _text(subject, "subject", 200, required=False)
    _no_iin(contact, "contact")
    _no_iin(text, "text")
    lang = lang if lang in LANGUAGES else "en"
    moment = received or utc_now()
    due = due_date(kind, moment)
    stored_subject, new_key = _subject(iin, subject)
    with db.read() as conn:
        org = conn.execute(select(Organisation.id).where(Organisation.bin == owner.strip(),
                                                         Organisation.authority.is_(False))).scalar()
        found = org is not None and conn.execute(select(System.id).where(
            System.organisation_id == org, System.id == system.strip())).first() is not None
    if not found:  # the same words for an unknown owner and an unknown system of a known one
        raise NotFound("no system with this id is registered for an owner with this BIN", field="system")
    if new_key is not None:
        kept = subjects.keep(new_key)
        if kept != new_key:  # another process made the key first: use it
            stored_subject, _ = _subject(iin, subject)
    tracking = new_tracking()
    law_rule = rule(kind)
    with db.write() as conn:
        number = (conn.execute(select(func.max(CitizenRequest.id))).scalar() or 0) + 1
        data = {"request": number, "system": system.strip(), "kind": kind, "received": iso(moment),
                "due": due.isoformat() if due else None, "ref": law_rule["ref"], "subject": stored_subject,
                "text": _digest(text)}
        actor = Actor(org=org, via="public")
        entry = ledger(conn, "request.received", data, org, actor)
        conn.execute(insert(CitizenRequest).values(
            id=number, organisation_id=org, tracking_sha256=_hash(tracking), system_id=system.strip(), kind=kind,
            subject=stored_subject, contact=contact, text=text, lang=lang, status="received", received=iso(moment),
            due=due.isoformat() if due else None, ledger_seq=entry.seq))
    return {"tracking": tracking, "request": number, "kind": kind, "system": system.strip(), "received": iso(moment),
            "due": due.isoformat() if due else None, "ref": law_rule["ref"], "confidence": law_rule["confidence"],
            "status": "received", "ledger_seq": entry.seq}


def _public(row, system_name: str | None, owner_name: str | None) -> dict[str, Any]:
    law_rule = rule(row.kind)
    return {"kind": row.kind, "system": row.system_id, "system_name": system_name, "owner": owner_name,
            "received": row.received, "due": row.due, "ref": law_rule["ref"], "confidence": law_rule["confidence"],
            "status": row.status, "answered": row.answered, "answer": row.answer, "lang": row.lang}


def track(db, tracking: str) -> dict[str, Any]:
    """What the person sees at the tracking link; its first reading of an answer is ledgered."""
    if not isinstance(tracking, str) or not 10 <= len(tracking) <= 64:
        raise NotFound("tracking: no request has this code")
    digest = _hash(tracking)
    with db.read() as conn:
        found = conn.execute(
            select(CitizenRequest, System.name.label("system_name"), Organisation.name.label("owner"))
            .join(System, (System.organisation_id == CitizenRequest.organisation_id)
                  & (System.id == CitizenRequest.system_id))
            .join(Organisation, Organisation.id == CitizenRequest.organisation_id)
            .where(CitizenRequest.tracking_sha256 == digest)).first()
    if found is None:
        raise NotFound("tracking: no request has this code")
    row = found
    if row.status == "answered" and row.delivered is None:
        with db.write() as conn:
            done = conn.execute(update(CitizenRequest).where(CitizenRequest.id == row.id,
                                                            CitizenRequest.delivered.is_(None))
                                .values(delivered=iso(utc_now())))
            if done.rowcount:
                ledger(conn, "request.answer_read", {"request": row.id}, row.organisation_id,
                       Actor(org=row.organisation_id, via="public"))
    return _public(row, found.system_name, found.owner)


def _owner_row(row, today: date) -> dict[str, Any]:
    law_rule = rule(row.kind)
    overdue = row.status != "answered" and row.due is not None and date.fromisoformat(row.due) < today
    return {"id": row.id, "system": row.system_id, "kind": row.kind, "subject": row.subject, "contact": row.contact,
            "text": row.text, "lang": row.lang, "status": row.status, "received": row.received, "due": row.due,
            "ref": law_rule["ref"], "confidence": law_rule["confidence"], "overdue": overdue,
            "answer": row.answer, "answer_kind": row.answer_kind, "answered": row.answered,
            "delivered": row.delivered, "ledger_seq": row.ledger_seq}


def _today() -> date:
    from zoneinfo import ZoneInfo

    return utc_now().astimezone(ZoneInfo(law()["timezone"]["value"])).date()


def inbox(db, actor: Actor, *, status: str | None = None, today: date | None = None) -> list[dict[str, Any]]:
    """The organisation's requests, the soonest deadline first; those with no
    legal period after them, oldest first; answered ones last."""
    query = select(CitizenRequest).where(CitizenRequest.organisation_id == actor.org)
    if status is not None:
        query = query.where(CitizenRequest.status == status)
    with db.read() as conn:
        rows = conn.execute(query).all()
    rows.sort(key=lambda r: (r.status == "answered", r.due is None, r.due or "", r.received, r.id))
    day = today or _today()
    return [_owner_row(r, day) for r in rows]


def get_request(db, number: int, actor: Actor) -> dict[str, Any]:
    row = owned(db, CitizenRequest, number, actor, "request")
    return _owner_row(row, _today())


def answer(db, number: int, actor: Actor, *, kind: str, text: str | None = None,
           answered: datetime | None = None) -> dict[str, Any]:
    """Answer a request: `kind` "letter" (the explanation letter made from the
    decision records about the person, as `senim decisions explain` writes it,
    in the person's language) or "own_words" (`text`)."""
    from senim.registry.disclosures import explanation_letter

    if kind not in ANSWER_KINDS:
        raise InputError(f"{kind!r} is not one of {', '.join(ANSWER_KINDS)}", field="kind")
    request = get_request(db, number, actor)
    if request["status"] == "answered":
        raise InputError(f"request {number}: already answered")
    if kind == "letter":
        if not request["subject"]:
            raise InputError(f"request {number}: the person gave no IIN or id, so no decision can be found for a "
                             "letter; answer in your own words")
        body = explanation_letter(db, request["subject"], request["lang"], actor)
    else:
        body = _text(text, "text", MAX_TEXT)
    moment = answered or utc_now()
    with db.write() as conn:
        done = conn.execute(update(CitizenRequest).where(CitizenRequest.id == number,
                                                        CitizenRequest.organisation_id == actor.org,
                                                        CitizenRequest.status == "received")
                            .values(status="answered", answer=body, answer_kind=kind, answered=iso(moment)))
        if not done.rowcount:
            raise InputError(f"request {number}: already answered")
        from zoneinfo import ZoneInfo

        local = moment.astimezone(ZoneInfo(law()["timezone"]["value"])).date()
        on_time = request["due"] is None or local <= date.fromisoformat(request["due"])
        ledger(conn, "request.answered", {"request": number, "kind": kind, "answer": _digest(body),
                                          "answered": iso(moment), "due": request["due"], "on_time": on_time},
               actor.org, actor)
    return get_request(db, number, actor)
