"""The evidence checklist of a case, as the operator and the verifier pages show it: criteria ->
indicators -> alternative sets -> items, each item with its status, its decisions (who, when,
note) and current file, plus the completeness of the section. The section is the one of the
case's open window or, in a state without one (verification, assessment, a final state), of the
latest window the case went through. One read transaction, constant statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import evidence
from ..evidence import Completeness
from ..spec import Definition
from ..store import AuditEntry, EvidenceHistory, EvidenceRecord, EvidenceVersion, Person
from . import evidence_access as access
from .runtime import Runtime

# Short Indonesian labels for a checklist; ``None`` is an item without any upload yet.
CHECKLIST_LABELS = {
    None: "Belum ada",
    evidence.DRAFT: "Draf",
    evidence.SUBMITTED: "Dikirim",
    evidence.ACCEPTED: "Memenuhi",
    evidence.RETURNED: "Perlu perbaikan",
    evidence.REJECTED: "Tidak memenuhi",
}


@dataclass(frozen=True)
class ItemDecision:
    decision: str  # memenuhi | perlu_perbaikan | tidak_memenuhi
    label: str
    note: str
    by: str  # the verifier's name
    at: datetime
    version: int


@dataclass(frozen=True)
class ChecklistItem:
    indicator_id: str
    item_id: str
    label: str
    types: tuple[str, ...]
    max_bytes: int
    status: str | None
    status_label: str
    note: str  # the latest decision's note ('' when none)
    version: int
    rev: int
    original_name: str
    kind: str  # pdf | png | jpeg, '' when nothing uploaded
    decisions: tuple[ItemDecision, ...] = ()  # oldest first


@dataclass(frozen=True)
class ChecklistSet:
    label: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class ChecklistIndicator:
    id: str
    title: str
    sets: tuple[ChecklistSet, ...]


@dataclass(frozen=True)
class ChecklistGroup:
    id: str
    title: str
    indicators: tuple[ChecklistIndicator, ...]


@dataclass(frozen=True)
class Checklist:
    case_id: int
    state_label: str
    section: str | None  # None: the case has not been in a state with an evidence window
    writable: bool  # the window is open now and the actor's role may write into it
    groups: tuple[ChecklistGroup, ...]
    completeness: Completeness | None
    in_window: bool = False  # the case's state is the section's input window
    decisions_blocked: str | None = None  # 'final' | 'read_only': why a verifier cannot decide now

    @property
    def items(self) -> tuple[ChecklistItem, ...]:
        seen: dict[tuple[str, str], ChecklistItem] = {}
        for g in self.groups:
            for i in g.indicators:
                for st in i.sets:
                    for it in st.items:
                        seen.setdefault((it.indicator_id, it.item_id), it)
        return tuple(seen.values())


def evidence_checklist(rt: Runtime, actor_id: int | None, case_id: int) -> Checklist:
    """The checklist of the case's evidence section (see the module), for anyone who may read the
    case's evidence; empty groups when the case has not been in a state with a window yet."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        state = d.state(case.state)
        w = state.evidence
        section = w.section if w else _last_section(s, d, case.id)
        if section is None:
            return Checklist(case.id, state.label, None, False, (), None,
                             decisions_blocked=access.verification_blocked(state, ""))
        rows = s.execute(select(EvidenceRecord, EvidenceVersion).join(
            EvidenceVersion, (EvidenceVersion.record_id == EvidenceRecord.id)
            & (EvidenceVersion.number == EvidenceRecord.current_version))
            .where(EvidenceRecord.case_id == case.id, EvidenceRecord.section == section)).all()
        decisions: dict[int, list[ItemDecision]] = {}
        for h, who in s.execute(select(EvidenceHistory, Person.full_name)
                                .join(EvidenceRecord, EvidenceRecord.id == EvidenceHistory.record_id)
                                .outerjoin(Person, Person.id == EvidenceHistory.actor_id)
                                .where(EvidenceRecord.case_id == case.id, EvidenceRecord.section == section,
                                       EvidenceHistory.action.in_(evidence.DECISIONS))
                                .order_by(EvidenceHistory.id)):
            decisions.setdefault(h.record_id, []).append(ItemDecision(
                h.action, evidence.STATUS_LABELS[h.action], h.note, who or "Sistem", h.at, h.version))
        found = {(r.indicator_id, r.item_id): (r, v) for r, v in rows}
        closed = access.is_closed(s, d, case, section, now)
        groups = tuple(
            ChecklistGroup(gid, title, tuple(
                ChecklistIndicator(ind.id, ind.title, tuple(
                    ChecklistSet(es.label, tuple(_item(ind.id, it, found.get((ind.id, it.id)), decisions)
                                                 for it in es.items))
                    for es in ind.evidence_sets))
                for ind in inds))
            for gid, title, inds in evidence.groups(d, section))
        statuses = {k: r.status for k, (r, _) in found.items()}
        in_window = w is not None and w.section == section
        writable = (in_window and not closed and actor.role in w.roles
                    and not (w.opens and now < d.date(w.opens)))
        return Checklist(case.id, state.label, section, writable, groups,
                         evidence.completeness(d, section, statuses, closed), in_window,
                         access.verification_blocked(state, section))


def _last_section(s, d: Definition, case_id: int) -> str | None:
    """The section of the latest state with an evidence window that the case was in."""
    for source, target in s.execute(select(AuditEntry.from_state, AuditEntry.to_state)
                                    .where(AuditEntry.case_id == case_id).order_by(AuditEntry.id.desc())):
        for st in (target, source):
            if st and d.has_state(st) and d.state(st).evidence is not None:
                return d.state(st).evidence.section
    return None


def _item(indicator_id: str, it, found, decisions) -> ChecklistItem:
    r, v = found if found else (None, None)
    status = r.status if r else None
    made = tuple(decisions.get(r.id, ())) if r else ()
    note = made[-1].note if made and status in (evidence.RETURNED, evidence.REJECTED) else ""
    return ChecklistItem(indicator_id, it.id, it.label, it.types, it.max_bytes, status,
                         CHECKLIST_LABELS[status], note, r.current_version if r else 0, r.rev if r else 0,
                         v.original_name if v else "", v.kind if v else "", made)
