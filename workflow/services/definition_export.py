"""Read one stored definition version for export (BPMN, diagrams): ``KEY@VERSION`` to its text.

Admins and the scheduler (the command line) only; a read, no write."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import NotFound, ValidationFailed
from ..loader import load_text
from ..spec import Definition
from ..store import DefinitionVersion
from .authz import load_actor, require_role
from .definition_versions import parse_ref as _parse
from .runtime import Runtime


@dataclass(frozen=True)
class StoredDefinition:
    key: str
    version: int
    source_name: str
    definition: Definition


def parse_ref(ref: str) -> tuple[str, int]:
    """``'p2ham-2024@1'`` -> ``('p2ham-2024', 1)``; ValidationFailed naming the expected form."""
    parsed = _parse(ref)
    if parsed is None:
        raise ValidationFailed(f"'{ref}' bukan rujukan versi; tulis KUNCI@VERSI, misalnya p2ham-2024@1.",
                               f"'{ref}' is not a version reference; write KEY@VERSION, e.g. p2ham-2024@1.")
    return parsed


def stored_definition(rt: Runtime, actor_id: int | None, ref: str) -> StoredDefinition:
    """The definition stored as ``KEY@VERSION``, parsed with the runtime's handler registry."""
    key, version = parse_ref(ref)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        row = s.execute(select(DefinitionVersion.source_name, DefinitionVersion.source_text)
                        .where(DefinitionVersion.key == key, DefinitionVersion.version == version)).first()
    if row is None:
        raise NotFound(f"Definisi '{key}' versi {version} tidak ditemukan di basis data.",
                       f"Definition '{key}' version {version} not found.")
    # Published versions were validated when stored; parsing checks them again with today's handlers.
    return StoredDefinition(key, version, row.source_name, load_text(row.source_text, f"{key}@{version}",
                                                                     rt.registry))
