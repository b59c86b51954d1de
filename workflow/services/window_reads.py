"""Read-only list of evidence window extensions, newest first, for the admin's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..store import Person, Unit, WindowExtension
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class ExtensionRow:
    id: int
    year: int
    state: str
    unit_name: str | None  # None: every unit
    closes_at: datetime
    reason: str
    created_by: str | None
    created_at: datetime


def list_extensions(rt: Runtime, actor_id: int | None) -> list[ExtensionRow]:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin")
        by = aliased(Person)
        rows = s.execute(select(WindowExtension, Unit.name, by.full_name)
                         .outerjoin(Unit, Unit.id == WindowExtension.unit_id)
                         .outerjoin(by, by.id == WindowExtension.created_by)
                         .order_by(WindowExtension.created_at.desc(), WindowExtension.id.desc())).all()
        return [ExtensionRow(e.id, e.year, e.state, unit, e.closes_at, e.reason, who, e.created_at)
                for e, unit, who in rows]
