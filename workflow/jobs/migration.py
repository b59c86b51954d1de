"""The admin's case migration as a background job: queueing it with what the progress page needs
in ``job.meta``, finding it again, reading its phase and counts, and turning its result back into
the service's report. The job function itself is ``workflow.jobs.tasks.migrate_cases``."""

from __future__ import annotations

import re
import uuid

from redis import Redis
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus

from ..errors import NotFound
from ..services import case_migration as cm
from . import queues

JOB_FUNC = "workflow.jobs.tasks.migrate_cases"
JOB_TIMEOUT = 6 * 3600  # a year of ~1,000 units takes minutes; the limit only stops a stuck job
RESULT_TTL = 7 * 24 * 3600  # the report stays readable for a week
_JOB_ID = re.compile(r"p2ham-migrasi-[0-9a-f]{32}")
_WAITING = {JobStatus.CREATED, JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def enqueue(conn: Redis, args: dict, actor_id: int, batch_size: int, plan: cm.MigrationPlan,
            meta: dict) -> Job:
    """Queue the migration the dry run ``plan`` describes (``args`` as for the service's ``run``);
    ``meta`` (who started it, when) is kept with the progress counters."""
    meta = {**meta, "target_id": plan.target_id, "target": plan.target, "batch_size": batch_size,
            "total": len(plan.rows), "done": 0, "batches": 0, "counts": {}}
    return queues.queue(conn, queues.TRANSITIONS).enqueue_call(
        JOB_FUNC, kwargs={**args, "actor_id": actor_id, "batch_size": batch_size},
        job_id=f"p2ham-migrasi-{uuid.uuid4().hex}", timeout=JOB_TIMEOUT, result_ttl=RESULT_TTL,
        failure_ttl=queues.FAILURE_TTL, meta=meta, description=f"Migrasi kasus ke {plan.target}")


def fetch(conn: Redis, job_id: str) -> Job:
    """The migration job; NotFound when unknown, expired or not a migration."""
    try:
        job = Job.fetch(job_id, connection=conn) if _JOB_ID.fullmatch(job_id) else None
    except NoSuchJobError:
        job = None
    if job is None or job.func_name != JOB_FUNC:
        raise NotFound("Proses migrasi ini tidak ditemukan atau sudah kedaluwarsa (laporan disimpan tujuh "
                       "hari). Mulai migrasi baru dari halaman Migrasi kasus.",
                       "This migration run is unknown or expired (reports are kept for seven days).")
    return job


def status(job: Job) -> dict:
    """``{"status": waiting | running | done | failed, "done", "total", "batches", "counts"}``."""
    state = job.get_status(refresh=False)
    meta = job.meta
    phase = ("waiting" if state in _WAITING else "running" if state == JobStatus.STARTED
             else "done" if state == JobStatus.FINISHED else "failed")
    counts = {k: (meta.get("counts") or {}).get(k, 0) for k in cm.STATUS_LABELS}
    return {"status": phase, "done": meta.get("done", 0), "total": meta.get("total", 0),
            "batches": meta.get("batches", 0), "counts": counts}


def report(data: dict) -> cm.MigrationReport:
    """The service's report from the job's result (plain data, see ``tasks.migrate_cases``)."""
    return cm.MigrationReport(data["target_id"], data["target"],
                              tuple(cm.CaseResult(**r) for r in data["results"]), data["skipped"])
