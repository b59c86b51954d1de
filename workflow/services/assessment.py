"""Assessment (penilaian): assessors score every indicator with the definition's scales; the case
is then submitted with the stored scores, and the engine's guards decide pass or fail.

Conflict of interest: an assessor belongs to a Kantor Wilayah (``Person.unit_id``) and may not score
that Kanwil nor any of its UPTs (``Unit.parent_id``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from .. import scoring
from ..errors import NotAllowed, ValidationFailed
from ..firing import Actor
from ..store import AssessmentScore, Assignment, Case, Task, Unit
from .authz import get_case, load_actor
from .cases import CaseView, fire_in
from .runtime import Runtime


def check_conflict(s, actor: Actor, case: Case) -> None:
    """Refuse an assessor whose own Kantor Wilayah is the case's unit or its parent."""
    unit = s.get(Unit, case.unit_id)
    kanwil_id = unit.parent_id or unit.id
    if actor.role == "penilai" and actor.unit_id is not None and actor.unit_id == kanwil_id:
        kanwil = s.get(Unit, kanwil_id)
        raise NotAllowed(f"Konflik kepentingan: Penilai dari {kanwil.name} tidak boleh menilai {unit.name}, "
                         "Unit Kerja di wilayahnya sendiri. Minta Admin menugaskan Penilai dari wilayah lain.",
                         "Conflict of interest: assessors may not score a unit of their own Kanwil.")


def _check_assessor(s, actor: Actor, case: Case) -> None:
    if actor.role not in ("penilai", "admin"):
        raise NotAllowed("Hanya Penilai yang dapat memberi nilai.", "Only assessors may score.")
    check_conflict(s, actor, case)
    if actor.role == "admin":
        return
    has_task = s.scalar(select(Task.id).where(Task.case_id == case.id, Task.role == "penilai", Task.status == "open",
                                              (Task.assignee_id == actor.id) | Task.assignee_id.is_(None)).limit(1))
    assigned = s.scalar(select(Assignment.id).where(Assignment.unit_id == case.unit_id, Assignment.year == case.year,
                                                    Assignment.role == "penilai", Assignment.person_id == actor.id))
    open_any = s.scalar(select(Task.id).where(Task.case_id == case.id, Task.role == "penilai",
                                              Task.status == "open").limit(1))
    if not open_any:
        raise ValidationFailed("Kasus ini tidak sedang dalam tahap penilaian.", "The case is not being assessed.")
    if not (has_task or assigned):
        raise NotAllowed("Kasus ini tidak ditugaskan kepada Anda.", "This case is not assigned to you.")


def save_scores(rt: Runtime, actor_id: int, case_id: int, choices: dict[str, str]) -> int:
    """Record (or change) this assessor's option for the given indicators; returns how many."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        case = get_case(s, case_id)
        _check_assessor(s, actor, case)
        d = rt.definition(s, case.definition_hash)
        indicators = {i.id: i for i in d.indicators()}
        problems = {}
        for ind_id, option in choices.items():
            if ind_id not in indicators:
                problems[ind_id] = f"Indikator '{ind_id}' tidak ada dalam definisi {d.id}."
                continue
            scale = d.scoring.scale(_scale_id(d, ind_id))
            if option not in {o.id for o in scale.options}:
                allowed = ", ".join(o.id for o in scale.options)
                problems[ind_id] = f"Pilihan '{option}' tidak sah untuk indikator {ind_id} (pilihan: {allowed})."
        if problems:
            raise ValidationFailed(" ".join(problems.values()), "Invalid scores.", fields=problems)
        existing = {r.indicator_id: r for r in s.scalars(select(AssessmentScore).where(
            AssessmentScore.case_id == case.id, AssessmentScore.assessor_id == actor.id))}
        for ind_id, option in choices.items():
            row = existing.get(ind_id)
            if row is None:
                s.add(AssessmentScore(case_id=case.id, assessor_id=actor.id, indicator_id=ind_id, option_id=option,
                                      note="", scored_at=now))
            else:
                row.option_id, row.scored_at = option, now
        uow.commit()
        return len(choices)


def _scale_id(d, indicator_id: str) -> str:
    for c in d.catalogue:
        for i in c.indicators:
            if i.id == indicator_id:
                return i.scale or c.scale or d.scoring.default_scale
    raise KeyError(indicator_id)


@dataclass(frozen=True)
class Standing:
    assessors: tuple[int, ...]  # who scored, in order of their first score
    missing: dict  # assessor id -> indicator ids still unscored
    choices: dict  # indicator id -> option ids, one per complete assessor
    result: scoring.Result | None  # None until enough assessors are complete


def standing(s, d, case_id: int) -> Standing:
    rows = list(s.scalars(select(AssessmentScore).where(AssessmentScore.case_id == case_id)
                          .order_by(AssessmentScore.id)))
    by_assessor: dict[int, dict] = {}
    for r in rows:
        by_assessor.setdefault(r.assessor_id, {})[r.indicator_id] = r.option_id
    all_ids = [i.id for i in d.indicators()]
    missing = {a: [i for i in all_ids if i not in got] for a, got in by_assessor.items()}
    complete = [a for a in by_assessor if not missing[a]][: d.scoring.assessors]
    choices = {i: [by_assessor[a][i] for a in complete] for i in all_ids} if complete else {}
    result = scoring.score(d, choices) if len(complete) >= d.scoring.assessors else None
    return Standing(tuple(by_assessor), missing, choices, result)


def assessment_standing(rt: Runtime, actor_id: int | None, case_id: int) -> Standing:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        case = get_case(s, case_id)
        if actor.role != "system":
            _check_assessor(s, actor, case)
        return standing(s, rt.definition(s, case.definition_hash), case.id)


def submit_assessment(rt: Runtime, actor_id: int, case_id: int, expected_version: int | None = None) -> CaseView:
    """Fire ``submit_assessment`` with the stored scores (averaged over the definition's number of
    assessors); the guards then take the case to its pass or fail state."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        case = get_case(s, case_id)
        _check_assessor(s, actor, case)
        d = rt.definition(s, case.definition_hash)
        st = standing(s, d, case.id)
        if st.result is None:
            complete = sum(1 for a in st.missing if not st.missing[a])
            gaps = "; ".join(f"{len(m)} indikator belum dinilai" for m in st.missing.values() if m)
            raise ValidationFailed(f"Penilaian belum lengkap: diperlukan {d.scoring.assessors} Penilai dengan nilai "
                                   f"lengkap, baru {complete}." + (f" ({gaps})" if gaps else ""),
                                   "The assessment is incomplete.")
        view = fire_in(rt, s, actor_id, case_id, "submit_assessment", {"scores": st.choices}, expected_version)
        uow.commit()
        return view
