"""Cases through the service layer, persisted, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.workflow.helpers import FAILING_2023, PASSING_2023, PASSING_2024, open_2023, seed_world
from workflow.errors import ChangedMeanwhile, InvalidTransition, NotAllowed, ValidationFailed
from workflow.services.cases import case_status, claim_task, fire_event, open_case
from workflow.services.timers import due_timer_ids, fire_timer
from workflow.store import AuditEntry, Case, OutboxMessage, Task, Timer


@pytest.fixture
def world(rt):
    return seed_world(rt)


def _count(rt, model, *where):
    with rt.store.unit_of_work() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def _pass_evaluation_2023(rt, clock, world, cid):
    p = world.people
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    clock.set(2023, 4, 12, 9, 0)
    return fire_event(rt, p["ver"], cid, "pass_evaluation")


def test_2023_case_through_pass(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world)
    view = _pass_evaluation_2023(rt, clock, world, cid)
    assert view.state == "evidence_input"
    # passing evaluation asks for the Berita Acara and the operator account, in the same transaction
    with rt.store.unit_of_work() as uow:
        kinds = set(uow.session.execute(select(OutboxMessage.kind, OutboxMessage.name)
                                        .where(OutboxMessage.case_id == cid)))
    assert ("document", "berita_acara_hasil_evaluasi") in kinds
    assert ("account", "operator_account") in kinds
    clock.set(2023, 10, 1, 10, 0)
    assert fire_event(rt, p["op_lapas"], cid, "submit_evidence").state == "final_verification"
    clock.set(2023, 10, 20, 10, 0)
    assert fire_event(rt, p["ver"], cid, "complete_verification").state == "assessment"
    task_id = next(t["id"] for t in case_status(rt, None, cid).tasks if t["status"] == "open")
    claim_task(rt, p["pen"], task_id)
    clock.set(2023, 11, 10, 10, 0)
    view = fire_event(rt, p["pen"], cid, "submit_assessment", {"scores": PASSING_2023})
    assert view.state == "awarded"
    clock.set(2023, 12, 10, 9, 0)
    timer = [t for t in case_status(rt, None, cid).timers if t["status"] == "pending"]
    assert [t["event"] for t in timer] == ["start_supervision"]
    assert fire_timer(rt, timer[0]["id"]) == "fired"
    status = case_status(rt, None, cid)
    assert status.case.state == "supervision" and status.case.final and status.case.outcome == "passed"
    events = [h["event"] for h in status.history]
    assert events == ["case_opened", "start_development", "submit_evaluation", "pass_evaluation",
                      "submit_evidence", "complete_verification", "submit_assessment", "start_supervision"]
    assessment = status.history[-2]["payload"]["result"]
    assert assessment["passed"] is True and assessment["total"] == 100
    assert _count(rt, Task, Task.case_id == cid, Task.status == "open") == 0
    assert _count(rt, Timer, Timer.case_id == cid, Timer.status == "pending") == 0


def test_2023_case_through_evaluation_fail(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world, "rutan")
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    with pytest.raises(ValidationFailed) as exc:
        fire_event(rt, p["ver"], cid, "fail_evaluation", {"reasons": []})
    assert "Alasan tidak lolos wajib diisi" in exc.value.message
    reasons = ["SK pencanangan tidak dilampirkan.", "Tidak ada sarana pengaduan."]
    view = fire_event(rt, p["ver"], cid, "fail_evaluation", {"reasons": reasons})
    assert (view.state, view.final, view.outcome) == ("evaluation_failed", True, "failed")
    status = case_status(rt, None, cid)
    assert status.history[-1]["payload"] == {"reasons": reasons}
    assert status.events == ()
    with rt.store.unit_of_work() as uow:
        names = set(uow.session.scalars(select(OutboxMessage.name).where(OutboxMessage.case_id == cid)))
    assert {"surat_keterangan_hasil_evaluasi", "evaluasi_tidak_lolos"} <= names
    with pytest.raises(InvalidTransition):
        fire_event(rt, p["admin"], cid, "submit_evaluation")


def test_2023_assessment_below_threshold_fails(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world)
    _pass_evaluation_2023(rt, clock, world, cid)
    clock.set(2023, 10, 16, 0, 0)
    [tid] = due_timer_ids(rt)
    assert fire_timer(rt, tid) == "fired"  # the evidence window closed by itself
    fire_event(rt, p["ver"], cid, "complete_verification")
    with pytest.raises(NotAllowed):
        fire_event(rt, p["admin"], cid, "submit_assessment", {"scores": FAILING_2023})
    view = fire_event(rt, p["pen"], cid, "submit_assessment", {"scores": FAILING_2023})
    assert (view.state, view.outcome) == ("assessment_failed", "failed")


def test_2024_case_pass_and_fail(rt, clock, world):
    p = world.people
    clock.set(2024, 2, 1, 9, 0)
    a = open_case(rt, p["admin"], world.units["lapas"], 2024).id
    b = open_case(rt, p["admin"], world.units["rutan"], 2024).id
    assert case_status(rt, None, a).case.state == "declared"
    with pytest.raises(InvalidTransition):  # 2024 has no development stage
        fire_event(rt, p["admin"], a, "start_development")
    with pytest.raises(ValidationFailed, match="belum dibuka"):
        fire_event(rt, p["admin"], a, "submit_evaluation")
    clock.set(2024, 4, 2, 9, 0)
    for cid in (a, b):
        assert fire_event(rt, p["admin"], cid, "submit_evaluation").state == "evaluation_review"
    assert fire_event(rt, p["ver"], b, "fail_evaluation", {"reasons": ["Tidak lengkap"]}).outcome == "failed"
    fire_event(rt, p["ver"], a, "pass_evaluation")
    clock.set(2024, 10, 16, 0, 0)
    assert [fire_timer(rt, t) for t in due_timer_ids(rt)] == ["fired"]
    fire_event(rt, p["ver"], a, "complete_verification")
    view = fire_event(rt, p["pen"], a, "submit_assessment", {"scores": PASSING_2024})
    assert view.state == "awarded"


def test_machine_instance_is_reused_after_a_case_reaches_a_final_state(rt, clock, world):
    from workflow import firing

    p = world.people
    clock.set(2024, 4, 2, 9, 0)
    a, b = (open_case(rt, p["admin"], world.units[u], 2024).id for u in ("lapas", "rutan"))
    for cid in (a, b):
        fire_event(rt, p["admin"], cid, "submit_evaluation")
    before = dict(firing._local.instances)
    assert fire_event(rt, p["ver"], b, "fail_evaluation", {"reasons": ["Tidak lengkap"]}).final
    assert fire_event(rt, p["ver"], a, "pass_evaluation").state == "evidence_input"  # same instance, re-armed
    assert dict(firing._local.instances) == before


def test_operator_of_another_unit_is_refused(rt, clock, world):
    cid = open_2023(rt, world)
    _pass_evaluation_2023(rt, clock, world, cid)
    clock.set(2023, 10, 1, 10, 0)
    before = _count(rt, AuditEntry)
    with pytest.raises(NotAllowed, match="Unit Kerja Anda sendiri"):
        fire_event(rt, world.people["op_rutan"], cid, "submit_evidence")
    with pytest.raises(NotAllowed):
        case_status(rt, world.people["op_rutan"], cid)
    assert _count(rt, AuditEntry) == before


def test_role_refusals(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    with pytest.raises(NotAllowed, match="tidak berwenang"):
        fire_event(rt, p["op_lapas"], cid, "start_development")
    with pytest.raises(NotAllowed):  # a verifier without a task on the case
        fire_event(rt, p["ver"], cid, "start_development")
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    with pytest.raises(NotAllowed):  # the admin may not decide in the verifier's place
        fire_event(rt, p["admin"], cid, "pass_evaluation")
    with pytest.raises(NotAllowed):  # an assessor is not a verifier
        fire_event(rt, p["pen"], cid, "pass_evaluation")
    # the task sits in the pool: a verifier claims it, after which the other one is refused
    task_id = next(t["id"] for t in case_status(rt, None, cid).tasks if t["status"] == "open")
    claim_task(rt, p["ver2"], task_id)
    with pytest.raises(ChangedMeanwhile):
        claim_task(rt, p["ver"], task_id)
    with pytest.raises(NotAllowed, match="tidak ditugaskan"):
        fire_event(rt, p["ver"], cid, "pass_evaluation")
    assert fire_event(rt, p["ver2"], cid, "pass_evaluation").state == "evidence_input"


def test_unknown_event_and_system_only_event(rt, clock, world):
    cid = open_2023(rt, world)
    with pytest.raises(InvalidTransition, match="start_development"):  # lists the possible events
        fire_event(rt, world.people["admin"], cid, "pass_evaluation")
    with pytest.raises(NotAllowed):
        fire_event(rt, world.people["admin"], cid, "close_declaration")


def test_window_guard_refuses_one_second_after_close(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 9, 30, 23, 59, 59)
    clock.advance(timedelta(seconds=1))
    with pytest.raises(ValidationFailed, match="sudah ditutup"):
        fire_event(rt, p["admin"], cid, "submit_evaluation")
    assert case_status(rt, None, cid).case.state == "development"


def test_expected_version_mismatch_is_changed_meanwhile(rt, clock, world):
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    seen = case_status(rt, None, cid).case.version
    fire_event(rt, world.people["admin"], cid, "start_development", expected_version=seen)
    clock.set(2023, 4, 5, 9, 0)
    with pytest.raises(ChangedMeanwhile, match="diubah oleh pengguna lain"):
        fire_event(rt, world.people["admin"], cid, "submit_evaluation", expected_version=seen)
    assert case_status(rt, None, cid).case.state == "development"


def test_failing_action_rolls_back_everything(rt, clock, world, monkeypatch):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    before = (_count(rt, AuditEntry), _count(rt, OutboxMessage), _count(rt, Task), _count(rt, Timer))

    def boom(ctx):
        raise RuntimeError("account service down")

    monkeypatch.setitem(rt.registry.handlers["action"], "request_operator_account", boom)
    from workflow import firing

    firing.forget_instances()
    try:
        with pytest.raises(RuntimeError):
            fire_event(rt, p["ver"], cid, "pass_evaluation")
    finally:
        monkeypatch.undo()
        firing.forget_instances()
    assert case_status(rt, None, cid).case.state == "evaluation_review"
    assert (_count(rt, AuditEntry), _count(rt, OutboxMessage), _count(rt, Task), _count(rt, Timer)) == before


def test_timer_of_a_left_state_does_not_touch_the_case(rt, clock, world):
    p = world.people
    cid = open_2023(rt, world)
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")  # leaves 'declared' before its deadline
    with rt.store.unit_of_work() as uow:
        old_id, status = uow.session.execute(select(Timer.id, Timer.status)
                                             .where(Timer.case_id == cid, Timer.state == "declared")).one()
    assert status == "cancelled"
    clock.set(2023, 4, 1, 0, 0)
    assert fire_timer(rt, old_id) == "done"
    assert case_status(rt, None, cid).case.state == "development"


def test_timer_fires_only_when_due_and_only_once(rt, clock, world):
    cid = open_2023(rt, world)
    [tid] = [t["id"] for t in case_status(rt, None, cid).timers]
    assert fire_timer(rt, tid) == "not_due"
    clock.set(2023, 4, 1, 0, 0)
    assert fire_timer(rt, tid) == "fired"
    assert fire_timer(rt, tid) == "done"
    assert case_status(rt, None, cid).case.state == "development"
    with rt.store.unit_of_work() as uow:
        assert uow.session.get(Case, cid).version == 2


def test_open_case_refusals(rt, clock, world):
    p = world.people
    with pytest.raises(NotAllowed):
        open_case(rt, p["op_lapas"], world.units["lapas"], 2023)
    open_case(rt, p["admin"], world.units["lapas"], 2023)
    with pytest.raises(ValidationFailed, match="sudah memiliki kasus"):
        open_case(rt, p["admin"], world.units["lapas"], 2023)
    from workflow.errors import NotFound

    with pytest.raises(NotFound, match="2031"):
        open_case(rt, p["admin"], world.units["lapas"], 2031)


def test_new_cases_take_the_most_recently_published_version_of_their_year(rt, clock, world):
    from tests.conftest import DEFINITIONS
    from workflow.services.definitions import import_definition

    text = (DEFINITIONS / "p2ham-2024.yaml").read_text(encoding="utf-8")
    newer = import_definition(rt, None, text.replace("id: p2ham-2024", "id: p2ham-2024-koreksi", 1)
                              .replace("title: ", "title: (Koreksi) ", 1), "koreksi.yaml")
    assert newer.version == 1  # version 1 of another key: the newest row of the year all the same
    clock.set(2024, 2, 1, 9, 0)
    cid = open_case(rt, world.people["admin"], world.units["lapas"], 2024).id
    with rt.store.unit_of_work() as uow:
        assert uow.session.get(Case, cid).definition_hash == newer.content_hash
