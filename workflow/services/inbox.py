"""What a person works on: a verifier's or assessor's open tasks and the pool to claim from, an
operator's own case, and the actions a person may take on a case with the fields each requires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..errors import NotFound
from ..store import Case, Person, Task, Unit
from .authz import load_actor, require_role
from .cases import CaseStatus, case_status
from .runtime import Runtime


@dataclass(frozen=True)
class TaskRow:
    id: int
    case_id: int
    unit_name: str
    region: str
    year: int
    state_label: str
    title: str
    due_at: datetime | None
    overdue: bool
    assignee_id: int | None


def _tasks(rt: Runtime, actor_id: int, mine: bool) -> list[TaskRow]:
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "verifikator", "penilai")
        who = Task.assignee_id == actor.id if mine else Task.assignee_id.is_(None)
        q = (
            select(
                Task.id,
                Task.case_id,
                Unit.name,
                Unit.region,
                Case.year,
                Case.definition_hash,
                Task.state,
                Task.title,
                Task.due_at,
                Task.assignee_id,
            )
            .join(Case, Case.id == Task.case_id)
            .join(Unit, Unit.id == Case.unit_id)
            .where(Task.status == "open", Task.role == actor.role, who)
            # undated tasks last, then oldest first
            .order_by(Task.due_at.is_(None), Task.due_at, Task.id)
        )
        out = []
        for tid, cid, unit, region, year, digest, state, title, due, assignee in s.execute(q):
            label = rt.definition(s, digest).state(state).label
            out.append(
                TaskRow(
                    tid, cid, unit, region, year, label, title, due, due is not None and due < now, assignee
                )
            )
        return out


def my_tasks(rt: Runtime, actor_id: int) -> list[TaskRow]:
    """My open tasks, soonest due first (overdue ones flagged)."""
    return _tasks(rt, actor_id, mine=True)


def pool(rt: Runtime, actor_id: int) -> list[TaskRow]:
    """Open tasks of my role that nobody holds yet."""
    return _tasks(rt, actor_id, mine=False)


@dataclass(frozen=True)
class Action:
    event: str
    label: str
    fields: tuple  # workflow.spec.Field: name, label, kind ("text" | "list")


# Audit entries the engine writes that are not transitions of the definition.
ENTRY_LABELS = {
    "case_opened": "Kasus dibuka (pencanangan)",
    "evidence_window_extended": "Masa penginputan data dukung diperpanjang",
}


@dataclass(frozen=True)
class HistoryLine:
    """One history entry in words: who (name and role), what (the action's label), from and to
    which stage (labels), and the note, reasons or extension reason it carries."""

    at: datetime
    actor_name: str
    actor_role: str
    action: str
    from_label: str | None
    to_label: str
    note: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class CasePage:
    status: CaseStatus
    actions: tuple[Action, ...]
    deadline: datetime | None  # the earliest pending deadline of the current stage
    notes: tuple[HistoryLine, ...]  # history entries that carry a note or reasons, oldest first
    history: tuple[HistoryLine, ...] = ()  # every entry, oldest first


def case_page(rt: Runtime, actor_id: int, case_id: int) -> CasePage:
    """``case_status`` (which checks access) plus what the page needs to offer the actions and to
    tell the history in words."""
    status = case_status(rt, actor_id, case_id)
    ids = {h["actor_id"] for h in status.history if h["actor_id"] is not None}
    with rt.store.unit_of_work() as uow:
        s = uow.session
        digest = s.scalar(select(Case.definition_hash).where(Case.id == case_id))
        d = rt.definition(s, digest)
        names = {pid: name for pid, name in s.execute(select(Person.id, Person.full_name)
                                                       .where(Person.id.in_(ids)))}
    state = status.case.state
    actions = []
    for event, label in status.events:
        fields: dict = {}
        for t in d.transitions_from(state):
            if t.event == event:
                for f in t.requires:
                    fields.setdefault(f.name, f)
        actions.append(Action(event, label, tuple(fields.values())))
    pending = [t["due_at"] for t in status.timers if t["status"] == "pending" and t["state"] == state]
    history = tuple(_line(d, h, names) for h in status.history)
    notes = tuple(h for h in history if h.note or h.reasons)
    return CasePage(status, tuple(actions), min(pending) if pending else None, notes, history)


def _state_label(d, state_id: str | None) -> str | None:
    if state_id is None:
        return None
    return d.state(state_id).label if d.has_state(state_id) else state_id


def _line(d, h: dict, names: dict) -> HistoryLine:
    payload = h["payload"] or {}
    # the transition taken (its source), else any transition of that event, else the engine's words
    taken = [t for t in d.transitions if t.event == h["event"] and t.label]
    exact = [t for t in taken if t.source == h["from"]]
    label = (exact or taken)[0].label if taken else None
    who = names.get(h["actor_id"]) or ("Sistem" if h["actor_role"] == "system" else "-")
    reasons = payload.get("reasons") or ()
    return HistoryLine(h["at"], who, h["actor_role"], label or ENTRY_LABELS.get(h["event"], h["event"]),
                       _state_label(d, h["from"]), _state_label(d, h["to"]) or "",
                       str(payload.get("note") or payload.get("reason") or ""),
                       tuple(reasons) if isinstance(reasons, list | tuple) else (str(reasons),))


def my_case_id(rt: Runtime, actor_id: int, year: int | None = None) -> int:
    """The operator's own unit's case: of ``year``, else the latest."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "operator")
        q = select(Case.id).where(Case.unit_id == actor.unit_id)
        if year is not None:
            q = q.where(Case.year == year)
        cid = s.scalar(q.order_by(Case.year.desc()).limit(1))
        if cid is None:
            raise NotFound(
                "Unit Kerja Anda belum memiliki kasus evaluasi" + (f" tahun {year}." if year else "."),
                "Your unit has no case yet.",
            )
        return cid


def case_years(rt: Runtime, actor_id: int) -> list[int]:
    """The years in which the operator's unit has a case, newest first."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "operator")
        return list(
            s.scalars(select(Case.year).where(Case.unit_id == actor.unit_id).order_by(Case.year.desc()))
        )


__all__ = ["Action", "CasePage", "HistoryLine", "TaskRow", "case_page", "case_years", "my_case_id",
           "my_tasks", "pool"]
