"""Tables of the workers: the in-app notification list, e-mail deliveries, reminders sent.

Each has a unique key that makes its job idempotent: a job that runs twice finds the row and
does nothing the second time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class Notification(Base):
    """One message in a person's in-app notification list."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("outbox_id", "person_id"),
                      Index("ix_notifications_person_read", "person_id", "read_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    name: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One e-mail of one outbox message to one person: sent at most once (``status`` 'sent')."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("outbox_id", "person_id", "channel"),
                      Index("ix_deliveries_status", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200))
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReminderSent(Base):
    """A reminder written to the outbox for one timer and one offset: at most once."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("timer_id", "before_minutes"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    timer_id: Mapped[int] = mapped_column(ForeignKey("timers.id"))
    before_minutes: Mapped[int] = mapped_column(Integer)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
