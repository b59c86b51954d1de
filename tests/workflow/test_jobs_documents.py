"""Passing evaluation, end to end through a real worker: the transition's outbox rows reach the
documents queue after commit, and the worker issues the Berita Acara with the operator account."""

from __future__ import annotations

from sqlalchemy import select

from tests.workflow.helpers import open_2023, seed_world, to_evidence_input
from tests.workflow.jobs_helpers import work
from workflow.jobs import queues
from workflow.store import OutboxMessage, Person
from workflow.store.document_models import IssuedDocument


def test_berita_acara_and_account_issued_by_the_documents_worker(rt, clock, jobs):
    world = seed_world(rt)
    cid = open_2023(rt, world)
    to_evidence_input(rt, clock, world, cid)
    assert queues.queue(jobs.redis, "documents").count == 2  # the account and the Berita Acara
    work(jobs.redis, ["documents"])
    with rt.store.unit_of_work() as uow:
        s = uow.session
        statuses = set(s.scalars(select(OutboxMessage.status).where(
            OutboxMessage.case_id == cid, OutboxMessage.kind.in_(("document", "account")))))
        docs = list(s.scalars(select(IssuedDocument).where(IssuedDocument.case_id == cid)))
        operator = s.scalar(select(Person).where(Person.username == "operator.lps-jambi"))
        assert statuses == {"done"}
        assert [d.kind for d in docs] == ["berita_acara_hasil_evaluasi"]
        assert operator is not None and operator.role == "operator" and operator.password_hash is None
    # the same jobs again (a duplicate or a sweeper) issue nothing new
    for oid in [o for o in _outbox_ids(rt, cid)]:
        queues.deliver_outbox(jobs.redis, oid, "document", (), unique=False)
    work(jobs.redis, ["documents"])
    with rt.store.unit_of_work() as uow:
        assert len(list(uow.session.scalars(select(IssuedDocument.id).where(IssuedDocument.case_id == cid)))) == 1


def _outbox_ids(rt, cid):
    with rt.store.unit_of_work() as uow:
        return list(uow.session.scalars(select(OutboxMessage.id).where(
            OutboxMessage.case_id == cid, OutboxMessage.kind.in_(("document", "account")))))
