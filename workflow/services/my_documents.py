"""An operator's own documents: the issued documents of their unit, newest first.

Downloading one goes through ``documents.document_pdf``, which already limits an operator to
their own unit; this module only lists, without loading any PDF bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..store import IssuedDocument
from .authz import load_actor, require_role
from .runtime import Runtime


@dataclass(frozen=True)
class MyDocument:
    id: int
    number: str
    title: str
    version: int
    issued_at: datetime
    superseded: bool

    @property
    def status(self) -> str:
        return "digantikan" if self.superseded else "berlaku"


def unit_documents(rt: Runtime, actor_id: int) -> list[MyDocument]:
    """The documents issued for the operator's unit, newest first; superseded ones are flagged."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "operator")
        rows = s.execute(
            select(IssuedDocument.id, IssuedDocument.number, IssuedDocument.title, IssuedDocument.version,
                   IssuedDocument.issued_at, IssuedDocument.superseded_by)
            .where(IssuedDocument.unit_id == actor.unit_id)
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        )
        return [MyDocument(i, num, title, ver, at, sup is not None) for i, num, title, ver, at, sup in rows]
