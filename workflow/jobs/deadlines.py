"""Firing due timers in batches: each timer in its own transaction, so one broken case does not
stop the others. On PostgreSQL the next due timer is taken with ``FOR UPDATE SKIP LOCKED``, so
workers running batches side by side never wait on, or fire, the same timer; on SQLite the
transaction (BEGIN IMMEDIATE) serialises them. Either way the conditional update from 'pending'
is what guarantees a timer fires at most once."""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timezone

from sqlalchemy import func, select, text, update

from ..errors import ChangedMeanwhile, P2hamError
from ..services.cases import fire_in
from ..services.runtime import Runtime
from ..services.timers import record_failure
from ..store import Timer

log = logging.getLogger(__name__)


_CLAIM = """
UPDATE timers SET status = 'fired', fired_at = :now, attempts = attempts + 1
WHERE id = (SELECT id FROM timers WHERE status = 'pending' AND due_at <= :now
            ORDER BY due_at, id LIMIT 1{lock}) AND status = 'pending'
RETURNING id, case_id, event, state"""
_CLAIMS = {"postgresql": text(_CLAIM.format(lock=" FOR UPDATE SKIP LOCKED")), "sqlite": text(_CLAIM.format(lock=""))}


def fire_next_due(rt: Runtime) -> str | None:
    """Fire the earliest due pending timer nobody else holds. Returns 'fired', 'stale' (its case
    had left the state), 'failed' (recorded on the timer), 'retry', or None when none is due.

    One statement takes and claims the timer; the transition follows in the same transaction."""
    now = rt.now()
    failure = None
    with rt.store.transaction() as uow:  # a bare connection: the ORM session adds nothing here
        s = conn = uow.connection
        at = now.astimezone(timezone.utc)
        row = conn.execute(_CLAIMS[rt.store.dialect], {"now": at.replace(tzinfo=None) if rt.store.dialect == "sqlite"
                                                       else at}).first()
        if row is None:
            if count_due(rt, s) == 0:
                return None
            return "retry"  # due timers exist but another worker holds the one we raced for
        try:
            view = fire_in(rt, s, None, row.case_id, row.event, {"timer_id": row.id}, only_in_state=row.state)
        except ChangedMeanwhile:
            return "retry"  # someone acted on the case this instant; rolled back, the timer is pending again
        except Exception as exc:  # noqa: BLE001 - recorded on the timer, visible in `p2ham jobs status`
            failure = exc
        else:
            if view is None:
                s.execute(update(Timer).where(Timer.id == row.id).values(status="cancelled"))
            uow.commit()
            return "stale" if view is None else "fired"
    if not isinstance(failure, P2hamError):
        log.error("timer %s on case %s failed", row.id, row.case_id, exc_info=failure)
    record_failure(rt, row.id, failure)
    return "failed"


def fire_batch(rt: Runtime, limit: int) -> Counter:
    """Fire up to ``limit`` due timers, one transaction each."""
    results: Counter = Counter()
    retries = 0
    while sum(results.values()) < limit:
        outcome = fire_next_due(rt)
        if outcome is None:
            break
        if outcome == "retry":
            retries += 1
            if retries > 50:
                break
            continue
        results[outcome] += 1
    return results


def count_due(rt: Runtime, session=None) -> int:
    q = select(func.count()).select_from(Timer).where(Timer.status == "pending", Timer.due_at <= rt.now())
    if session is not None:
        return session.scalar(q)
    with rt.store.unit_of_work() as uow:
        return uow.session.scalar(q)
