"""Sign-in and accounts: authenticate with lock-out, change and reset passwords, API tokens,
sign-out. One use case = one function = one transaction.

A session carries ``(person id, session epoch)``; bumping the epoch (sign-out, password change)
ends every session of that person, including copies of a stolen cookie."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..deadlines import JAKARTA
from ..errors import NotAllowed, NotFound, ValidationFailed
from ..store import ApiToken, LoginState, Person
from . import passwords
from .authz import load_actor, require_role
from .runtime import Runtime

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
RESET_CODE_VALID_FOR = timedelta(days=3)
TOKEN_PREFIX = "p2h_"
# Verified when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = "scrypt:32768:8:1$MW8b1jvZ8bLkmnRb$" + "0" * 128


@dataclass(frozen=True)
class SessionUser:
    """What the web layer keeps about the signed-in person for one request."""

    id: int
    username: str
    full_name: str
    role: str
    unit_id: int | None
    must_change_password: bool
    epoch: int


def _wrong() -> NotAllowed:
    return NotAllowed("Nama pengguna atau kata sandi salah.", "Wrong username or password.")


def _state(s, person_id: int) -> LoginState:
    st = s.get(LoginState, person_id)
    if st is None:
        st = LoginState(person_id=person_id, failed_logins=0, must_change_password=False, session_epoch=0)
        s.add(st)
    return st


def _user(p: Person, st: LoginState) -> SessionUser:
    return SessionUser(
        p.id, p.username, p.full_name, p.role, p.unit_id, bool(st.must_change_password), st.session_epoch
    )


def authenticate(rt: Runtime, username: str, password: str) -> SessionUser:
    """The person whose username and password (or one-time reset code) match. After
    ``MAX_FAILURES`` wrong passwords in a row the account is locked for ``LOCK_FOR``."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        p = s.scalars(select(Person).where(Person.username == username.strip())).first()
        if p is None or not p.active:
            passwords.verify_password(_DUMMY_HASH, password)
            raise _wrong()
        st = _state(s, p.id)
        if st.locked_until is not None and st.locked_until > now:
            until = st.locked_until.astimezone(JAKARTA).strftime("%H:%M")
            raise NotAllowed(
                f"Akun dikunci sementara karena {MAX_FAILURES} kali gagal masuk. "
                f"Coba lagi setelah pukul {until} WIB atau hubungi Admin.",
                f"Account locked after {MAX_FAILURES} failed sign-ins; try again after {until} WIB.",
                locked_until=st.locked_until,
            )
        if st.locked_until is not None:  # the lock has run out: a fresh start
            st.locked_until, st.failed_logins = None, 0
        by_code = (
            st.reset_code_digest is not None
            and st.reset_expires_at is not None
            and st.reset_expires_at > now
            and passwords.code_matches(st.reset_code_digest, password)
        )
        if not by_code and not passwords.verify_password(p.password_hash, password):
            st.failed_logins += 1
            if st.failed_logins >= MAX_FAILURES:
                st.locked_until = now + LOCK_FOR
            uow.commit()  # the failure must count even though we refuse
            raise _wrong()
        st.failed_logins, st.last_login_at = 0, now
        if by_code:  # one use only; the person chooses a password next
            st.reset_code_digest, st.reset_expires_at, st.must_change_password = None, None, True
        user = _user(p, st)
        uow.commit()
        return user


def session_user(rt: Runtime, person_id: int, epoch: int) -> SessionUser | None:
    """The person behind a session, or None when the account is gone, disabled or the session
    was ended (its epoch is stale)."""
    with rt.store.unit_of_work() as uow:
        row = uow.session.execute(
            select(Person, LoginState)
            .outerjoin(LoginState, LoginState.person_id == Person.id)
            .where(Person.id == person_id)
        ).first()
        if row is None or not row[0].active:
            return None
        p, st = row
        st = st or LoginState(person_id=p.id, failed_logins=0, must_change_password=False, session_epoch=0)
        return _user(p, st) if st.session_epoch == epoch else None


