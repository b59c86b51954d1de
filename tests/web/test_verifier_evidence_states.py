"""The verifier's evidence page in every state where they hold the case, not only during the input
window: evaluation review (the evaluation evidence the unit left), final verification (decisions
possible), assessment (read only, with the reason, the decisions and their notes still shown) and
a final state; a decision posted where none is possible is refused and changes nothing."""

from __future__ import annotations

import pytest

from tests.web.conftest import in_review, post, sign_in
from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from tests.workflow.helpers import open_2023
from workflow.services.cases import fire_event
from workflow.services.evidence import claim_verification, decide_item, submit_indicators, upload_evidence
from workflow.services.evidence_checklist import evidence_checklist
from workflow.services.evidence_reads import list_evidence

RAMP = ("K1.5", "foto_ramp")
STANDAR = ("K1.1", "dokumen_standar_pelayanan")


def page(cid: int) -> str:
    return f"/verifikator/kasus/{cid}/data-dukung"


def status_of(rt, person: int, cid: int, item: str) -> str:
    return {i.item_id: i.status for i in list_evidence(rt, person, cid)}[item]


@pytest.fixture
def verified(rt, clock, world, tmp_path):
    """A case in final verification: the ramp photo returned once with a note, replaced and
    resubmitted; the standard document submitted with the rest at the end of the input."""
    with_uploads(rt, tmp_path)
    cid = case_in_evidence_input(rt, clock, world)[1]
    op, ver = world.people["op_lapas"], world.people["ver"]
    upload_evidence(rt, op, cid, *RAMP, "ramp.png", f.image())
    submit_indicators(rt, op, cid, ["K1.5"])
    claim_verification(rt, ver, cid)
    decide_item(rt, ver, cid, *RAMP, "perlu_perbaikan", "Pegangan rambat tidak terlihat.")
    upload_evidence(rt, op, cid, *RAMP, "ramp-baru.png", f.image(color=(20, 160, 90)))
    upload_evidence(rt, op, cid, *STANDAR, "standar.pdf", f.pdf())
    submit_indicators(rt, op, cid, ["K1.1", "K1.5"])
    fire_event(rt, op, cid, "submit_evidence")
    return cid


def test_final_verification_shows_the_evidence_with_previews_and_decision_forms(client, rt, world, verified):
    sign_in(client, "ver")
    html = client.get(page(verified)).get_data(as_text=True)
    assert "Tahap: Verifikasi Data Dukung" in html
    assert "tidak memiliki masa penginputan" not in html and "Hanya dapat dilihat." not in html
    assert f'<object data="{page(verified)}/K1.1/dokumen_standar_pelayanan/berkas?versi=1"' in html
    assert f'<img src="{page(verified)}/K1.5/foto_ramp/berkas?versi=2"' in html
    assert html.count('name="keputusan" value="memenuhi"') == 2
    # the earlier return is in the item's history, with the verifier's name and the note
    assert "Verifikator Satu · Perlu perbaikan (versi 1): Pegangan rambat tidak terlihat." in html
    r = post(client, f"{page(verified)}/K1.5/foto_ramp/keputusan", {"keputusan": "memenuhi"},
             token_from=page(verified))
    assert r.status_code == 303
    after = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Keputusan disimpan: Foto ramp beserta pegangan rambat." in after  # the item's label, not its id
    assert status_of(rt, world.people["ver"], verified, "foto_ramp") == "memenuhi"


def test_assessment_is_read_only_with_the_reason_and_the_decisions_still_shown(client, rt, world, verified):
    ver = world.people["ver"]
    decide_item(rt, ver, verified, *RAMP, "memenuhi")
    fire_event(rt, ver, verified, "complete_verification")
    sign_in(client, "ver")
    html = client.get(page(verified)).get_data(as_text=True)
    assert "Tahap: Penilaian" in html
    assert "Hanya dapat dilihat.</strong> Pada tahap 'Penilaian' data dukung hanya dapat dilihat" in html
    assert 'name="keputusan"' not in html  # no decision form at all
    assert "Memenuhi" in html and "Pegangan rambat tidak terlihat." in html  # decisions and notes
    assert f'<img src="{page(verified)}/K1.5/foto_ramp/berkas?versi=2"' in html  # previews
    assert "Dikirim" in html  # the standard document, submitted but never decided
    # a decision posted anyway is refused with the same reason and changes nothing
    r = post(client, f"{page(verified)}/K1.1/dokumen_standar_pelayanan/keputusan", {"keputusan": "memenuhi",
             "next": page(verified)}, token_from=page(verified))
    assert "data dukung hanya dapat dilihat" in client.get(r.headers["Location"]).get_data(as_text=True)
    assert status_of(rt, ver, verified, "dokumen_standar_pelayanan") == "submitted"


def test_evaluation_review_without_evaluation_evidence_says_so(client, rt, clock, world):
    cid = in_review(rt, clock, world)
    sign_in(client, "ver")  # holds it through the pooled review task
    html = client.get(page(cid)).get_data(as_text=True)
    assert "Tahap: Verifikasi Evaluasi" in html and "Kelengkapan data dukung" in html
    assert "Belum ada data dukung yang dikirim untuk diverifikasi." in html
    assert "tidak memiliki masa penginputan" not in html and "Hanya dapat dilihat." not in html


def test_evaluation_drafts_are_shown_without_a_decision_form(client, rt, clock, world, tmp_path):
    with_uploads(rt, tmp_path)
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    upload_evidence(rt, world.people["admin"], cid, "E1", "sk_pencanangan", "sk.pdf", f.pdf())
    fire_event(rt, world.people["admin"], cid, "submit_evaluation")
    sign_in(client, "ver")
    html = client.get(page(cid)).get_data(as_text=True)
    assert "E1 · Surat keputusan atau piagam pencanangan P2HAM" in html
    assert f'<object data="{page(cid)}/E1/sk_pencanangan/berkas?versi=1"' in html
    assert "Data dukung ini tidak dikirim untuk diverifikasi" in html and 'name="keputusan"' not in html


def test_a_final_state_is_read_only_and_says_the_case_is_over(client, rt, clock, world, tmp_path):
    with_uploads(rt, tmp_path)
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, world.people["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    upload_evidence(rt, world.people["admin"], cid, "E1", "sk_pencanangan", "sk.pdf", f.pdf())
    submit_indicators(rt, world.people["admin"], cid, ["E1"])
    fire_event(rt, world.people["admin"], cid, "submit_evaluation")
    claim_verification(rt, world.people["ver"], cid)
    decide_item(rt, world.people["ver"], cid, "E1", "sk_pencanangan", "tidak_memenuhi",
                "Belum ditandatangani.")
    fire_event(rt, world.people["ver"], cid, "fail_evaluation", {"reasons": ["SK belum ditandatangani."]})
    sign_in(client, "ver")
    html = client.get(page(cid)).get_data(as_text=True)
    assert "Kasus telah selesai pada tahap 'Tidak Lolos Evaluasi'" in html
    assert "Tidak memenuhi" in html and "Belum ditandatangani." in html and 'name="keputusan"' not in html


def test_a_case_before_any_window_says_there_is_nothing_yet(rt, world):
    cid = open_2023(rt, world)
    checklist = evidence_checklist(rt, world.people["admin"], cid)
    assert checklist.section is None and checklist.groups == () and checklist.decisions_blocked == "read_only"
