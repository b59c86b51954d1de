"""Deadlines: fire one due timer, at most once, through the same firing path as people."""

from __future__ import annotations

from sqlalchemy import select, update

from ..errors import P2hamError
from ..store import Timer
from .cases import fire_in
from .runtime import Runtime


def fire_timer(rt: Runtime, timer_id: int) -> str:
    """Fire the timer if it is pending and due. Returns 'fired', 'not_due', 'stale', 'done' or
    'failed' (the event was refused: the timer is marked failed with the reason, for an admin).

    The conditional update from 'pending' claims the timer: of several workers only one matches."""
    try:
        return _fire(rt, timer_id)
    except P2hamError as exc:
        record_failure(rt, timer_id, exc)
        return "failed"


def _fire(rt: Runtime, timer_id: int) -> str:
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        timer = s.get(Timer, timer_id)
        if timer is None or timer.status != "pending":
            return "done"
        if timer.due_at > now:
            return "not_due"
        claimed = s.execute(update(Timer).where(Timer.id == timer_id, Timer.status == "pending")
                            .values(status="fired", fired_at=now, attempts=Timer.attempts + 1)).rowcount
        if claimed != 1:
            return "done"
        view = fire_in(rt, s, None, timer.case_id, timer.event, {"timer_id": timer_id}, only_in_state=timer.state)
        if view is None:  # the case left the state by another way; the timer no longer applies
            s.execute(update(Timer).where(Timer.id == timer_id).values(status="cancelled"))
            uow.commit()
            return "stale"
        uow.commit()
        return "fired"


def record_failure(rt: Runtime, timer_id: int, error: P2hamError | Exception) -> None:
    with rt.store.unit_of_work() as uow:
        uow.session.execute(update(Timer).where(Timer.id == timer_id, Timer.status == "pending")
                            .values(status="failed", attempts=Timer.attempts + 1, last_error=str(error)[:2000]))
        uow.commit()


def due_timer_ids(rt: Runtime, limit: int = 1000) -> list[int]:
    with rt.store.unit_of_work() as uow:
        return list(uow.session.scalars(select(Timer.id).where(Timer.status == "pending", Timer.due_at <= rt.now())
                                        .order_by(Timer.due_at, Timer.id).limit(limit)))
