"""The registry's tables (SQLAlchemy 2 declarative models).

JSON is stored as text (canonical JSON where it is also ledgered) so that the
same bytes come back on SQLite and PostgreSQL. Every row that records a change
carries `ledger_seq`, the ledger entry written in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
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
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    latest_version: Mapped[int] = mapped_column(Integer)
    created: Mapped[str] = mapped_column(String(40))


class SystemVersion(Base):
    __tablename__ = "system_versions"
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    manifest: Mapped[str] = mapped_column(Text)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    classification: Mapped[str] = mapped_column(Text)
    kz_risk: Mapped[str | None] = mapped_column(String(20), index=True)
    eu_category: Mapped[str | None] = mapped_column(String(20), index=True)
    registered: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class Decision(Base):
    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    system_id: Mapped[str] = mapped_column(ForeignKey("systems.id"))
    system_version: Mapped[int] = mapped_column(Integer)
    record: Mapped[str] = mapped_column(Text)
    decided: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
    # its id within its system, or its content, hashed (decisions.identity_of);
    # None for decisions recorded before schema 0002
    identity: Mapped[str | None] = mapped_column(String(64), index=True, unique=True)  # ix_decisions_identity, as migration 0002 names it


class Incident(Base):
    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
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
