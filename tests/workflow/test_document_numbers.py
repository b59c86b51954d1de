"""Document numbers under concurrency: gap-free and unique, and each outbox row issued once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert, select

from tests.workflow.docs_helpers import to_evaluation_review
from tests.workflow.helpers import open_2023, seed_world
from workflow.services.cases import fire_event
from workflow.services.documents import issue_document
from workflow.store import IssuedDocument, OutboxMessage


def test_fifty_concurrent_documents_get_fifty_consecutive_numbers(rt, clock, store):
    if store.dialect != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; the row lock matters on PostgreSQL")
    world = seed_world(rt)
    cid = open_2023(rt, world, "rutan")
    to_evaluation_review(rt, clock, world, cid)
    fire_event(rt, world.people["ver"], cid, "fail_evaluation", {"reasons": ["Data dukung tidak lengkap."]})
    now = datetime.now(timezone.utc)
    with rt.store.unit_of_work() as uow:
        uow.session.execute(insert(OutboxMessage), [
            {"case_id": cid, "kind": "document", "name": "surat_keterangan_hasil_evaluasi",
             "payload": {"state": "evaluation_failed"}, "status": "pending", "created_at": now, "attempts": 0}
            for _ in range(49)])
        uow.commit()
        ids = list(uow.session.scalars(select(OutboxMessage.id).where(OutboxMessage.kind == "document")))
    assert len(ids) == 50
    # two workers per row: 100 calls at once, 50 documents
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda oid: issue_document(rt, oid), ids + ids))
    issued = [r for r in results if r is not None]
    assert len(issued) == 50
    with rt.store.unit_of_work() as uow:
        rows = uow.session.execute(select(IssuedDocument.seq, IssuedDocument.number, IssuedDocument.outbox_id)).all()
    assert sorted(r.seq for r in rows) == list(range(1, 51))
    assert len({r.number for r in rows}) == 50 and sorted(r.outbox_id for r in rows) == sorted(ids)
    assert "050/P2HAM/DJHAM/2023" in {r.number for r in rows}
