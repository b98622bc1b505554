"""People who sign in, their roles, sessions and API tokens.

Passwords are hashed with Argon2id, by default with RFC 9106's second
recommended parameters (3 passes, 64 MiB, 4 lanes; `configure` changes them
for new hashes, e.g. lighter ones in tests; a hash carries its own
parameters, so old ones still verify and are re-hashed at the next sign-in). Session cookies and API tokens are 256-bit random
secrets; the database keeps only their SHA-256, so a copy of it signs nobody
in. A session ends after `IDLE` seconds without use or `ABSOLUTE` seconds in
all; "log out everywhere" deletes every session of the person. Sign-in is
refused for a while after `FAILURES` wrong passwords for one e-mail (or
`FAILURES_PER_ADDRESS` from one network address) within `WINDOW` seconds.
Adding a person, changing a role and adding or revoking a token are ledgered.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from senim.errors import InputError
from senim.registry.models import LoginFailure, Organisation, Session, Token, User
from senim.registry.records import iso, utc_now
from senim.registry.tenancy import ROLES, Actor, ledger

IDLE = 2 * 3600.0
ABSOLUTE = 12 * 3600.0
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}  # RFC 9106, second recommendation
WINDOW = 15 * 60
FAILURES = 5
FAILURES_PER_ADDRESS = 30
TOKEN_PREFIX = "senim_"
MIN_PASSWORD = 12


def configure(values) -> None:
    """Take SENIM_SESSION_IDLE, SENIM_SESSION_ABSOLUTE (seconds), SENIM_ARGON2_TIME
    and SENIM_ARGON2_MEMORY_KIB from `values` (a door passes its environment)."""
    global IDLE, ABSOLUTE
    IDLE = float(values.get("SENIM_SESSION_IDLE", IDLE))
    ABSOLUTE = float(values.get("SENIM_SESSION_ABSOLUTE", ABSOLUTE))
    ARGON2["time_cost"] = int(values.get("SENIM_ARGON2_TIME", ARGON2["time_cost"]))
    ARGON2["memory_cost"] = int(values.get("SENIM_ARGON2_MEMORY_KIB", ARGON2["memory_cost"]))
    _hasher.cache_clear()


@lru_cache(maxsize=1)
def _hasher():
    from argon2 import PasswordHasher, Type

    return PasswordHasher(**ARGON2, type=Type.ID)


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _email(value: str) -> str:
    email = (value or "").strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email or len(email) > 320:
        raise InputError(f"user: email: {value!r} is not an e-mail address")
    return email


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    role: str
    org: int
    org_name: str
    org_bin: str | None
    authority: bool

    def actor(self, via: str) -> Actor:
        return Actor(org=self.org, user=self.email, via=via, role=self.role)


def _person(conn, where) -> Person | None:
    row = conn.execute(
        select(User.id, User.email, User.role, User.organisation_id, Organisation.name, Organisation.bin,
               Organisation.authority)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(where, User.active.is_(True))
    ).first()
    if row is None:
        return None
    return Person(row.id, row.email, row.role, row.organisation_id, row.name, row.bin, bool(row.authority))


def add_user(db, email: str, org_bin: str, role: str, password: str | None = None,
             actor: Actor | None = None) -> dict[str, Any]:
    """A person of the organisation with that BIN (ledgered; the hash is not)."""
    email = _email(email)
    if role not in ROLES:
        raise InputError(f"user: role: {role!r} is not one of {', '.join(ROLES)}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise InputError(f"user: password: at least {MIN_PASSWORD} characters, please")
    hashed = _hasher().hash(password) if password is not None else None
    with db.write() as conn:
        org = conn.execute(select(Organisation).where(Organisation.bin == org_bin)).first()
        if org is None:
            raise InputError(f"user: org: no organisation with BIN {org_bin!r} (`senim org add` makes one)")
        if actor is not None and actor.org != org.id:
            raise InputError("user: org: another organisation")
        if role == "regulator" and not org.authority:
            raise InputError(f"user: role: regulator is a role only in an authority organisation "
                             f"({org.name} was not added with --authority)")
        if conn.execute(select(User.id).where(User.email == email)).first():
            raise InputError(f"user: email: {email} is already a user")
        number = (conn.execute(select(func.max(User.id))).scalar() or 0) + 1
        conn.execute(insert(User).values(id=number, organisation_id=org.id, email=email, role=role,
                                         password_hash=hashed, active=True, created=iso(utc_now())))
        ledger(conn, "user.added", {"user": number, "email": email, "role": role, "organisation": org.id},
               org.id, actor)
    return {"id": number, "email": email, "role": role, "organisation": org.id}


def set_role(db, user_id: int, role: str, actor: Actor) -> None:
    if role not in ROLES or role == "regulator":
        raise InputError(f"role: {role!r} is not one of {', '.join(r for r in ROLES if r != 'regulator')}")
    with db.write() as conn:
        row = conn.execute(select(User).where(User.id == user_id, User.organisation_id == actor.org)).first()
        if row is None:
            raise LookupError(user_id)
        conn.execute(update(User).where(User.id == user_id).values(role=role))
        ledger(conn, "user.role_changed", {"user": user_id, "email": row.email, "role": role}, actor.org, actor)


def list_users(db, actor: Actor) -> list[dict[str, Any]]:
    with db.read() as conn:
        return [{"id": r.id, "email": r.email, "role": r.role, "active": bool(r.active), "created": r.created}
                for r in conn.execute(select(User).where(User.organisation_id == actor.org).order_by(User.email))]


# --- signing in


def _failures(conn, key: str, now: float) -> int:
    return conn.execute(select(func.count()).select_from(LoginFailure)
                        .where(LoginFailure.email == key, LoginFailure.at > now - WINDOW)).scalar_one()


class TooManyAttempts(Exception):
    """Sign-in refused for a while after repeated wrong passwords."""


def sign_in(db, email: str, password: str, address: str = "-") -> tuple[str, Person] | None:
    """A new session's secret and the person, or None for a wrong e-mail or
    password (the same answer for both, after the same work)."""
    now = time.time()
    key = (email or "").strip().lower()[:320]
    with db.read() as conn:
        if _failures(conn, key, now) >= FAILURES or _failures(conn, "addr:" + address, now) >= FAILURES_PER_ADDRESS:
            raise TooManyAttempts()
        row = conn.execute(select(User.id, User.password_hash).where(User.email == key, User.active.is_(True))).first()
    hasher = _hasher()
    from argon2.exceptions import InvalidHashError, VerificationError

    stored = row.password_hash if row is not None and row.password_hash else _dummy_hash()
    try:
        good = hasher.verify(stored, password or "") and row is not None and bool(row.password_hash)
    except (VerificationError, InvalidHashError):
        good = False
    with db.write() as conn:
        if not good:
            conn.execute(insert(LoginFailure).values(email=key, at=now))
            conn.execute(insert(LoginFailure).values(email="addr:" + address, at=now))
            conn.execute(delete(LoginFailure).where(LoginFailure.at < now - WINDOW))
            return None
        if hasher.check_needs_rehash(stored):
            conn.execute(update(User).where(User.id == row.id).values(password_hash=hasher.hash(password)))
        conn.execute(delete(LoginFailure).where(LoginFailure.email == key))
        person = _person(conn, User.id == row.id)
        secret = secrets.token_urlsafe(32)
        conn.execute(insert(Session).values(id_sha256=_sha256(secret), user_id=row.id, organisation_id=person.org,
                                            created=now, last_seen=now))
    return secret, person


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A hash to verify against when there is no such person, so that a wrong
    e-mail costs the same time as a wrong password."""
    if not _DUMMY:
        _DUMMY.append(_hasher().hash(secrets.token_urlsafe(16)))
    return _DUMMY[0]


