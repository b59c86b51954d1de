"""The public landing page: stage counts per year without unit data, in a constant number of queries."""

import pytest
from sqlalchemy import event

from tests.workflow.helpers import open_2023, seed_world
from web import create_app
from workflow.services.cases import fire_event


@pytest.fixture
def client(rt):
    app = create_app({"TESTING": True, "RUNTIME": rt})
    return app.test_client()


def _count_statements(engine):
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_index_shows_counts_in_lifecycle_order_without_unit_names(rt, clock, client):
    world = seed_world(rt)
    a = open_2023(rt, world, "lapas")
    open_2023(rt, world, "rutan")
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], a, "start_development")
    page = client.get("/").get_data(as_text=True)
    assert "Tahun 2023" in page and "Tahun 2024" in page
    assert page.index("Pencanangan") < page.index("Pembangunan")
    assert "(2 kasus)" in page
    assert "Lapas Kelas IIA Jambi" not in page  # no unit data before sign-in exists
    assert "p2ham-2023" in page


def test_index_query_count_does_not_grow_with_cases(rt, clock, client):
    world = seed_world(rt)
    open_2023(rt, world, "lapas")
    seen = _count_statements(rt.store.engine)
    client.get("/")
    few = len(seen)
    open_2023(rt, world, "rutan")
    seen.clear()
    client.get("/")
    assert len(seen) == few


def test_health(client):
    assert client.get("/healthz").get_json()["status"] == "ok"
