"""The PostgreSQL hot path (``workflow.services.pg_hot``): the two statements of a transition sent
with libpq's prepared-statement calls on the store's autocommit pool. Real PostgreSQL only."""

import psycopg
import pytest
from sqlalchemy import text

from tests.conftest import PG_URL
from tests.workflow.helpers import open_2023, seed_world
from workflow.services import pg_hot
from workflow.services.cases import fire_event
from workflow.store import Store

pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL server for this run")


@pytest.fixture
def pg_store(pg_migrated):
    st = Store(pg_migrated)
    yield st
    st.dispose()


def _ours(conn) -> int:
    return conn.execute(text("SELECT count(*) FROM pg_prepared_statements "
                             "WHERE name LIKE 'p2ham_hot_%'")).scalar()


def test_positional_numbers_each_name_once_and_leaves_casts():
    query, names = pg_hot.positional("SELECT :a, :b::text, CAST(:a AS INTEGER), x::int FROM t WHERE y = :b")
    assert query == b"SELECT $1, $2::text, CAST($1 AS INTEGER), x::int FROM t WHERE y = $2"
    assert names == ("a", "b")


def test_rows_are_loaded_by_psycopg_with_their_types(pg_store):
    with pg_store.autocommit() as conn:
        row = pg_hot.first_row(conn, "SELECT CAST(:n AS INTEGER) + 1, CAST(:s AS TEXT), CAST(:j AS JSON), "
                                     "CAST(:t AS TEXT) IS NULL, now()",
                               {"n": 41, "s": "Lapas", "j": '{"a": [1]}', "t": None})
        assert row[:4] == (42, "Lapas", {"a": [1]}, True)
        assert row[4].tzinfo is not None
        assert pg_hot.first_row(conn, "SELECT 1 WHERE false", {}) is None


def test_a_statement_is_prepared_once_per_connection_and_parameter_types(pg_store):
    with pg_store.autocommit() as conn:
        for n in range(5):
            assert pg_hot.first_row(conn, "SELECT CAST(:n AS BIGINT) * 2", {"n": n}) == (2 * n,)
        assert _ours(conn) == 1
        pg_hot.first_row(conn, "SELECT CAST(:n AS BIGINT) * 2", {"n": None})  # NULL: another parameter type
        assert _ours(conn) == 2


def test_statements_deallocated_behind_our_back_are_prepared_again(pg_store):
    with pg_store.autocommit() as conn:
        assert pg_hot.first_row(conn, "SELECT CAST(:n AS INTEGER)", {"n": 1}) == (1,)
        conn.connection.driver_connection.pgconn.exec_(b"DEALLOCATE ALL")
        assert pg_hot.first_row(conn, "SELECT CAST(:n AS INTEGER)", {"n": 2}) == (2,)


def test_the_number_of_prepared_statements_is_bounded(pg_store, monkeypatch):
    monkeypatch.setattr(pg_hot, "MAX_PREPARED", 2)
    with pg_store.autocommit() as conn:
        for k in range(5):
            assert pg_hot.first_row(conn, f"SELECT {k} + CAST(:n AS INTEGER)", {"n": 1}) == (k + 1,)
            assert _ours(conn) <= 2


def test_errors_are_psycopgs_own_and_the_connection_stays_usable(pg_store):
    with pg_store.autocommit() as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            pg_hot.first_row(conn, "SELECT 1 / CAST(:n AS INTEGER)", {"n": 0})
        with pytest.raises(psycopg.errors.UndefinedTable):
            pg_hot.first_row(conn, "SELECT * FROM no_such_table WHERE id = :n", {"n": 0})
        assert pg_hot.first_row(conn, "SELECT 1 / CAST(:n AS INTEGER)", {"n": 1}) == (1,)


def test_inside_a_transaction_it_uses_psycopgs_cursor(pg_store):
    """A timer fires inside the worker's transaction: nothing of ours is prepared there, and a
    rollback (which makes psycopg deallocate its statements) leaves nothing stale behind."""
    with pg_store.engine.connect() as conn:
        conn.execute(text("SELECT 1"))  # psycopg has begun a transaction
        for _ in range(6):
            assert pg_hot.first_row(conn, "SELECT CAST(:n AS INTEGER)", {"n": 7}) == (7,)
        assert _ours(conn) == 0
        conn.rollback()
        assert pg_hot.first_row(conn, "SELECT CAST(:n AS INTEGER)", {"n": 8}) == (8,)


def test_transitions_use_their_own_autocommit_pool(pg_store):
    with pg_store.autocommit() as hot, pg_store.engine.connect() as main:
        assert hot.connection.driver_connection.autocommit
        assert not main.connection.driver_connection.autocommit
    assert pg_store.engines == (pg_store.engine, pg_store.hot_engine)
    assert pg_store.hot_engine.pool is not pg_store.engine.pool


def test_a_lost_connection_fails_one_transition_and_the_next_one_runs(pg_migrated, clock):
    from handlers import REGISTRY
    from workflow.services import Runtime

    st = Store(pg_migrated)
    rt = Runtime(st, REGISTRY, clock)
    try:
        with st.engine.begin() as conn:
            tables = ", ".join(r[0] for r in conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                "AND tablename <> 'alembic_version'")))
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        world = seed_world(rt)
        cid = open_2023(rt, world)
        clock.set(2023, 2, 10, 9, 0)
        with st.autocommit() as conn:  # the pooled hot connection, about to be killed
            pid = pg_hot.first_row(conn, "SELECT pg_backend_pid() + CAST(:z AS INTEGER)", {"z": 0})[0]
        with st.engine.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(psycopg.OperationalError):
            fire_event(rt, world.people["admin"], cid, "start_development")
        view = fire_event(rt, world.people["admin"], cid, "start_development")  # a fresh connection
        assert view.state == "development"
    finally:
        st.dispose()
