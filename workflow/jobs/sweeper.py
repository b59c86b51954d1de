"""The periodic sweep: whatever Redis lost, SQL still knows. It fans out batches for every due
pending timer, writes due reminders, and re-dispatches pending notifications (new ones left
alone for a grace period, since the after-commit dispatch is on its way; claimed ones whose
lease expired, because their worker died)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, or_, select

from ..store import OutboxMessage
from . import queues
from .context import JobContext
from .deadlines import count_due
from .dispatch import PROCESSED_KINDS
from .reminders import write_due_reminders

GRACE = timedelta(seconds=30)
LEASE = timedelta(minutes=10)  # a notification claimed longer ago than this is taken again


@dataclass(frozen=True)
class SweepReport:
    due_timers: int
    batches: int
    reminders: int
    outbox: int


def fan_out(ctx: JobContext) -> tuple[int, int]:
    """Enqueue enough batch jobs for the due timers, counting the batches already waiting."""
    due = count_due(ctx.runtime)
    size = ctx.settings.timer_batch
    waiting = sum(1 for j in queues.queue(ctx.redis, queues.TRANSITIONS).get_jobs()
                  if j is not None and j.func_name.endswith("fire_timer_batch"))
    needed = max(0, math.ceil(due / size) - waiting)
    return due, queues.fire_batches(ctx.redis, needed, size)


def stale_outbox(ctx: JobContext, limit: int = 1000) -> list[tuple[int, str]]:
    now = ctx.runtime.now()
    with ctx.runtime.store.unit_of_work() as uow:
        return list(uow.session.execute(
            select(OutboxMessage.id, OutboxMessage.kind).where(
                OutboxMessage.kind.in_(PROCESSED_KINDS),
                or_(and_(OutboxMessage.status == "pending", OutboxMessage.created_at <= now - GRACE),
                    and_(OutboxMessage.status == "processing", OutboxMessage.processed_at <= now - LEASE)))
            .order_by(OutboxMessage.id).limit(limit)))


def sweep(ctx: JobContext) -> SweepReport:
    due, batches = fan_out(ctx)
    reminders = write_due_reminders(ctx.runtime)
    outbox = stale_outbox(ctx)
    for oid in reminders:
        queues.deliver_notification(ctx.redis, oid, ctx.settings.mail_retries)
    for oid, kind in outbox:
        # no job id: a failed job kept under the usual id must not block the re-dispatch
        queues.deliver_outbox(ctx.redis, oid, kind, ctx.settings.mail_retries, unique=False)
    return SweepReport(due, batches, len(reminders), len(outbox))
