"""``p2ham bench --deadline-cases N``: a calendar deadline (the evidence input window closing)
fired for N cases by one and by two RQ workers, next to a bare-SQL update of the same rows.

Each worker is a real ``p2ham worker`` process on an embedded Redis; the time runs from enqueuing
the due moment's job to the last timer fired (worker start-up excluded). Works in the scratch
store of ``workflow.bench`` (a temporary SQLite file or the ``p2ham_bench`` PostgreSQL schema)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from ..config import ROOT
from ..deadlines import JAKARTA
from ..store import Base, Case, DefinitionVersion, Timer, Unit

CLOSES = datetime(2023, 10, 15, 23, 59, 59, tzinfo=JAKARTA)  # evidence_input_closes in 2023
AFTER = "2023-10-16 00:05"


def _prepare(store, n: int) -> None:
    from handlers import REGISTRY

    from ..services import Runtime
    from ..services.definitions import import_definition

    Base.metadata.drop_all(store.engine)
    Base.metadata.create_all(store.engine)
    rt = Runtime(store, REGISTRY, lambda: CLOSES - timedelta(days=30))
    import_definition(rt, None, (ROOT / "definitions/p2ham-2023.yaml").read_text(encoding="utf-8"),
                      "definitions/p2ham-2023.yaml")
    now = rt.now()
    with store.unit_of_work() as uow:
        s = uow.session
        dv = s.scalars(select(DefinitionVersion)).first()
        s.execute(insert(Unit), [{"code": "KW", "name": "Kanwil Bench", "kind": "kanwil", "region": "B", "address": ""}])
        s.execute(insert(Unit), [{"code": f"U{i}", "name": f"UPT Bench {i}", "kind": "upt", "region": "B",
                                  "address": "", "parent_id": 1} for i in range(n)])
        units = s.scalars(select(Unit.id).where(Unit.kind == "upt").order_by(Unit.id)).all()
        s.execute(insert(Case), [{"unit_id": u, "year": 2023, "definition_id": dv.id, "definition_hash": dv.content_hash,
                                  "state": "evidence_input", "version": 1, "opened_at": now, "entered_at": now,
                                  "updated_at": now} for u in units])
        s.execute(insert(Timer), [{"case_id": c, "state": "evidence_input", "event": "close_evidence_input",
                                   "due_at": CLOSES, "status": "pending", "attempts": 0}
                                  for c in s.scalars(select(Case.id).order_by(Case.id))])
        uow.commit()


def _fired(store) -> int:
    with store.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Timer)
                           .where(Timer.state == "evidence_input", Timer.status == "fired"))


def _fire_with_workers(store, url: str, n: int, workers: int, echo) -> float:
    from redis import Redis
    from rq import Worker

    from . import queues
    from .settings import JobSettings

    instance = Path(tempfile.mkdtemp(prefix="p2ham-bench-redis-"))
    settings = JobSettings(None, instance)
    from .connection import connect

    conn = connect(settings)
    conn.flushdb()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2HAM_", "REDIS_URL", "DATABASE_URL"))}
    env.update(DATABASE_URL=url, REDIS_URL=f"unix://{settings.redis_socket}", P2HAM_INSTANCE_DIR=str(instance),
               P2HAM_NOW=AFTER, SMTP_PORT="1")
    procs = [subprocess.Popen([sys.executable, "-m", "workflow.cli", "worker", "--queues", "transitions",
                               "--no-sweep", "--simple", "--name", f"bench{i}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(workers)]
    try:
        while len(Worker.all(connection=Redis(unix_socket_path=str(settings.redis_socket)))) < workers:
            time.sleep(0.1)
        start = time.perf_counter()
        queues.fire_due_now(conn)
        while _fired(store) < n:
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def _bare_update(store, n: int) -> tuple[float, float]:
    """The same rows moved by hand: one UPDATE + COMMIT per case; and one UPDATE for all."""
    with store.engine.connect() as conn:
        ids = conn.scalars(select(Case.id).order_by(Case.id)).all()
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        marker = "?" if store.dialect == "sqlite" else "%s"
        start = time.perf_counter()
        for cid in ids:
            if store.dialect == "sqlite":
                cur.execute("BEGIN")
            cur.execute(f"UPDATE cases SET state = 'final_verification', version = version + 1 WHERE id = {marker}",
                        (cid,))
            raw.commit()
        per_row = time.perf_counter() - start
        start = time.perf_counter()
        if store.dialect == "sqlite":
            cur.execute("BEGIN")
        cur.execute("UPDATE cases SET state = 'evidence_input', version = version + 1")
        raw.commit()
        one = time.perf_counter() - start
    finally:
        raw.close()
    return per_row, one


def run(settings, n: int, echo=print) -> dict:
    from ..bench import _scratch_store

    store, cleanup = _scratch_store(settings)
    url = store.url
    if store.dialect == "postgresql":
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}options=-csearch_path%3Dp2ham_bench"
    try:
        echo(f"Tenggat kalender untuk {n} kasus pada {store.dialect} (evidence_input -> final_verification):")
        times = {}
        for workers in (1, 2):
            _prepare(store, n)
            times[workers] = _fire_with_workers(store, url, n, workers, echo)
            echo(f"  {workers} worker: {times[workers]:.2f} s ({n / times[workers]:,.0f} kasus/detik)")
        per_row, one = _bare_update(store, n)
    finally:
        cleanup()

    echo(f"  SQL murni, UPDATE + COMMIT per kasus: {per_row:.2f} s; satu UPDATE untuk semua: {one:.3f} s")
    echo(f"  rasio 1 worker / SQL murni per kasus: {times[1] / per_row:.1f}x; "
         f"2 worker / SQL murni per kasus: {times[2] / per_row:.1f}x")
    return {"one": times[1], "two": times[2], "bare_per_row": per_row, "bare_single": one}
