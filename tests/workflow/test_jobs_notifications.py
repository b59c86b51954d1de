"""Notifications through a real worker on a real Redis: rendered in Indonesian, sent by SMTP
exactly once despite refusals and repeated jobs, listed in-app; reminders before a deadline."""

from __future__ import annotations

import dataclasses
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select, update

from tests.workflow.helpers import open_2023, seed_world
from tests.workflow.jobs_helpers import count, work
from workflow.errors import NotAllowed
from workflow.jobs import queues
from workflow.services.cases import fire_event
from workflow.services.notifications import inbox
from workflow.spec import NotificationSpec, Reminder
from workflow.store import Delivery, Notification, OutboxMessage, Person


@pytest.fixture
def world(rt):
    w = seed_world(rt)
    with rt.store.unit_of_work() as uow:
        uow.session.execute(update(Person).where(Person.id == w.people["admin"]).values(email="admin@p2ham.go.id"))
        uow.session.execute(update(Person).where(Person.id == w.people["op_lapas"])
                            .values(email="operator@lapasjambi.go.id"))
        uow.commit()
    return w


class FlakySmtp:
    """Refuses the first ``refusals`` messages with a temporary error, then accepts."""

    def __init__(self, refusals: int):
        self.refusals, self.received = refusals, []

    async def handle_DATA(self, server, session, envelope):
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.0 Coba lagi nanti"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp(jobs):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = FlakySmtp(2)
    c = Controller(handler, hostname="127.0.0.1", port=port)
    c.start()
    jobs.settings = dataclasses.replace(jobs.settings, smtp_port=port)
    yield handler
    c.stop()


def _escalation_outbox(rt, case_id: int) -> int:
    with rt.store.unit_of_work() as uow:
        msg = OutboxMessage(case_id=case_id, kind="notification", name="eskalasi_tugas", status="pending",
                            payload={"state": "declared"}, created_at=rt.now(), attempts=0)
        uow.session.add(msg)
        uow.session.flush()
        uow.commit()
        return msg.id


def test_smtp_refusing_twice_then_accepting_delivers_exactly_one_message(rt, world, jobs, smtp):
    oid = _escalation_outbox(rt, open_2023(rt, world))
    queues.deliver_notification(jobs.redis, oid, jobs.settings.mail_retries)
    work(jobs.redis)  # retries (no delay in the test settings) run in the same burst
    assert len(smtp.received) == 1
    assert smtp.received[0].rcpt_tos == ["admin@p2ham.go.id"]
    body = smtp.received[0].content.decode()
    assert "melewati" in body and "Lapas Kelas IIA Jambi" in body  # the Indonesian template
    with rt.store.unit_of_work() as uow:
        s = uow.session
        delivery = s.scalars(select(Delivery)).one()
        assert (delivery.status, delivery.attempts) == ("sent", 3)
        assert s.get(OutboxMessage, oid).status == "done"
    # the same job again (a duplicate, a sweeper, a retry-failed): nothing more is sent
    queues.deliver_notification(jobs.redis, oid, jobs.settings.mail_retries, unique=False)
    work(jobs.redis)
    assert len(smtp.received) == 1
    assert count(rt, Notification) == 1
    assert [n.subject for n in inbox(rt, world.people["admin"])] == ["Tugas melewati tenggat"]


def test_transition_writes_outbox_and_the_after_commit_dispatch_delivers_in_app(rt, clock, world, jobs):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")  # notify tugas_verifikasi (in-app, verifiers)
    assert queues.queue(jobs.redis, "notifications").count == 1  # enqueued after commit
    assert ScheduledJobRegistry(queue=queues.queue(jobs.redis, "transitions")).count >= 1  # the 14-day escalation
    work(jobs.redis, ["notifications"])
    titles = {pid: [n.subject for n in inbox(rt, pid)] for pid in (p["ver"], p["ver2"], p["admin"])}
    assert titles == {p["ver"]: ["Tugas verifikasi baru"], p["ver2"]: ["Tugas verifikasi baru"], p["admin"]: []}


def test_refused_transition_enqueues_nothing(rt, clock, world, jobs):
    cid = open_2023(rt, world)
    before = queues.queue(jobs.redis, "notifications").count
    with pytest.raises(NotAllowed):
        fire_event(rt, world.people["op_lapas"], cid, "start_development")
    assert queues.queue(jobs.redis, "notifications").count == before


def _with_reminders(rt, case_id):
    """The 2023 definition as the loader will build it from
    ``reminders: [{before: 7d, notify: pengingat_tenggat}, {before: 1d, notify: pengingat_tenggat}]``."""
    from workflow.store import Case

    with rt.store.unit_of_work() as uow:
        d = rt.definition(uow.session, uow.session.get(Case, case_id).definition_hash)
    reminders = (Reminder(timedelta(days=7), "pengingat_tenggat"), Reminder(timedelta(days=1), "pengingat_tenggat"))
    states = tuple(dataclasses.replace(s, reminders=reminders) if s.id == "evidence_input" else s for s in d.states)
    note = NotificationSpec("pengingat_tenggat", "email", ("operator",), subject="Pengingat tenggat P2HAM")
    rt.remember(dataclasses.replace(d, states=states, notifications=d.notifications + (note,)))


def test_reminders_7_and_1_days_before_the_window_closes_once_each(rt, clock, world, jobs):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    clock.set(2023, 4, 12, 9, 0)
    fire_event(rt, p["ver"], cid, "pass_evaluation")  # evidence_input, closes 2023-10-15 23:59:59
    _with_reminders(rt, cid)
    reminders = lambda: count(rt, OutboxMessage, OutboxMessage.name == "pengingat_tenggat")  # noqa: E731
    for when, expected in (((2023, 10, 1, 9, 0), 0), ((2023, 10, 9, 9, 0), 1), ((2023, 10, 10, 9, 0), 1),
                           ((2023, 10, 15, 9, 0), 2), ((2023, 10, 15, 10, 0), 2)):
        clock.set(*when)
        queues.sweep(jobs.redis, 60, now=clock.now)
        work(jobs.redis, ["transitions"])
        assert reminders() == expected, when
    with rt.store.unit_of_work() as uow:
        payloads = [m.payload for m in uow.session.scalars(select(OutboxMessage)
                                                          .where(OutboxMessage.name == "pengingat_tenggat"))]
    assert sorted(m["reminder_minutes"] for m in payloads) == [1440, 7 * 1440]
