"""Moving running cases to another published version of their definition (issue #7): a dry run
that plans every case, then the run, each case in its own transaction, audited.

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

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, text, update

from .. import migration
from ..deadlines import format_date_id
from ..errors import ChangedMeanwhile, NotFound, P2hamError, ValidationFailed
from ..firing import OpenTask, StartTimer
from ..spec import ROLE_LABELS, Definition
from ..store import (
    AuditEntry,
    Case,
    DefinitionVersion,
    EvidenceRecord,
    OutboxMessage,
    Task,
    Timer,
    Unit,
    WindowExtension,
)
from . import writes
from .authz import load_actor, require_role
from .runtime import Runtime

EVENT = "migrate_definition"


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


@dataclass(frozen=True)
class CaseResult:
    case_id: int
    unit_name: str
    from_state: str
    to_state: str | None
    status: str  # migrated | refused | changed | failed
    message: str = ""


STATUS_LABELS = {"migrated": "Dipindahkan", "refused": "Ditolak", "changed": "Berubah sementara itu",
                 "failed": "Gagal"}


@dataclass(frozen=True)
class MigrationReport:
    target_id: int
    target: str
    results: tuple[CaseResult, ...]
    skipped: int = 0

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return all(r.status == "migrated" for r in self.results)


def resolve_version(rt: Runtime, ref: str) -> int:
    """A version id from ``"12"`` or ``"p2ham-2023@2"``; NotFound with a message otherwise."""
    ref = (ref or "").strip()
    m = re.fullmatch(r"(.+)@(\d+)", ref)
    with rt.store.unit_of_work() as uow:
        if m:
            found = uow.session.scalar(select(DefinitionVersion.id).where(
                DefinitionVersion.key == m.group(1), DefinitionVersion.version == int(m.group(2))))
        elif ref.isdigit():
            found = uow.session.scalar(select(DefinitionVersion.id).where(DefinitionVersion.id == int(ref)))
        else:
            raise ValidationFailed(f"Versi '{ref}' tidak dikenal; tulis nomor versi (misalnya 3) atau "
                                   "KUNCI@N (misalnya p2ham-2023@2).", "Write a version id or KEY@N.")
    if found is None:
        raise NotFound(f"Versi definisi '{ref}' tidak ditemukan.", f"No definition version '{ref}'.")
    return found


@dataclass(frozen=True)
class MigrationChoices:
    """What the admin's form offers: published versions, and for a chosen year and target, the
    cases that may move and one mapping row per state those cases' versions have."""

    versions: tuple[tuple[int, str, int], ...]  # (id, "p2ham-2023 v2", year), newest first
    years: tuple[int, ...]
    candidates: tuple[CaseRow, ...] = ()
    source_states: tuple[tuple[str, str, int], ...] = ()  # (id, label, cases now in it)
    target_states: tuple[tuple[str, str], ...] = ()  # (id, label)
    defaults: dict = field(default_factory=dict)  # source state -> target state or ""


def form_choices(rt: Runtime, actor_id: int | None, year: int | None = None,
                 target_version_id: int | None = None) -> MigrationChoices:
    """The choices of the migration form; with ``year`` and ``target_version_id``, the running
    cases of that year not yet on the target and the state mapping pre-filled where ids match."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        versions = tuple(s.execute(select(DefinitionVersion.id, DefinitionVersion.key,
                                          DefinitionVersion.version, DefinitionVersion.year)
                                   .where(DefinitionVersion.status == "published")
                                   .order_by(DefinitionVersion.year.desc(), DefinitionVersion.key,
                                             DefinitionVersion.version.desc())))
        listed = tuple((v.id, f"{v.key} v{v.version}", v.year) for v in versions)
        years = tuple(sorted({v.year for v in versions}, reverse=True))
        if year is None or target_version_id is None:
            return MigrationChoices(listed, years)
        plan = _plan(rt, s, target_version_id, year, None, None, False)
        _, new = _target(rt, s, target_version_id)
        hashes = s.scalars(select(Case.definition_hash).distinct()
                           .where(Case.year == year, Case.definition_id != plan.target_id))
        counts: dict = defaultdict(int)
        for r in plan.rows:
            counts[r.from_state] += 1
        sources: dict = {}
        for d in (rt.definition(s, h) for h in sorted(hashes)):
            for st in d.states:
                if not st.final:
                    sources.setdefault(st.id, (st.id, st.label, counts[st.id]))
        defaults = {sid: (sid if new.has_state(sid) else "") for sid in sources}
        return MigrationChoices(listed, years, plan.rows, tuple(sources.values()),
                                tuple((st.id, st.label) for st in new.states if not st.final), defaults)


def dry_run(rt: Runtime, actor_id: int | None, *, target_version_id: int, year: int | None = None,
            case_ids: list[int] | None = None, mapping: Mapping[str, str] | None = None,
            confirm_orphans: bool = False) -> MigrationPlan:
    """Plan moving the chosen cases (running cases of ``year``, or ``case_ids``) to the version;
    changes nothing. A constant number of SQL statements however many cases are chosen."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        return _plan(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans)


def run(rt: Runtime, actor_id: int | None, *, target_version_id: int, year: int | None = None,
        case_ids: list[int] | None = None, mapping: Mapping[str, str] | None = None,
        confirm_orphans: bool = False, batch_size: int = 50,
        progress: Callable[[int, int], None] | None = None) -> MigrationReport:
    """Plan afresh, then move every case the plan allows, each in its own transaction, re-checked
    under its optimistic version. A case that fails is reported and left as it was."""
    if batch_size < 1:
        raise ValidationFailed("Ukuran batch harus paling sedikit 1.", "batch_size must be >= 1.")
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        plan = _plan(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans)
    results: list[CaseResult] = []
    total = len(plan.rows)
    for start in range(0, total, batch_size):
        for row in plan.rows[start:start + batch_size]:
            results.append(_run_one(rt, actor, plan, row, mapping, confirm_orphans))
            if progress is not None:
                progress(len(results), total)
    return MigrationReport(plan.target_id, plan.target, tuple(results), plan.skipped)


