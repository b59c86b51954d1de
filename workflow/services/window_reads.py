"""Reads for the admin's extension page: the states of a year that have an evidence window, and
the extensions made so far, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..store import DefinitionVersion, Person, Unit, WindowExtension
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class WindowState:
    id: str
    label: str


def _definitions(rt: Runtime, s, year: int | None = None) -> dict[int, list]:
    """The definitions of each year (or of ``year``), newest version first."""
    q = (select(DefinitionVersion.year, DefinitionVersion.content_hash)
         .order_by(DefinitionVersion.id.desc()))
    if year is not None:
        q = q.where(DefinitionVersion.year == year)
    out: dict[int, list] = {}
    for y, digest in s.execute(q):
        out.setdefault(y, []).append(rt.definition(s, digest))
    return out


def _window_states(definitions: list) -> list[WindowState]:
    # lifecycle order and labels of the newest version; a state only an older version has comes last
    seen: dict[str, WindowState] = {}
    for d in definitions:
        for st in d.states:
            if st.evidence is not None:
                seen.setdefault(st.id, WindowState(st.id, st.label))
    return list(seen.values())


def window_states(rt: Runtime, actor_id: int | None, year: int) -> list[WindowState]:
    """The states of the year's definition versions that have an evidence window (the only ones an
    extension may name)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin")
        return _window_states(_definitions(rt, s, year).get(year, []))


@dataclass(frozen=True)
class ExtensionRow:
    id: int
    year: int
    state: str
    state_label: str
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
        labels = {(y, w.id): w.label for y, ds in _definitions(rt, s).items() for w in _window_states(ds)}
        return [ExtensionRow(e.id, e.year, e.state, labels.get((e.year, e.state), e.state), unit, e.closes_at,
                             e.reason, who, e.created_at)
                for e, unit, who in rows]
