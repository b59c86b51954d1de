"""Who may touch what: the acting person is loaded and checked here, before any work is done."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import NotAllowed, NotFound
from ..firing import SYSTEM, Actor
from ..store import Case, Person, Task


def load_actor(session, person_id: int | None) -> Actor:
    """``None`` is the scheduler; otherwise an active person."""
    if person_id is None:
        return SYSTEM
    p = session.get(Person, person_id)
    if p is None or not p.active:
        raise NotAllowed("Akun tidak ditemukan atau tidak aktif. Hubungi Admin.", "Account unknown or disabled.")
    return Actor(id=p.id, role=p.role, unit_id=p.unit_id, name=p.full_name)


def actor_by_username(session, username: str) -> Actor:
    pid = session.scalar(select(Person.id).where(Person.username == username))
    if pid is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.", f"No user '{username}'.")
    return load_actor(session, pid)


def require_role(actor: Actor, *roles: str) -> None:
    if actor.role not in roles:
        raise NotAllowed("Anda tidak berwenang melakukan tindakan ini.", "You may not do this.")


def authorize(actor: Actor, case_unit_id: int, has_task: bool) -> None:
    """Admins and the scheduler may act on every case; an operator only on their unit's; a
    verifier or assessor only where they hold an open task of their role (theirs or pooled)."""
    if actor.role in ("admin", "system"):
        return
    if actor.role == "operator":
        if actor.unit_id != case_unit_id:
            raise NotAllowed("Anda hanya dapat mengakses kasus Unit Kerja Anda sendiri.",
                             "Operators may only touch their own unit's case.")
        return
    if not has_task:
        raise NotAllowed("Kasus ini tidak ditugaskan kepada Anda.", "This case is not assigned to you.")


def check_case_access(session, actor: Actor, case: Case) -> None:
    """``authorize`` for a loaded case, looking up the actor's open task when it matters."""
    has_task = False
    if actor.role in ("verifikator", "penilai"):
        has_task = session.execute(
            select(Task.id).where(Task.case_id == case.id, Task.status == "open", Task.role == actor.role,
                                  (Task.assignee_id == actor.id) | (Task.assignee_id.is_(None))).limit(1)
        ).first() is not None
    authorize(actor, case.unit_id, has_task)


def get_case(session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Kasus nomor {case_id} tidak ditemukan.", f"No case {case_id}.")
    return case
