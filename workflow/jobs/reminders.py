"""Reminders before a deadline, declared on a state (``reminders: [{before: 7d, notify: ...}]``).

A pending timer means its case is still in the state (leaving cancels it), so a reminder is due
for a pending timer when ``due_at - before <= now < due_at``. Each reminder is written once: a
``reminders_sent`` row (unique per timer and offset) and its outbox row, in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ..services.runtime import Runtime
from ..store import Case, OutboxMessage, ReminderSent, Timer


def write_due_reminders(rt: Runtime, limit: int = 5000) -> list[int]:
    """Write the outbox rows of every reminder now due; returns their ids."""
    now = rt.now()
    due: list[tuple[int, int, datetime, str, int, str]] = []
    with rt.store.unit_of_work() as uow:
        s = uow.session
        pairs = s.execute(select(Case.definition_hash, Timer.state).join(Case, Case.id == Timer.case_id)
                          .where(Timer.status == "pending", Timer.due_at > now).distinct()).all()
        for digest, state in pairs:
            d = rt.definition(s, digest)
            if not d.has_state(state):
                continue
            for r in d.state(state).reminders:
                minutes = int(r.before.total_seconds() // 60)
                sent = exists().where(ReminderSent.timer_id == Timer.id, ReminderSent.before_minutes == minutes)
                rows = s.execute(select(Timer.id, Timer.case_id, Timer.due_at).join(Case, Case.id == Timer.case_id)
                                 .where(Case.definition_hash == digest, Timer.state == state,
                                        Timer.status == "pending", Timer.due_at > now,
                                        Timer.due_at <= now + r.before, ~sent)
                                 .order_by(Timer.id).limit(limit)).all()
                due += [(tid, cid, at, state, minutes, r.notify) for tid, cid, at in rows]
    written = []
    for timer_id, case_id, due_at, state, minutes, notify in due[:limit]:
        with rt.store.unit_of_work() as uow:
            s = uow.session
            try:
                mark = ReminderSent(timer_id=timer_id, before_minutes=minutes, at=now)
                s.add(mark)
                s.flush()
            except IntegrityError:  # another sweeper wrote it first
                continue
            msg = OutboxMessage(case_id=case_id, kind="notification", name=notify, status="pending",
                                created_at=now, attempts=0,
                                payload={"state": state, "reminder_minutes": minutes, "due_at": due_at.isoformat()})
            s.add(msg)
            s.flush()
            mark.outbox_id = msg.id
            uow.commit()
            written.append(msg.id)
    return written