# -- planning -------------------------------------------------------------------------------------
@dataclass
class _Facts:
    cases: list
    evidence: dict
    timers: dict
    tasks: dict
    outbox: dict
    extensions: list
    now: datetime


def _target(rt: Runtime, s, target_version_id: int):
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


def _plan(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans, only: int | None = None):
    vrow, new = _target(rt, s, target_version_id)
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


# -- running --------------------------------------------------------------------------------------
def _run_one(rt: Runtime, actor, plan: MigrationPlan, row: CaseRow, mapping, confirm_orphans) -> CaseResult:
    def result(status: str, message: str = "", to_state=row.to_state) -> CaseResult:
        return CaseResult(row.case_id, row.unit_name, row.from_state, to_state, status, message)

    if not row.ok:
        return result("refused", " ".join(row.reasons))
    try:
        with rt.store.unit_of_work() as uow:
            s = uow.session
            # Lock the case row first, as evidence uploads do: an upload for an indicator the new
            # version drops then either precedes this re-check or waits for the move (and is refused).
            s.execute(select(Case.id).where(Case.id == row.case_id).with_for_update())
            fresh = _plan(rt, s, plan.target_id, None, [row.case_id], mapping, confirm_orphans,
                          only=row.case_id)
            again = fresh.rows[0] if fresh.rows else None
            if again is None or again.version != row.version or again.from_state != row.from_state:
                raise _changed()
            if not again.ok:
                return result("refused", " ".join(again.reasons), again.to_state)
            _write(rt, s, actor, plan, again)
            uow.commit()
    except ChangedMeanwhile as exc:
        return result("changed", exc.message)
    except P2hamError as exc:
        return result("failed", exc.message)
    except Exception as exc:  # noqa: BLE001 - any failure leaves this case as it was and the batch goes on
        return result("failed", f"Kesalahan tak terduga: {type(exc).__name__}: {exc}"[:500])
    return result("migrated", " ".join(row.notes))


def _write(rt: Runtime, s, actor, plan: MigrationPlan, row: CaseRow) -> None:
    """The case update first (guarded by its version: the lock), the rebuilt work, the audit last."""
    now = rt.now()
    vrow, new = _target(rt, s, plan.target_id)
    target = new.state(row.to_state)
    changed = s.execute(update(Case).where(Case.id == row.case_id, Case.version == row.version)
                        .values(definition_id=vrow.id, definition_hash=vrow.content_hash, state=target.id,
                                version=Case.version + 1, updated_at=now)).rowcount
    if changed != 1:
        raise _changed()
    case = s.execute(select(Case.id, Case.unit_id, Case.year).where(Case.id == row.case_id)).one()
    claimed = {}
    if row.recompute_tasks:
        for t in s.execute(select(Task.role, Task.assignee_id).where(
                Task.case_id == case.id, Task.status == "open", Task.assignee_id.is_not(None))):
            claimed.setdefault(t.role, t.assignee_id)
        s.execute(update(Task).where(Task.case_id == case.id, Task.state == row.from_state,
                                     Task.status == "open").values(status="cancelled", closed_at=now))
    if row.recompute_timers:
        s.execute(update(Timer).where(Timer.case_id == case.id, Timer.state == row.from_state,
                                      Timer.status == "pending").values(status="cancelled"))
    conn = s.connection()
    for f in writes.effect_fragments(rt.store.dialect, case, row.new_tasks + row.new_timers, now):
        conn.execute(text(f.sql), f.params)  # text: the after-commit dispatcher sees the new timers
    for role, person in claimed.items():  # whoever had taken the task keeps it in the new state
        s.execute(update(Task).where(Task.case_id == case.id, Task.state == target.id, Task.status == "open",
                                     Task.role == role).values(assignee_id=person))
    _carry_extension(s, actor, case, row, now)
    s.execute(insert(AuditEntry).values(
        case_id=case.id, actor_id=actor.id, actor_role=actor.role, event=EVENT, from_state=row.from_state,
        to_state=target.id, at=now,
        payload={"from_version": row.from_version, "to_version": plan.target, "to_version_id": plan.target_id,
                 "definition_hash": vrow.content_hash, "state_mapping": {row.from_state: target.id},
                 "orphaned_indicators": list(row.orphaned),
                 "tasks_recomputed": row.recompute_tasks, "timers_recomputed": row.recompute_timers}))


def _carry_extension(s, actor, case, row: CaseRow, now: datetime) -> None:
    """A renamed evidence state keeps this unit's extended window: extensions are kept by state id."""
    if row.to_state == row.from_state:
        return
    until = s.scalar(select(func.max(WindowExtension.closes_at)).where(
        WindowExtension.year == case.year, WindowExtension.state == row.from_state,
        WindowExtension.unit_id.is_(None) | (WindowExtension.unit_id == case.unit_id)))
    if until is None:
        return
    s.add(WindowExtension(year=case.year, state=row.to_state, unit_id=case.unit_id, closes_at=until,
                          reason=f"Dibawa dari tahap '{row.from_state}' saat migrasi definisi.",
                          created_by=actor.id, created_at=now))
    s.flush()


def _changed() -> ChangedMeanwhile:
    return ChangedMeanwhile("Kasus ini diubah oleh pengguna lain sementara migrasi berjalan; kasus tidak "
                            "dipindahkan. Jalankan uji coba lagi.", "The case changed meanwhile; not moved.")
