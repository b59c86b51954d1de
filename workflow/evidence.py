"""Evidence (data dukung) rules: item statuses, input windows and completeness. Pure: no I/O.

An evidence *item* of a case moves ``draft`` (uploaded, still the operator's) -> ``submitted``
(frozen for the operator) -> a verifier's decision: ``memenuhi`` (accepted, final),
``perlu_perbaikan`` (returned: the operator may replace it, which makes it a draft again) or
``tidak_memenuhi`` (rejected, final). An indicator is complete when every item of at least one of its
alternative evidence sets is complete; criteria and the case are percentages of complete indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from .deadlines import JAKARTA, format_date_id
from .errors import NotFound, ValidationFailed
from .spec import Definition, EvidenceItem, EvidenceWindow, Indicator, StateSpec

DRAFT = "draft"
SUBMITTED = "submitted"
ACCEPTED = "memenuhi"
RETURNED = "perlu_perbaikan"
REJECTED = "tidak_memenuhi"
DECISIONS = (ACCEPTED, RETURNED, REJECTED)
STATUS_LABELS = {
    DRAFT: "Draf (belum dikirim)",
    SUBMITTED: "Dikirim, menunggu verifikasi",
    ACCEPTED: "Memenuhi",
    RETURNED: "Perlu perbaikan",
    REJECTED: "Tidak memenuhi",
}
SECTIONS = {"catalogue": "indikator", "evaluation": "evaluasi"}


# -- catalogue lookups -----------------------------------------------------------------------
def groups(d: Definition, section: str) -> tuple[tuple[str, str, tuple[Indicator, ...]], ...]:
    """The indicators of a section grouped as (group id, title, indicators): the criteria of the
    catalogue, or one group for the evaluation catalogue."""
    if section == "evaluation":
        return (("EVALUASI", "Data dukung evaluasi", d.evaluation_catalogue),)
    return tuple((c.id, c.title, c.indicators) for c in d.catalogue)


def find_item(d: Definition, section: str, indicator_id: str, item_id: str) -> tuple[Indicator, EvidenceItem]:
    """The indicator and item named, or NotFound saying which of the two is unknown."""
    ind = next((i for _, _, inds in groups(d, section) for i in inds if i.id == indicator_id), None)
    if ind is None:
        raise NotFound(f"Indikator '{indicator_id}' tidak ada dalam katalog {SECTIONS[section]} definisi "
                       f"{d.id}.", f"No indicator {indicator_id} in the {section} section of {d.id}.")
    item = next((x for x in ind.items if x.id == item_id), None)
    if item is None:
        known = ", ".join(x.id for x in ind.items)
        raise NotFound(f"Data dukung '{item_id}' tidak dikenal untuk indikator {indicator_id} "
                       f"(yang dikenal: {known}).", f"No evidence item {item_id} for {indicator_id}.")
    return ind, item


# -- windows ---------------------------------------------------------------------------------
def format_moment(moment: datetime) -> str:
    """'15 Oktober 2023 pukul 23.59.59 WIB'."""
    local = moment.astimezone(JAKARTA)
    return f"{format_date_id(local)} pukul {local:%H.%M.%S} WIB"


def window_close(d: Definition, window: EvidenceWindow, extensions: Iterable[datetime] = ()) -> datetime:
    """The effective close: the calendar date, or the latest extension beyond it."""
    return max([d.date(window.closes), *extensions])


def check_window(d: Definition, state: StateSpec, now: datetime, close: datetime) -> EvidenceWindow:
    """Refuse (ValidationFailed) unless ``state`` has an evidence window that is open at ``now``."""
    w = state.evidence
    if w is None:
        raise ValidationFailed(f"Data dukung tidak dapat diubah pada tahap '{state.label}': tahap ini tidak "
                               "memiliki masa penginputan data dukung.",
                               f"Evidence cannot change in state '{state.id}'.", rule="no_window")
    if w.opens and now < d.date(w.opens):
        raise ValidationFailed(f"Masa penginputan data dukung belum dibuka (dibuka {format_moment(d.date(w.opens))}).",
                               "The evidence window is not open yet.", rule="window_not_open")
    if now > close:
        raise ValidationFailed(f"Masa penginputan data dukung sudah ditutup pada {format_moment(close)}; data "
                               "dukung tidak dapat diubah lagi.", "The evidence window has closed.",
                               rule="window_closed", closes=close.isoformat())
    return w


# -- item status rules -----------------------------------------------------------------------
def check_replace(status: str | None) -> None:
    """May the operator upload a (new) file for an item in ``status`` (None: no file yet)?"""
    if status in (None, DRAFT, RETURNED):
        return
    why = {SUBMITTED: "sudah dikirim dan sedang menunggu verifikasi",
           ACCEPTED: "sudah dinyatakan memenuhi oleh Verifikator",
           REJECTED: "sudah dinyatakan tidak memenuhi oleh Verifikator"}[status]
    raise ValidationFailed(f"Data dukung ini {why}, sehingga tidak dapat diganti.",
                           f"The item is {status} and cannot be replaced.", rule="item_frozen")


def check_decision(status: str, decision: str, note: str) -> str:
    """Validate a verifier's decision on an item in ``status``; returns the trimmed note."""
    if decision not in DECISIONS:
        raise ValidationFailed(f"Keputusan '{decision}' tidak dikenal (pilihan: {', '.join(DECISIONS)}).",
                               f"Unknown decision {decision}.", rule="decision_unknown")
    if status != SUBMITTED:
        raise ValidationFailed(f"Hanya data dukung yang sudah dikirim yang dapat diverifikasi (status saat ini: "
                               f"{STATUS_LABELS[status]}).", f"Item is {status}, not submitted.",
                               rule="not_submitted")
    note = (note or "").strip()
    if decision != ACCEPTED and not note:
        raise ValidationFailed(f"Catatan wajib diisi untuk keputusan '{STATUS_LABELS[decision]}'.",
                               "A note is required when returning or rejecting an item.", rule="note_required",
                               fields={"note": "Catatan wajib diisi."})
    return note


