"""Moving a running case to another version of its definition (issue #7): which state it lands
in, what stops it, and whether its task and deadline must be rebuilt. Pure: the service reads
the facts (state, evidence, work in flight) and writes the result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from .firing import OpenTask, StartTimer, enter_effects
from .spec import Definition


def default_mapping(old: Definition, new: Definition) -> dict[str, str]:
    """Every state of ``old`` that ``new`` still has maps to itself."""
    return {s.id: s.id for s in old.states if new.has_state(s.id)}


def effective_mapping(old: Definition, new: Definition,
                      overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The default mapping with the admin's choices on top; an empty choice means "not mapped"."""
    mapping = default_mapping(old, new)
    for source, target in (overrides or {}).items():
        if target:
            mapping[source] = target
        else:
            mapping.pop(source, None)
    return mapping


def indicator_ids(d: Definition) -> frozenset[str]:
    """Indicator ids evidence may be entered for: the catalogue's and the evaluation catalogue's."""
    return frozenset(i.id for i in d.indicators()) | frozenset(i.id for i in d.evaluation_catalogue)


@dataclass(frozen=True)
class CasePlan:
    """What would happen to one case. ``reasons`` are refusals (Indonesian); ``notes`` inform."""

    source: str
    target: str | None
    reasons: tuple[str, ...] = ()
    orphaned: tuple[str, ...] = ()
    recompute_tasks: bool = False
    recompute_timers: bool = False
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def refused(self) -> bool:
        return bool(self.reasons)


def plan_case(old: Definition, new: Definition, state: str, mapping: Mapping[str, str],
              evidence_indicator_ids: Iterable[str], in_flight: bool, confirm_orphans: bool,
              in_flight_detail: str = "") -> CasePlan:
    """Plan moving a case in ``state`` of ``old`` to ``new`` with the effective ``mapping``.

    Refused: the same version, another year, a finished case, a state neither kept nor mapped
    (or mapped to a state ``new`` lacks, or to a final one), evidence for indicators ``new`` no
    longer has unless ``confirm_orphans``, and a transition in flight."""
    reasons: list[str] = []
    notes: list[str] = []
    label = old.state(state).label if old.has_state(state) else state
    if old.content_hash and old.content_hash == new.content_hash:
        reasons.append("Kasus sudah berjalan pada versi tujuan.")
    if old.year != new.year:
        reasons.append(f"Versi tujuan berlaku untuk tahun {new.year}, sedangkan kasus ini tahun {old.year}.")
    if old.has_state(state) and old.state(state).final:
        reasons.append(f"Kasus sudah selesai (tahap akhir '{label}'); hanya kasus yang masih berjalan "
                       "yang dapat dipindahkan.")
    target = mapping.get(state)
    if target is None:
        reasons.append(f"Tahap '{label}' ({state}) tidak ada pada versi tujuan dan belum dipetakan ke "
                       "tahap lain.")
    elif not new.has_state(target):
        reasons.append(f"Tahap '{label}' ({state}) dipetakan ke '{target}', yang tidak ada pada versi "
                       "tujuan.")
        target = None
    elif new.state(target).final and not (old.has_state(state) and old.state(state).final):
        reasons.append(f"Tahap '{label}' ({state}) dipetakan ke tahap akhir '{new.state(target).label}'; "
                       "kasus yang masih berjalan tidak dapat dipindahkan ke tahap akhir.")
    known = indicator_ids(new)
    orphaned = tuple(sorted({i for i in evidence_indicator_ids if i not in known}, key=_natural))
    if orphaned:
        listed = ", ".join(orphaned)
        if confirm_orphans:
            notes.append(f"Data dukung indikator {listed} tetap tersimpan, tetapi indikator tersebut "
                         "tidak ada lagi pada versi tujuan (dikonfirmasi).")
        else:
            reasons.append("Ada data dukung untuk indikator yang tidak ada lagi pada versi tujuan: "
                           f"{listed}. Konfirmasi bila data dukung ini memang ditinggalkan (tetap "
                           "tersimpan, tidak lagi dinilai).")
    if in_flight:
        detail = f": {in_flight_detail}" if in_flight_detail else ""
        reasons.append(f"Ada transisi yang sedang berjalan{detail}. Tunggu hingga penjadwal selesai "
                       "memprosesnya, lalu ulangi.")
    tasks = timers = False
    if target is not None and old.has_state(state):
        tasks = state != target or _task(old, state) != _task(new, target)
        timers = state != target or _deadline(old, state) != _deadline(new, target)
    return CasePlan(state, target, tuple(reasons), orphaned, tasks, timers, tuple(notes))


def rebuilt_work(new: Definition, target: str, entered_at: datetime,
                 extended_until: datetime | None = None) -> tuple[OpenTask | StartTimer, ...]:
    """The task and timer of ``target`` in ``new`` for a case that entered its state at
    ``entered_at`` (documents and notifications of entering are not repeated). A window
    extension (``extended_until``) moves the close deadline as it does for cases entering."""
    work = tuple(e for e in enter_effects(new, target, entered_at) if isinstance(e, (OpenTask, StartTimer)))
    spec = new.state(target)
    follows_window = spec.evidence is not None and spec.deadline is not None and \
        spec.deadline.at == spec.evidence.closes
    if extended_until is None or not follows_window:
        return work
    return tuple(replace(e, due_at=max(e.due_at, extended_until)) if e.due_at is not None else e
                 for e in work)


def _task(d: Definition, state: str):
    t = d.state(state).task
    return (t.role, t.title) if t else None


def _deadline(d: Definition, state: str):
    dl = d.state(state).deadline
    if dl is None:
        return None
    return (dl.fires, d.date(dl.at) if dl.at else dl.after)


def _natural(indicator: str):
    """K1.10 after K1.9."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in indicator.replace(".", " ").split()]
