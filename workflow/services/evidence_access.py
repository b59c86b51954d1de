"""Who may read, write or verify a case's evidence, and whether its window is open right now.

Shared by the evidence services; each check runs a fixed number of statements, whatever the size
of the catalogue, so the services stay constant in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, or_, select

from .. import evidence
from ..errors import NotAllowed, NotFound
from ..firing import Actor
from ..spec import ROLE_LABELS, Definition, EvidenceWindow, StateSpec
from ..store import Assignment, Case, Task, WindowExtension
from .authz import authorize, load_actor
from .runtime import Runtime


def load(rt: Runtime, s, actor_id: int | None, case_id: int, lock: bool = False) -> tuple[Actor, Case, Definition]:
    """The actor, the case (locked against concurrent transitions when ``lock``) and its definition."""
    actor = load_actor(s, actor_id)
    q = select(Case).where(Case.id == case_id)
    case = s.scalars(q.with_for_update() if lock else q).first()
    if case is None:
        raise NotFound(f"Kasus nomor {case_id} tidak ditemukan.", f"No case {case_id}.")
    return actor, case, rt.definition(s, case.definition_hash)


def _holds_case(s, actor: Actor, case: Case) -> bool:
    """A verifier or assessor holds the case: an open task of their role on it (theirs or in the
    pool), or an assignment to the unit for the year (given by an admin or taken by claim)."""
    task = exists().where(Task.case_id == case.id, Task.status == "open", Task.role == actor.role,
                          or_(Task.assignee_id == actor.id, Task.assignee_id.is_(None)))
    assigned = exists().where(Assignment.unit_id == case.unit_id, Assignment.year == case.year,
                              Assignment.role == actor.role, Assignment.person_id == actor.id)
    return bool(s.scalar(select(or_(task, assigned))))


def check_read(s, actor: Actor, case: Case) -> None:
    """Admins read every case's evidence, operators their own unit's, verifiers and assessors the
    cases they hold."""
    if actor.role in ("verifikator", "penilai"):
        if not _holds_case(s, actor, case):
            raise NotAllowed("Data dukung kasus ini tidak ditugaskan kepada Anda.",
                             "This case's evidence is not assigned to you.")
        return
    _own_unit(actor, case)


def _own_unit(actor: Actor, case: Case) -> None:
    if actor.role == "operator" and actor.unit_id != case.unit_id:
        raise NotAllowed("Anda hanya dapat mengakses data dukung Unit Kerja Anda sendiri.",
                         "Operators may only touch their own unit's evidence.")
    authorize(actor, case.unit_id, False)


def check_verifier(s, actor: Actor, case: Case) -> None:
    if actor.role != "verifikator":
        raise NotAllowed("Hanya Verifikator yang dapat memverifikasi data dukung.", "Only verifiers decide evidence.")
    check_read(s, actor, case)


def verification_blocked(state: StateSpec, section: str) -> str | None:
    """Why a verifier cannot decide items of ``section`` while the case is in ``state``: 'final'
    (the case is over) or 'read_only' (a state without verification); None when they can, during
    that section's input window and in a state with a verifier's task."""
    if state.final:
        return "final"
    in_window = state.evidence is not None and state.evidence.section == section
    return None if in_window or (state.task and state.task.role == "verifikator") else "read_only"


def verification_refusal(state: StateSpec, section: str) -> str | None:
    """``verification_blocked`` in words (Indonesian), None when a verifier can decide."""
    why = verification_blocked(state, section)
    if why == "final":
        return (f"Kasus telah selesai pada tahap '{state.label}'; keputusan verifikasi tidak dapat diubah "
                "lagi.")
    if why == "read_only":
        return (f"Pada tahap '{state.label}' data dukung hanya dapat dilihat: keputusan verifikasi diberikan "
                "selama masa penginputan data dukung dan pada tahap verifikasi.")
    return None


def window_close(s, d: Definition, case: Case, w: EvidenceWindow) -> datetime:
    """The close of the case's current window: the calendar date or the latest extension for the
    case's unit or for all units, whichever is later (one statement)."""
    latest = s.scalar(select(func.max(WindowExtension.closes_at)).where(
        WindowExtension.year == case.year, WindowExtension.state == case.state,
        or_(WindowExtension.unit_id.is_(None), WindowExtension.unit_id == case.unit_id)))
    return evidence.window_close(d, w, [latest] if latest is not None else [])


def check_write(s, actor: Actor, case: Case, d: Definition, now: datetime) -> EvidenceWindow:
    """The window the actor may write into now, or a refusal naming the rule: role, unit, no
    window in this state, not yet open, or closed (with its close time in WIB)."""
    if actor.role == "operator":
        _own_unit(actor, case)  # before anything about the case is told
    state = d.state(case.state)
    w = state.evidence
    if w is None:
        return evidence.check_window(d, state, now, now)  # refuses: no window in this state
    if actor.role not in w.roles:
        allowed = ", ".join(ROLE_LABELS[r] for r in w.roles)
        raise NotAllowed(f"Peran {ROLE_LABELS.get(actor.role, actor.role)} tidak berwenang mengisi data dukung pada "
                         f"tahap '{state.label}'. Yang berwenang: {allowed}.", "Role may not enter evidence now.")
    _own_unit(actor, case)
    return evidence.check_window(d, state, now, window_close(s, d, case, w))


def is_closed(s, d: Definition, case: Case, section: str, now: datetime) -> bool:
    """Is the section's input over for this case (never-submitted items then count as missing)?"""
    w = d.state(case.state).evidence
    if w is None or w.section != section:
        return True
    return now > window_close(s, d, case, w)
