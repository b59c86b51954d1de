"""Organisation: units (Kantor Wilayah -> UPT), people with roles, assignments to units."""

from __future__ import annotations

from sqlalchemy import select

from ..errors import NotFound, ValidationFailed
from ..spec import ROLES
from ..store import Assignment, Person, Unit
from .authz import load_actor, require_role
from .runtime import Runtime

UNIT_KINDS = {"kanwil": "Kantor Wilayah", "upt": "UPT"}


def create_unit(rt: Runtime, actor_id: int | None, code: str, name: str, kind: str, region: str,
                parent_code: str | None = None, upt_type: str | None = None, address: str = "") -> int:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        problems = {}
        if not code.strip() or not name.strip() or not region.strip():
            problems["code"] = "Kode, nama dan wilayah Unit Kerja wajib diisi."
        if kind not in UNIT_KINDS:
            problems["kind"] = "Jenis Unit Kerja harus 'kanwil' (Kantor Wilayah) atau 'upt' (UPT)."
        parent_id = None
        if kind == "upt":
            parent_id = s.scalar(select(Unit.id).where(Unit.code == parent_code, Unit.kind == "kanwil"))
            if parent_id is None:
                problems["parent"] = f"UPT harus berada di bawah Kantor Wilayah yang terdaftar ('{parent_code}')."
        if s.scalar(select(Unit.id).where(Unit.code == code)) is not None:
            problems["code"] = f"Kode Unit Kerja '{code}' sudah dipakai."
        if problems:
            raise ValidationFailed(" ".join(problems.values()), "Invalid unit.", fields=problems)
        unit = Unit(code=code, name=name, kind=kind, region=region, parent_id=parent_id, upt_type=upt_type,
                    address=address)
        s.add(unit)
        s.flush()
        uow.commit()
        return unit.id


def create_person(rt: Runtime, actor_id: int | None, username: str, full_name: str, role: str,
                  unit_code: str | None = None, email: str = "") -> int:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        if role not in ROLES or role == "system":
            raise ValidationFailed(f"Peran '{role}' tidak dikenal.", f"Unknown role {role}.")
        unit_id = None
        if unit_code:
            unit_id = s.scalar(select(Unit.id).where(Unit.code == unit_code))
            if unit_id is None:
                raise NotFound(f"Unit Kerja '{unit_code}' tidak ditemukan.", f"No unit {unit_code}.")
        if role == "operator" and unit_id is None:
            raise ValidationFailed("Operator harus terhubung dengan satu Unit Kerja.", "Operator needs a unit.")
        if s.scalar(select(Person.id).where(Person.username == username)) is not None:
            raise ValidationFailed(f"Nama pengguna '{username}' sudah dipakai.", "Username taken.")
        p = Person(username=username, full_name=full_name, role=role, unit_id=unit_id, email=email,
                   active=True, created_at=rt.now())
        s.add(p)
        s.flush()
        uow.commit()
        return p.id


def assign(rt: Runtime, actor_id: int | None, unit_id: int, year: int, person_id: int) -> None:
    """Assign a verifier or assessor to a unit for a year; their tasks on its case go to them."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        person = s.get(Person, person_id)
        if person is None or person.role not in ("verifikator", "penilai"):
            raise ValidationFailed("Hanya Verifikator atau Penilai yang dapat ditugaskan.", "Not assignable.")
        s.add(Assignment(unit_id=unit_id, year=year, role=person.role, person_id=person_id))
        uow.commit()
