"""Whose data a query reads and a change writes: organisations and actors.

Every table of an organisation's data carries `organisation_id`. The query
functions of the registry take an `Actor`, made by a door from who is
signed in (the web) or from the machine's operator (the CLI, `actor=None`):

- an Actor's organisation is the only one its queries read or write, so an
  object of another organisation is "not registered", exactly as if it did
  not exist;
- `actor=None` (the CLI, run by whoever owns the database file) reads every
  organisation and writes a system to the organisation of its owner's BIN,
  made on first need with the owner's name, or to the default organisation
  (id 1) when the manifest gives no BIN. Migration 0003 sorts existing rows
  the same way.

Each write is ledgered with `ledger()`, which names the actor in the entry
and records which organisation the entry belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select

from senim.errors import InputError, Word, Written
from senim.ledger import chain
from senim.registry.models import LedgerOwner, Organisation
from senim.registry.records import iso, utc_now

DEFAULT_ORG = 1
ORGANISATION = Word("errors.place.organisation")  # where a problem of a new organisation is


class NotFound(InputError):
    """No such object in the actor's organisation: to the web, 404, whether
    it does not exist or belongs to another organisation."""
ROLES = ("admin", "compliance", "engineer", "auditor", "regulator")


@dataclass(frozen=True)
class Actor:
    """Who acts: an organisation, and the person or token acting for it."""

    org: int
    user: str | None = None        # e-mail of the person
    via: str = "cli"               # "session", "token:<name>", "cli", "worker"
    role: str | None = None

    def entry(self) -> dict[str, Any]:
        """The actor as the ledger entry names it."""
        return {"org": self.org, "user": self.user, "via": self.via}


def scoped(query, column, actor: Actor | None):
    """`query` limited to the actor's organisation (unlimited for the CLI)."""
    return query if actor is None else query.where(column == actor.org)


def owned(db, model, number: int, actor: Actor, what: str):
    """Row `number` of `model` if it is the actor's organisation's, else NotFound
    ("job 7: no such job"), as if another organisation's row did not exist."""
    with db.read() as conn:
        row = conn.execute(select(model).where(model.id == number, model.organisation_id == actor.org)).first()
    if row is None:
        raise no_such(what, number)
    return row


def no_such(what: str, number: int) -> NotFound:
    """NotFound for object `number` of a kind (job, evidence, ...): "job 7: no
    such job", the place and the problem said in the reader's language."""
    from senim.i18n import has

    if not has(f"errors.place.{what}_number"):  # a kind without words: the English sentence
        return NotFound(f"{what} {number}: no such {what}")
    return NotFound.said(f"errors.no_such.{what}", file=Word(f"errors.place.{what}_number", number=number))


def ledger(conn, kind: str, data: Any, org: int, actor: Actor | None = None) -> chain.Appended:
    """Append a ledger entry naming the actor, owned by organisation `org`."""
    entry = chain.append(conn, kind, data, actor=actor.entry() if actor is not None else None)
    conn.execute(insert(LedgerOwner).values(seq=entry.seq, organisation_id=org))
    return entry


def org_for_manifest(conn, data: dict[str, Any], actor: Actor | None) -> int:
    """The organisation a system is registered to (see the module's text)."""
    if actor is not None:
        return actor.org
    owner = data.get("owner") or {}
    bin_ = owner.get("bin")
    if not bin_:
        return DEFAULT_ORG
    found = conn.execute(select(Organisation.id).where(Organisation.bin == bin_)).scalar()
    if found is not None:
        return found
    return _insert_org(conn, owner.get("name") or bin_, bin_, False)


def _insert_org(conn, name: str, bin_: str | None, authority: bool) -> int:
    number = (conn.execute(select(func.max(Organisation.id))).scalar() or DEFAULT_ORG) + 1
    conn.execute(insert(Organisation).values(id=number, bin=bin_, name=name, authority=authority,
                                             created=iso(utc_now())))
    return number


def add_organisation(db, name: str, bin_: str, *, authority: bool = False, actor: Actor | None = None) -> dict:
    """A new organisation (its BIN checked); ledgered."""
    from senim.identifiers import bin_fault

    if not name or not name.strip():
        raise InputError.said("errors.registry.required", file=ORGANISATION, field="name")
    fault = bin_fault(bin_ or "")
    if fault:
        raise InputError.said(fault, file=ORGANISATION, field="bin",
                              number=Written(bin_) if isinstance(bin_, str) else repr(bin_))
    with db.write() as conn:
        if conn.execute(select(Organisation.id).where(Organisation.bin == bin_)).first():
            raise InputError.said("errors.registry.organisation_exists", file=ORGANISATION, field="bin", bin=bin_)
        number = _insert_org(conn, name.strip(), bin_, authority)
        ledger(conn, "organisation.added", {"organisation": number, "name": name.strip(), "bin": bin_,
                                            "authority": authority}, number, actor)
    return {"id": number, "name": name.strip(), "bin": bin_, "authority": authority}


def organisation(conn, *, bin_: str | None = None, number: int | None = None) -> dict | None:
    query = select(Organisation)
    query = query.where(Organisation.bin == bin_) if bin_ is not None else query.where(Organisation.id == number)
    row = conn.execute(query).first()
    if row is None:
        return None
    return {"id": row.id, "name": row.name, "bin": row.bin, "authority": bool(row.authority)}


def list_organisations(db) -> list[dict]:
    with db.read() as conn:
        return [{"id": r.id, "name": r.name, "bin": r.bin, "authority": bool(r.authority)}
                for r in conn.execute(select(Organisation).order_by(Organisation.id))]
