"""Evidence through the JSON API: a real PNG uploaded with a token, a refused file answered 422
with the Indonesian rule, a verifier's decision by record number, another unit's operator refused."""

import io

import pytest

from tests.web.test_evidence_pages import RAMP, STANDAR, real_png
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from workflow.services.auth import create_token
from workflow.services.evidence import claim_verification, submit_indicators
from workflow.services.evidence_reads import list_evidence


@pytest.fixture
def case(rt, clock, world, tmp_path):
    with_uploads(rt, tmp_path)
    return case_in_evidence_input(rt, clock, world)[1]


def token(rt, world, who):
    return create_token(rt, world.people[who], "skrip")[1]


def upload(client, tok, cid, key, name, data, **extra):
    indicator, item = key.split("/")
    return client.post(f"/api/v1/cases/{cid}/evidence", headers={"Authorization": f"Bearer {tok}"},
                       data={"indicator": indicator, "item": item, "file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data")


def decide(client, tok, cid, record_id, **body):
    return client.post(f"/api/v1/cases/{cid}/evidence/{record_id}/decision",
                       headers={"Authorization": f"Bearer {tok}"}, json=body)


def test_operator_uploads_a_png_with_a_token(client, rt, world, case):
    r = upload(client, token(rt, world, "op_lapas"), case, RAMP, "ramp.png", real_png())
    assert r.status_code == 201
    body = r.get_json()
    assert (body["indicator"], body["item"], body["status"], body["version"]) == (
        "K1.5", "foto_ramp", "draft", 1)
    items = list_evidence(rt, world.people["op_lapas"], case)
    assert [(i.item_id, i.versions[0].original_name, i.versions[0].kind) for i in items] == [
        ("foto_ramp", "ramp.png", "png")]


def test_refused_file_is_422_with_the_indonesian_rule_and_nothing_stored(client, rt, world, case):
    r = upload(client, token(rt, world, "op_lapas"), case, STANDAR, "standar.pdf", real_png())
    assert r.status_code == 422
    body = r.get_json()
    assert "Isi berkas adalah" in body["message"] and "tidak sesuai dengan ekstensi" in body["message"]
    assert list_evidence(rt, world.people["op_lapas"], case) == [] and not rt.blobs().files()


def test_missing_fields_are_422(client, rt, world, case):
    r = client.post(f"/api/v1/cases/{case}/evidence", data={"indicator": "K1.5"},
                    headers={"Authorization": f"Bearer {token(rt, world, 'op_lapas')}"})
    assert r.status_code == 422 and set(r.get_json()["fields"]) == {"item", "file"}


def test_verifier_decides_by_record_number(client, rt, world, case):
    record = upload(client, token(rt, world, "op_lapas"), case, RAMP, "ramp.png", real_png()).get_json()["id"]
    submit_indicators(rt, world.people["op_lapas"], case, ["K1.5"])
    claim_verification(rt, world.people["ver"], case)
    tok = token(rt, world, "ver")
    r = decide(client, tok, case, record, decision="perlu_perbaikan", note=" ")
    assert r.status_code == 422 and "Catatan wajib diisi" in r.get_json()["message"]
    r = decide(client, tok, case, record, decision="perlu_perbaikan", note="Pegangan rambat tidak terlihat.")
    assert r.status_code == 200
    assert (r.get_json()["status"], r.get_json()["id"]) == ("perlu_perbaikan", record)
    history = list_evidence(rt, world.people["ver"], case)[0].history
    assert history[-1].note == "Pegangan rambat tidak terlihat."
    assert decide(client, tok, case, record + 999, decision="memenuhi").status_code == 404


def test_operator_cannot_decide_and_another_units_operator_is_refused(client, rt, world, case):
    record = upload(client, token(rt, world, "op_lapas"), case, RAMP, "ramp.png", real_png()).get_json()["id"]
    submit_indicators(rt, world.people["op_lapas"], case, ["K1.5"])
    own = decide(client, token(rt, world, "op_lapas"), case, record, decision="memenuhi")
    assert own.status_code == 403
    other = token(rt, world, "op_rutan")
    r = upload(client, other, case, RAMP, "ramp.png", real_png())
    assert r.status_code == 403 and r.get_json()["error"] == "not_allowed"
    assert decide(client, other, case, record, decision="memenuhi").status_code == 403
    assert [i.status for i in list_evidence(rt, world.people["op_lapas"], case)] == ["submitted"]


def test_without_a_token_it_is_401(client, world, case):
    assert client.post(f"/api/v1/cases/{case}/evidence").status_code == 401
    assert client.post(f"/api/v1/cases/{case}/evidence/1/decision", json={}).status_code == 401
