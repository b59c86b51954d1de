"""Operator accounts for units that passed evaluation, and their single-use activation codes.

The account is ``operator.<unit code in lower case>``, created (or re-enabled) without a password.
The activation code is made when the Berita Acara is issued, in that same transaction, because the
Berita Acara is the only place the code is ever written; the database keeps its sha256 only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..deadlines import format_date_id
from ..documents.settings import DocumentSettings
from ..errors import NotAllowed, ValidationFailed
from ..store import ActivationCode, Case, Person, Unit
from .outbox_claim import claim, record_failure
from .passwords import code_digest, hash_password, new_code
from .runtime import Runtime

INVALID = ("Nama pengguna atau kode aktivasi tidak sah. Periksa kembali Berita Acara Hasil Evaluasi Anda.",
           "Unknown user or invalid activation code.")


@dataclass(frozen=True)
class IssuedCode:
    username: str
    code: str  # shown once, in the Berita Acara; never stored
    expires_at: datetime


def operator_username(unit: Unit) -> str:
    return f"operator.{unit.code.lower()}"


def ensure_operator(s, unit: Unit, now: datetime) -> Person:
    """The unit's operator account, created or re-enabled (never with a password)."""
    username = operator_username(unit)
    person = s.scalars(select(Person).where(Person.username == username)).first()
    if person is None:
        person = Person(username=username, full_name=f"Operator {unit.name}", role="operator", unit_id=unit.id,
                        email="", active=True, password_hash=None, created_at=now)
        s.add(person)
        s.flush()
    elif person.role != "operator" or person.unit_id != unit.id:
        raise ValidationFailed(f"Nama pengguna '{username}' sudah dipakai oleh akun lain.",
                               f"Username {username} belongs to another account.")
    else:
        person.active = True
    return person


def issue_code(s, person: Person, now: datetime, days: int) -> IssuedCode:
    """A fresh activation code for ``person``; earlier unused codes stop working."""
    s.execute(update(ActivationCode).where(ActivationCode.person_id == person.id, ActivationCode.used_at.is_(None),
                                           ActivationCode.revoked_at.is_(None)).values(revoked_at=now))
    code = new_code()
    expires = now + timedelta(days=days)
    s.add(ActivationCode(person_id=person.id, code_sha256=code_digest(code), created_at=now, expires_at=expires))
    s.flush()
    return IssuedCode(person.username, code, expires)


def provision_operator_account(rt: Runtime, outbox_id: int) -> str | None:
    """Process an ``account`` outbox row: create or re-enable the unit's operator account.
    Idempotent: a row already processed returns None and changes nothing."""
    try:
        with rt.store.unit_of_work() as uow:
            s = uow.session
            msg = claim(s, outbox_id, "account", rt.now())
            if msg is None:
                return None
            unit_id = (msg.payload or {}).get("unit_id") or s.scalar(select(Case.unit_id).where(Case.id == msg.case_id))
            person = ensure_operator(s, s.get(Unit, unit_id), rt.now())
            username = person.username
            uow.commit()
            return username
    except Exception as exc:
        record_failure(rt, outbox_id, exc)
        raise


def settings_of(rt: Runtime) -> DocumentSettings:
    if rt.documents is None:
        rt.documents = DocumentSettings.from_env()
    return rt.documents


def activate(rt: Runtime, username: str, code: str, new_password: str) -> int:
    """First sign-in: check the single-use code, set the chosen password (hashed). Returns the person id."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        person = s.scalars(select(Person).where(Person.username == username.strip())).first()
        row = s.scalars(select(ActivationCode).where(ActivationCode.code_sha256 == code_digest(code or ""))).first()
        if person is None or row is None or row.person_id != person.id:
            raise NotAllowed(*INVALID)
        if row.used_at is not None:
            raise NotAllowed("Kode aktivasi ini sudah pernah digunakan. Masuk dengan kata sandi Anda, atau minta "
                             "Admin menerbitkan ulang Berita Acara untuk kode baru.", "Code already used.")
        if row.revoked_at is not None:
            raise NotAllowed("Kode aktivasi ini sudah diganti dengan kode yang lebih baru (Berita Acara terbitan "
                             "terakhir).", "Code replaced by a newer one.")
        if now > row.expires_at:
            raise NotAllowed(f"Kode aktivasi sudah kedaluwarsa sejak {format_date_id(row.expires_at, True)}. "
                             "Minta Admin menerbitkan ulang Berita Acara untuk kode baru.", "Code expired.")
        password_hash = hash_password(new_password)  # the policy is checked before anything is used
        if s.execute(update(ActivationCode).where(ActivationCode.id == row.id, ActivationCode.used_at.is_(None))
                     .values(used_at=now)).rowcount != 1:
            raise NotAllowed("Kode aktivasi ini baru saja digunakan.", "Code used meanwhile.")
        person.password_hash = password_hash
        person.active = True
        uow.commit()
        return person.id
