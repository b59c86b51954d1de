"""The JSON API: bearer tokens, the same services as the pages, and an OpenAPI 3.1 document that
validates and whose every path is exercised here."""

import io

import pytest
from openapi_spec_validator import validate

from tests.web.conftest import in_review, post, sign_in
from tests.web.test_evidence_pages import real_png
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from web.openapi import document
from workflow.services.auth import create_token, revoke_token
from workflow.services.cases import case_status
from workflow.services.evidence import claim_verification, submit_indicators

CALLED: set = set()


@pytest.fixture
def api(client):
    def call(method, path, token=None, template=None, **kw):
        CALLED.add((method.lower(), template or path))
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kw)

    return call


def test_openapi_document_validates(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    validate(doc)
    assert doc["openapi"].startswith("3.1")
    CALLED.add(("get", "/openapi.json"))


def test_missing_or_revoked_token_is_401(api, rt, world):
    r = api("GET", "/me")
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    tid, token = create_token(rt, world.people["ver"], "skrip")
    assert api("GET", "/me", token).get_json()["username"] == "ver"
    revoke_token(rt, world.people["ver"], tid)
    assert api("GET", "/me", token).status_code == 401


def test_verifier_lists_claims_reads_and_decides(api, rt, clock, world):
    cid = in_review(rt, clock, world)
    _, token = create_token(rt, world.people["ver"], "skrip")
    assert api("GET", "/tasks", token).get_json() == {"tasks": []}
    pool = api("GET", "/pool", token).get_json()["tasks"]
    assert [t["case_id"] for t in pool] == [cid] and pool[0]["overdue"] is False
    tid = pool[0]["id"]
    assert api("POST", f"/tasks/{tid}/claim", token, "/tasks/{task_id}/claim").get_json() == {"claimed": tid}
    assert api("POST", f"/tasks/{tid}/claim", token, "/tasks/{task_id}/claim").status_code == 409
    mine = api("GET", "/tasks", token).get_json()["tasks"]
    assert [t["id"] for t in mine] == [tid]
    st = api("GET", f"/cases/{cid}", token, "/cases/{case_id}").get_json()
    assert st["state"] == "evaluation_review" and st["version"] == 3
    assert {e["event"] for e in st["events"]} == {"pass_evaluation", "fail_evaluation", "return_evaluation"}
    events = "/cases/{case_id}/events"
    r = api(
        "POST",
        f"/cases/{cid}/events",
        token,
        events,
        json={"event": "fail_evaluation", "expected_version": 3},
    )
    assert r.status_code == 422 and r.get_json()["fields"] == {"reasons": "Alasan tidak lolos wajib diisi."}
    r = api(
        "POST",
        f"/cases/{cid}/events",
        token,
        events,
        json={"event": "return_evaluation", "expected_version": 2, "payload": {"note": "x"}},
    )
    assert r.status_code == 409 and r.get_json()["error"] == "changed_meanwhile"
    r = api(
        "POST",
        f"/cases/{cid}/events",
        token,
        events,
        json={"event": "return_evaluation", "expected_version": 3, "payload": {"note": "Lengkapi foto."}},
    )
    assert r.status_code == 200 and r.get_json()["state"] == "development"
    assert case_status(rt, world.people["admin"], cid).history[-1]["payload"] == {"note": "Lengkapi foto."}
    r = api("POST", f"/cases/{cid}/events", token, events, json={"event": "pass_evaluation"})
    assert r.status_code in (403, 409)  # the task is closed and the event impossible in this state
    assert api("POST", f"/cases/{cid}/events", token, events, data="nope").status_code == 422
    assert api("GET", "/cases/999999", token, "/cases/{case_id}").status_code == 404


def test_api_works_without_csrf_but_pages_do_not_accept_bearer_tokens(client, rt, world):
    _, token = create_token(rt, world.people["admin"], "skrip")
    assert client.get("/admin/", headers={"Authorization": f"Bearer {token}"}).status_code == 302


def test_tokens_page_shows_a_new_token_once(client, world):
    sign_in(client, "ver")
    page = post(client, "/akun/token", {"label": "integrasi"}).get_data(as_text=True)
    token = page.split('class="secret">')[1].split("<")[0]
    assert token.startswith("p2h_")
    assert token not in client.get("/akun/token").get_data(as_text=True)
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["role"]
        == "verifikator"
    )


def test_evidence_upload_and_decision(api, rt, clock, world, tmp_path):
    """Both evidence paths through the ``api`` caller (tests/web/test_api_evidence.py has the rest)."""
    with_uploads(rt, tmp_path)
    cid = case_in_evidence_input(rt, clock, world)[1]
    _, op = create_token(rt, world.people["op_lapas"], "skrip")
    form = {"indicator": "K1.5", "item": "foto_ramp", "file": (io.BytesIO(real_png()), "ramp.png")}
    r = api("POST", f"/cases/{cid}/evidence", op, "/cases/{case_id}/evidence", data=form,
            content_type="multipart/form-data")
    assert r.status_code == 201 and r.get_json()["status"] == "draft"
    submit_indicators(rt, world.people["op_lapas"], cid, ["K1.5"])
    claim_verification(rt, world.people["ver"], cid)
    _, ver = create_token(rt, world.people["ver"], "skrip")
    r = api("POST", f"/cases/{cid}/evidence/{r.get_json()['id']}/decision", ver,
            "/cases/{case_id}/evidence/{record_id}/decision", json={"decision": "memenuhi"})
    assert r.status_code == 200 and r.get_json()["status"] == "memenuhi"


def test_every_documented_path_was_exercised():
    """Runs last in this module: every (method, path) of the OpenAPI document was called above."""
    if not CALLED:
        pytest.skip("meaningful only after the rest of this module ran")
    documented = {(m, p) for p, ops in document()["paths"].items() for m in ops}
    assert documented - CALLED == set()
