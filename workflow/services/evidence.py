"""Evidence (data dukung) use cases that write: upload or replace an item, submit indicators for
verification (in part or whole), decide an item, take a case from the verification pool.

Each is one transaction. Every check (role, unit, window at the moment of the call, item status,
file content) runs before the file is stored or a row is written, so a refusal leaves nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from .. import evidence
from ..errors import ChangedMeanwhile, NotAllowed, NotFound, ValidationFailed
from ..files.check import check_file
from ..store import Assignment, EvidenceBlob, EvidenceHistory, EvidenceRecord, EvidenceVersion, Task
from . import evidence_access as access
from .runtime import Runtime


@dataclass(frozen=True)
class ItemState:
    case_id: int
    section: str
    indicator_id: str
    item_id: str
    status: str
    version: int
    rev: int
    label: str = ""  # the item's label from the definition, where the caller needs it


def _state(r: EvidenceRecord) -> ItemState:
    return ItemState(r.case_id, r.section, r.indicator_id, r.item_id, r.status, r.current_version, r.rev)


def _changed() -> ChangedMeanwhile:
    return ChangedMeanwhile("Data dukung ini telah diubah oleh pengguna lain sementara Anda bekerja. Muat ulang "
                            "halaman lalu ulangi bila masih diperlukan.", "The item changed meanwhile.")


def _record(s, case_id: int, indicator_id: str, item_id: str, section: str | None = None) -> EvidenceRecord | None:
    q = select(EvidenceRecord).where(EvidenceRecord.case_id == case_id, EvidenceRecord.indicator_id == indicator_id,
                                     EvidenceRecord.item_id == item_id)
    if section is not None:
        q = q.where(EvidenceRecord.section == section)
    return s.scalars(q).first()


def _bump(s, r: EvidenceRecord, now: datetime, **values) -> None:
    """Update the item only if nobody changed it since it was read (its ``rev``)."""
    n = s.execute(update(EvidenceRecord).where(EvidenceRecord.id == r.id, EvidenceRecord.rev == r.rev)
                  .values(rev=r.rev + 1, updated_at=now, **values)
                  .execution_options(synchronize_session=False)).rowcount
    if n != 1:
        raise _changed()
    s.expire(r)


def upload_evidence(rt: Runtime, actor_id: int | None, case_id: int, indicator_id: str, item_id: str,
                    filename: str, data: bytes, expected_rev: int | None = None) -> ItemState:
    """Store a file for one evidence item of the case's open window (a first upload, or a
    replacement that keeps every earlier version). Refusals write no row and no file."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id, lock=True)
        w = access.check_write(s, actor, case, d, now)
        _, item = evidence.find_item(d, w.section, indicator_id, item_id)
        rec = _record(s, case.id, indicator_id, item_id, w.section)
        evidence.check_replace(rec.status if rec else None)
        if expected_rev is not None and (rec.rev if rec else 0) != expected_rev:
            raise _changed()
        checked = check_file(filename, data, item.types, item.max_bytes)
        sha, _ = rt.blobs().put(data)
        insert = pg_insert if rt.store.dialect == "postgresql" else sqlite_insert
        s.execute(insert(EvidenceBlob).values(sha256=sha, size=checked.size, kind=checked.kind, created_at=now)
                  .on_conflict_do_nothing(index_elements=["sha256"]))
        if rec is None:
            rec = EvidenceRecord(case_id=case.id, section=w.section, indicator_id=indicator_id, item_id=item_id,
                                 status=evidence.DRAFT, current_version=1, rev=1, updated_at=now)
            s.add(rec)
            try:
                s.flush()
            except IntegrityError as exc:
                raise _changed() from exc
        else:
            _bump(s, rec, now, status=evidence.DRAFT, current_version=rec.current_version + 1)
        number = rec.current_version
        s.add(EvidenceVersion(record_id=rec.id, number=number, sha256=sha, original_name=checked.name,
                              size=checked.size, kind=checked.kind, uploaded_by=actor.id, uploaded_at=now))
        s.add(EvidenceHistory(record_id=rec.id, action="uploaded", version=number, note="", actor_id=actor.id,
                              actor_role=actor.role, at=now))
        s.flush()
        result = _state(rec)
        uow.commit()
        return result


