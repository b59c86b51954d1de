"""Use cases on a unit's case: open it, fire an event on it, read its status and history."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from .. import firing
from ..errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from ..firing import SYSTEM, Actor, FiringContext, OpenTask, StartTimer
from ..store import AuditEntry, Case, DefinitionVersion, Task, Timer, Unit
from . import writes
from .authz import authorize, check_case_access, get_case, load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class CaseView:
    id: int
    unit_id: int
    year: int
    state: str
    state_label: str
    version: int
    outcome: str | None
    final: bool


def _view(rt: Runtime, session, case: Case) -> CaseView:
    s = rt.definition(session, case.definition_hash).state(case.state)
    return CaseView(case.id, case.unit_id, case.year, case.state, s.label, case.version, case.outcome, s.final)


def open_case(rt: Runtime, actor_id: int | None, unit_id: int, year: int) -> CaseView:
    """Open a unit's case for a year (its declaration) on the latest published definition."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        if s.get(Unit, unit_id) is None:
            raise NotFound(f"Unit Kerja nomor {unit_id} tidak ditemukan.", f"No unit {unit_id}.")
        row = s.scalars(select(DefinitionVersion).where(DefinitionVersion.year == year,
                                                        DefinitionVersion.status == "published")
                        .order_by(DefinitionVersion.id.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"Belum ada definisi yang diterbitkan untuk tahun {year}.",
                           f"No published definition for {year}.")
        if s.scalar(select(Case.id).where(Case.unit_id == unit_id, Case.year == year)) is not None:
            raise ValidationFailed(f"Unit Kerja ini sudah memiliki kasus untuk tahun {year}.",
                                   f"The unit already has a case for {year}.")
        d = rt.definition(s, row.content_hash)
        case = Case(unit_id=unit_id, year=year, definition_id=row.id, definition_hash=row.content_hash,
                    state=d.initial, version=1, opened_at=now, entered_at=now, updated_at=now)
        s.add(case)
        s.flush()
        s.execute(insert(AuditEntry).values(case_id=case.id, actor_id=actor.id, actor_role=actor.role,
                                            event="case_opened", from_state=None, to_state=d.initial,
                                            payload={"definition": d.id, "hash": d.content_hash}, at=now))
        conn = s.connection()
        for f in writes.effect_fragments(rt.store.dialect, case, firing.enter_effects(d, d.initial, now), now):
            conn.execute(text(f.sql), f.params)
        view = _view(rt, s, case)
        uow.commit()
        return view


def fire_event(rt: Runtime, actor_id: int | None, case_id: int, event: str, payload: dict | None = None,
               expected_version: int | None = None) -> CaseView:
    """Fire ``event`` on the case as the person ``actor_id`` (``None``: the scheduler).

    ``expected_version`` is the case version the actor saw; if the case changed since,
    ``ChangedMeanwhile`` is raised and nothing is written."""
    if rt.store.dialect == "postgresql":
        # One read, then one write statement that is atomic by itself (every part of it is
        # conditional on the guarded case update): no BEGIN/COMMIT round trips are needed.
        with rt.store.autocommit() as conn:
            return fire_in(rt, conn, actor_id, case_id, event, dict(payload or {}), expected_version)
    with rt.store.transaction() as tx:
        view = fire_in(rt, tx.connection, actor_id, case_id, event, dict(payload or {}), expected_version)
        tx.commit()
        return view


def fire_in(rt: Runtime, s, actor_id: int | None, case_id: int, event: str, payload: dict,
            expected_version: int | None = None, only_in_state: str | None = None) -> CaseView | None:
    """The body of ``fire_event`` inside an open transaction (shared with the timer service).
    With ``only_in_state``, a case that has left that state is left alone (returns None).
    ``s`` is the ORM session or the bare connection of the caller's transaction."""
    conn = s.connection() if isinstance(s, Session) else s
    row = writes.read_case(conn, case_id, actor_id)
    if row is None:
        raise NotFound(f"Kasus nomor {case_id} tidak ditemukan.", f"No case {case_id}.")
    if actor_id is None:
        actor = SYSTEM
    elif row.person_id is None or not row.active:
        raise NotAllowed("Akun tidak ditemukan atau tidak aktif. Hubungi Admin.", "Account unknown or disabled.")
    else:
        actor = Actor(id=row.person_id, role=row.role, unit_id=row.person_unit_id, name=row.full_name)
    if only_in_state is not None and row.state != only_in_state:
        return None
    if expected_version is not None and row.version != expected_version:
        raise _changed()
    if actor.role == "operator":  # another unit's operator learns nothing about this case
        authorize(actor, row.unit_id, False)
    d = rt.definition(s, row.definition_hash)
    firing.check_event(d, row.state, event, actor)  # is this role ever allowed this event here?
    authorize(actor, row.unit_id, bool(row.has_task))  # and on this very case?
    now = rt.now()
    facts = {"id": row.id, "unit_id": row.unit_id, "year": row.year, "state": row.state}
    guarded = any(t.guards for t in d.transitions_from(row.state) if t.event == event)
    if guarded and d.state(row.state).evidence is not None:  # window guards must see an extension
        facts["window_closes"] = row.extensions.get(row.state)
    ctx = FiringContext(definition=d, case=facts, actor=actor, payload=payload, now=now)
    outcome = firing.fire(d, rt.registry, row.state, event, ctx)
    if outcome.target != outcome.source and d.state(outcome.target).evidence is not None:
        outcome = _follow_extension(d, row, outcome)
    target = d.state(outcome.target)
    entered = now if outcome.target != outcome.source else row.entered_at
    result = target.outcome if target.final else None
    fragments = writes.transition_fragments(rt.store.dialect, row, actor, event, outcome.source, outcome.target,
                                            payload, now, entered, result, outcome.effects)
    # The guarded case update is the lock: of two concurrent writers, the second matches no row.
    if writes.execute(conn, fragments) != 1:
        raise _changed()
    return CaseView(row.id, row.unit_id, row.year, outcome.target, target.label, row.version + 1, result,
                    target.final)


def _follow_extension(d, row, outcome):
    """A case entering a state whose window was already extended gets its close timer at the
    extended time, as the cases already in the state did."""
    state = d.state(outcome.target)
    until = row.extensions.get(state.id)
    if until is None or not (state.deadline and state.deadline.at == state.evidence.closes):
        return outcome
    effects = tuple(replace(e, due_at=max(e.due_at, until)) if isinstance(e, (StartTimer, OpenTask))
                    and e.state == state.id and e.due_at is not None else e for e in outcome.effects)
    return replace(outcome, effects=effects)


def _changed() -> ChangedMeanwhile:
    return ChangedMeanwhile(
        "Kasus ini telah diubah oleh pengguna lain sementara Anda bekerja. Muat ulang halaman, periksa "
        "perubahannya, lalu ulangi tindakan Anda bila masih diperlukan.",
        "The case was changed meanwhile; reload and try again.")


@dataclass(frozen=True)
class CaseStatus:
    case: CaseView
    unit_name: str
    definition: str
    events: tuple[tuple[str, str], ...]  # (event, label) the actor may fire now
    tasks: tuple[dict, ...]
    timers: tuple[dict, ...]
    history: tuple[dict, ...]


def case_status(rt: Runtime, actor_id: int | None, case_id: int) -> CaseStatus:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        case = get_case(s, case_id)
        try:
            check_case_access(s, actor, case)
        except NotAllowed:
            if actor.role not in ("verifikator", "penilai"):
                raise
            # verifiers and assessors may read a case they once worked on
            if s.scalar(select(Task.id).where(Task.case_id == case.id, Task.assignee_id == actor.id)) is None:
                raise
        d = rt.definition(s, case.definition_hash)
        events = tuple(dict.fromkeys((t.event, t.label or t.event) for t in d.transitions_from(case.state)
                                     if actor.role in t.roles))
        tasks = tuple({"id": t.id, "state": t.state, "role": t.role, "title": t.title, "status": t.status,
                       "assignee_id": t.assignee_id, "due_at": t.due_at}
                      for t in s.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.id)))
        timers = tuple({"id": t.id, "state": t.state, "event": t.event, "due_at": t.due_at, "status": t.status}
                       for t in s.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.id)))
        history = tuple({"at": a.at, "actor_role": a.actor_role, "actor_id": a.actor_id, "event": a.event,
                         "from": a.from_state, "to": a.to_state, "payload": a.payload}
                        for a in s.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)
                                           .order_by(AuditEntry.id)))
        unit_name = s.scalar(select(Unit.name).where(Unit.id == case.unit_id))
        return CaseStatus(_view(rt, s, case), unit_name, f"{d.id} ({d.short_hash})", events, tasks, timers,
                          history)


def claim_task(rt: Runtime, actor_id: int, task_id: int) -> None:
    """Take an open task of one's role from the pool; a task someone else took first is refused."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "verifikator", "penilai")
        result = s.execute(update(Task).where(Task.id == task_id, Task.status == "open", Task.role == actor.role,
                                              Task.assignee_id.is_(None)).values(assignee_id=actor.id))
        if result.rowcount != 1:
            raise ChangedMeanwhile("Tugas ini sudah diambil orang lain atau sudah selesai.",
                                   "The task was taken or closed meanwhile.")
        uow.commit()
