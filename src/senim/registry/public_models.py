"""The public side's tables (schema 0004): citizens' requests, reports of
unlabelled synthetic content, the AI literacy register, public system pages.
Kept beside `models.py` on the same declarative base."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from senim.registry.models import Base


class CitizenRequest(Base):
    __tablename__ = "citizen_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    tracking_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # the code is a secret: only its hash
    system_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str | None] = mapped_column(String(200))  # an IIN only as its keyed pseudonym
    contact: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20))  # received, answered
    received: Mapped[str] = mapped_column(String(40))
    due: Mapped[str | None] = mapped_column(String(10), index=True)  # None: the law sets no period
    answer: Mapped[str | None] = mapped_column(Text)
    answer_kind: Mapped[str | None] = mapped_column(String(20))  # letter, own_words
    answered: Mapped[str | None] = mapped_column(String(40))
    delivered: Mapped[str | None] = mapped_column(String(40))  # first read at the tracking link
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class LabelReport(Base):
    __tablename__ = "label_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)  # the authority's
    received: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class LiteracyTraining(Base):
    __tablename__ = "literacy_trainings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    person: Mapped[str] = mapped_column(String(320), index=True)
    record: Mapped[str] = mapped_column(Text)
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class LiteracyOperator(Base):
    __tablename__ = "literacy_operators"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    person: Mapped[str] = mapped_column(String(320), primary_key=True)
    since: Mapped[str] = mapped_column(String(10))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)


class PublicPage(Base):
    __tablename__ = "public_pages"
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    system_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    fields: Mapped[str] = mapped_column(Text)
    updated: Mapped[str] = mapped_column(String(40))
    ledger_seq: Mapped[int] = mapped_column(BigInteger)
