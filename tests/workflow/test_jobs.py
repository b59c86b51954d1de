"""Deadlines through real RQ workers on a real Redis: scheduled delivery, the sweeper after Redis
lost everything, racing workers, a worker killed mid-batch, cancelled timers."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta, timezone

import pytest
from redis import Redis
from rq.registry import ScheduledJobRegistry
from sqlalchemy import create_engine, func, insert, select, update

from tests.workflow.helpers import open_2023, seed_world
from tests.workflow.jobs_helpers import count, start_worker, stop, wait_for, work, worker_env
from workflow.jobs import queues
from workflow.services.cases import fire_event
from workflow.services.runtime import Runtime, system_clock
from workflow.store import AuditEntry, Case, DefinitionVersion, Timer, Unit


@pytest.fixture
def world(rt):
    return seed_world(rt)


def _timer(rt, case_id):
    with rt.store.unit_of_work() as uow:
        timers = uow.session.scalars(select(Timer).where(Timer.case_id == case_id).order_by(Timer.id)).all()
        uow.session.expunge_all()  # plain values after the unit of work ends
        return timers


def test_timer_due_in_two_seconds_fires_through_a_real_worker(store, redis_url, world, tmp_path):
    from rq import Worker

    from workflow.jobs import context
    from workflow.jobs.settings import JobSettings

    rt = Runtime(store, __import__("handlers").REGISTRY, system_clock)  # real time: a real worker fires it
    cid = open_2023(rt, world)
    conn = Redis.from_url(redis_url)
    proc = start_worker(worker_env(rt, redis_url, tmp_path), "--no-sweep")
    try:
        # the worker (with its scheduler) is up before the clock starts running for the timer
        assert wait_for(lambda: len(Worker.all(connection=conn)) == 1, timeout=60), stop(proc)[-3000:]
        due = datetime.now(timezone.utc) + timedelta(seconds=2)
        with rt.store.unit_of_work() as uow:
            uow.session.execute(update(Timer).where(Timer.case_id == cid).values(due_at=due))
            uow.commit()
        ctx = context.use(rt, conn, JobSettings(redis_url, tmp_path))
        try:
            ctx.dispatcher.dispatch_cases([cid])  # what the after-commit hook does
        finally:
            context.reset()
        assert ScheduledJobRegistry(queue=queues.queue(conn, "transitions")).count == 1
        fired = wait_for(lambda: _timer(rt, cid)[0].status == "fired", timeout=30)
    finally:
        log = stop(proc)
    assert fired, log[-3000:]
    first = _timer(rt, cid)[0]
    assert due <= first.fired_at < due + timedelta(seconds=20)  # the scheduler polls every second
    with rt.store.unit_of_work() as uow:
        events = list(uow.session.scalars(select(AuditEntry.event).where(AuditEntry.case_id == cid)))
    assert events.count("close_declaration") == 1


def test_timer_fires_through_the_sweeper_after_redis_lost_its_job(rt, clock, world, jobs):
    cid = open_2023(rt, world)  # the after-commit hook schedules the declaration deadline
    scheduled = ScheduledJobRegistry(queue=queues.queue(jobs.redis, "transitions"))
    assert scheduled.count == 1
    jobs.redis.flushdb()  # Redis restarted without persistence: the job is gone
    clock.set(2023, 4, 1, 0, 0)  # the declaration window closed
    work(jobs.redis)
    assert _timer(rt, cid)[0].status == "pending"  # nothing in Redis, nothing happened
    queues.sweep(jobs.redis, 60)
    work(jobs.redis)
    timers = _timer(rt, cid)
    assert timers[0].status == "fired"
    with rt.store.unit_of_work() as uow:
        assert uow.session.get(Case, cid).state in ("development", "evaluation_failed")
    assert count(rt, AuditEntry, AuditEntry.case_id == cid, AuditEntry.event == "close_declaration") == 1


def test_a_case_that_left_its_state_is_not_touched_by_the_old_timer(rt, clock, world, jobs):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")  # evaluation_review: escalation due in 14 days
    old = [t for t in _timer(rt, cid) if t.state == "evaluation_review"][0]
    clock.set(2023, 4, 6, 9, 0)
    fire_event(rt, p["ver"], cid, "pass_evaluation")
    clock.set(2023, 4, 30, 9, 0)  # well past the old deadline
    queues.sweep(jobs.redis, 60)
    from rq import Queue

    Queue("transitions", connection=jobs.redis).enqueue("workflow.jobs.tasks.fire_timer", old.id, result_ttl=0)
    work(jobs.redis)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        assert s.get(Timer, old.id).status == "cancelled"
        assert s.get(Case, cid).state == "evidence_input"
    assert count(rt, AuditEntry, AuditEntry.case_id == cid, AuditEntry.event.like("escalate%")) == 0


def _many_due_timers(rt, n: int) -> list[int]:
    """``n`` cases in evaluation_review, each with a due escalation timer (bulk SQL, for speed)."""
    seed_world(rt)
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        dv = s.scalars(select(DefinitionVersion).where(DefinitionVersion.year == 2023)).first()
        parent = s.scalar(select(Unit.id).where(Unit.kind == "kanwil"))
        s.execute(insert(Unit), [{"code": f"R{i}", "name": f"UPT Uji {i}", "kind": "upt", "region": "Uji",
                                  "address": "", "parent_id": parent} for i in range(n)])
        units = s.scalars(select(Unit.id).where(Unit.code.like("R%")).order_by(Unit.id)).all()
        s.execute(insert(Case), [{"unit_id": u, "year": 2023, "definition_id": dv.id,
                                  "definition_hash": dv.content_hash, "state": "evaluation_review", "version": 1,
                                  "opened_at": now, "entered_at": now, "updated_at": now} for u in units])
        cases = s.scalars(select(Case.id).where(Case.unit_id.in_(units)).order_by(Case.id)).all()
        s.execute(insert(Timer), [{"case_id": c, "state": "evaluation_review", "event": "escalate_evaluation_review",
                                   "due_at": now - timedelta(minutes=1), "status": "pending", "attempts": 0}
                                  for c in cases])
        uow.commit()
    return cases


def _assert_each_fired_once(rt, cases):
    with rt.store.unit_of_work() as uow:
        s = uow.session
        per_case = dict(s.execute(select(AuditEntry.case_id, func.count()).where(
            AuditEntry.event == "escalate_evaluation_review").group_by(AuditEntry.case_id)).all())
        statuses = dict(s.execute(select(Timer.status, func.count()).where(Timer.case_id.in_(cases))
                                  .group_by(Timer.status)).all())
        attempts = set(s.scalars(select(Timer.attempts).where(Timer.case_id.in_(cases))))
    assert statuses == {"fired": len(cases)}
    assert attempts == {1}
    assert set(per_case) == set(cases) and set(per_case.values()) == {1}


def test_two_workers_racing_on_500_due_timers_fire_each_once(rt, clock, jobs, tmp_path):
    cases = _many_due_timers(rt, 500)
    with rt.store.unit_of_work() as uow:
        ids = uow.session.scalars(select(Timer.id).where(Timer.case_id.in_(cases))).all()
    # batches (SKIP LOCKED on PostgreSQL) and one job per timer (conditional update), interleaved
    queues.fire_batches(jobs.redis, 10, 50)
    q = queues.queue(jobs.redis, "transitions")
    for tid in ids:
        q.enqueue("workflow.jobs.tasks.fire_timer", tid, result_ttl=0)
    env = worker_env(rt, jobs.settings.redis_url, tmp_path, P2HAM_NOW=f"{clock.now:%Y-%m-%d %H:%M}")
    workers = [start_worker(env, "--burst", "--simple", "--no-sweep", "--name", f"w{i}",
                            "--queues", "transitions") for i in range(2)]
    for w in workers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err.decode()[-2000:]
    _assert_each_fired_once(rt, cases)


def test_worker_killed_mid_batch_loses_nothing(rt, clock, jobs, tmp_path):
    cases = _many_due_timers(rt, 1000)
    queues.fire_batches(jobs.redis, 1, 1000)
    env = worker_env(rt, jobs.settings.redis_url, tmp_path, P2HAM_NOW=f"{clock.now:%Y-%m-%d %H:%M}")
    proc = start_worker(env, "--burst", "--no-sweep", "--queues", "transitions")  # forks a work horse
    # plain reads (no BEGIN IMMEDIATE on SQLite), so polling does not queue behind the worker's writes
    reader = create_engine(rt.store.url)
    fired_sql = select(func.count()).select_from(Timer).where(Timer.status == "fired")

    def fired():
        with reader.connect() as conn:
            return conn.scalar(fired_sql)

    try:
        assert wait_for(lambda: fired() >= 5, timeout=60, interval=0.005)
    finally:
        stop(proc, signal.SIGKILL)  # the worker and its work horse, mid-batch
    done_before = fired()
    reader.dispose()
    assert done_before < 1000, "the batch finished before the kill; the test proves nothing"
    queues.sweep(jobs.redis, 60)  # the next minute's sweep, then the next worker
    work(jobs.redis, ["transitions"])
    _assert_each_fired_once(rt, cases)