# -- completeness ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SetProgress:
    label: str
    complete: int
    total: int


@dataclass(frozen=True)
class IndicatorCompleteness:
    id: str
    title: str
    sets: tuple[SetProgress, ...]
    complete_set: str | None  # label of the first complete set, None when none is
    verified_set: str | None  # label of the first set whose items are all 'memenuhi'

    @property
    def complete(self) -> bool:
        return self.complete_set is not None


@dataclass(frozen=True)
class GroupCompleteness:
    id: str
    title: str
    indicators: tuple[IndicatorCompleteness, ...]
    percent: float
    verified_percent: float


@dataclass(frozen=True)
class Completeness:
    section: str
    closed: bool
    groups: tuple[GroupCompleteness, ...]
    percent: float
    verified_percent: float

    def indicator(self, indicator_id: str) -> IndicatorCompleteness:
        return next(i for g in self.groups for i in g.indicators if i.id == indicator_id)


def counts(status: str | None, closed: bool) -> bool:
    """Does an item in ``status`` count towards completeness? After the close a draft (never
    submitted) counts as missing; returned and rejected items never count."""
    return status in (SUBMITTED, ACCEPTED) or (status == DRAFT and not closed)


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def completeness(d: Definition, section: str, statuses: Mapping[tuple[str, str], str], closed: bool) -> Completeness:
    """Completeness of one section in one pass; ``statuses`` maps (indicator id, item id) to status."""
    out, n_all, n_done, n_verified = [], 0, 0, 0
    for gid, title, indicators in groups(d, section):
        rows = []
        for ind in indicators:
            sets, done, verified = [], None, None
            for s in ind.evidence_sets:
                got = [statuses.get((ind.id, item.id)) for item in s.items]
                ok = sum(counts(st, closed) for st in got)
                sets.append(SetProgress(s.label, ok, len(s.items)))
                if done is None and ok == len(s.items):
                    done = s.label
                if verified is None and all(st == ACCEPTED for st in got):
                    verified = s.label
            rows.append(IndicatorCompleteness(ind.id, ind.title, tuple(sets), done, verified))
        c_done = sum(r.complete for r in rows)
        c_ver = sum(r.verified_set is not None for r in rows)
        out.append(GroupCompleteness(gid, title, tuple(rows), _percent(c_done, len(rows)), _percent(c_ver, len(rows))))
        n_all, n_done, n_verified = n_all + len(rows), n_done + c_done, n_verified + c_ver
    return Completeness(section, closed, tuple(out), _percent(n_done, n_all), _percent(n_verified, n_all))
