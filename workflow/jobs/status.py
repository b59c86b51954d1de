"""``p2ham jobs status`` and ``retry-failed``: what waits in Redis next to what waits in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from redis import Redis
from rq import Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import func, select, update

from ..services.runtime import Runtime
from ..store import OutboxMessage, Timer
from . import QUEUES, queues
from .dispatch import PROCESSED_KINDS


@dataclass
class JobsStatus:
    queues: dict = field(default_factory=dict)  # name -> {queued, scheduled, started, failed}
    workers: int = 0
    due_timers: int = 0
    failed_timers: list = field(default_factory=list)  # (id, case_id, event, last_error)
    outbox: dict = field(default_factory=dict)  # (kind, status) -> count
    failed_jobs: list = field(default_factory=list)  # (queue, job id, function, last line of error)


def status(rt: Runtime, conn: Redis) -> JobsStatus:
    st = JobsStatus()
    for name in QUEUES:
        q = queues.queue(conn, name)
        failed = FailedJobRegistry(queue=q)
        st.queues[name] = {"queued": q.count, "scheduled": ScheduledJobRegistry(queue=q).count,
                           "started": StartedJobRegistry(queue=q).count, "failed": failed.count}
        for job in q.job_class.fetch_many(failed.get_job_ids()[:20], connection=conn):
            if job is not None:
                info = (job.latest_result().exc_string if job.latest_result() else "") or ""
                st.failed_jobs.append((name, job.id, job.func_name, info.strip().splitlines()[-1:] or [""]))
    st.workers = len(Worker.all(connection=conn))
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        st.due_timers = s.scalar(select(func.count()).select_from(Timer)
                                 .where(Timer.status == "pending", Timer.due_at <= now))
        st.failed_timers = list(s.execute(select(Timer.id, Timer.case_id, Timer.event, Timer.last_error)
                                          .where(Timer.status == "failed").order_by(Timer.id).limit(50)))
        st.outbox = {(k, sts): n for k, sts, n in s.execute(
            select(OutboxMessage.kind, OutboxMessage.status, func.count())
            .where(OutboxMessage.status != "done").group_by(OutboxMessage.kind, OutboxMessage.status))}
    return st


def retry_failed(rt: Runtime, conn: Redis, retries: tuple[int, ...]) -> dict:
    """Requeue failed RQ jobs; put failed timers and notifications back to pending and dispatch them."""
    requeued = 0
    for name in QUEUES:
        registry = FailedJobRegistry(queue=queues.queue(conn, name))
        for job_id in registry.get_job_ids():
            try:
                registry.requeue(job_id)
                requeued += 1
            except Exception:  # noqa: BLE001 - the job expired meanwhile
                registry.remove(job_id, delete_job=True)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        timers = s.execute(update(Timer).where(Timer.status == "failed")
                           .values(status="pending", last_error=None)).rowcount
        outbox = s.execute(select(OutboxMessage.id, OutboxMessage.kind).where(
            OutboxMessage.status == "failed", OutboxMessage.kind.in_(PROCESSED_KINDS))).all()
        outbox_ids = [oid for oid, _ in outbox]
        if outbox_ids:
            s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(outbox_ids))
                      .values(status="pending", attempts=0))
        uow.commit()
    if timers:
        queues.fire_due_now(conn)
    for oid, kind in outbox:
        queues.deliver_outbox(conn, oid, kind, retries, unique=False)
    return {"jobs": requeued, "timers": timers, "notifications": len(outbox_ids)}
