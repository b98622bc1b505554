"""Reports of unlabelled synthetic content, sent by anyone from the public
label check to the authority (the regulator's inbox).

A report belongs to the server's authority organisation (the first made
with `--authority`); `list_reports` gives it to that organisation's people.
What the reporter wrote is kept in the table; the ledger holds the report's
number, the checked file's hash and state, and digests of the texts (never
the contact, which is personal data the ledger could not forget).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select

from senim.errors import InputError
from senim.registry.models import Organisation
from senim.registry.public_models import LabelReport
from senim.registry.records import form_text, iso, utc_now
from senim.registry.tenancy import Actor, ledger

STATES = ("valid", "untrusted", "invalid", "none")


def _text(value: Any, field: str, limit: int, required: bool) -> str | None:
    return form_text(value, field, limit, required=required, no_iin="holds an IIN; a report needs none")


def authority(conn) -> int | None:
    return conn.execute(select(func.min(Organisation.id)).where(Organisation.authority.is_(True))).scalar()


def report_unlabelled(db, *, where: str, description: str, contact: str | None = None, sha256: str | None = None,
                      state: str | None = None, received: datetime | None = None) -> dict[str, Any]:
    """A report to the authority; its number and when it was received."""
    where = _text(where, "where", 2000, True)
    description = _text(description, "description", 10_000, True)
    contact = _text(contact, "contact", 320, False)
    if sha256 is not None and (len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256)):
        raise InputError("expected the SHA-256 the label check showed (64 hex digits)", field="sha256")
    if state is not None and state not in STATES:
        raise InputError(f"{state!r} is not one of {', '.join(STATES)}", field="state")
    moment = received or utc_now()
    record = {"where": where, "description": description, "contact": contact, "sha256": sha256, "state": state}
    with db.write() as conn:
        org = authority(conn)
        if org is None:
            raise InputError("this server has no authority organisation to report to")
        number = (conn.execute(select(func.max(LabelReport.id))).scalar() or 0) + 1
        digest = hashlib.sha256(f"{where}\n{description}".encode()).hexdigest()
        entry = ledger(conn, "label.reported", {"report": number, "received": iso(moment), "sha256": sha256,
                                                "state": state, "text": "sha256:" + digest}, org,
                       Actor(org=org, via="public"))
        conn.execute(insert(LabelReport).values(id=number, organisation_id=org, received=iso(moment),
                                                record=json.dumps(record, ensure_ascii=False), ledger_seq=entry.seq))
    return {"report": number, "received": iso(moment)}


def list_reports(db, actor: Actor) -> list[dict[str, Any]]:
    """The reports the actor's (authority) organisation received, newest first."""
    with db.read() as conn:
        rows = conn.execute(select(LabelReport).where(LabelReport.organisation_id == actor.org)
                            .order_by(LabelReport.id.desc())).all()
    return [{"id": r.id, "received": r.received, **json.loads(r.record), "ledger_seq": r.ledger_seq} for r in rows]
