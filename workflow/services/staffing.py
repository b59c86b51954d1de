"""Who verifies and assesses which unit in a year: assignments by hand and balanced by load."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..errors import NotFound, ValidationFailed
from ..store import Assignment, Case, Person, Unit
from .authz import load_actor, require_role
from .runtime import Runtime

REVIEW_ROLES = ("verifikator", "penilai")


@dataclass(frozen=True)
class UnitStaff:
    unit_id: int
    code: str
    name: str
    region: str
    has_case: bool
    verifiers: tuple[str, ...]
    assessors: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    role: str
    load: int  # units assigned this year


@dataclass(frozen=True)
class Staffing:
    year: int
    units: tuple[UnitStaff, ...]
    candidates: tuple[Candidate, ...]


def staffing(rt: Runtime, actor_id: int | None, year: int) -> Staffing:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        names: dict = {}
        for unit_id, role, name in s.execute(
            select(Assignment.unit_id, Assignment.role, Person.full_name)
            .join(Person, Person.id == Assignment.person_id)
            .where(Assignment.year == year)
            .order_by(Person.full_name)
        ):
            names.setdefault((unit_id, role), []).append(name)
        with_case = set(s.scalars(select(Case.unit_id).where(Case.year == year)))
        units = tuple(
            UnitStaff(
                u.id,
                u.code,
                u.name,
                u.region,
                u.id in with_case,
                tuple(names.get((u.id, "verifikator"), ())),
                tuple(names.get((u.id, "penilai"), ())),
            )
            for u in s.scalars(select(Unit).order_by(Unit.region, Unit.kind, Unit.name))
        )
        return Staffing(year, units, tuple(_candidates(s, year)))


def _candidates(s, year: int) -> list[Candidate]:
    load = (
        select(Assignment.person_id, func.count().label("n"))
        .where(Assignment.year == year)
        .group_by(Assignment.person_id)
        .subquery()
    )
    return [
        Candidate(pid, name, role, int(n or 0))
        for pid, name, role, n in s.execute(
            select(Person.id, Person.full_name, Person.role, load.c.n)
            .outerjoin(load, load.c.person_id == Person.id)
            .where(Person.role.in_(REVIEW_ROLES), Person.active)
            .order_by(Person.role, Person.full_name)
        )
    ]


def assign_by_hand(rt: Runtime, actor_id: int | None, unit_id: int, year: int, person_id: int) -> None:
    """Assign a verifier or assessor to a unit for a year (refused, not duplicated, if already so)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        person = s.get(Person, person_id)
        if person is None or person.role not in REVIEW_ROLES or not person.active:
            raise ValidationFailed(
                "Hanya Verifikator atau Penilai aktif yang dapat ditugaskan.", "Not assignable."
            )
        if s.get(Unit, unit_id) is None:
            raise NotFound(f"Unit Kerja nomor {unit_id} tidak ditemukan.", f"No unit {unit_id}.")
        if (
            s.scalar(
                select(Assignment.id).where(
                    Assignment.unit_id == unit_id, Assignment.year == year, Assignment.person_id == person_id
                )
            )
            is not None
        ):
            raise ValidationFailed(
                f"{person.full_name} sudah ditugaskan pada Unit Kerja ini untuk tahun {year}.",
                "Already assigned.",
            )
        s.add(Assignment(unit_id=unit_id, year=year, role=person.role, person_id=person_id))
        uow.commit()


def balance(rt: Runtime, actor_id: int | None, year: int, role: str) -> int:
    """Give every unit with a case in ``year`` and nobody of ``role`` assigned the least-loaded
    person of that role (ties: the lower id). Returns how many units were assigned."""
    if role not in REVIEW_ROLES:
        raise ValidationFailed(f"Peran '{role}' tidak dapat ditugaskan.", f"Role {role} is not assignable.")
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        people = [c for c in _candidates(s, year) if c.role == role]
        if not people:
            raise ValidationFailed(
                f"Belum ada {role} aktif untuk ditugaskan.", f"No active {role} to assign."
            )
        load = {c.id: c.load for c in people}
        covered = select(Assignment.unit_id).where(Assignment.year == year, Assignment.role == role)
        todo = list(
            s.scalars(
                select(Case.unit_id)
                .where(Case.year == year, Case.unit_id.not_in(covered))
                .order_by(Case.unit_id)
            )
        )
        for unit_id in todo:
            pid = min(load, key=lambda p: (load[p], p))
            s.add(Assignment(unit_id=unit_id, year=year, role=role, person_id=pid))
            load[pid] += 1
        uow.commit()
        return len(todo)
