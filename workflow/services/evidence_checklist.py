"""The evidence checklist of a case, as the operator and the verifier pages show it: criteria ->
indicators -> alternative sets -> items, each item with its status, latest decision note and
current file, plus the completeness of the section. One read transaction, constant statements."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import evidence
from ..evidence import Completeness
from ..store import EvidenceHistory, EvidenceRecord, EvidenceVersion
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
    section: str | None  # None: the case's state has no evidence window
    writable: bool  # the window is open now and the actor's role may write into it
    groups: tuple[ChecklistGroup, ...]
    completeness: Completeness | None

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
    """The checklist of the case's open evidence window (empty groups when its state has none),
    for anyone who may read the case's evidence."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        state = d.state(case.state)
        w = state.evidence
        if w is None:
            return Checklist(case.id, state.label, None, False, (), None)
        rows = s.execute(select(EvidenceRecord, EvidenceVersion).join(
            EvidenceVersion, (EvidenceVersion.record_id == EvidenceRecord.id)
            & (EvidenceVersion.number == EvidenceRecord.current_version))
            .where(EvidenceRecord.case_id == case.id, EvidenceRecord.section == w.section)).all()
        notes = {}
        for rid, note in s.execute(select(EvidenceHistory.record_id, EvidenceHistory.note).join(
                EvidenceRecord, EvidenceRecord.id == EvidenceHistory.record_id)
                .where(EvidenceRecord.case_id == case.id, EvidenceHistory.action.in_(evidence.DECISIONS))
                .order_by(EvidenceHistory.id)):
            notes[rid] = note
        found = {(r.indicator_id, r.item_id): (r, v) for r, v in rows}
        closed = access.is_closed(s, d, case, w.section, now)
        groups = tuple(
            ChecklistGroup(gid, title, tuple(
                ChecklistIndicator(ind.id, ind.title, tuple(
                    ChecklistSet(es.label, tuple(_item(ind.id, it, found.get((ind.id, it.id)), notes)
                                                 for it in es.items))
                    for es in ind.evidence_sets))
                for ind in inds))
            for gid, title, inds in evidence.groups(d, w.section))
        statuses = {k: r.status for k, (r, _) in found.items()}
        writable = not closed and actor.role in w.roles and not (w.opens and now < d.date(w.opens))
        return Checklist(case.id, state.label, w.section, writable, groups,
                         evidence.completeness(d, w.section, statuses, closed))


def _item(indicator_id: str, it, found, notes) -> ChecklistItem:
    r, v = found if found else (None, None)
    status = r.status if r else None
    note = notes.get(r.id, "") if r and status in (evidence.RETURNED, evidence.REJECTED) else ""
    return ChecklistItem(indicator_id, it.id, it.label, it.types, it.max_bytes, status,
                         CHECKLIST_LABELS[status], note, r.current_version if r else 0, r.rev if r else 0,
                         v.original_name if v else "", v.kind if v else "")
