"""Enqueue after commit: the rows a transition writes (timers, outbox) are handed to RQ only
once their transaction has committed, so a job never sees a row that might still roll back.

``install(store, ...)`` watches the store's statements: an INSERT into ``timers`` or ``outbox``
notes its case; a commit keeps the note; when the connection goes back to the pool (after the
commit, for sessions and bare transactions alike), the pending timers and outbox rows of those
cases are enqueued. A failure to reach Redis is logged and left to the sweeper; it never undoes a commit."""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import event, select
from sqlalchemy.sql.elements import TextClause

from ..store import OutboxMessage, Store, Timer
from . import queues
from .settings import JobSettings

log = logging.getLogger(__name__)
_KEY = "p2ham.touched_cases"
_COMMITTED = "p2ham.committed_cases"
_WATCHED = ("INSERT INTO timers", "INSERT INTO outbox")
PROCESSED_KINDS = ("notification", "document", "account")  # outbox kinds the workers deliver


class Dispatcher:
    def __init__(self, store: Store, redis: Callable, settings: JobSettings, clock: Callable[[], datetime]):
        self.store, self._redis, self.settings, self.clock = store, redis, settings, clock
        self._local = threading.local()

    # -- collecting ------------------------------------------------------------------------------
    def _after_execute(self, conn, clause, multiparams, params, options, result):
        if not isinstance(clause, TextClause) or not any(w in clause.text for w in _WATCHED):
            return
        # On the store's autocommit engine (PostgreSQL's one-statement transition) the statement
        # has already committed; otherwise wait for the transaction's commit.
        autocommit = conn.engine is self.store.hot_engine
        found = conn.info.setdefault(_COMMITTED if autocommit else _KEY, set())
        for p in ([params] if params else []) + list(multiparams or ()):
            if isinstance(p, dict):
                found.update(v for k, v in p.items() if k == "cid" or k.endswith("_cid"))

    def _on_commit(self, conn):
        touched = conn.info.pop(_KEY, None)
        if touched:
            conn.info.setdefault(_COMMITTED, set()).update(touched)

    def _on_rollback(self, conn):
        conn.info.pop(_KEY, None)

    def _on_checkin(self, dbapi_connection, record):
        committed = record.info.pop(_COMMITTED, None) if record is not None else None
        if not committed:
            return
        self._pending().update(committed)
        if not getattr(self._local, "deferred", 0):
            self.flush()

    def _pending(self) -> set:
        if not hasattr(self._local, "cases"):
            self._local.cases = set()
        return self._local.cases

    @contextmanager
    def deferred(self):
        """Collect across many transactions (a batch of timers) and dispatch once at the end."""
        self._local.deferred = getattr(self._local, "deferred", 0) + 1
        try:
            yield
        finally:
            self._local.deferred -= 1
            if not self._local.deferred:
                self.flush()

    # -- dispatching -----------------------------------------------------------------------------
    def flush(self) -> None:
        cases = sorted(self._pending())
        self._local.cases = set()
        if cases:
            try:
                self.dispatch_cases(cases)
            except Exception:  # noqa: BLE001 - Redis or the DB unreachable: the sweeper will catch up
                log.warning("dispatch after commit failed for %d case(s); left to the sweeper", len(cases),
                            exc_info=True)

    def dispatch_cases(self, case_ids: list[int]) -> None:
        timers, outbox = [], []
        # runs while another connection is being checked in: use a plain connection of our own
        with self.store.engine.connect() as s:
            for i in range(0, len(case_ids), 500):
                chunk = case_ids[i:i + 500]
                timers += s.execute(select(Timer.due_at).where(Timer.case_id.in_(chunk),
                                                               Timer.status == "pending").distinct()).scalars()
                outbox += s.execute(select(OutboxMessage.id, OutboxMessage.kind).where(
                    OutboxMessage.case_id.in_(chunk), OutboxMessage.status == "pending",
                    OutboxMessage.kind.in_(PROCESSED_KINDS))).all()
        self.dispatch(set(timers), outbox)

    def dispatch(self, due_moments, outbox_ids) -> None:
        conn = self._redis()
        now = self.clock()
        real_now = datetime.now(timezone.utc)
        due_now = False
        for due in due_moments:
            if due <= now:
                due_now = True
            else:  # schedule by the time left on the app's clock (the same as real time in production)
                queues.schedule_due_timers(conn, real_now + (due - now))
        if due_now:
            queues.fire_due_now(conn)
        for oid, kind in outbox_ids:  # (id, kind) pairs
            queues.deliver_outbox(conn, oid, kind, self.settings.mail_retries)


def install(store: Store, redis: Callable, settings: JobSettings, clock: Callable[[], datetime]) -> Dispatcher:
    """Watch ``store`` and enqueue after each commit; returns the dispatcher (``store.dispatcher``)."""
    existing = getattr(store, "dispatcher", None)
    if existing is not None:
        return existing
    d = Dispatcher(store, redis, settings, clock)
    for engine in store.engines:
        event.listen(engine, "after_execute", d._after_execute)
        event.listen(engine, "commit", d._on_commit)
        event.listen(engine, "rollback", d._on_rollback)
        event.listen(engine, "checkin", d._on_checkin)
    store.dispatcher = d
    return d


def uninstall(store: Store) -> None:
    d = getattr(store, "dispatcher", None)
    if d is None:
        return
    for engine in store.engines:
        event.remove(engine, "after_execute", d._after_execute)
        event.remove(engine, "commit", d._on_commit)
        event.remove(engine, "rollback", d._on_rollback)
        event.remove(engine, "checkin", d._on_checkin)
    del store.dispatcher
