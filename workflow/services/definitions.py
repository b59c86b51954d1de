"""Definition versions in the database: import a YAML file as a published version of its year."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..errors import DefinitionError, DefinitionIssue
from ..loader import load_text
from ..store import DefinitionVersion
from ..yamlsrc import parse
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class VersionView:
    id: int
    key: str
    year: int
    version: int
    content_hash: str
    created: bool  # False when the same text was already stored


def import_definition(rt: Runtime, actor_id: int | None, text: str, source_name: str,
                      note: str = "") -> VersionView:
    """Validate and store ``text`` as the next published version of its definition id.
    Importing a text already stored returns that version unchanged (versions are immutable)."""
    d = load_text(text, source_name, rt.registry)  # raises DefinitionError listing every problem
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        existing = s.scalars(select(DefinitionVersion).where(DefinitionVersion.content_hash == d.content_hash)).first()
        if existing is not None:
            return VersionView(existing.id, existing.key, existing.year, existing.version, existing.content_hash,
                               False)
        _check_key_year(s, d, text, source_name)
        last = s.scalar(select(func.max(DefinitionVersion.version)).where(DefinitionVersion.key == d.id)) or 0
        row = DefinitionVersion(key=d.id, year=d.year, version=last + 1, content_hash=d.content_hash,
                                source_name=source_name, source_text=text, status="published",
                                note=note, created_at=now, created_by=actor.id)
        s.add(row)
        s.flush()
        view = VersionView(row.id, row.key, row.year, row.version, row.content_hash, True)
        uow.commit()
    rt.remember(d)
    return view


def _check_key_year(s, d, text: str, source_name: str) -> None:
    """A definition id names one evaluation year: its versions never move to another year."""
    other = s.scalar(select(DefinitionVersion.year).where(DefinitionVersion.key == d.id,
                                                          DefinitionVersion.year != d.year).limit(1))
    if other is not None:
        raise DefinitionError([DefinitionIssue(source_name, parse(text).line(("id",)), "id",
                                               f"id '{d.id}' sudah dipakai untuk tahun {other}; pakai id "
                                               f"lain untuk tahun {d.year}")])


def list_versions(rt: Runtime) -> list[VersionView]:
    with rt.store.unit_of_work() as uow:
        rows = uow.session.scalars(select(DefinitionVersion).order_by(DefinitionVersion.year,
                                                                      DefinitionVersion.version))
        return [VersionView(r.id, r.key, r.year, r.version, r.content_hash, False) for r in rows]
