"""The assessor's scoring sheet: the definition's scales grouped by criterion, running totals from
``workflow.scoring``, save, submit to the pass or fail state, and the conflict-of-interest refusal."""

import pytest

from tests.web.conftest import PASSWORD, post, sign_in
from tests.workflow.docs_helpers import to_assessment
from tests.workflow.helpers import FAILING_2023, PASSING_2023, open_2023
from workflow.services.auth import set_password
from workflow.services.cases import case_status
from workflow.services.org import assign, create_person


@pytest.fixture
def case(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    clock.set(2023, 11, 10, 10, 0)
    return cid


def sheet(cid):
    return f"/penilai/kasus/{cid}/penilaian"


def scores(choices):
    return {f"nilai_{k}": v for k, v in choices.items()}


def test_sheet_lists_indicators_by_criterion_with_scales_and_threshold(client, world, case):
    sign_in(client, "pen")
    page = client.get(sheet(case)).get_data(as_text=True)
    assert 'for="nilai-K3-1"' in page and 'id="nilai-K3-1" name="nilai_K3.1"' in page  # labelled
    assert 'value="cukup_patuh"' in page and 'value="proses"' in page  # both scales of 2023
    assert page.count('class="card kriteria"') == 5
    assert 'id="ambang">75.00<' in page and 'id="nilai-total">0.00<' in page
    assert 'name="csrf_token"' in page


def test_assessor_saves_sees_totals_and_submits_to_awarded(client, rt, world, case):
    sign_in(client, "pen")
    r = post(client, sheet(case), {**scores(dict(PASSING_2023, **{"K1.1": "proses"})), "aksi": "simpan"},
             token_from=sheet(case))
    assert r.status_code == 303
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    # K1 = (9 x 100 + 50) / 10 = 95; total = 100 - 5 x 0.30 = 98.5
    assert "19 nilai disimpan" in page and 'id="kriteria-K1">95.00<' in page
    assert 'id="nilai-total">98.50<' in page
    assert "Lulus" in page and case_status(rt, None, case).case.state == "assessment"
    r = post(client, sheet(case), {**scores(PASSING_2023), "aksi": "kirim"}, token_from=sheet(case))
    assert r.status_code == 303 and r.headers["Location"].endswith("/penilai/")
    assert case_status(rt, None, case).case.state == "awarded"
    assert case_status(rt, None, case).history[-1]["payload"]["result"]["total"] == 100.0


def test_failing_scores_reach_assessment_failed(client, rt, world, case):
    sign_in(client, "pen")
    post(client, sheet(case), {**scores(FAILING_2023), "aksi": "kirim"}, token_from=sheet(case))
    assert case_status(rt, None, case).case.state == "assessment_failed"


def test_incomplete_submit_is_refused_with_a_message(client, rt, world, case):
    sign_in(client, "pen")
    r = post(client, sheet(case), {"nilai_K1.1": "ada", "aksi": "kirim"}, token_from=sheet(case),
             headers={"Referer": f"http://localhost{sheet(case)}"}, follow_redirects=True)
    assert "Penilaian belum lengkap" in r.get_data(as_text=True)
    assert case_status(rt, None, case).case.state == "assessment"


def test_assessor_of_the_units_own_kanwil_is_refused(client, rt, world, case):
    local = create_person(rt, None, "pen.jambi", "Penilai Jambi", "penilai", "KW-JAMBI")
    set_password(rt, None, local, PASSWORD)
    assign(rt, None, world.units["lapas"], 2023, local)
    sign_in(client, "pen.jambi")
    r = client.get(sheet(case))
    assert r.status_code == 403 and "Konflik kepentingan" in r.get_data(as_text=True)
    r = post(client, sheet(case), {**scores(PASSING_2023), "aksi": "kirim"})
    assert r.status_code == 403
    assert "Konflik kepentingan: Penilai dari Kantor Wilayah Jambi" in r.get_data(as_text=True)
    assert case_status(rt, None, case).case.state == "assessment"


def test_csrf_and_other_roles_are_refused(app, client, world, case):
    sign_in(client, "pen")
    assert client.post(sheet(case), data=scores(PASSING_2023)).status_code == 400
    other = app.test_client()
    sign_in(other, "ver")
    assert other.get(sheet(case)).status_code == 403
