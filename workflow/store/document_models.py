"""Models for official documents, operator activation codes and assessment scores.

An issued document is immutable: a re-issue is a new row (``version`` + 1) and the old row only
gains ``superseded_by``. Numbers come from ``document_counters`` inside the issuing transaction, so
a rolled-back issue gives its number back (no gaps) and the row lock makes them unique."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class IssuedDocument(Base):
    __tablename__ = "issued_documents"
    __table_args__ = (Index("ix_issued_documents_case_kind", "case_id", "kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(80))  # the definition's document id
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    short_code: Mapped[str] = mapped_column(String(20), unique=True)  # printed under the QR code
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), unique=True)  # None: a re-issue
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id"))
    facts: Mapped[str] = mapped_column(Text, default="")  # JSON of what the document states, for audit


class DocumentCounter(Base):
    """The last number used for a year; locked (``FOR UPDATE``) while a document is numbered."""

    __tablename__ = "document_counters"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class ActivationCode(Base):
    """A single-use code for an operator's first sign-in; only its sha256 is kept."""

    __tablename__ = "activation_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a newer code replaced it


class AssessmentScore(Base):
    """One assessor's chosen option for one indicator of one case (the latest choice counts)."""

    __tablename__ = "assessment_scores"
    __table_args__ = (UniqueConstraint("case_id", "assessor_id", "indicator_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    indicator_id: Mapped[str] = mapped_column(String(40))
    option_id: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime)