def account(rt: Runtime, actor_id: int) -> SessionUser:
    """One's own account (for the API, where the bearer token stands in for a session)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        load_actor(s, actor_id)
        p = s.get(Person, actor_id)
        st = s.get(LoginState, actor_id) or LoginState(
            person_id=p.id, failed_logins=0, must_change_password=False, session_epoch=0
        )
        return _user(p, st)


def change_password(rt: Runtime, actor_id: int, current: str, new: str) -> SessionUser:
    """Replace one's own password (checked against the policy); ends the person's other sessions."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        load_actor(s, actor_id)
        p = s.get(Person, actor_id)
        st = _state(s, p.id)
        if not st.must_change_password and not passwords.verify_password(p.password_hash, current):
            raise ValidationFailed(
                "Kata sandi saat ini salah.",
                "The current password is wrong.",
                fields={"current": "Kata sandi saat ini salah."},
            )
        if current and new == current:
            raise ValidationFailed(
                "Kata sandi baru harus berbeda dari kata sandi lama.",
                "The new password must differ from the old one.",
            )
        p.password_hash = passwords.hash_password(new)
        st.must_change_password, st.password_changed_at = False, now
        st.session_epoch += 1
        user = _user(p, st)
        uow.commit()
        return user


def reset_password(rt: Runtime, actor_id: int | None, person_id: int) -> str:
    """Admin: give the person a one-time code (returned once, stored as sha256) that signs them in
    once and makes them choose a new password; their sessions end and any lock is lifted."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(f"Pengguna nomor {person_id} tidak ditemukan.", f"No person {person_id}.")
        code = passwords.new_code()
        st = _state(s, p.id)
        st.reset_code_digest, st.reset_expires_at = passwords.code_digest(code), now + RESET_CODE_VALID_FOR
        st.must_change_password, st.failed_logins, st.locked_until = True, 0, None
        st.session_epoch += 1
        uow.commit()
        return code


def set_password(
    rt: Runtime, actor_id: int | None, person_id: int, password: str, must_change: bool = False
) -> None:
    """The scheduler or the command line (demo accounts, tests): set a password directly."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "system")
        p = s.get(Person, person_id)
        if p is None:
            raise NotFound(f"Pengguna nomor {person_id} tidak ditemukan.", f"No person {person_id}.")
        p.password_hash = passwords.hash_password(password)
        st = _state(s, p.id)
        st.must_change_password, st.password_changed_at = must_change, rt.now()
        uow.commit()


def sign_out(rt: Runtime, actor_id: int) -> None:
    """End every session of the person (the cookie alone is not trusted afterwards)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        load_actor(s, actor_id)
        _state(s, actor_id).session_epoch += 1
        uow.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


@dataclass(frozen=True)
class TokenRow:
    id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


def create_token(rt: Runtime, actor_id: int, label: str) -> tuple[int, str]:
    """A new API token for oneself: (id, token). The token is shown this once; only its sha256 stays."""
    label = (label or "").strip()
    if not label or len(label) > 100:
        raise ValidationFailed(
            "Nama token wajib diisi (paling banyak 100 karakter).",
            "A token label (at most 100 characters) is required.",
            fields={"label": "Nama token wajib diisi."},
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        load_actor(s, actor_id)
        row = ApiToken(person_id=actor_id, label=label, token_digest=_digest(token), created_at=rt.now())
        s.add(row)
        s.flush()
        uow.commit()
        return row.id, token


def list_tokens(rt: Runtime, actor_id: int) -> list[TokenRow]:
    with rt.store.unit_of_work() as uow:
        load_actor(uow.session, actor_id)
        rows = uow.session.scalars(
            select(ApiToken).where(ApiToken.person_id == actor_id).order_by(ApiToken.id)
        )
        return [TokenRow(r.id, r.label, r.created_at, r.revoked_at) for r in rows]


def revoke_token(rt: Runtime, actor_id: int, token_id: int) -> None:
    """Revoke one of one's own tokens (an admin may revoke anyone's)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        row = s.get(ApiToken, token_id)
        if row is None or (row.person_id != actor.id and actor.role != "admin"):
            raise NotFound(f"Token nomor {token_id} tidak ditemukan.", f"No token {token_id}.")
        if row.revoked_at is None:
            row.revoked_at = rt.now()
        uow.commit()


def token_person(rt: Runtime, token: str) -> int:
    """The id of the active person owning this unrevoked token; NotAllowed otherwise."""
    with rt.store.unit_of_work() as uow:
        pid = uow.session.scalar(
            select(Person.id)
            .join(ApiToken, ApiToken.person_id == Person.id)
            .where(ApiToken.token_digest == _digest(token), ApiToken.revoked_at.is_(None), Person.active)
        )
        if pid is None:
            raise NotAllowed("Token API tidak valid atau sudah dicabut.", "Invalid or revoked API token.")
        return pid
