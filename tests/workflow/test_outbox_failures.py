"""A document that cannot be issued is retried a bounded number of times, then marked failed
(visible in `p2ham jobs status`, requeued by `p2ham jobs retry-failed`)."""

from datetime import datetime, timezone

import pytest
from sqlalchemy import insert, select

from tests.workflow.helpers import open_2023, seed_world
from workflow.services.documents import issue_document
from workflow.services.outbox_claim import MAX_ATTEMPTS
from workflow.store import OutboxMessage


def test_failing_document_stops_after_max_attempts(rt):
    world = seed_world(rt)
    cid = open_2023(rt, world)
    with rt.store.unit_of_work() as uow:
        oid = uow.session.execute(insert(OutboxMessage).values(
            case_id=cid, kind="document", name="dokumen_yang_tidak_ada", payload={}, status="pending",
            created_at=datetime.now(timezone.utc), attempts=0).returning(OutboxMessage.id)).scalar_one()
        uow.commit()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        with pytest.raises(Exception):
            issue_document(rt, oid)
        with rt.store.unit_of_work() as uow:
            status, attempts, error = uow.session.execute(select(
                OutboxMessage.status, OutboxMessage.attempts, OutboxMessage.last_error)
                .where(OutboxMessage.id == oid)).one()
        assert attempts == attempt and error
        assert status == ("failed" if attempt == MAX_ATTEMPTS else "pending")
    assert issue_document(rt, oid) is None  # a failed row is no longer claimed