def submit_indicators(rt: Runtime, actor_id: int | None, case_id: int, indicator_ids: list[str]) -> list[ItemState]:
    """Send the draft items of the given indicators for verification (the others stay with the
    operator); a submitted item is frozen for the operator until a verifier decides."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id, lock=True)
        w = access.check_write(s, actor, case, d, now)
        wanted = list(dict.fromkeys(indicator_ids))
        if not wanted:
            raise ValidationFailed("Pilih paling sedikit satu indikator untuk dikirim.", "No indicator chosen.")
        known = {i.id for _, _, inds in evidence.groups(d, w.section) for i in inds}
        unknown = [i for i in wanted if i not in known]
        if unknown:
            raise NotFound(f"Indikator tidak dikenal: {', '.join(unknown)}.", f"Unknown indicators {unknown}.")
        recs = list(s.scalars(select(EvidenceRecord).where(
            EvidenceRecord.case_id == case.id, EvidenceRecord.section == w.section,
            EvidenceRecord.indicator_id.in_(wanted), EvidenceRecord.status == evidence.DRAFT)
            .order_by(EvidenceRecord.indicator_id, EvidenceRecord.item_id)))
        if not recs:
            raise ValidationFailed(f"Tidak ada data dukung berstatus draf untuk dikirim pada indikator "
                                   f"{', '.join(wanted)}. Unggah data dukung terlebih dahulu.",
                                   "Nothing to submit.", rule="nothing_to_submit")
        for r in recs:
            _bump(s, r, now, status=evidence.SUBMITTED)
            s.add(EvidenceHistory(record_id=r.id, action="submitted", version=r.current_version, note="",
                                  actor_id=actor.id, actor_role=actor.role, at=now))
        s.flush()
        result = [_state(r) for r in recs]
        uow.commit()
        return result


def decide_item(rt: Runtime, actor_id: int, case_id: int, indicator_id: str, item_id: str, decision: str,
                note: str = "", expected_rev: int | None = None) -> ItemState:
    """A verifier's decision on one submitted item: ``memenuhi``, ``perlu_perbaikan`` or
    ``tidak_memenuhi`` (the last two need a note). The history keeps every decision."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, d = access.load(rt, s, actor_id, case_id, lock=True)
        access.check_verifier(s, actor, case)
        rec = _record(s, case.id, indicator_id, item_id)
        if rec is None:
            raise NotFound(f"Data dukung '{item_id}' indikator {indicator_id} belum pernah diunggah.",
                           "No such evidence uploaded.")
        state = d.state(case.state)
        why = access.verification_refusal(state, rec.section)
        if why:
            raise ValidationFailed(why, "Evidence cannot be verified in this state.", rule="no_verification")
        note = evidence.check_decision(rec.status, decision, note)
        if expected_rev is not None and rec.rev != expected_rev:
            raise _changed()
        _bump(s, rec, now, status=decision)
        s.add(EvidenceHistory(record_id=rec.id, action=decision, version=rec.current_version, note=note,
                              actor_id=actor.id, actor_role=actor.role, at=now))
        s.flush()
        _, item = evidence.find_item(d, rec.section, indicator_id, item_id)
        result = replace(_state(rec), label=item.label)
        uow.commit()
        return result


def claim_verification(rt: Runtime, actor_id: int, case_id: int) -> None:
    """A verifier takes a case from the pool: they are assigned to its unit for the year and take
    its pooled verification tasks. Refused when another verifier already holds it."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, _ = access.load(rt, s, actor_id, case_id, lock=True)
        if actor.role != "verifikator":
            raise NotAllowed("Hanya Verifikator yang dapat mengambil verifikasi data dukung.", "Verifiers only.")
        holders = set(s.scalars(select(Assignment.person_id).where(
            Assignment.unit_id == case.unit_id, Assignment.year == case.year, Assignment.role == actor.role)))
        if holders - {actor.id}:
            raise ChangedMeanwhile("Verifikasi Unit Kerja ini sudah ditangani Verifikator lain.",
                                   "Another verifier already holds this case.")
        if actor.id not in holders:
            s.add(Assignment(unit_id=case.unit_id, year=case.year, role=actor.role, person_id=actor.id))
        s.execute(update(Task).where(Task.case_id == case.id, Task.status == "open", Task.role == actor.role,
                                     Task.assignee_id.is_(None)).values(assignee_id=actor.id))
        uow.commit()
