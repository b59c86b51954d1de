"""Planning the move of running cases to another published version of their definition (issue #7):
the facts about the chosen cases read in a constant number of statements, and one ``CaseRow`` per
case saying where it would go, what happens to its task and deadline, and what refuses it. Reads
only; ``workflow.services.case_migration`` runs it inside its transactions, and the decisions
themselves are the pure ``workflow.migration``.

A case has a *transition in flight* when work of the engine's own is under way that the move
would race or change underneath it:
- a pending timer whose time has come (``due_at <= now``): a worker fires its event at any moment,
  from the state the case is in now (``fire_in(..., only_in_state=...)``);
- an outbox row of the case still ``pending`` or ``processing`` for a document or an operator
  account (the formal products of the last transition, such as the Berita Acara): the workers
  render it from the definition the case is pinned to, so moving the case first would produce
  it from the new version's wording; likewise a notification the new version no longer has.
  Other pending notifications do not block: they are rendered from either version alike.
Jobs carry only the ids of those rows (``workflow.jobs``), so the rows say all a queue would.
A transition a person fires concurrently is caught by the case's optimistic version instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from .. import migration
from ..deadlines import format_date_id
from ..errors import NotFound, ValidationFailed
from ..firing import OpenTask, StartTimer
from ..spec import ROLE_LABELS, Definition
from ..store import Case, DefinitionVersion, EvidenceRecord, OutboxMessage, Task, Timer, Unit, WindowExtension
from .runtime import Runtime


@dataclass(frozen=True)
class CaseRow:
    """One case in a plan: where it is, where it would go, and what happens to its work."""

    case_id: int
    unit_name: str
    year: int
    version: int  # the case's optimistic version when planned
    from_version: str  # e.g. "p2ham-2023 v1"
    from_state: str
    from_label: str
    to_state: str | None
    to_label: str
    tasks: str
    timers: str
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    orphaned: tuple[str, ...]
    recompute_tasks: bool = False
    recompute_timers: bool = False
    new_tasks: tuple[OpenTask, ...] = ()
    new_timers: tuple[StartTimer, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class MigrationPlan:
    target_id: int
    target: str  # e.g. "p2ham-2023 v2"
    rows: tuple[CaseRow, ...]
    skipped: int = 0  # cases of the year left out: finished, or already on the target version

    @property
    def ready(self) -> int:
        return sum(1 for r in self.rows if r.ok)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.ready


@dataclass
class _Facts:
    cases: list
    evidence: dict
    timers: dict
    tasks: dict
    outbox: dict
    extensions: list
    now: datetime


def target_version(rt: Runtime, s, target_version_id: int):
    """The version row and its definition; NotFound or ValidationFailed unless it is published."""
    row = s.execute(select(DefinitionVersion.id, DefinitionVersion.key, DefinitionVersion.version,
                           DefinitionVersion.status, DefinitionVersion.content_hash)
                    .where(DefinitionVersion.id == target_version_id)).first()
    if row is None:
        raise NotFound(f"Versi definisi nomor {target_version_id} tidak ditemukan.",
                       f"No definition version {target_version_id}.")
    if row.status != "published":
        raise ValidationFailed(f"Versi {row.key} v{row.version} belum diterbitkan; kasus hanya dapat "
                               "dipindahkan ke versi yang sudah diterbitkan.",
                               "The target version is not published.")
    return row, rt.definition(s, row.content_hash)


def plan_cases(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans,
               only: int | None = None) -> MigrationPlan:
    """The plan for the chosen cases, read in the session ``s``; ``only`` re-plans one case as it is."""
    vrow, new = target_version(rt, s, target_version_id)
    where = _selection(s, year, case_ids) if only is None else [Case.id == only]
    facts = _gather(s, where, rt.now())
    olds = {h: rt.definition(s, h) for h in {c.definition_hash for c in facts.cases}}
    _check_mapping(mapping, olds.values(), new)
    rows, skipped = [], 0
    for c in facts.cases:
        old = olds[c.definition_hash]
        if case_ids is None and only is None and (c.definition_id == vrow.id or _final(old, c.state)):
            skipped += 1  # a whole year: only cases still running elsewhere are candidates
            continue
        rows.append(_row(old, new, c, facts, migration.effective_mapping(old, new, mapping), confirm_orphans))
    return MigrationPlan(vrow.id, f"{vrow.key} v{vrow.version}", tuple(rows), skipped)


def _selection(s, year, case_ids) -> list:
    if year is None and not case_ids:
        raise ValidationFailed("Pilih tahun evaluasi atau kasus yang akan dipindahkan.",
                               "Choose a year or cases.", fields={"cases": "Pilih tahun atau kasus."})
    where = []
    if year is not None:
        where.append(Case.year == year)
    if case_ids:
        ids = sorted(set(case_ids))
        found = set(s.scalars(select(Case.id).where(Case.id.in_(ids))))
        missing = [str(i) for i in ids if i not in found]
        if missing:
            listed = ", ".join(missing)
            raise NotFound(f"Kasus nomor {listed} tidak ditemukan.", f"No case {listed}.")
        where.append(Case.id.in_(ids))
    return where


def _check_mapping(mapping, olds, new: Definition) -> None:
    known = {st.id for d in olds for st in d.states}
    unknown = sorted(k for k in (mapping or {}) if k not in known)
    if unknown and known:
        raise ValidationFailed(f"Pemetaan menyebut tahap asal yang tidak dikenal: {', '.join(unknown)}.",
                               "Unknown source state in the mapping.")
    wrong = sorted({v for v in (mapping or {}).values() if v and not new.has_state(v)})
    if wrong:
        raise ValidationFailed("Pemetaan menyebut tahap tujuan yang tidak ada pada versi tujuan: "
                               f"{', '.join(wrong)}.",
                               "Unknown target state in the mapping.")


def _final(d: Definition, state: str) -> bool:
    return d.has_state(state) and d.state(state).final


def _gather(s, where: list, now: datetime) -> _Facts:
    """Everything the plan needs about the chosen cases, in six statements whatever their number."""
    chosen = select(Case.id).where(*where)
    cases = s.execute(select(Case.id, Case.unit_id, Case.year, Case.definition_id, Case.definition_hash,
                             Case.state, Case.version, Case.entered_at, Unit.name.label("unit_name"),
                             DefinitionVersion.key, DefinitionVersion.version.label("def_version"))
                      .join(Unit, Unit.id == Case.unit_id)
                      .join(DefinitionVersion, DefinitionVersion.id == Case.definition_id)
                      .where(*where).order_by(Unit.name, Case.id)).all()
    evidence: dict = defaultdict(set)
    timers, tasks, outbox = defaultdict(list), defaultdict(list), defaultdict(list)
    for cid, indicator in s.execute(select(EvidenceRecord.case_id, EvidenceRecord.indicator_id)
                                    .where(EvidenceRecord.case_id.in_(chosen)).distinct()):
        evidence[cid].add(indicator)
    for t in s.execute(select(Timer.case_id, Timer.state, Timer.event, Timer.due_at)
                       .where(Timer.case_id.in_(chosen), Timer.status == "pending").order_by(Timer.id)):
        timers[t.case_id].append(t)
    for t in s.execute(select(Task.case_id, Task.state, Task.role, Task.title, Task.assignee_id)
                       .where(Task.case_id.in_(chosen), Task.status == "open").order_by(Task.id)):
        tasks[t.case_id].append(t)
    for o in s.execute(select(OutboxMessage.case_id, OutboxMessage.kind, OutboxMessage.name)
                       .where(OutboxMessage.case_id.in_(chosen),
                              OutboxMessage.status.in_(("pending", "processing")))
                       .order_by(OutboxMessage.id)):
        outbox[o.case_id].append(o)
    years = select(Case.year).where(*where).distinct()
    extensions = s.execute(select(WindowExtension.year, WindowExtension.state, WindowExtension.unit_id,
                                  func.max(WindowExtension.closes_at).label("closes_at"))
                           .where(WindowExtension.year.in_(years))
                           .group_by(WindowExtension.year, WindowExtension.state,
                                     WindowExtension.unit_id)).all()
    return _Facts(cases, evidence, timers, tasks, outbox, extensions, now)


def _in_flight(facts: _Facts, case_id: int, new: Definition) -> str:
    due = [t for t in facts.timers[case_id] if t.due_at <= facts.now]
    parts = [f"tenggat '{t.event}' sudah jatuh waktu ({format_date_id(t.due_at, True)}) dan belum diproses"
             for t in due]
    notices = {n.id for n in new.notifications}
    parts += [f"{_KINDS.get(o.kind, o.kind)} '{o.name}' belum selesai diproses" for o in facts.outbox[case_id]
              if o.kind != "notification" or o.name not in notices]
    return "; ".join(parts)


_KINDS = {"document": "dokumen", "account": "akun Operator", "notification": "notifikasi"}


def _extended(facts: _Facts, c, states: tuple[str, ...]) -> datetime | None:
    found = [e.closes_at for e in facts.extensions if e.year == c.year and e.state in states
             and (e.unit_id is None or e.unit_id == c.unit_id)]
    return max(found, default=None)


def _row(old: Definition, new: Definition, c, facts: _Facts, mapping: dict, confirm_orphans: bool) -> CaseRow:
    flight = _in_flight(facts, c.id, new)
    plan = migration.plan_case(old, new, c.state, mapping, facts.evidence[c.id], bool(flight),
                               confirm_orphans, flight)
    to_label = new.state(plan.target).label if plan.target and new.has_state(plan.target) else "-"
    work: tuple = ()
    if plan.target and new.has_state(plan.target):
        until = _extended(facts, c, (c.state, plan.target))
        work = migration.rebuilt_work(new, plan.target, c.entered_at, until)
    new_tasks = tuple(e for e in work if isinstance(e, OpenTask)) if plan.recompute_tasks else ()
    new_timers = tuple(e for e in work if isinstance(e, StartTimer)) if plan.recompute_timers else ()
    from_label = old.state(c.state).label if old.has_state(c.state) else c.state
    return CaseRow(c.id, c.unit_name, c.year, c.version, f"{c.key} v{c.def_version}", c.state, from_label,
                   plan.target, to_label, _tasks_text(plan, facts.tasks[c.id], new_tasks),
                   _timers_text(plan, facts.timers[c.id], new_timers), plan.reasons, plan.notes,
                   plan.orphaned, plan.recompute_tasks, plan.recompute_timers, new_tasks, new_timers)


def _tasks_text(plan, open_tasks, new_tasks) -> str:
    if plan.target is None:
        return "-"
    if not plan.recompute_tasks:
        return "Tidak berubah."
    parts = [f"Ditutup: {', '.join(t.title for t in open_tasks)}." if open_tasks
             else "Tidak ada tugas terbuka."]
    parts += [f"Dibuka: {t.title} ({ROLE_LABELS.get(t.role, t.role)})"
              + (f", tenggat {format_date_id(t.due_at, True)}." if t.due_at else ".") for t in new_tasks]
    return " ".join(parts)


def _timers_text(plan, pending, new_timers) -> str:
    if plan.target is None:
        return "-"
    if not plan.recompute_timers:
        return "Tidak berubah."
    parts = [f"Dibatalkan: {', '.join(f'{t.event} ({format_date_id(t.due_at, True)})' for t in pending)}."
             if pending else "Tidak ada tenggat berjalan."]
    parts += [f"Baru: {t.event} pada {format_date_id(t.due_at, True)}." for t in new_timers]
    return " ".join(parts)
