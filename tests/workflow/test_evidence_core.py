"""The pure evidence rules: completeness over alternative sets, item statuses, the window close."""

from datetime import datetime, timedelta

import pytest

from handlers import REGISTRY
from tests.conftest import DEFINITIONS
from workflow import evidence as ev
from workflow.deadlines import JAKARTA
from workflow.errors import ValidationFailed
from workflow.loader import load_file


@pytest.fixture(scope="module")
def d2023():
    return load_file(DEFINITIONS / "p2ham-2023.yaml", REGISTRY)


def test_any_one_complete_alternative_set_satisfies_the_indicator(d2023):
    workshop = {("K2.3", "sertifikat_workshop_bahasa_isyarat"): ev.SUBMITTED}
    c = ev.completeness(d2023, "catalogue", workshop, closed=False)
    k23 = c.indicator("K2.3")
    assert k23.complete_set == "Workshop bahasa isyarat"
    assert [(s.complete, s.total) for s in k23.sets] == [(0, 3), (1, 1)]
    # two of the three items of the coordination set are not enough, with or without the other set's
    partial = {("K2.3", "surat_koordinasi"): ev.DRAFT, ("K2.3", "foto_kegiatan_koordinasi"): ev.DRAFT}
    assert not ev.completeness(d2023, "catalogue", partial, closed=False).indicator("K2.3").complete
    full = {**partial, ("K2.3", "laporan_hasil_koordinasi"): ev.DRAFT}
    assert ev.completeness(d2023, "catalogue", full, closed=False).indicator("K2.3").complete_set == \
        "Koordinasi dengan Dinas Sosial atau SLB setempat"


def test_percentages_per_criterion_and_case(d2023):
    statuses = {("K2.1", "sk_petugas_siaga"): ev.ACCEPTED, ("K2.1", "jadwal_petugas_siaga"): ev.ACCEPTED,
                ("K2.3", "sertifikat_workshop_bahasa_isyarat"): ev.SUBMITTED}
    c = ev.completeness(d2023, "catalogue", statuses, closed=False)
    k2 = next(g for g in c.groups if g.id == "K2")
    assert (k2.percent, k2.verified_percent) == (66.7, 33.3)  # 2 of 3 complete, 1 of 3 verified
    assert (c.percent, c.verified_percent) == (round(200 / 19, 1), round(100 / 19, 1))  # 19 indicators


def test_after_the_close_never_submitted_items_count_as_missing(d2023):
    statuses = {("K1.3", "foto_toilet_disabilitas"): ev.DRAFT, ("K1.4", "foto_guiding_block"): ev.SUBMITTED}
    open_ = ev.completeness(d2023, "catalogue", statuses, closed=False)
    closed = ev.completeness(d2023, "catalogue", statuses, closed=True)
    assert open_.indicator("K1.3").complete and not closed.indicator("K1.3").complete
    assert closed.indicator("K1.4").complete and closed.closed


@pytest.mark.parametrize("status", [ev.RETURNED, ev.REJECTED, None])
def test_returned_rejected_and_missing_items_never_count(d2023, status):
    statuses = {("K1.3", "foto_toilet_disabilitas"): status} if status else {}
    assert not ev.completeness(d2023, "catalogue", statuses, closed=False).indicator("K1.3").complete


def test_evaluation_section_is_one_group(d2023):
    c = ev.completeness(d2023, "evaluation", {("E2", "laporan_pembangunan"): ev.DRAFT}, closed=False)
    assert [g.id for g in c.groups] == ["EVALUASI"] and c.percent == round(100 / 3, 1)


@pytest.mark.parametrize("status, allowed", [(None, True), (ev.DRAFT, True), (ev.RETURNED, True),
                                             (ev.SUBMITTED, False), (ev.ACCEPTED, False), (ev.REJECTED, False)])
def test_who_may_replace(status, allowed):
    if allowed:
        ev.check_replace(status)
    else:
        with pytest.raises(ValidationFailed, match="tidak dapat diganti"):
            ev.check_replace(status)


def test_decision_rules():
    assert ev.check_decision(ev.SUBMITTED, ev.ACCEPTED, "") == ""
    for decision in (ev.RETURNED, ev.REJECTED):
        with pytest.raises(ValidationFailed, match="Catatan wajib diisi"):
            ev.check_decision(ev.SUBMITTED, decision, "   ")
        assert ev.check_decision(ev.SUBMITTED, decision, " Foto buram ") == "Foto buram"
    with pytest.raises(ValidationFailed, match="sudah dikirim"):
        ev.check_decision(ev.DRAFT, ev.ACCEPTED, "")
    with pytest.raises(ValidationFailed, match="tidak dikenal"):
        ev.check_decision(ev.SUBMITTED, "lulus", "")


def test_window_closes_at_the_calendar_second_unless_extended(d2023):
    state = d2023.state("evidence_input")
    close = ev.window_close(d2023, state.evidence)
    assert close == datetime(2023, 10, 15, 23, 59, 59, tzinfo=JAKARTA)
    ev.check_window(d2023, state, close, close)
    with pytest.raises(ValidationFailed, match="sudah ditutup pada 15 Oktober 2023 pukul 23.59.59 WIB") as exc:
        ev.check_window(d2023, state, close + timedelta(seconds=1), close)
    assert exc.value.details["rule"] == "window_closed"
    later = close + timedelta(days=5)
    assert ev.window_close(d2023, state.evidence, [later]) == later
    assert ev.window_close(d2023, state.evidence, [close - timedelta(days=1)]) == close  # never shortens
    with pytest.raises(ValidationFailed, match="tidak memiliki masa penginputan"):
        ev.check_window(d2023, d2023.state("final_verification"), close, close)
    dev = d2023.state("development")
    with pytest.raises(ValidationFailed, match="belum dibuka"):
        ev.check_window(d2023, dev, datetime(2023, 3, 31, 23, 59, tzinfo=JAKARTA), close)
