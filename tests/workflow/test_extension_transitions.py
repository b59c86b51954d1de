"""A window extension reaches the case transitions too: the window guard and the close timer of
cases that enter the state after the extension was granted."""

from datetime import datetime

import pytest

from tests.workflow.helpers import open_2023, seed_world, to_evidence_input
from workflow.deadlines import JAKARTA
from workflow.errors import ValidationFailed
from workflow.services.cases import case_status, fire_event
from workflow.services.evidence_windows import extend_window


def _to_evidence_input(rt, clock, world, unit):
    cid = open_2023(rt, world, unit)
    to_evidence_input(rt, clock, world, cid)
    return cid


def test_extension_for_one_unit_opens_the_guard_for_that_unit_only(rt, clock):
    world = seed_world(rt)
    a = _to_evidence_input(rt, clock, world, "lapas")
    b = _to_evidence_input(rt, clock, world, "rutan")
    clock.set(2023, 10, 10, 9, 0)
    extend_window(rt, world.people["admin"], 2023, "evidence_input", datetime(2023, 10, 20, 23, 59, tzinfo=JAKARTA),
                  "Gangguan listrik di wilayah", unit_id=world.units["lapas"])
    clock.set(2023, 10, 18, 9, 0)
    with pytest.raises(ValidationFailed, match="sudah ditutup"):
        fire_event(rt, world.people["op_rutan"], b, "submit_evidence")
    assert fire_event(rt, world.people["op_lapas"], a, "submit_evidence").state == "final_verification"
    clock.set(2023, 10, 21, 0, 0)
    with pytest.raises(ValidationFailed):  # the extension has its own end
        fire_event(rt, world.people["op_rutan"], b, "submit_evidence")


def test_case_entering_after_an_extension_gets_the_extended_close_timer(rt, clock):
    world = seed_world(rt)
    clock.set(2023, 3, 1, 9, 0)
    until = datetime(2023, 10, 25, 23, 59, tzinfo=JAKARTA)
    a = _to_evidence_input(rt, clock, world, "lapas")  # one case in the state so the extension applies
    clock.set(2023, 4, 6, 9, 0)
    extend_window(rt, world.people["admin"], 2023, "evidence_input", until, "Perpanjangan nasional")
    b = _to_evidence_input(rt, clock, world, "rutan")
    for cid in (a, b):
        [timer] = [t for t in case_status(rt, None, cid).timers if t["status"] == "pending"]
        assert timer["event"] == "close_evidence_input" and timer["due_at"] == until
