"""Extending an evidence input window, for one unit or for all (admin only, with a reason).

The extension is a row (who, when, why, until when) that every write path reads at the moment of
the call; the same transaction moves the pending close timers of the cases now in that state and
writes an audit entry on each of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from ..errors import NotFound, ValidationFailed
from ..evidence import format_moment
from ..store import AuditEntry, Case, DefinitionVersion, Timer, Unit, WindowExtension
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class ExtensionView:
    id: int
    year: int
    state: str
    unit_id: int | None
    closes_at: datetime
    cases: int  # cases now in the state that the extension reaches
    timers_moved: int


def extend_window(rt: Runtime, actor_id: int | None, year: int, state: str, closes_at: datetime, reason: str,
                  unit_id: int | None = None) -> ExtensionView:
    """Extend the evidence window of ``state`` in ``year`` until ``closes_at`` for one unit
    (``unit_id``) or for every unit (None)."""
    now = rt.now()
    if closes_at.tzinfo is None:
        raise ValidationFailed("Waktu penutupan baru harus menyertakan zona waktu (WIB).", "closes_at must be aware.")
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationFailed("Alasan perpanjangan wajib diisi.", "A reason is required.",
                                   fields={"reason": "Alasan perpanjangan wajib diisi."})
        if unit_id is not None and s.get(Unit, unit_id) is None:
            raise NotFound(f"Unit Kerja nomor {unit_id} tidak ditemukan.", f"No unit {unit_id}.")
        hashes = list(s.scalars(select(DefinitionVersion.content_hash).where(DefinitionVersion.year == year)))
        if not hashes:
            raise NotFound(f"Belum ada definisi untuk tahun {year}.", f"No definition for {year}.")
        windows = [(d, d.state(state)) for d in (rt.definition(s, h) for h in hashes) if d.has_state(state)]
        windows = [(d, st) for d, st in windows if st.evidence is not None]
        if not windows:
            known = dict.fromkeys(f"{st.label} ({st.id})" for h in hashes for st in rt.definition(s, h).states
                                  if st.evidence is not None)
            raise ValidationFailed(f"Tahap '{state}' tidak memiliki masa penginputan data dukung pada tahun "
                                   f"{year}. Tahap yang memilikinya: {', '.join(known) or 'tidak ada'}.",
                                   "The state has no evidence window.", rule="no_window")
        original = max(d.date(st.evidence.closes) for d, st in windows)
        if closes_at <= original or closes_at <= now:
            raise ValidationFailed(f"Penutupan baru ({format_moment(closes_at)}) harus setelah penutupan semula "
                                   f"({format_moment(original)}) dan setelah saat ini.",
                                   "The new close must be after the original close and after now.",
                                   rule="extension_not_later")
        ext = WindowExtension(year=year, state=state, unit_id=unit_id, closes_at=closes_at, reason=reason,
                              created_by=actor.id, created_at=now)
        s.add(ext)
        s.flush()
        scope = [Case.year == year, Case.state == state] + ([Case.unit_id == unit_id] if unit_id else [])
        case_ids = list(s.scalars(select(Case.id).where(*scope)))
        # the close timer follows the window only where the state's deadline is the window's close
        fires = {st.deadline.fires for _, st in windows if st.deadline and st.deadline.at == st.evidence.closes}
        moved = 0
        if case_ids and fires:
            moved = s.execute(update(Timer).where(Timer.case_id.in_(case_ids), Timer.state == state,
                                                  Timer.status == "pending", Timer.event.in_(fires),
                                                  Timer.due_at < closes_at).values(due_at=closes_at)).rowcount
        if case_ids:
            payload = {"closes_at": closes_at.isoformat(), "reason": reason, "extension_id": ext.id,
                       "scope": "unit" if unit_id else "all"}
            s.execute(insert(AuditEntry), [
                {"case_id": cid, "actor_id": actor.id, "actor_role": actor.role, "event": "evidence_window_extended",
                 "from_state": state, "to_state": state, "payload": payload, "at": now} for cid in case_ids])
        view = ExtensionView(ext.id, year, state, unit_id, closes_at, len(case_ids), moved)
        uow.commit()
        return view
