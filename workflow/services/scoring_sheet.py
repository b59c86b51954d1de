"""The assessor's scoring sheet: every indicator of the case's definition grouped by criterion,
with its scale options, this assessor's saved choice and the running scores (``workflow.scoring``).
Read only; saving and submitting stay in ``assessment``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import scoring
from ..store import AssessmentScore, Unit
from .assessment import _check_assessor, _scale_id  # the same rules as saving
from .authz import get_case, load_actor
from .runtime import Runtime


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    options: tuple  # ScaleOption (id, label, value)
    chosen: str | None


@dataclass(frozen=True)
class CriterionRows:
    id: str
    title: str
    weight: float
    rows: tuple[Row, ...]
    score: float  # mean over its indicators, an unscored one counting 0


@dataclass(frozen=True)
class Sheet:
    case_id: int
    unit_name: str
    year: int
    state: str
    state_label: str
    criteria: tuple[CriterionRows, ...]
    total: float  # so far, an unscored indicator counting 0
    complete: bool  # every indicator scored: ``total`` is then the official result
    passed: bool
    threshold: float
    predicate: str


def scoring_sheet(rt: Runtime, actor_id: int, case_id: int) -> Sheet:
    """The sheet as this assessor left it; refused like ``save_scores`` (role, task, conflict)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        case = get_case(s, case_id)
        _check_assessor(s, actor, case)
        d = rt.definition(s, case.definition_hash)
        mine = dict(s.execute(select(AssessmentScore.indicator_id, AssessmentScore.option_id).where(
            AssessmentScore.case_id == case.id, AssessmentScore.assessor_id == actor.id)).all())
        unit_name = s.get(Unit, case.unit_id).name
        facts = (case.id, unit_name, case.year, case.state, d.state(case.state).label)
    criteria, total = [], 0.0
    for c in d.catalogue:
        rows = tuple(Row(i.id, i.title, d.scoring.scale(_scale_id(d, i.id)).options, mine.get(i.id))
                     for i in c.indicators)
        values = [scoring.indicator_value(d, r.id, [r.chosen]) if r.chosen else 0.0 for r in rows]
        mean = sum(values) / len(values)
        criteria.append(CriterionRows(c.id, c.title, c.weight, rows, round(mean, 2)))
        total += mean * c.weight / 100
    complete = all(r.chosen for c in criteria for r in c.rows)
    result = scoring.score(d, {i: [o] for i, o in mine.items()}) if complete else None
    total = result.total if result else round(total, 2)
    return Sheet(*facts, tuple(criteria), total, complete, bool(result and result.passed),
                 d.scoring.pass_threshold, d.scoring.predicate)
