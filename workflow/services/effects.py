"""Write a transition's effects (tasks, timers, outbox) into the open transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from ..firing import CancelTimers, CloseTasks, OpenTask, Outbox, StartTimer
from ..store import Assignment, Case, OutboxMessage, Task, Timer


def apply(session, case: Case, effects, now: datetime) -> None:
    for e in effects:
        if isinstance(e, CloseTasks):
            session.execute(update(Task).where(Task.case_id == case.id, Task.state == e.state,
                                               Task.status == "open").values(status="done", closed_at=now))
        elif isinstance(e, CancelTimers):
            session.execute(update(Timer).where(Timer.case_id == case.id, Timer.state == e.state,
                                                Timer.status == "pending").values(status="cancelled"))
        elif isinstance(e, OpenTask):
            assignee = session.scalar(
                select(Assignment.person_id).where(Assignment.unit_id == case.unit_id,
                                                   Assignment.year == case.year, Assignment.role == e.role)
                .order_by(Assignment.id).limit(1))
            session.execute(insert(Task).values(case_id=case.id, state=e.state, role=e.role, title=e.title,
                                                assignee_id=assignee, status="open", created_at=now,
                                                due_at=e.due_at))
        elif isinstance(e, StartTimer):
            session.execute(insert(Timer).values(case_id=case.id, state=e.state, event=e.event, due_at=e.due_at,
                                                 status="pending", attempts=0))
        elif isinstance(e, Outbox):
            session.execute(insert(OutboxMessage).values(case_id=case.id, kind=e.kind, name=e.name,
                                                         payload=dict(e.payload), status="pending",
                                                         created_at=now, attempts=0))
        else:  # pragma: no cover - a new effect type must be handled here
            raise TypeError(f"unknown effect {e!r}")
