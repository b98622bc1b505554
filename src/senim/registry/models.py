"""The registry's tables (SQLAlchemy 2 declarative models).

JSON is stored as text (canonical JSON where it is also ledgered) so that the
same bytes come back on SQLite and PostgreSQL. Every row that records a change
carries `ledger_seq`, the ledger entry written in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, ForeignKeyConstraint, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry: Mapped[str] = mapped_column(Text)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpoint(Base):
    __tablename__ = "ledger_checkpoints"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(128))
    frontier: Mapped[str] = mapped_column(Text)


class LedgerKey(Base):
    __tablename__ = "ledger_keys"
    key_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(String(40))


class System(Base):
    __tablename__ = "systems"
    # a system's id is unique within its organisation (schema 0003)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    latest_version: Mapped[int] = mapped_column(Integer)
    created: Mapped[str] = mapped_column(String(40))


class SystemVersion(Base):
    __tablename__ = "system_versions"
    __table_args__ = (ForeignKeyConstraint(["organisation_id", "system_id"], ["systems.organisation_id", "systems.id"]),
                      # schema 0006: what the dashboard counts, without reading the large columns
                      Index("ix_system_versions_counts", "organisation_id", "system_id", "version", "kz_risk",
                            "kz_autonomy"))
    organisation_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    system_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    manifest: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    classification: Mapped[str] = mapped_column(Text)
    kz_risk: Mapped[str | None] = mapped_column(String(20), index=True)
    eu_category: Mapped[str | None] = mapped_column(String(20), index=True)
    registered: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
    kz_autonomy: Mapped[str | None] = mapped_column(String(20))  # schema 0006: what the dashboard counts


class UpcomingObligation(Base):
    """An obligation of a registered version that starts applying later (schema 0006),
    from its stored classification, so that the dashboard asks the database what starts when."""

    __tablename__ = "upcoming_obligations"
    __table_args__ = (ForeignKeyConstraint(["organisation_id", "system_id", "version"],
                                           ["system_versions.organisation_id", "system_versions.system_id",
                                            "system_versions.version"]),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(Integer)
    system_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    law: Mapped[str] = mapped_column(String(8))
    obligation: Mapped[str] = mapped_column(String(200))
    applies_from: Mapped[str | None] = mapped_column(String(10))
    ref: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (ForeignKeyConstraint(["organisation_id", "system_id"], ["systems.organisation_id", "systems.id"]),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(200))
    system_id: Mapped[str] = mapped_column(String(200))
    system_version: Mapped[int] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(Text)
    decided: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
    # its id within its system, or its content, hashed (decisions.identity_of);
    # None for decisions recorded before schema 0002
    # unique within the organisation: ix_decisions_identity (organisation_id, identity), schema 0003
    identity: Mapped[str | None] = mapped_column(String(64))


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_org_status", "organisation_id", "status"),)  # schema 0006
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    aware_at: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class IncidentUpdate(Base):
    __tablename__ = "incident_updates"
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    record: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


# Schema 0003: organisations and the people, sessions, tokens and jobs of the web door.


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    bin: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(Text)
    authority: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[str] = mapped_column(String(40))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created: Mapped[str] = mapped_column(String(40))


class Session(Base):
    __tablename__ = "sessions"
    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # the cookie is never stored
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created: Mapped[float] = mapped_column(Float)
    last_seen: Mapped[float] = mapped_column(Float)


class Token(Base):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(Text)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created: Mapped[str] = mapped_column(String(40))
    expires: Mapped[float | None] = mapped_column(Float)
    revoked: Mapped[str | None] = mapped_column(String(40))


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    at: Mapped[float] = mapped_column(Float)


class Job(Base):
    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)  # queued, running, done, failed
    progress: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created: Mapped[float] = mapped_column(Float)
    started: Mapped[float | None] = mapped_column(Float)
    finished: Mapped[float | None] = mapped_column(Float)
    claimed_by: Mapped[str | None] = mapped_column(Text)


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_org_system", "organisation_id", "system_id"),)  # schema 0006
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    system_id: Mapped[str] = mapped_column(String(200))
    obligation: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    file_name: Mapped[str] = mapped_column(Text)  # the original UTF-8 name, kept as data
    record: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class Assessment(Base):
    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_org_system", "organisation_id", "system_id", "id"),)  # schema 0006
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    system_id: Mapped[str] = mapped_column(String(200))
    system_version: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(2))
    verdict: Mapped[str] = mapped_column(String(20))
    report: Mapped[str] = mapped_column(Text)
    report_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)  # {"gaps_by_stake": {...}, "blocking": n}: what the dashboard counts
    created: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class LedgerOwner(Base):
    """Which organisation a ledger entry belongs to (the ledger itself is never changed)."""

    __tablename__ = "ledger_owners"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)


# Schema 0005 (the regulator's side): trusted-list applications and imported bundles.


class TrustedApplication(Base):
    __tablename__ = "trusted_applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    system_id: Mapped[str] = mapped_column(String(200))
    system_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(40), index=True)
    record: Mapped[str] = mapped_column(Text)
    created: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class ImportedBundle(Base):
    __tablename__ = "imported_bundles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source_bin: Mapped[str | None] = mapped_column(String(12), index=True)
    source_name: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))
    bundle_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    exported: Mapped[str] = mapped_column(String(40))
    imported: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
