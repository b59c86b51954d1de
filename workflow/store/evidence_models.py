"""Typed models of evidence (data dukung): blobs stored once by hash, one row per evidence item of
a case, every uploaded version, the history of submissions and decisions, window extensions.
Nothing here is updated in place except an item's current status; versions and history only grow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class EvidenceBlob(Base):
    """A stored file, named by the sha256 of its content; the same content is stored once."""

    __tablename__ = "evidence_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))  # pdf | png | jpeg
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvidenceRecord(Base):
    """One evidence item of one indicator of a case: its current version and status."""

    __tablename__ = "evidence_items"
    __table_args__ = (UniqueConstraint("case_id", "section", "indicator_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    section: Mapped[str] = mapped_column(String(20))  # catalogue | evaluation
    indicator_id: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))  # see workflow.evidence
    current_version: Mapped[int] = mapped_column(Integer)
    rev: Mapped[int] = mapped_column(Integer)  # optimistic lock
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvidenceVersion(Base):
    """One uploaded file of an item; a replacement adds a version and never overwrites one."""

    __tablename__ = "evidence_versions"
    __table_args__ = (UniqueConstraint("record_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("evidence_blobs.sha256"))
    original_name: Mapped[str] = mapped_column(String(255))  # metadata only, never a path
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvidenceHistory(Base):
    """Append-only: uploads, submissions and verifier decisions (with their notes) on an item."""

    __tablename__ = "evidence_history"
    __table_args__ = (Index("ix_evidence_history_record", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    action: Mapped[str] = mapped_column(String(20))  # uploaded | submitted | memenuhi | perlu_perbaikan | ...
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class WindowExtension(Base):
    """An admin's extension of a state's evidence window for one unit (``unit_id``) or all (NULL)."""

    __tablename__ = "evidence_window_extensions"
    __table_args__ = (Index("ix_evidence_window_extensions_year_state", "year", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
