"""Evidence use cases that read: list a case's items with versions and history, download one
version, and the completeness of a section. Each runs a constant number of statements."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from .. import evidence
from ..errors import NotFound
from ..files.check import MEDIA_TYPES
from ..store import EvidenceHistory, EvidenceRecord, EvidenceVersion, Person
from . import evidence_access as access
from .runtime import Runtime


@dataclass(frozen=True)
class VersionView:
    number: int
    original_name: str
    sha256: str
    size: int
    kind: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class HistoryView:
    action: str
    version: int
    note: str
    actor: str
    actor_role: str
    at: datetime


@dataclass(frozen=True)
class ItemView:
    section: str
    indicator_id: str
    item_id: str
    label: str
    status: str
    status_label: str
    version: int
    rev: int
    versions: tuple[VersionView, ...]
    history: tuple[HistoryView, ...]


def list_evidence(rt: Runtime, actor_id: int | None, case_id: int) -> list[ItemView]:
    """Every uploaded item of the case, with all its versions and its history of decisions."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        recs = list(s.scalars(select(EvidenceRecord).where(EvidenceRecord.case_id == case.id)
                              .order_by(EvidenceRecord.section, EvidenceRecord.indicator_id, EvidenceRecord.item_id)))
        versions, history = defaultdict(list), defaultdict(list)
        ids = [r.id for r in recs]
        for v, who in s.execute(select(EvidenceVersion, Person.full_name).outerjoin(
                Person, Person.id == EvidenceVersion.uploaded_by).where(EvidenceVersion.record_id.in_(ids))
                .order_by(EvidenceVersion.number)):
            versions[v.record_id].append(VersionView(v.number, v.original_name, v.sha256, v.size, v.kind,
                                                     who or "Sistem", v.uploaded_at))
        for h, who in s.execute(select(EvidenceHistory, Person.full_name).outerjoin(
                Person, Person.id == EvidenceHistory.actor_id).where(EvidenceHistory.record_id.in_(ids))
                .order_by(EvidenceHistory.id)):
            history[h.record_id].append(HistoryView(h.action, h.version, h.note, who or "Sistem", h.actor_role, h.at))
        out = []
        for r in recs:
            try:
                label = evidence.find_item(d, r.section, r.indicator_id, r.item_id)[1].label
            except NotFound:  # pragma: no cover - a definition version never changes under a case
                label = r.item_id
            out.append(ItemView(r.section, r.indicator_id, r.item_id, label, r.status, evidence.STATUS_LABELS[r.status],
                                r.current_version, r.rev, tuple(versions[r.id]), tuple(history[r.id])))
        return out


@dataclass(frozen=True)
class Download:
    filename: str  # the original name, for a Content-Disposition header; never a path
    media_type: str
    sha256: str
    version: int
    data: bytes


def download_evidence(rt: Runtime, actor_id: int | None, case_id: int, indicator_id: str, item_id: str,
                      version: int | None = None) -> Download:
    """One version (default: the current one) of an item, checked against its hash."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, _ = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        q = (select(EvidenceVersion, EvidenceRecord.current_version).join(
            EvidenceRecord, EvidenceRecord.id == EvidenceVersion.record_id)
            .where(EvidenceRecord.case_id == case.id, EvidenceRecord.indicator_id == indicator_id,
                   EvidenceRecord.item_id == item_id))
        rows = {v.number: (v, current) for v, current in s.execute(q)}
        if not rows:
            raise NotFound(f"Data dukung '{item_id}' indikator {indicator_id} belum pernah diunggah.",
                           "No such evidence uploaded.")
        number = version if version is not None else next(iter(rows.values()))[1]
        if number not in rows:
            raise NotFound(f"Versi {number} data dukung '{item_id}' tidak ada (versi tersedia: "
                           f"{', '.join(map(str, sorted(rows)))}).", "No such version.")
        v = rows[number][0]
        return Download(v.original_name, MEDIA_TYPES[v.kind], v.sha256, v.number, rt.blobs().get(v.sha256))


def evidence_completeness(rt: Runtime, actor_id: int | None, case_id: int,
                          section: str | None = None) -> evidence.Completeness:
    """Completeness of a section (default: the one of the case's open window, else the
    catalogue): per indicator which set is complete, per criterion and per case as percentages."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        w = d.state(case.state).evidence
        section = section or (w.section if w else "catalogue")
        if section not in evidence.SECTIONS:
            raise NotFound(f"Bagian data dukung '{section}' tidak dikenal (catalogue atau evaluation).",
                           "Unknown section.")
        statuses = {(i, t): st for i, t, st in s.execute(
            select(EvidenceRecord.indicator_id, EvidenceRecord.item_id, EvidenceRecord.status)
            .where(EvidenceRecord.case_id == case.id, EvidenceRecord.section == section))}
        closed = access.is_closed(s, d, case, section, now)
        return evidence.completeness(d, section, statuses, closed)
