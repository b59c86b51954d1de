"""Evidence records by number, for the JSON API: its URLs name a record by id, while the
evidence services take the (indicator, item) key. Access is checked like any other read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import NotFound
from ..store import EvidenceRecord
from . import evidence_access as access
from .runtime import Runtime


@dataclass(frozen=True)
class RecordRef:
    id: int
    indicator_id: str
    item_id: str


def find_record(rt: Runtime, actor_id: int | None, case_id: int, record_id: int | None = None,
                indicator_id: str | None = None, item_id: str | None = None) -> RecordRef:
    """The case's record with ``record_id``, or with the (``indicator_id``, ``item_id``) key;
    NotFound when the case has no such record, NotAllowed when the actor may not read the case."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor, case, _ = access.load(rt, s, actor_id, case_id)
        access.check_read(s, actor, case)
        q = select(EvidenceRecord).where(EvidenceRecord.case_id == case.id)
        if record_id is not None:
            q = q.where(EvidenceRecord.id == record_id)
        else:
            q = q.where(EvidenceRecord.indicator_id == indicator_id, EvidenceRecord.item_id == item_id)
        rec = s.scalars(q.order_by(EvidenceRecord.id)).first()
        if rec is None:
            what = f"nomor {record_id}" if record_id is not None else f"'{item_id}' indikator {indicator_id}"
            raise NotFound(f"Data dukung {what} tidak ada pada kasus {case_id}.", "No such evidence record.")
        return RecordRef(rec.id, rec.indicator_id, rec.item_id)
