"""Fixtures for the web tests: an app over the ``rt`` runtime, a seeded world whose people have
passwords, and helpers to sign in and to read the CSRF token from a page."""

from __future__ import annotations

import re

import pytest

from tests.workflow.helpers import open_2023, seed_world
from web import create_app
from workflow.services.auth import set_password
from workflow.services.cases import fire_event

PASSWORD = "rahasia12345"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(rt):
    return create_app({"TESTING": True, "RUNTIME": rt, "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(rt):
    w = seed_world(rt)
    for pid in w.people.values():
        set_password(rt, None, pid, PASSWORD)
    return w


def csrf(client, path: str = "/masuk") -> str:
    m = _CSRF.search(client.get(path).get_data(as_text=True))
    assert m, f"no CSRF token on {path}"
    return m.group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(
        "/masuk", data={"username": username, "password": password, "csrf_token": csrf(client)}
    )


def post(client, path: str, data: dict | None = None, token_from: str = "/beranda", **kw):
    """POST a form with a valid CSRF token (read from a page of this session)."""
    token = csrf(client, "/akun/kata-sandi") if token_from == "/beranda" else csrf(client, token_from)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kw)


def in_review(rt, clock, world, unit: str = "lapas") -> int:
    """A 2023 case waiting for a verifier (evaluation_review), with its task in the pool."""
    cid = open_2023(rt, world, unit)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, world.people["admin"], cid, "submit_evaluation")
    return cid
