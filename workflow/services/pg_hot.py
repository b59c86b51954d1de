"""The two statements of every transition on PostgreSQL (read the case, write the transition),
sent with libpq's prepared-statement calls through psycopg's low-level interface.

Measured on the bench machine, a statement costs the client 0.049 ms of CPU this way, 0.062 ms
through a reused psycopg cursor and 0.076 ms through a new one (query conversion, the cursor's
prepared-statement bookkeeping, result objects). For these two statements, run on every transition,
we keep what the cursor would do and drop the rest: parameters are adapted and
rows loaded by psycopg's own ``Transformer`` (the same dumpers and loaders as the cursor), the
statement is prepared once per connection and parameter types, and errors are psycopg's own
exceptions (``psycopg.errors``). The calls block in libpq with the GIL released.

The state lives with the pooled DB-API connection (``info``), which the pool clears when it closes
or invalidates the connection. It is used on the connections of the store's autocommit pool
(``Store.autocommit``), which never hold a transaction: psycopg deallocates every prepared
statement of a connection when a transaction on it rolls back, ours included."""

from __future__ import annotations

import re
from functools import lru_cache

from psycopg import RawCursor, errors, pq
from psycopg.adapt import PyFormat, Transformer

_KEY = "p2ham.pg_hot"
PARAM = re.compile(r"(?<![:\w]):(\w+)")  # a :name bind parameter, not a ::cast
MAX_PREPARED = 64  # per connection; beyond it ours are deallocated and prepared again on use
_INVALID_NAME = "26000"  # invalid_sql_statement_name: our statement is gone (DEALLOCATE ALL, ...)


@lru_cache(maxsize=512)
def positional(sql: str) -> tuple[bytes, tuple[str, ...]]:
    """``:name`` parameters as ``$n`` (one number per distinct name), and the names in order."""
    names: list[str] = []

    def number(m):
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return PARAM.sub(number, sql).encode(), tuple(names)


class _State:
    def __init__(self, driver):
        self.driver = driver
        self.tx = Transformer(driver)
        self.prepared: dict[tuple, bytes] = {}
        self.counter = 0


def first_row(conn, sql: str, params: dict) -> tuple | None:
    """Run ``sql`` (with ``:name`` parameters taken from ``params``) on the SQLAlchemy connection
    ``conn`` and return its first row, or None when it has none."""
    query, names = positional(sql)
    values = [params[n] for n in names]
    driver = conn.connection.driver_connection
    if not driver.autocommit or driver.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        # Inside a transaction (a timer fired by a worker): through psycopg's cursor, which
        # forgets the statements it prepared when the transaction rolls back.
        with RawCursor(driver) as cur:
            return cur.execute(query, values).fetchone()
    state = _state(conn.connection.info, driver)
    tx = state.tx
    dumped = tx.dump_sequence(values, [PyFormat.AUTO] * len(names))
    key = (query, tuple(tx.types))
    pgconn = driver.pgconn
    for attempt in (1, 2):
        name = state.prepared.get(key) or _prepare(state, key)
        res = pgconn.exec_prepared(name, dumped, tx.formats)
        if res.status == pq.ExecStatus.TUPLES_OK:
            break
        if attempt == 1 and res.error_field(pq.DiagnosticField.SQLSTATE) == _INVALID_NAME.encode():
            state.prepared.clear()  # someone deallocated our statements: prepare again, once
            continue
        raise _error(state, res)
    if res.ntuples == 0:
        return None
    tx.set_pgresult(res)
    return tx.load_row(0, tuple)


def _state(info: dict, driver) -> _State:
    state = info.get(_KEY)
    if state is None or state.driver is not driver:
        state = info[_KEY] = _State(driver)
    return state


def _prepare(state: _State, key: tuple) -> bytes:
    pgconn = state.driver.pgconn
    if len(state.prepared) >= MAX_PREPARED:
        for old in state.prepared.values():
            pgconn.exec_(b"DEALLOCATE " + old)
        state.prepared.clear()
    state.counter += 1
    name = b"p2ham_hot_%d" % state.counter
    query, types = key
    res = pgconn.prepare(name, query, types)
    if res.status != pq.ExecStatus.COMMAND_OK:
        raise _error(state, res)
    state.prepared[key] = name
    return name


def _error(state: _State, res) -> Exception:
    if state.driver.pgconn.status != pq.ConnStatus.OK:
        return errors.OperationalError(f"connection lost: {res.error_message.decode(errors='replace')}")
    return errors.error_from_result(res, encoding=state.driver.info.encoding)
