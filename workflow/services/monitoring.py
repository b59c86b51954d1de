"""Read-only views across cases for admins: lists and per-state counts, each in one query."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..store import Case, Unit
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class CaseRow:
    id: int
    year: int
    unit_name: str
    region: str
    state: str
    state_label: str
    outcome: str | None
    version: int


def list_cases(rt: Runtime, actor_id: int | None, year: int | None = None) -> list[CaseRow]:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        q = (select(Case.id, Case.year, Unit.name, Unit.region, Case.state, Case.outcome, Case.version,
                    Case.definition_hash).join(Unit, Unit.id == Case.unit_id).order_by(Case.year, Unit.name))
        if year is not None:
            q = q.where(Case.year == year)
        rows = []
        for cid, yr, name, region, state, outcome, version, digest in s.execute(q):
            label = rt.definition(s, digest).state(state).label
            rows.append(CaseRow(cid, yr, name, region, state, label, outcome, version))
        return rows


def state_counts(rt: Runtime, actor_id: int | None, year: int) -> list[tuple[str, str, int]]:
    """(state id, label, number of cases) for a year, in the definition's state order."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        counts: dict[tuple[str, str], list] = {}
        for digest, state, n in s.execute(select(Case.definition_hash, Case.state, func.count())
                                          .where(Case.year == year).group_by(Case.definition_hash, Case.state)):
            d = rt.definition(s, digest)
            order = [x.id for x in d.states].index(state)
            entry = counts.setdefault((state, d.state(state).label), [order, 0])
            entry[1] += n
        ranked = sorted(counts.items(), key=lambda kv: kv[1][0])
        return [(st, label, n) for (st, label), (_order, n) in ranked]
