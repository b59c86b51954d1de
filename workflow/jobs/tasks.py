"""The job functions RQ runs, found by dotted path (``workflow.jobs.tasks.<name>``). Each takes
ids (or nothing), finds its work in SQL, and is idempotent: running it twice changes nothing more."""

from __future__ import annotations

import logging

from sqlalchemy import select

from ..services import notifications, timers
from . import queues
from .context import current
from .deadlines import fire_batch
from .mailer import SmtpMailer
from .sweeper import fan_out
from .sweeper import sweep as _sweep

log = logging.getLogger(__name__)


def fire_due_timers() -> dict:
    """At a due moment: fire the due timers here if they fit in one batch, else fan out batches
    that any number of workers share."""
    ctx = current()
    due, batches = fan_out(ctx)
    return {"due": due, "batches": batches}


def fire_timer_batch(limit: int) -> dict:
    """Fire up to ``limit`` due timers, each in its own transaction; dispatch follow-ups once."""
    ctx = current()
    with ctx.dispatcher.deferred():
        result = fire_batch(ctx.runtime, limit)
    log.info("timers: %s", dict(result))
    return dict(result)


def fire_timer(timer_id: int) -> str:
    """Fire one timer if it is pending and due (operations; the batches do the usual work)."""
    ctx = current()
    return timers.fire_timer(ctx.runtime, timer_id)


def deliver_notification(outbox_id: int) -> str:
    ctx = current()
    return notifications.deliver(ctx.runtime, outbox_id, SmtpMailer(ctx.settings),
                                 max_attempts=len(ctx.settings.mail_retries) + 1)


def issue_outbox(outbox_id: int) -> str:
    """An official document or an operator account asked for by a transition (idempotent: the
    services claim the outbox row; a second run issues nothing)."""
    from ..services import accounts, documents
    from ..store import OutboxMessage

    ctx = current()
    with ctx.runtime.store.unit_of_work() as uow:
        kind = uow.session.scalar(select(OutboxMessage.kind).where(OutboxMessage.id == outbox_id))
    if kind == "account":
        return "done" if accounts.provision_operator_account(ctx.runtime, outbox_id) else "skipped"
    if kind == "document":
        return "done" if documents.issue_document(ctx.runtime, outbox_id) else "skipped"
    return "skipped"


def sweep() -> dict:
    """Re-dispatch whatever is due or pending in SQL (run every minute)."""
    report = _sweep(current())
    return report.__dict__


def schedule_sweep() -> bool:
    """Ask for the next sweep (used by ``p2ham worker``'s ticker and by ``rq cron``)."""
    ctx = current()
    return queues.sweep(ctx.redis, ctx.settings.sweep_interval)


def migrate_cases(actor_id: int, target_version_id: int, year: int | None, case_ids: list[int] | None,
                  mapping: dict, confirm_orphans: bool, batch_size: int) -> dict:
    """The admin's case migration (``/admin/migrasi``) in the background: progress (done, total,
    batches, counts per status) goes to ``job.meta`` after every batch; the report is the result,
    as plain data. Running it again moves nothing twice: migrated cases are skipped by the plan."""
    from dataclasses import asdict

    from rq import get_current_job

    from ..errors import P2hamError
    from ..services import case_migration

    ctx = current()
    job = get_current_job()
    meta = job.meta if job is not None else {}
    counts = {status: 0 for status in case_migration.STATUS_LABELS}
    meta.pop("error", None)  # a retried job starts afresh
    meta.update(done=0, batches=0, counts=dict(counts), history=[])
    if job is not None:
        job.save_meta()

    def on_result(result) -> None:
        counts[result.status] = counts.get(result.status, 0) + 1

    def progress(done: int, total: int) -> None:
        if done % batch_size and done != total:
            return
        batches = -(-done // batch_size)
        meta.update(done=done, total=total, batches=batches, counts=dict(counts))
        meta["history"] = (meta["history"] + [[done, total]])[-100:]
        if job is not None:
            job.save_meta()

    try:
        report = case_migration.run(ctx.runtime, actor_id, target_version_id=target_version_id, year=year,
                                    case_ids=case_ids, mapping=mapping, confirm_orphans=confirm_orphans,
                                    batch_size=batch_size, progress=progress, on_result=on_result)
    except P2hamError as exc:
        # The reason in the page's words; the job still fails (and stays in the failed registry).
        meta.update(error=exc.message, error_en=exc.message_en)
        if job is not None:
            job.save_meta()
        raise
    total = len(report.results)
    log.info("case migration to %s: %s", report.target, dict(counts))
    return {"target_id": report.target_id, "target": report.target, "skipped": report.skipped,
            "results": [asdict(r) for r in report.results], "batch_size": batch_size,
            "processed": [total, total], "batches": -(-total // batch_size)}
