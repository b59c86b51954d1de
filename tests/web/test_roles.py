"""Every role is refused (403, never 500) on the other roles' pages and API calls, and an
operator cannot reach another unit's case by changing the id in the URL."""

import pytest

from tests.web.conftest import in_review, post, sign_in
from workflow.services.auth import create_token

PAGES = {
    "admin": [
        "/admin/",
        "/admin/unit",
        "/admin/pengguna",
        "/admin/penugasan",
        "/admin/kasus",
        "/admin/ekspor/tahap.csv",
        "/admin/kasus/{case}",
    ],
    "operator": ["/operator/", "/operator/kasus/{case}"],
    "verifikator": ["/verifikator/", "/verifikator/kasus/{case}"],
    "penilai": ["/penilai/"],  # its case page is open only with a task (tested below)
}
POSTS = {
    "admin": [
        "/admin/unit",
        "/admin/penugasan/seimbangkan",
        "/admin/pengguna/1/atur-ulang",
        "/admin/kasus/{case}/aksi",
    ],
    "operator": ["/operator/kasus/{case}/aksi"],
    "verifikator": ["/verifikator/tugas/1/ambil", "/verifikator/kasus/{case}/aksi"],
    "penilai": ["/penilai/tugas/1/ambil", "/penilai/kasus/{case}/aksi"],
}
USERS = {"admin": "admin", "operator": "op.lapas", "verifikator": "ver", "penilai": "pen"}


@pytest.mark.parametrize("role", USERS)
def test_each_role_is_refused_on_the_others_pages(client, rt, clock, world, role):
    case = in_review(rt, clock, world)
    sign_in(client, USERS[role])
    for owner, paths in PAGES.items():
        for path in paths:
            r = client.get(path.format(case=case))
            if owner == role:
                assert r.status_code == 200, path
            else:
                assert r.status_code == 403, (role, path)
                assert "Akses ditolak" in r.get_data(as_text=True)
    if role != "verifikator":  # the case waits for a verifier: no other reviewer may even read it
        assert client.get(f"/penilai/kasus/{case}").status_code == 403
    for owner, paths in POSTS.items():
        if owner != role:
            for path in paths:
                assert (
                    post(client, path.format(case=case), {"event": "x", "expected_version": "1"}).status_code
                    == 403
                )


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for paths in PAGES.values():
        for path in paths:
            r = client.get(path.format(case=1))
            assert r.status_code == 302 and "/masuk" in r.headers["Location"], path


@pytest.mark.parametrize("role", USERS)
def test_each_role_is_refused_on_the_others_api_calls(client, rt, clock, world, role):
    case = in_review(rt, clock, world, "rutan")
    _, token = create_token(
        rt,
        world.people[
            {"admin": "admin", "operator": "op_lapas", "verifikator": "ver", "penilai": "pen"}[role]
        ],
        "uji",
    )
    h = {"Authorization": f"Bearer {token}"}
    expect = {
        ("GET", "/api/v1/tasks"): {"verifikator", "penilai"},
        ("GET", "/api/v1/pool"): {"verifikator", "penilai"},
        ("GET", f"/api/v1/cases/{case}"): {"admin", "verifikator"},  # the verifier holds the pooled task
    }
    for (method, path), allowed in expect.items():
        r = client.open(path, method=method, headers=h)
        assert r.status_code == (200 if role in allowed else 403), (role, path, r.get_json())
    # the operator of another unit, the assessor and the verifier may not declare; the admin may not decide
    r = client.post(f"/api/v1/cases/{case}/events", json={"event": "pass_evaluation"}, headers=h)
    assert r.status_code == (200 if role == "verifikator" else 403), (role, r.get_json())


def test_operator_cannot_open_another_units_case_by_changing_the_id(client, rt, clock, world):
    own = in_review(rt, clock, world, "lapas")
    other = in_review(rt, clock, world, "rutan")
    sign_in(client, "op.lapas")
    assert client.get(f"/operator/kasus/{own}").status_code == 200
    r = client.get(f"/operator/kasus/{other}")
    assert r.status_code == 403
    assert "Rutan" not in r.get_data(as_text=True)
    r = post(client, f"/operator/kasus/{other}/aksi", {"event": "submit_evidence", "expected_version": "3"})
    assert r.status_code == 403
    assert client.get("/operator/kasus/999999").status_code == 404
    _, token = create_token(rt, world.people["op_lapas"], "uji")
    assert (
        client.get(f"/api/v1/cases/{other}", headers={"Authorization": f"Bearer {token}"}).status_code == 403
    )
