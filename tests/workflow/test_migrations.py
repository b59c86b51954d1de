"""The Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from tests.conftest import PG_URL
from workflow.store import Base
from workflow.store.migrate import upgrade


def _diff(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_sqlite_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= {t.name for t in Base.metadata.sorted_tables}
        assert _diff(engine) == []
    finally:
        engine.dispose()


def test_postgresql_migrations_match_models():
    import pytest

    if not PG_URL:
        pytest.skip("no PostgreSQL server for this run")
    engine = create_engine(PG_URL, connect_args={"options": "-c search_path=p2ham_migrations"})
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS p2ham_migrations CASCADE"))
        conn.execute(text("CREATE SCHEMA p2ham_migrations"))
    try:
        from alembic import command

        from workflow.store.migrate import alembic_config

        with engine.begin() as conn:
            cfg = alembic_config(PG_URL)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert _diff(engine) == []
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS p2ham_migrations CASCADE"))
        engine.dispose()
