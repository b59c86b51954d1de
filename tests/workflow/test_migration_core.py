"""The pure migration planner (workflow.migration) on small hand-built definitions."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from workflow.deadlines import JAKARTA
from workflow.firing import OpenTask, StartTimer
from workflow.migration import CasePlan, default_mapping, effective_mapping, plan_case, rebuilt_work
from workflow.spec import (
    Criterion,
    Deadline,
    Definition,
    EvidenceItem,
    EvidenceSet,
    EvidenceWindow,
    Indicator,
    Scoring,
    StateSpec,
    Task,
    TransitionSpec,
)

CLOSE = datetime(2023, 10, 15, 23, 59, tzinfo=JAKARTA)
ENTERED = datetime(2023, 5, 1, 10, 0, tzinfo=JAKARTA)


def _indicator(iid: str) -> Indicator:
    return Indicator(iid, f"Indikator {iid}", (EvidenceSet("", (EvidenceItem("foto", "Foto"),)),))


CHECK = Task("verifikator", "Periksa")


def _definition(*, review="review", input_state="input", close=CLOSE, indicators=("K1.1", "K1.2"),
                review_task=CHECK, digest="a") -> Definition:
    escalate = Deadline(fires="escalate", after=timedelta(days=14))
    states = (
        StateSpec(input_state, "Penginputan", role="operator",
                  deadline=Deadline(fires="close", at="input_closes"),
                  evidence=EvidenceWindow("catalogue", "input_closes")),
        StateSpec(review, "Verifikasi", task=review_task, deadline=escalate),
        StateSpec("done", "Selesai", final=True, outcome="passed"),
    )
    transitions = (
        TransitionSpec("close", input_state, review, ("system",)),
        TransitionSpec("escalate", review, review, ("system",)),
        TransitionSpec("finish", review, "done", ("verifikator",)),
    )
    catalogue = (Criterion("K1", "Aksesibilitas", 100, tuple(_indicator(i) for i in indicators)),)
    return Definition(id="uji", year=2023, title="Uji", regulation="", timezone="Asia/Jakarta",
                      calendar=(("input_closes", close),), initial=input_state, states=states,
                      transitions=transitions, catalogue=catalogue,
                      scoring=Scoring(scales=(), default_scale="x", pass_threshold=75, predicate="P"),
                      evaluation_catalogue=(_indicator("E1"),), content_hash=digest)


OLD = _definition()


def _plan(new, state="review", mapping=None, evidence=(), in_flight=False, confirm=False) -> CasePlan:
    mapping = effective_mapping(OLD, new, mapping)
    return plan_case(OLD, new, state, mapping, evidence, in_flight, confirm)


def test_default_mapping_keeps_the_ids_both_versions_have():
    new = _definition(review="verification", digest="b")
    assert default_mapping(OLD, new) == {"input": "input", "done": "done"}
    assert effective_mapping(OLD, new, {"review": "verification"})["review"] == "verification"
    assert "input" not in effective_mapping(OLD, new, {"input": ""})  # an empty choice un-maps


def test_unchanged_state_is_allowed_and_keeps_its_task_and_timer():
    plan = _plan(_definition(digest="b"))
    assert plan.ok and not plan.refused and plan.target == "review"
    assert not plan.recompute_tasks and not plan.recompute_timers and plan.reasons == ()


def test_a_renamed_state_without_mapping_is_refused_and_with_one_moves_and_recomputes():
    new = _definition(review="verification", digest="b")
    refused = _plan(new)
    assert refused.refused and refused.target is None
    assert refused.reasons == ("Tahap 'Verifikasi' (review) tidak ada pada versi tujuan dan belum "
                               "dipetakan ke tahap lain.",)
    mapped = _plan(new, mapping={"review": "verification"})
    assert mapped.ok and mapped.target == "verification"
    assert mapped.recompute_tasks and mapped.recompute_timers


def test_mapping_to_an_unknown_or_final_state_is_refused():
    new = _definition(review="verification", digest="b")
    unknown = plan_case(OLD, new, "review", {"review": "nowhere"}, (), False, False)
    assert unknown.target is None
    assert "dipetakan ke 'nowhere', yang tidak ada pada versi tujuan" in unknown.reasons[0]
    final = plan_case(OLD, new, "review", {"review": "done"}, (), False, False)
    assert final.refused and "tidak dapat dipindahkan ke tahap akhir" in final.reasons[0]


def test_a_changed_calendar_recomputes_the_timer_only():
    plan = _plan(_definition(close=CLOSE + timedelta(days=5), digest="b"), state="input")
    assert plan.ok and plan.recompute_timers and not plan.recompute_tasks


def test_a_changed_task_recomputes_the_task_only():
    plan = _plan(_definition(review_task=Task("penilai", "Nilai"), digest="b"))
    assert plan.ok and plan.recompute_tasks and not plan.recompute_timers


def test_orphaned_evidence_is_refused_unless_confirmed():
    new = _definition(indicators=("K1.1",), digest="b")
    refused = _plan(new, evidence={"K1.1", "K1.2", "E1"})
    assert refused.refused and refused.orphaned == ("K1.2",)  # E1 is in the evaluation catalogue
    assert "indikator yang tidak ada lagi pada versi tujuan: K1.2" in refused.reasons[0]
    confirmed = _plan(new, evidence={"K1.1", "K1.2"}, confirm=True)
    assert confirmed.ok and confirmed.orphaned == ("K1.2",) and "(dikonfirmasi)" in confirmed.notes[0]


def test_orphans_are_listed_in_natural_order():
    new = _definition(indicators=(), digest="b")
    assert _plan(new, evidence={"K1.10", "K1.9", "K1.2"}, confirm=True).orphaned == ("K1.2", "K1.9", "K1.10")


def test_in_flight_same_version_other_year_and_finished_cases_are_refused():
    new = _definition(digest="b")
    flying = plan_case(OLD, new, "review", default_mapping(OLD, new), (), True, False, "tenggat 'escalate'")
    assert flying.reasons == ("Ada transisi yang sedang berjalan: tenggat 'escalate'. Tunggu hingga "
                              "penjadwal selesai memprosesnya, lalu ulangi.",)
    same = _plan(OLD)
    assert same.reasons == ("Kasus sudah berjalan pada versi tujuan.",)
    other_year = _plan(replace(new, year=2024))
    assert "berlaku untuk tahun 2024, sedangkan kasus ini tahun 2023" in other_year.reasons[0]
    finished = _plan(new, state="done")
    assert finished.refused and "Kasus sudah selesai" in finished.reasons[0]


def test_every_refusal_is_listed_at_once():
    new = _definition(review="verification", indicators=("K1.1",), digest="b")
    plan = _plan(new, evidence={"K1.2"}, in_flight=True)
    assert len(plan.reasons) == 3


def test_rebuilt_work_counts_from_entry_and_follows_a_window_extension():
    new = _definition(review="verification", digest="b")
    work = rebuilt_work(new, "verification", ENTERED)
    assert work == (OpenTask("verification", "verifikator", "Periksa", ENTERED + timedelta(days=14)),
                    StartTimer("verification", "escalate", ENTERED + timedelta(days=14)))
    later = CLOSE + timedelta(days=3)
    assert rebuilt_work(new, "input", ENTERED, later) == (StartTimer("input", "close", later),)
    # an extension never moves a deadline that is not the window's close, nor brings one earlier
    assert rebuilt_work(new, "verification", ENTERED, later) == work
    earlier = CLOSE - timedelta(days=3)
    assert rebuilt_work(new, "input", ENTERED, earlier) == (StartTimer("input", "close", CLOSE),)
