"""Read-only lists for the admin's pages: units as a hierarchy (Kantor Wilayah -> UPT) and people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..store import LoginState, Person, Unit
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class UnitNode:
    id: int
    code: str
    name: str
    kind: str
    region: str
    upt_type: str | None
    children: tuple["UnitNode", ...] = ()


@dataclass(frozen=True)
class PersonRow:
    id: int
    username: str
    full_name: str
    role: str
    unit_name: str | None
    active: bool
    has_password: bool
    locked_until: datetime | None
    must_change_password: bool


def unit_tree(rt: Runtime, actor_id: int | None) -> list[UnitNode]:
    """Every Kantor Wilayah with its UPTs, by region and name (UPTs without a parent at the end)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        units = [
            (u.id, u.code, u.name, u.kind, u.region, u.upt_type, u.parent_id)
            for u in s.scalars(select(Unit).order_by(Unit.region, Unit.name))
        ]
    children: dict = {}
    for *fields, parent_id in units:
        if fields[3] == "upt":
            children.setdefault(parent_id, []).append(UnitNode(*fields))
    tree = [
        UnitNode(*fields, children=tuple(children.pop(fields[0], ())))
        for *fields, _parent in units
        if fields[3] == "kanwil"
    ]
    tree += [n for rest in children.values() for n in rest]
    return tree


def people(rt: Runtime, actor_id: int | None) -> list[PersonRow]:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        unit = aliased(Unit)
        rows = s.execute(
            select(Person, unit.name, LoginState)
            .outerjoin(unit, unit.id == Person.unit_id)
            .outerjoin(LoginState, LoginState.person_id == Person.id)
            .order_by(Person.role, Person.username)
        )
        now = rt.now()
        return [
            PersonRow(
                p.id,
                p.username,
                p.full_name,
                p.role,
                uname,
                p.active,
                bool(p.password_hash),
                st.locked_until if st and st.locked_until and st.locked_until > now else None,
                bool(st and st.must_change_password),
            )
            for p, uname, st in rows
        ]
