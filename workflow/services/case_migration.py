"""Moving running cases to another published version of their definition (issue #7): the choices
of the admin's form, a dry run that plans every case (``workflow.services.case_migration_plan``),
then the run, each case in its own transaction, re-planned under a lock and audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select, text, update

from ..errors import ChangedMeanwhile, NotFound, P2hamError, ValidationFailed
from ..store import AuditEntry, Case, DefinitionVersion, Task, Timer, WindowExtension
from . import writes
from .authz import load_actor, require_role
from .case_migration_plan import CaseRow, MigrationPlan, plan_cases, target_version
from .definition_versions import parse_ref
from .runtime import Runtime

EVENT = "migrate_definition"


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
    named = parse_ref(ref)
    with rt.store.unit_of_work() as uow:
        if named:
            found = uow.session.scalar(select(DefinitionVersion.id).where(
                DefinitionVersion.key == named[0], DefinitionVersion.version == named[1]))
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
        plan = plan_cases(rt, s, target_version_id, year, None, None, False)
        _, new = target_version(rt, s, target_version_id)
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
        return plan_cases(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans)


def run(rt: Runtime, actor_id: int | None, *, target_version_id: int, year: int | None = None,
        case_ids: list[int] | None = None, mapping: Mapping[str, str] | None = None,
        confirm_orphans: bool = False, batch_size: int = 50,
        progress: Callable[[int, int], None] | None = None,
        on_result: Callable[[CaseResult], None] | None = None) -> MigrationReport:
    """Plan afresh, then move every case the plan allows, each in its own transaction, re-checked
    under its optimistic version. A case that fails is reported and left as it was. ``on_result``
    sees each case's result before ``progress`` counts it."""
    if batch_size < 1:
        raise ValidationFailed("Ukuran batch harus paling sedikit 1.", "batch_size must be >= 1.")
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        plan = plan_cases(rt, s, target_version_id, year, case_ids, mapping, confirm_orphans)
    results: list[CaseResult] = []
    total = len(plan.rows)
    for start in range(0, total, batch_size):
        for row in plan.rows[start:start + batch_size]:
            results.append(_run_one(rt, actor, plan, row, mapping, confirm_orphans))
            if on_result is not None:
                on_result(results[-1])
            if progress is not None:
                progress(len(results), total)
    return MigrationReport(plan.target_id, plan.target, tuple(results), plan.skipped)


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
            fresh = plan_cases(rt, s, plan.target_id, None, [row.case_id], mapping, confirm_orphans,
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
    vrow, new = target_version(rt, s, plan.target_id)
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
