"""Driving a 2023 case to its evidence input stage, for the evidence tests."""

from __future__ import annotations

from tests.workflow.helpers import open_2023, seed_world
from workflow.services.cases import fire_event


def with_uploads(rt, tmp_path):
    """The ``rt`` fixture with its evidence files in the test's own directory."""
    rt.upload_dir = tmp_path / "uploads"
    return rt


def pass_evaluation(rt, clock, world, cid) -> None:
    p = world.people
    clock.set(2023, 2, 10, 9, 0)
    fire_event(rt, p["admin"], cid, "start_development")
    clock.set(2023, 4, 5, 9, 0)
    fire_event(rt, p["admin"], cid, "submit_evaluation")
    clock.set(2023, 4, 12, 9, 0)
    fire_event(rt, p["ver"], cid, "pass_evaluation")


def case_in_evidence_input(rt, clock, world=None, unit="lapas"):
    """(world, case id) of a 2023 case of ``unit`` in ``evidence_input`` (window closes
    15 October 2023 23:59:59 WIB), at 1 May 2023."""
    world = world or seed_world(rt)
    cid = open_2023(rt, world, unit)
    pass_evaluation(rt, clock, world, cid)
    clock.set(2023, 5, 1, 10, 0)
    return world, cid
