"""Assessment through the service: stored scores, weights, threshold, two assessors, conflicts."""

import pytest

from tests.conftest import DEFINITIONS
from tests.workflow.docs_helpers import assess, to_assessment
from tests.workflow.helpers import PASSING_2023, open_2023, seed_world
from workflow.errors import NotAllowed, ValidationFailed
from workflow.services.assessment import assessment_standing, save_scores, submit_assessment
from workflow.services.cases import case_status
from workflow.services.definitions import import_definition
from workflow.services.org import assign, create_person

# A hand-computed example on the 2023 definition (weights 30/20/20/15/15, threshold 75):
#   K1: 6 x ada(100), 2 x proses(50), 2 x tidak(0)  -> 700/10 = 70      x 0.30 = 21
#   K2: ada, ada, proses                           -> 250/3  = 83.33   x 0.20 = 16.667
#   K3: patuh(100), cukup_patuh(60), kurang(20)    -> 180/3  = 60      x 0.20 = 12
#   K4: ada                                        -> 100               x 0.15 = 15
#   K5: ada, proses                                -> 75                x 0.15 = 11.25
#   total 75.9167 -> 75.92 >= 75: passes, just.
HAND = {"K1.1": "ada", "K1.2": "ada", "K1.3": "ada", "K1.4": "ada", "K1.5": "ada", "K1.6": "ada",
        "K1.7": "proses", "K1.8": "proses", "K1.9": "tidak", "K1.10": "tidak",
        "K2.1": "ada", "K2.2": "ada", "K2.3": "proses",
        "K3.1": "patuh", "K3.2": "cukup_patuh", "K3.3": "kurang_patuh",
        "K4.1": "ada", "K5.1": "ada", "K5.2": "proses"}


@pytest.fixture
def world(rt):
    return seed_world(rt)


def test_hand_computed_example_passes_at_the_threshold(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    view = assess(rt, clock, world, cid, HAND)
    assert view.state == "awarded"
    result = case_status(rt, None, cid).history[-1]["payload"]["result"]
    assert result["criteria"] == {"K1": 70.0, "K2": 83.33, "K3": 60.0, "K4": 100.0, "K5": 75.0}
    assert result["total"] == 75.92 and result["passed"] and result["predicate"] == "Unit Kerja P2HAM"


def test_one_step_below_the_threshold_fails(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    # K5.2 proses -> tidak: K5 = 50, total 75.92 - 3.75 = 72.17
    view = assess(rt, clock, world, cid, dict(HAND, **{"K5.2": "tidak"}))
    assert view.state == "assessment_failed"
    assert case_status(rt, None, cid).history[-1]["payload"]["result"]["total"] == 72.17


def test_incomplete_or_invalid_scores_are_refused(rt, clock, world):
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)
    with pytest.raises(ValidationFailed, match="tidak sah untuk indikator K3.1"):
        save_scores(rt, world.people["pen"], cid, {"K3.1": "ada"})
    save_scores(rt, world.people["pen"], cid, {"K1.1": "ada"})
    with pytest.raises(ValidationFailed, match="belum lengkap.*18 indikator belum dinilai"):
        submit_assessment(rt, world.people["pen"], cid)
    assert case_status(rt, None, cid).case.state == "assessment"


def test_assessor_of_the_same_kanwil_is_refused(rt, clock, world):
    cid = open_2023(rt, world)  # Lapas Kelas IIA Jambi, under Kantor Wilayah Jambi
    to_assessment(rt, clock, world, cid)
    local = create_person(rt, None, "pen.jambi", "Penilai Jambi", "penilai", "KW-JAMBI")
    assign(rt, None, world.units["lapas"], 2023, local)
    with pytest.raises(NotAllowed, match="Konflik kepentingan: Penilai dari Kantor Wilayah Jambi"):
        save_scores(rt, local, cid, PASSING_2023)
    with pytest.raises(NotAllowed, match="Konflik kepentingan"):
        submit_assessment(rt, local, cid)
    save_scores(rt, world.people["pen"], cid, PASSING_2023)  # the assessor from Jawa Barat may


def test_two_assessors_are_averaged(rt, clock, world):
    text = (DEFINITIONS / "p2ham-2023.yaml").read_text(encoding="utf-8").replace("assessors: 1", "assessors: 2")
    import_definition(rt, None, text, "definitions/p2ham-2023-dua-penilai.yaml")
    second = create_person(rt, None, "pen2", "Penilai Dua", "penilai", "KW-JABAR")
    cid = open_2023(rt, world)
    to_assessment(rt, clock, world, cid)  # the first assessor claims the task from the pool
    assign(rt, None, world.units["lapas"], 2023, second)  # the second is assigned to the unit
    clock.set(2023, 11, 10, 10, 0)
    save_scores(rt, world.people["pen"], cid, HAND)
    with pytest.raises(ValidationFailed, match="diperlukan 2 Penilai"):
        submit_assessment(rt, world.people["pen"], cid)
    save_scores(rt, second, cid, PASSING_2023)
    # per indicator the mean of the two: K1 = (6x100 + 2x75 + 2x50)/10 = 85; K2 = (100+100+75)/3 = 91.67;
    # K3 = (100+80+60)/3 = 80; K4 = 100; K5 = 87.5 -> 25.5 + 18.333 + 16 + 15 + 13.125 = 87.96
    st = assessment_standing(rt, None, cid)
    assert st.result.total == 87.96 and dict(st.result.criteria)["K2"] == 91.67
    assert submit_assessment(rt, world.people["pen"], cid).state == "awarded"
