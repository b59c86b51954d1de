"""Definition drafts: the editable YAML text an admin prepares before publishing it as a new
``DefinitionVersion``. Published versions never change; a draft does, guarded by ``revision``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class DefinitionDraft(Base):
    """One draft of a definition key (e.g. ``p2ham-2025``), started from a version or from nothing.

    ``open_key`` equals ``key`` while the draft is open and is NULL afterwards: its unique index lets
    the database itself refuse a second open draft of one key, even when two admins start at once."""

    __tablename__ = "definition_drafts"
    __table_args__ = (Index("ix_definition_drafts_status", "status", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    base_version_id: Mapped[int | None] = mapped_column(ForeignKey("definition_versions.id"))
    text: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | published | discarded
    published_version_id: Mapped[int | None] = mapped_column(ForeignKey("definition_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
