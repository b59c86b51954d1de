"""The admin's deadline extension page: an extension for one unit or all, with a required reason,
listed afterwards; the close timer of the unit's case moves with it; other roles are refused."""

import pytest

from tests.web.conftest import post, sign_in
from tests.workflow.evidence_helpers import case_in_evidence_input
from workflow.services.cases import case_status

PAGE = "/admin/perpanjangan"


@pytest.fixture
def case(rt, clock, world):
    return case_in_evidence_input(rt, clock, world)[1]


def form(world, **over):
    return {"tahun": "2023", "tahap": "evidence_input", "unit_id": str(world.units["lapas"]),
            "tanggal": "2023-10-20", "jam": "23:59:59", "alasan": "Gangguan jaringan di Jambi.", **over}


def test_page_has_a_labelled_form_with_csrf(client, world):
    sign_in(client, "admin")
    page = client.get(PAGE).get_data(as_text=True)
    for field in ("tahun", "tahap", "unit_id", "tanggal", "jam", "alasan"):
        assert f'<label for="{field}">' in page and f'id="{field}" name="{field}"' in page
    assert 'name="csrf_token"' in page and "Belum ada perpanjangan." in page


def test_extension_is_created_listed_and_moves_the_close_timer(client, rt, world, case):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world), token_from=PAGE)
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Masa input diperpanjang hingga 20-10-2023 23:59 WIB: 1 kasus, 1 tenggat digeser." in page
    row = page.split("<tbody>")[1]
    assert "Lapas Kelas IIA Jambi" in row and "20-10-2023 23:59 WIB" in row
    assert "Gangguan jaringan di Jambi." in row
    timer = next(t for t in case_status(rt, None, case).timers if t["event"] == "close_evidence_input")
    assert timer["due_at"].isoformat().startswith("2023-10-20T16:59:59")  # 23:59:59 WIB in UTC


def test_extension_for_all_units_is_listed_as_such(client, world, case):
    sign_in(client, "admin")
    post(client, PAGE, form(world, unit_id=""), token_from=PAGE)
    assert "<td>Semua Unit Kerja</td>" in client.get(PAGE).get_data(as_text=True)


def test_missing_reason_is_refused_with_a_message(client, world, case):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world, alasan="  "), token_from=PAGE, headers={"Referer": f"http://localhost{PAGE}"},
             follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "Alasan perpanjangan wajib diisi." in page and "Belum ada perpanjangan." in page


def test_bad_date_and_earlier_close_are_refused(client, world, case):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world, tanggal="2023-02-30"), token_from=PAGE, follow_redirects=True)
    assert "Waktu penutupan baru tidak sah" in r.get_data(as_text=True)
    r = post(client, PAGE, form(world, tanggal="2023-10-01"), token_from=PAGE, follow_redirects=True)
    assert "harus setelah penutupan semula" in r.get_data(as_text=True)


def test_non_admins_are_refused(app, world):
    for username in ("op.lapas", "ver", "pen"):
        c = app.test_client()
        sign_in(c, username)
        assert c.get(PAGE).status_code == 403
        assert post(c, PAGE, form(world)).status_code == 403


def test_form_without_csrf_is_refused(client, world, case):
    sign_in(client, "admin")
    assert client.post(PAGE, data=form(world)).status_code == 400
