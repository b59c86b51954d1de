"""The admin's monitoring dashboard: cases per stage per region, overdue tasks, the workload of
verifiers and assessors and the distribution of evidence completeness, in a constant number of
queries however many units there are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from .. import evidence
from ..store import Case, EvidenceRecord, Person, Task, Unit, WindowExtension
from .authz import load_actor, require_role
from .runtime import Runtime

OVERDUE_LISTED = 100
# Completeness bands as (label, lowest percent); a case falls in the last band it reaches.
BANDS = (("0–24 %", 0.0), ("25–49 %", 25.0), ("50–74 %", 50.0), ("75–99 %", 75.0), ("100 %", 100.0))


@dataclass(frozen=True)
class Overdue:
    task_id: int
    case_id: int
    unit_name: str
    region: str
    role: str
    title: str
    due_at: datetime
    assignee: str | None


@dataclass(frozen=True)
class Workload:
    person_id: int
    name: str
    role: str
    open_tasks: int
    overdue_tasks: int


@dataclass(frozen=True)
class Overview:
    year: int
    states: tuple[tuple[str, str], ...]  # (state id, label) in lifecycle order
    regions: tuple[str, ...]
    counts: dict  # (region, state id) -> number of cases
    total_cases: int
    overdue_total: int
    overdue: tuple[Overdue, ...]  # the oldest OVERDUE_LISTED
    workload: tuple[Workload, ...]
    completeness: tuple[tuple[str, int], ...]  # (band label, number of cases) in BANDS order

    def region_total(self, region: str) -> int:
        return sum(n for (r, _), n in self.counts.items() if r == region)

    def state_total(self, state: str) -> int:
        return sum(n for (_, st), n in self.counts.items() if st == state)


def overview(rt: Runtime, actor_id: int | None, year: int) -> Overview:
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        counts: dict = {}
        order: dict = {}
        for region, digest, state, n in s.execute(
            select(Unit.region, Case.definition_hash, Case.state, func.count())
            .join(Unit, Unit.id == Case.unit_id)
            .where(Case.year == year)
            .group_by(Unit.region, Case.definition_hash, Case.state)
        ):
            d = rt.definition(s, digest)  # cached by hash: a query only the first time
            for i, st in enumerate(d.states):
                order.setdefault(st.id, (i, st.label))
            counts[(region, state)] = counts.get((region, state), 0) + n
        states = tuple((sid, label) for sid, (_, label) in sorted(order.items(), key=lambda kv: kv[1][0]))
        regions = tuple(sorted({r for r, _ in counts}))
        assignee = aliased(Person)
        late = (Task.status == "open") & Task.due_at.is_not(None) & (Task.due_at < now)
        overdue_total = s.scalar(
            select(func.count())
            .select_from(Task)
            .join(Case, Case.id == Task.case_id)
            .where(late, Case.year == year)
        )
        overdue = tuple(
            Overdue(*row)
            for row in s.execute(
                select(
                    Task.id,
                    Task.case_id,
                    Unit.name,
                    Unit.region,
                    Task.role,
                    Task.title,
                    Task.due_at,
                    assignee.full_name,
                )
                .join(Case, Case.id == Task.case_id)
                .join(Unit, Unit.id == Case.unit_id)
                .outerjoin(assignee, assignee.id == Task.assignee_id)
                .where(late, Case.year == year)
                .order_by(Task.due_at, Task.id)
                .limit(OVERDUE_LISTED)
            )
        )
        open_task = (Task.assignee_id == Person.id) & (Task.status == "open")
        workload = tuple(
            Workload(pid, name, role, int(n or 0), int(m or 0))
            for pid, name, role, n, m in s.execute(
                select(
                    Person.id,
                    Person.full_name,
                    Person.role,
                    func.count(Task.id),
                    func.sum(when((Task.due_at < now, 1), else_=0)),
                )
                .outerjoin(Task, open_task)
                .where(Person.role.in_(("verifikator", "penilai")), Person.active)
                .group_by(Person.id, Person.full_name, Person.role)
                .order_by(Person.role.desc(), Person.full_name)
            )
        )
        return Overview(
            year,
            states,
            regions,
            counts,
            sum(counts.values()),
            overdue_total or 0,
            overdue,
            workload,
            _completeness_bands(rt, s, year, now),
        )


def band(percent: float) -> str:
    """The label of the completeness band ``percent`` falls in."""
    return [label for label, low in BANDS if percent >= low][-1]


def _completeness_bands(rt: Runtime, s, year: int, now: datetime) -> tuple[tuple[str, int], ...]:
    """How many cases of the year fall in each completeness band, for the section of each case's
    open window (else the catalogue), as the evidence pages compute it: three statements in all."""
    cases = s.execute(
        select(Case.id, Case.unit_id, Case.state, Case.definition_hash).where(Case.year == year)
    ).all()
    statuses: dict = defaultdict(dict)  # (case id, section) -> {(indicator, item): status}
    for case_id, section, indicator, item, status in s.execute(
        select(
            EvidenceRecord.case_id,
            EvidenceRecord.section,
            EvidenceRecord.indicator_id,
            EvidenceRecord.item_id,
            EvidenceRecord.status,
        )
        .join(Case, Case.id == EvidenceRecord.case_id)
        .where(Case.year == year)
    ):
        statuses[(case_id, section)][(indicator, item)] = status
    # Extensions per (unit or None for all units, state): the latest close of each.
    extended = {
        (unit_id, state): closes
        for unit_id, state, closes in s.execute(
            select(WindowExtension.unit_id, WindowExtension.state, func.max(WindowExtension.closes_at))
            .where(WindowExtension.year == year)
            .group_by(WindowExtension.unit_id, WindowExtension.state)
        )
    }
    tally = {label: 0 for label, _ in BANDS}
    for case_id, unit_id, state, digest in cases:
        d = rt.definition(s, digest)  # cached by hash
        w = d.state(state).evidence
        section = w.section if w else "catalogue"
        closed = True
        if w is not None:
            found = (extended.get((None, state)), extended.get((unit_id, state)))
            later = [c for c in found if c is not None]
            closed = now > evidence.window_close(d, w, later)
        c = evidence.completeness(d, section, statuses.get((case_id, section), {}), closed)
        tally[band(c.percent)] += 1
    return tuple(tally.items())
