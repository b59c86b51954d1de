"""Two people firing on one case at once: exactly one wins, the other gets ChangedMeanwhile.
Real threads, real transactions, on SQLite and PostgreSQL."""

import threading

import pytest

from tests.workflow.helpers import open_2023, seed_world, to_evaluation_review
from workflow import firing
from workflow.errors import ChangedMeanwhile
from workflow.services.cases import case_status, fire_event


def _race(calls):
    results, barrier = [None] * len(calls), threading.Barrier(len(calls))

    def run(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.fixture
def case_in_review(rt, clock):
    world = seed_world(rt)
    cid = open_2023(rt, world)
    to_evaluation_review(rt, clock, world, cid)
    return world, cid


@pytest.mark.parametrize("round_", range(3))
def test_pass_and_fail_at_once_one_wins(rt, case_in_review, round_):
    world, cid = case_in_review
    p = world.people
    seen = case_status(rt, None, cid).case.version
    results = _race([
        lambda: fire_event(rt, p["ver"], cid, "pass_evaluation", expected_version=seen),
        lambda: fire_event(rt, p["ver2"], cid, "fail_evaluation", {"reasons": ["x"]}, expected_version=seen),
    ])
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], ChangedMeanwhile)
    status = case_status(rt, None, cid)
    assert status.case.state == winners[0].state
    assert status.case.version == seen + 1
    decisions = [h["event"] for h in status.history if h["event"] in ("pass_evaluation", "fail_evaluation")]
    assert len(decisions) == 1 and len(status.history) == 4  # opened, development, evaluation, one decision


def test_interleaved_transactions_without_expected_version(rt, case_in_review, monkeypatch):
    """Both transactions read the case and pass their guards before either writes: the
    conditional UPDATE lets one through. (PostgreSQL only: SQLite's BEGIN IMMEDIATE already
    serialises the two writers, so they cannot interleave there.)"""
    if rt.store.dialect != "postgresql":
        pytest.skip("SQLite serialises writers at BEGIN IMMEDIATE; interleaving is impossible there")
    world, cid = case_in_review
    p = world.people
    barrier = threading.Barrier(2, timeout=20)

    def waiting_guard(ctx):
        barrier.wait()  # both are inside their transactions, having read version N
        return True

    monkeypatch.setitem(rt.registry.handlers["guard"], "evidence_window_open", waiting_guard)
    firing.forget_instances()
    # move both into evidence_input with the guarded submit_evidence as the contested event
    fire_event(rt, p["ver"], cid, "pass_evaluation")
    op = p["op_lapas"]
    results = _race([lambda: fire_event(rt, op, cid, "submit_evidence"),
                     lambda: fire_event(rt, op, cid, "submit_evidence")])
    monkeypatch.undo()
    firing.forget_instances()
    assert sorted(type(r).__name__ for r in results) == ["CaseView", "ChangedMeanwhile"]
    status = case_status(rt, None, cid)
    assert status.case.state == "final_verification"
    assert [h["event"] for h in status.history].count("submit_evidence") == 1
