"""The extension page's state field: a select of the chosen year's states that have an evidence
window (label and id), another year's list on ?tahun=, and any other state refused with an
Indonesian message that names the allowed ones, creating nothing."""

import re

import pytest

from tests.web.conftest import post, sign_in
from tests.workflow.evidence_helpers import case_in_evidence_input
from workflow.services.window_reads import list_extensions

PAGE = "/admin/perpanjangan"


@pytest.fixture
def case(rt, clock, world):
    return case_in_evidence_input(rt, clock, world)[1]


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    body = re.search(rf'<select id="{select_id}" name="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', body)


def form(world, **over):
    return {"tahun": "2023", "tahap": "evidence_input", "unit_id": str(world.units["lapas"]),
            "tanggal": "2023-10-20", "jam": "23:59:59", "alasan": "Gangguan jaringan di Jambi.", **over}


def test_state_is_a_select_of_the_years_window_states_with_label_and_id(client, world):
    sign_in(client, "admin")
    html = client.get(PAGE).get_data(as_text=True)
    assert options(html, "tahap") == [("", "Pilih tahap"), ("development", "Pembangunan (development)"),
                                      ("evidence_input", "Penginputan Data Dukung (evidence_input)")]
    assert '<label for="tahap">Tahap yang memiliki masa penginputan data dukung</label>' in html
    assert '<select id="tahap" name="tahap" required>' in html and 'type="text" id="tahap"' not in html
    assert '<input type="hidden" name="tahun" value="2023">' in html


def test_another_year_lists_its_own_window_states(client, world):
    sign_in(client, "admin")
    html = client.get(f"{PAGE}?tahun=2024").get_data(as_text=True)
    assert [v for v, _ in options(html, "tahap")] == ["", "declared", "evidence_input"]
    assert ("2024", "2024") in options(html, "tahun") and '<option value="2024" selected>' in html
    assert '<input type="hidden" name="tahun" value="2024">' in html


@pytest.mark.parametrize("state", ["declared", "final_verification", "tidak_ada", "<b>x</b>"])
def test_a_state_without_window_is_refused_naming_the_allowed_ones(client, rt, world, case, state):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world, tahap=state, next=f"{PAGE}?tahun=2023"), token_from=PAGE)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"{PAGE}?tahun=2023")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "tidak memiliki masa penginputan data dukung pada tahun 2023" in html
    allowed = "Pembangunan (development), Penginputan Data Dukung (evidence_input)"
    assert f"Tahap yang memilikinya: {allowed}." in html
    assert "<b>x</b>" not in html  # echoed escaped, never as markup
    assert list_extensions(rt, world.people["admin"]) == []


def test_no_state_chosen_is_refused(client, rt, world, case):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world, tahap=""), token_from=PAGE, follow_redirects=True)
    assert "Pilih tahap yang masa penginputan data dukungnya diperpanjang." in r.get_data(as_text=True)
    assert list_extensions(rt, world.people["admin"]) == []


def test_chosen_state_is_extended_and_listed_with_its_label(client, rt, world, case):
    sign_in(client, "admin")
    r = post(client, PAGE, form(world), token_from=PAGE)
    assert r.status_code == 303 and r.headers["Location"].endswith(f"{PAGE}?tahun=2023")
    row = client.get(r.headers["Location"]).get_data(as_text=True).split("<tbody>")[1]
    assert 'Penginputan Data Dukung <span class="muted">(evidence_input)</span>' in row
    (ext,) = list_extensions(rt, world.people["admin"])
    assert (ext.year, ext.state, ext.state_label) == (2023, "evidence_input", "Penginputan Data Dukung")
