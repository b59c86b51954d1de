"""Putting jobs on the queues. Every job carries ids only; finished jobs are not kept (their
effect is in SQL), failed ones are, for ``p2ham jobs status`` and ``retry-failed``."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from redis import Redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

from . import QUEUES

log = logging.getLogger(__name__)
TRANSITIONS, NOTIFICATIONS, DOCUMENTS = QUEUES
FAILURE_TTL = 30 * 24 * 3600  # failed jobs stay visible for a month


def queue(conn: Redis, name: str) -> Queue:
    return Queue(name, connection=conn)


def _enqueue(conn: Redis, qname: str, func: str, *args, job_id: str | None = None, at: datetime | None = None,
             retry: Retry | None = None, timeout: int = 1800) -> bool:
    """Enqueue (or schedule at ``at``, an aware datetime in real time); a job with the same
    ``job_id`` already waiting makes this a no-op. Returns whether a job was added."""
    q = queue(conn, qname)
    kw = dict(job_id=job_id, unique=job_id is not None, result_ttl=0, failure_ttl=FAILURE_TTL,
              job_timeout=timeout, retry=retry)
    try:
        if at is not None and at > datetime.now(timezone.utc):
            q.enqueue_at(at, func, *args, **kw)
        else:
            q.enqueue(func, *args, **kw)
    except DuplicateJobError:
        return False
    return True


def schedule_due_timers(conn: Redis, eta: datetime) -> bool:
    """One job per due moment (to the second), shared by every timer due then: a calendar
    deadline of ten thousand cases is one scheduled job that fans out in batches."""
    moment = int(eta.timestamp())
    return _enqueue(conn, TRANSITIONS, "workflow.jobs.tasks.fire_due_timers",
                    job_id=f"p2ham-due-{moment}", at=eta)


def fire_due_now(conn: Redis) -> bool:
    return _enqueue(conn, TRANSITIONS, "workflow.jobs.tasks.fire_due_timers")


def fire_batches(conn: Redis, n: int, limit: int) -> int:
    q = queue(conn, TRANSITIONS)
    jobs = [Queue.prepare_data("workflow.jobs.tasks.fire_timer_batch", (limit,), result_ttl=0,
                               failure_ttl=FAILURE_TTL, timeout=1800) for _ in range(n)]
    return len(q.enqueue_many(jobs)) if jobs else 0


def deliver_notification(conn: Redis, outbox_id: int, retries: tuple[int, ...], unique: bool = True) -> bool:
    retry = Retry(max=len(retries), interval=list(retries)) if retries else None
    return _enqueue(conn, NOTIFICATIONS, "workflow.jobs.tasks.deliver_notification", outbox_id,
                    job_id=f"p2ham-outbox-{outbox_id}" if unique else None, retry=retry, timeout=600)


def deliver_outbox(conn: Redis, outbox_id: int, kind: str, retries: tuple[int, ...], unique: bool = True) -> bool:
    """Hand an outbox row to its worker: notifications to ``notifications``; official documents and
    operator accounts to ``documents`` (``workflow.jobs.tasks.issue_outbox``)."""
    if kind == "notification":
        return deliver_notification(conn, outbox_id, retries, unique)
    retry = Retry(max=len(retries), interval=list(retries)) if retries else None
    return _enqueue(conn, DOCUMENTS, "workflow.jobs.tasks.issue_outbox", outbox_id,
                    job_id=f"p2ham-outbox-{outbox_id}" if unique else None, retry=retry, timeout=600)


def sweep(conn: Redis, interval: int, now: datetime | None = None) -> bool:
    """The periodic sweep, at most once per ``interval`` however many workers ask for it."""
    now = now or datetime.now(timezone.utc)
    bucket = int(now.timestamp()) // interval
    return _enqueue(conn, TRANSITIONS, "workflow.jobs.tasks.sweep", job_id=f"p2ham-sweep-{bucket}")