def _person_columns():
    return (User.id, User.email, User.role, User.organisation_id, Organisation.name, Organisation.bin,
            Organisation.authority)


# Asked at every request: built once, the secret's hash bound at each execute
# (building a query and its cache key costs more than running it).
@lru_cache(maxsize=1)
def _session_query():
    return (select(Session.created, Session.last_seen, *_person_columns())
            .join(User, User.id == Session.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(Session.id_sha256 == bindparam("digest"), User.active.is_(True)))


@lru_cache(maxsize=1)
def _token_query():
    return (select(Token.name.label("token_name"), Token.revoked, Token.expires, *_person_columns())
            .join(User, User.id == Token.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(Token.token_sha256 == bindparam("digest"), User.active.is_(True)))


def _person_of(row) -> Person:
    return Person(row.id, row.email, row.role, row.organisation_id, row.name, row.bin, bool(row.authority))


def session_person(db, secret: str) -> Person | None:
    """The person of a live session (and mark it used), or None.

    One query by the session's primary key, joined to its person and
    organisation; the session's last use is written at most once a minute,
    so that reading a page is not a write."""
    if not secret:
        return None
    now = time.time()
    digest = _sha256(secret)
    with db.read() as conn:
        row = conn.execute(_session_query(), {"digest": digest}).first()
    if row is None or now - row.last_seen > IDLE or now - row.created > ABSOLUTE:
        return None
    if now - row.last_seen > 60:  # at most one write a minute per session
        with db.write() as conn:
            conn.execute(update(Session).where(Session.id_sha256 == digest).values(last_seen=now))
    return _person_of(row)


def sign_out(db, secret: str, everywhere: bool = False) -> None:
    digest = _sha256(secret or "")
    with db.write() as conn:
        if everywhere:
            user = conn.execute(select(Session.user_id).where(Session.id_sha256 == digest)).scalar()
            if user is not None:
                conn.execute(delete(Session).where(Session.user_id == user))
        conn.execute(delete(Session).where(Session.id_sha256 == digest))
        conn.execute(delete(Session).where(Session.last_seen < time.time() - IDLE))


# --- API tokens


def add_token(db, email: str, name: str | None = None, expires_days: int | None = None,
              actor: Actor | None = None) -> tuple[str, dict[str, Any]]:
    """A new token for that person: its secret (shown once) and its record."""
    email = _email(email)
    if expires_days is not None and expires_days < 1:
        raise InputError("token: expires: a number of days of at least 1")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with db.write() as conn:
        user = conn.execute(select(User).where(User.email == email)).first()
        if user is None or (actor is not None and user.organisation_id != actor.org):
            raise InputError(f"token: email: {email} is not a user")
        number = (conn.execute(select(func.max(Token.id))).scalar() or 0) + 1
        label = (name or f"token {number}").strip()[:200]
        expires = time.time() + expires_days * 86400 if expires_days else None
        conn.execute(insert(Token).values(id=number, organisation_id=user.organisation_id, user_id=user.id,
                                          name=label, token_sha256=_sha256(secret), created=iso(utc_now()),
                                          expires=expires, revoked=None))
        ledger(conn, "token.added", {"token": number, "name": label, "user": user.id, "email": email,
                                     "expires_days": expires_days}, user.organisation_id, actor)
    return secret, {"id": number, "name": label, "email": email, "expires_days": expires_days}


def revoke_token(db, number: int, actor: Actor | None = None) -> None:
    with db.write() as conn:
        row = conn.execute(select(Token).where(Token.id == number)).first()
        if row is None or (actor is not None and row.organisation_id != actor.org):
            raise LookupError(number)
        if row.revoked is None:
            conn.execute(update(Token).where(Token.id == number).values(revoked=iso(utc_now())))
            ledger(conn, "token.revoked", {"token": number, "name": row.name}, row.organisation_id, actor)


def token_person(db, secret: str) -> tuple[Person, str] | None:
    """The person a live token acts for, and the token's name; or None
    (one query by the token's unique hash, joined to its person)."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    with db.read() as conn:
        row = conn.execute(_token_query(), {"digest": _sha256(secret)}).first()
    if row is None or row.revoked is not None or (row.expires is not None and row.expires < time.time()):
        return None
    return _person_of(row), row.token_name


def list_tokens(db, actor: Actor) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(select(Token.id, Token.name, Token.created, Token.expires, Token.revoked, User.email)
                            .join(User, User.id == Token.user_id)
                            .where(Token.organisation_id == actor.org).order_by(Token.id)).all()
    return [{"id": r.id, "name": r.name, "email": r.email, "created": r.created, "expires": r.expires,
             "revoked": r.revoked} for r in rows]
