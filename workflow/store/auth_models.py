"""Sign-in state kept beside ``people``: failed attempts and lock-out, forced password change,
one-time reset codes, a session epoch (bumped to end every session of a person), and API tokens.

Secrets are never stored in clear: passwords as scrypt hashes (``people.password_hash``), reset
codes and API tokens as sha256 digests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, UTCDateTime


class LoginState(Base):
    """One row per person who ever signed in or had a password set or reset."""

    __tablename__ = "login_state"
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reset_code_digest: Mapped[str | None] = mapped_column(String(64))
    reset_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)  # sessions carry it; bump to end them
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for ``/api/v1``; only its sha256 is kept, the token is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_person", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    label: Mapped[str] = mapped_column(String(100))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
