"""Engine, sessions and the unit of work. The unit of work is the only thing that commits;
leaving it without ``commit()`` rolls back."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kw) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kw)
        _sqlite_tuning(engine)
        return engine
    # No pre-ping: it costs a round trip per transaction; a connection found dead is discarded by
    # SQLAlchemy on the disconnect error, and recycling keeps idle ones from going stale.
    return create_engine(url, pool_recycle=1800, **kw)


def _sqlite_tuning(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy, not pysqlite, emit BEGIN, so we can make it IMMEDIATE: writers then
        # queue on the lock instead of failing to upgrade a stale read snapshot.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class UnitOfWork:
    """``with store.unit_of_work() as uow: ...; uow.commit()``: one transaction, one session."""

    def __init__(self, factory: sessionmaker):
        self._factory = factory
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()


class Transaction:
    """A unit of work on a bare connection, for the hot path (one transition) where the ORM
    session adds nothing: ``with store.transaction() as tx: ...; tx.commit()``."""

    def __init__(self, engine: Engine):
        self._engine = engine
        self.connection = None

    def __enter__(self) -> "Transaction":
        self.connection = self._engine.connect()
        self._tx = self.connection.begin()
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            self.connection.close()

    def commit(self) -> None:
        self._tx.commit()


class Store:
    def __init__(self, url: str, **engine_kw):
        self.url = url
        self.engine = make_engine(url, **engine_kw)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL: a pool of its own for the transitions' single-statement writes (see
        # ``autocommit``); SQLite writes every transition inside a transaction.
        self.hot_engine = (make_engine(url, isolation_level="AUTOCOMMIT", **engine_kw)
                           if self.engine.dialect.name == "postgresql" else None)

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine of the store (listeners that watch its statements attach to each)."""
        return (self.engine,) if self.hot_engine is None else (self.engine, self.hot_engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def transaction(self) -> Transaction:
        return Transaction(self.engine)

    def autocommit(self):
        """PostgreSQL: a connection where each statement commits by itself (for single-statement
        writes that are atomic on their own).

        It comes from a pool of its own whose connections are in autocommit from the start and
        never hold a transaction: no switching back and forth per checkout, and the statements
        prepared on them stay (psycopg deallocates all prepared statements of a connection when a
        transaction on it rolls back)."""
        if self.hot_engine is None:
            raise RuntimeError("autocommit connections are for PostgreSQL; SQLite writes in transactions")
        return self.hot_engine.connect()

    def dispose(self, close: bool = True) -> None:
        """Drop the pools' connections; ``close=False`` in a forked child, which must not touch
        the parent's connections."""
        for engine in self.engines:
            engine.dispose(close=close)
