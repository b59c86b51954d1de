"""Claiming an outbox row for processing, safely under several workers.

The claim is a conditional UPDATE (``status = 'pending'`` -> ``'done'``) in the same transaction as
the work: of two workers, the second's UPDATE waits on the row lock (PostgreSQL) or on BEGIN
IMMEDIATE (SQLite), then matches no row and does nothing. If the work fails, the transaction rolls
back and the row is pending again; ``record_failure`` then notes the attempt."""

from __future__ import annotations

from sqlalchemy import case, update

from ..errors import NotFound, ValidationFailed
from ..store import OutboxMessage


def claim(s, outbox_id: int, kind: str, now) -> OutboxMessage | None:
    """The row, now marked done in this transaction; None if another run already processed it."""
    res = s.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id, OutboxMessage.kind == kind,
                                                OutboxMessage.status == "pending")
                    .values(status="done", processed_at=now, attempts=OutboxMessage.attempts + 1,
                            last_error=None))
    row = s.get(OutboxMessage, outbox_id)
    if row is None:
        raise NotFound(f"Pesan outbox nomor {outbox_id} tidak ditemukan.", f"No outbox row {outbox_id}.")
    if row.kind != kind:
        raise ValidationFailed(f"Pesan outbox {outbox_id} berjenis '{row.kind}', bukan '{kind}'.",
                               f"Outbox row {outbox_id} is a {row.kind}, not a {kind}.")
    return row if res.rowcount == 1 else None


MAX_ATTEMPTS = 5  # then the row is 'failed': shown by `p2ham jobs status`, requeued by `jobs retry-failed`


def record_failure(rt, outbox_id: int, exc: BaseException) -> None:
    """Note a failed attempt on a still-pending row (its own transaction); after ``MAX_ATTEMPTS``
    the row is marked failed so the sweeper stops retrying it every minute."""
    with rt.store.unit_of_work() as uow:
        uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == outbox_id,
                                                        OutboxMessage.status == "pending")
                            .values(attempts=OutboxMessage.attempts + 1,
                                    status=case((OutboxMessage.attempts + 1 >= MAX_ATTEMPTS, "failed"),
                                                else_="pending"),
                                    last_error=f"{type(exc).__name__}: {exc}"[:2000]))
        uow.commit()
