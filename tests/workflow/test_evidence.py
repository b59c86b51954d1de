"""Evidence through the services, on SQLite and PostgreSQL: upload, versions, partial submission,
item-level verification, windows and their extension, access by unit and role."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.workflow import evidence_files as f
from tests.workflow.evidence_helpers import case_in_evidence_input, with_uploads
from tests.workflow.helpers import open_2023, seed_world
from workflow import evidence as ev
from workflow.deadlines import JAKARTA
from workflow.errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from workflow.services.cases import case_status, fire_event
from workflow.services.evidence import claim_verification, decide_item, submit_indicators, upload_evidence
from workflow.services.evidence_reads import download_evidence, evidence_completeness, list_evidence
from workflow.services.evidence_windows import extend_window
from workflow.services.timers import due_timer_ids, fire_timer
from workflow.store import EvidenceHistory, EvidenceRecord, EvidenceVersion, Timer

TOILET = ("K1.3", "foto_toilet_disabilitas")
RAMP = ("K1.5", "foto_ramp")
MAKLUMAT = ("K1.1", "foto_maklumat_pelayanan")
STANDAR = ("K1.1", "dokumen_standar_pelayanan")


@pytest.fixture
def ert(rt, tmp_path):
    return with_uploads(rt, tmp_path)


def _counts(rt):
    with rt.store.unit_of_work() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(m))
                     for m in (EvidenceRecord, EvidenceVersion, EvidenceHistory))


def _item(rt, actor, cid, key):
    return next(i for i in list_evidence(rt, actor, cid) if (i.indicator_id, i.item_id) == key)


def test_replacement_keeps_every_version(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    first, second = f.pdf("versi pertama"), f.pdf("versi kedua")
    upload_evidence(ert, op, cid, *STANDAR, "standar.pdf", first)
    clock.advance(timedelta(days=1))
    state = upload_evidence(ert, op, cid, *STANDAR, "standar-revisi.pdf", second)
    assert (state.version, state.status) == (2, ev.DRAFT)
    item = _item(ert, op, cid, STANDAR)
    assert [(v.number, v.original_name, v.uploaded_by) for v in item.versions] == [
        (1, "standar.pdf", "Operator Lapas"), (2, "standar-revisi.pdf", "Operator Lapas")]
    assert item.versions[0].sha256 != item.versions[1].sha256
    assert item.versions[1].uploaded_at - item.versions[0].uploaded_at == timedelta(days=1)
    assert download_evidence(ert, op, cid, *STANDAR, version=1).data == first
    assert download_evidence(ert, op, cid, *STANDAR).data == second
    assert len(ert.blobs().files()) == 2
    with pytest.raises(NotFound, match="versi tersedia: 1, 2"):
        download_evidence(ert, op, cid, *STANDAR, version=3)


def test_stale_replacement_is_changed_meanwhile(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    seen = upload_evidence(ert, op, cid, *TOILET, "a.png", f.png()).rev
    upload_evidence(ert, op, cid, *TOILET, "b.png", f.png((1, 2, 3)), expected_rev=seen)
    with pytest.raises(ChangedMeanwhile, match="diubah oleh pengguna lain"):
        upload_evidence(ert, op, cid, *TOILET, "c.png", f.png((4, 5, 6)), expected_rev=seen)
    assert _item(ert, op, cid, TOILET).version == 2


def test_partial_submission_then_the_rest(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    upload_evidence(ert, op, cid, *MAKLUMAT, "maklumat.jpg", f.jpeg())
    upload_evidence(ert, op, cid, *STANDAR, "standar.pdf", f.pdf())
    upload_evidence(ert, op, cid, *TOILET, "toilet.png", f.png())
    sent = submit_indicators(ert, op, cid, ["K1.1"])
    assert sorted(s.item_id for s in sent) == ["dokumen_standar_pelayanan", "foto_maklumat_pelayanan"]
    statuses = {(i.indicator_id, i.item_id): i.status for i in list_evidence(ert, op, cid)}
    assert statuses == {MAKLUMAT: ev.SUBMITTED, STANDAR: ev.SUBMITTED, TOILET: ev.DRAFT}
    # a submitted item is frozen for the operator until the verifier decides; a draft is not
    before = _counts(ert)
    with pytest.raises(ValidationFailed, match="menunggu verifikasi"):
        upload_evidence(ert, op, cid, *STANDAR, "standar2.pdf", f.pdf("lain"))
    assert _counts(ert) == before
    upload_evidence(ert, op, cid, *TOILET, "toilet2.png", f.png((9, 9, 9)))
    with pytest.raises(ValidationFailed, match="Tidak ada data dukung berstatus draf"):
        submit_indicators(ert, op, cid, ["K1.1"])
    with pytest.raises(NotFound, match="K9.9"):
        submit_indicators(ert, op, cid, ["K1.3", "K9.9"])
    # the rest, later
    clock.advance(timedelta(days=30))
    assert [s.item_id for s in submit_indicators(ert, op, cid, ["K1.3"])] == ["foto_toilet_disabilitas"]
    assert _item(ert, op, cid, TOILET).status == ev.SUBMITTED
    c = evidence_completeness(ert, op, cid)
    assert c.indicator("K1.1").complete and c.indicator("K1.3").complete and not c.indicator("K1.2").complete


def test_returned_item_is_replaced_and_resubmitted(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op, ver = world.people["op_lapas"], world.people["ver"]
    upload_evidence(ert, op, cid, *RAMP, "ramp.jpg", f.jpeg())
    submit_indicators(ert, op, cid, ["K1.5"])
    with pytest.raises(NotAllowed, match="tidak ditugaskan"):  # not assigned, no task: must claim first
        decide_item(ert, ver, cid, *RAMP, ev.RETURNED, "Foto buram")
    claim_verification(ert, ver, cid)
    with pytest.raises(ValidationFailed, match="Catatan wajib diisi"):
        decide_item(ert, ver, cid, *RAMP, ev.RETURNED, " ")
    decide_item(ert, ver, cid, *RAMP, ev.RETURNED, "Foto buram, pegangan rambat tidak terlihat.")
    assert not evidence_completeness(ert, op, cid).indicator("K1.5").complete
    upload_evidence(ert, op, cid, *RAMP, "ramp-baru.jpg", f.jpeg((10, 200, 10)))
    submit_indicators(ert, op, cid, ["K1.5"])
    state = decide_item(ert, ver, cid, *RAMP, ev.ACCEPTED)
    assert (state.status, state.version) == (ev.ACCEPTED, 2)
    for who in (op, ver):  # the history of decisions and notes is visible to both
        item = _item(ert, who, cid, RAMP)
        assert [(h.action, h.version, h.note) for h in item.history] == [
            ("uploaded", 1, ""), ("submitted", 1, ""),
            ("perlu_perbaikan", 1, "Foto buram, pegangan rambat tidak terlihat."),
            ("uploaded", 2, ""), ("submitted", 2, ""), ("memenuhi", 2, "")]
    with pytest.raises(ValidationFailed, match="sudah dinyatakan memenuhi"):
        upload_evidence(ert, op, cid, *RAMP, "ramp-3.jpg", f.jpeg((1, 1, 1)))
    with pytest.raises(ValidationFailed, match="Hanya data dukung yang sudah dikirim"):
        decide_item(ert, ver, cid, *RAMP, ev.REJECTED, "berubah pikiran")
    assert evidence_completeness(ert, ver, cid).indicator("K1.5").verified_set is not None


def test_claim_takes_the_case_from_the_pool(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op, ver, ver2 = world.people["op_lapas"], world.people["ver"], world.people["ver2"]
    upload_evidence(ert, op, cid, *RAMP, "ramp.jpg", f.jpeg())
    submit_indicators(ert, op, cid, ["K1.5"])
    claim_verification(ert, ver2, cid)
    with pytest.raises(ChangedMeanwhile, match="Verifikator lain"):
        claim_verification(ert, ver, cid)
    with pytest.raises(NotAllowed):
        list_evidence(ert, ver, cid)
    with pytest.raises(NotAllowed, match="Hanya Verifikator"):
        decide_item(ert, world.people["admin"], cid, *RAMP, ev.ACCEPTED)
    decide_item(ert, ver2, cid, *RAMP, ev.REJECTED, "Bukan foto ramp.")
    # the final verification task the evidence window leads to goes to the verifier holding the case
    clock.set(2023, 10, 1, 9, 0)
    fire_event(ert, op, cid, "submit_evidence")
    tasks = [t for t in case_status(ert, None, cid).tasks if t["state"] == "final_verification"]
    assert [t["assignee_id"] for t in tasks] == [ver2]


def test_operator_of_another_unit_is_refused(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    mine, other = world.people["op_lapas"], world.people["op_rutan"]
    upload_evidence(ert, mine, cid, *TOILET, "toilet.png", f.png())
    before = (_counts(ert), len(ert.blobs().files()))
    calls = [
        lambda: upload_evidence(ert, other, cid, *RAMP, "ramp.jpg", f.jpeg()),
        lambda: list_evidence(ert, other, cid),
        lambda: download_evidence(ert, other, cid, *TOILET),
        lambda: submit_indicators(ert, other, cid, ["K1.3"]),
        lambda: evidence_completeness(ert, other, cid),
    ]
    for call in calls:
        with pytest.raises(NotAllowed, match="Unit Kerja Anda sendiri"):
            call()
    assert (_counts(ert), len(ert.blobs().files())) == before
    with pytest.raises(NotAllowed, match="tidak berwenang mengisi data dukung"):  # not the window's role
        upload_evidence(ert, world.people["ver"], cid, *RAMP, "ramp.jpg", f.jpeg())


def test_write_at_close_plus_one_second_is_refused(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    clock.set(2023, 10, 15, 23, 59, 59)
    upload_evidence(ert, op, cid, *TOILET, "toilet.png", f.png())
    upload_evidence(ert, op, cid, *RAMP, "ramp.png", f.png((0, 0, 0)))
    submit_indicators(ert, op, cid, ["K1.5"])
    clock.advance(timedelta(seconds=1))
    before = (_counts(ert), len(ert.blobs().files()))
    closed = "sudah ditutup pada 15 Oktober 2023 pukul 23.59.59 WIB"
    with pytest.raises(ValidationFailed, match=closed):
        upload_evidence(ert, op, cid, *MAKLUMAT, "maklumat.jpg", f.jpeg())
    with pytest.raises(ValidationFailed, match=closed):
        submit_indicators(ert, op, cid, ["K1.3"])
    assert (_counts(ert), len(ert.blobs().files())) == before
    # no scheduler has run yet: the case is still in evidence_input, and the unsubmitted draft is missing
    assert case_status(ert, None, cid).case.state == "evidence_input"
    c = evidence_completeness(ert, op, cid)
    assert c.closed and not c.indicator("K1.3").complete and c.indicator("K1.5").complete
    # the deadline moves the case on; the verifier decides what was submitted
    [tid] = due_timer_ids(ert)
    assert fire_timer(ert, tid) == "fired"
    assert case_status(ert, None, cid).case.state == "final_verification"
    with pytest.raises(ValidationFailed, match="tidak memiliki masa penginputan"):
        upload_evidence(ert, op, cid, *TOILET, "toilet.png", f.png((5, 5, 5)))
    decide_item(ert, world.people["ver"], cid, *RAMP, ev.ACCEPTED)


def _close(y, mo, d):
    return datetime(y, mo, d, 23, 59, 59, tzinfo=JAKARTA)


def test_extension_for_one_unit_lets_only_that_unit_write(ert, clock):
    world, lapas = case_in_evidence_input(ert, clock)
    rutan = open_2023(ert, world, "rutan")
    from tests.workflow.evidence_helpers import pass_evaluation

    pass_evaluation(ert, clock, world, rutan)
    p = world.people
    clock.set(2023, 10, 14, 9, 0)
    with pytest.raises(NotAllowed):
        extend_window(ert, p["op_lapas"], 2023, "evidence_input", _close(2023, 10, 20), "Banjir", world.units["lapas"])
    with pytest.raises(ValidationFailed, match="Alasan perpanjangan wajib diisi"):
        extend_window(ert, p["admin"], 2023, "evidence_input", _close(2023, 10, 20), " ", world.units["lapas"])
    with pytest.raises(ValidationFailed, match="harus setelah penutupan semula"):
        extend_window(ert, p["admin"], 2023, "evidence_input", _close(2023, 10, 15), "Banjir", world.units["lapas"])
    view = extend_window(ert, p["admin"], 2023, "evidence_input", _close(2023, 10, 20),
                         "Kantor terdampak banjir", world.units["lapas"])
    assert (view.cases, view.timers_moved) == (1, 1)
    clock.set(2023, 10, 16, 0, 0)
    upload_evidence(ert, p["op_lapas"], lapas, *TOILET, "toilet.png", f.png())
    with pytest.raises(ValidationFailed, match="sudah ditutup pada 15 Oktober 2023"):
        upload_evidence(ert, p["op_rutan"], rutan, *TOILET, "toilet.png", f.png())
    # only the other unit's window closes by the scheduler; the extended one follows its new close
    assert [fire_timer(ert, t) for t in due_timer_ids(ert)] == ["fired"]
    assert case_status(ert, None, rutan).case.state == "final_verification"
    assert case_status(ert, None, lapas).case.state == "evidence_input"
    history = case_status(ert, None, lapas).history
    assert history[-1]["event"] == "evidence_window_extended"
    assert history[-1]["payload"]["reason"] == "Kantor terdampak banjir"
    clock.set(2023, 10, 21, 0, 0)
    with pytest.raises(ValidationFailed, match="sudah ditutup pada 20 Oktober 2023 pukul 23.59.59 WIB"):
        upload_evidence(ert, p["op_lapas"], lapas, *RAMP, "ramp.png", f.png())
    with ert.store.unit_of_work() as uow:
        due = uow.session.scalar(select(Timer.due_at).where(Timer.case_id == lapas, Timer.status == "pending"))
    assert due == _close(2023, 10, 20)


def test_extension_for_all_units(ert, clock):
    world, lapas = case_in_evidence_input(ert, clock)
    clock.set(2023, 10, 10, 9, 0)
    view = extend_window(ert, world.people["admin"], 2023, "evidence_input", _close(2023, 10, 18), "Gangguan jaringan")
    assert view.unit_id is None and view.cases == 1
    clock.set(2023, 10, 18, 23, 59, 59)
    upload_evidence(ert, world.people["op_lapas"], lapas, *TOILET, "toilet.png", f.png())
    clock.advance(timedelta(seconds=1))
    with pytest.raises(ValidationFailed, match="18 Oktober 2023 pukul 23.59.59 WIB"):
        upload_evidence(ert, world.people["op_lapas"], lapas, *RAMP, "ramp.png", f.png())


def test_evaluation_stage_uses_the_same_mechanism(ert, clock):
    world = seed_world(ert)
    p = world.people
    cid = open_2023(ert, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(ert, p["admin"], cid, "start_development")
    with pytest.raises(ValidationFailed, match="belum dibuka \\(dibuka 1 April 2023"):
        upload_evidence(ert, p["admin"], cid, "E1", "sk_pencanangan", "sk.pdf", f.pdf())
    clock.set(2023, 4, 3, 9, 0)
    with pytest.raises(NotFound, match="Indikator 'K1.3' tidak ada dalam katalog evaluasi"):
        upload_evidence(ert, p["admin"], cid, *TOILET, "toilet.png", f.png())
    with pytest.raises(NotAllowed, match="Yang berwenang: Admin"):
        upload_evidence(ert, p["op_lapas"], cid, "E1", "sk_pencanangan", "sk.pdf", f.pdf())
    upload_evidence(ert, p["admin"], cid, "E1", "sk_pencanangan", "sk.pdf", f.pdf())
    upload_evidence(ert, p["admin"], cid, "E1", "foto_pencanangan", "foto.jpg", f.jpeg())
    submit_indicators(ert, p["admin"], cid, ["E1"])
    assert evidence_completeness(ert, p["admin"], cid).indicator("E1").complete
    clock.set(2023, 4, 5, 9, 0)
    fire_event(ert, p["admin"], cid, "submit_evaluation")
    # in review, the verifier holding the pooled task decides the evaluation items
    decide_item(ert, p["ver"], cid, "E1", "sk_pencanangan", ev.ACCEPTED)
    c = evidence_completeness(ert, p["ver"], cid, "evaluation")
    assert c.closed and c.indicator("E1").complete and c.indicator("E1").verified_set is None


def test_unknown_item_and_case(ert, clock):
    world, cid = case_in_evidence_input(ert, clock)
    op = world.people["op_lapas"]
    with pytest.raises(NotFound, match="Data dukung 'foto_lift' tidak dikenal untuk indikator K1.3"):
        upload_evidence(ert, op, cid, "K1.3", "foto_lift", "lift.png", f.png())
    with pytest.raises(NotFound, match="Kasus nomor 999"):
        upload_evidence(ert, op, 999, *TOILET, "toilet.png", f.png())
    with pytest.raises(NotFound, match="belum pernah diunggah"):
        download_evidence(ert, op, cid, *TOILET)
