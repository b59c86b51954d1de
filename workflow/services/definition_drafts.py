"""Drafts of a definition (admins only): start one from a published version (copied to another
year if asked, ``workflow.year_copy``), save it with every validation issue, compare it with its
base, publish it as the next version through ``workflow.services.definition_versions``, or discard
it. One function = one transaction; a draft's revision guards against concurrent edits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..errors import ChangedMeanwhile, DefinitionError, DefinitionIssue, NotFound, ValidationFailed
from ..loader import load_text
from ..spec import Definition
from ..store import DefinitionDraft, DefinitionVersion, Person
from ..yamlsrc import parse
from ..year_copy import copy_to_year
from .authz import load_actor, require_role
from .definition_versions import (
    DraftDiff,
    VersionRow,
    check_text,
    compare,
    insert_version,
    stored_version,
    version_rows,
)
from .runtime import Runtime

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


@dataclass(frozen=True)
class DraftView:
    id: int
    key: str
    year: int
    base_version_id: int | None
    base_label: str | None
    text: str
    revision: int
    status: str
    updated_at: datetime
    updated_by: str | None
    issues: tuple[DefinitionIssue, ...]
    definition: Definition | None
    created_at: datetime | None = None
    published_version_id: int | None = None

    @property
    def valid(self) -> bool:
        return not self.issues


def draft_name(draft_id: int) -> str:
    return f"draf-{draft_id}.yaml"


def _identity(text: str) -> tuple[str | None, int | None]:
    """The ``id`` and ``year`` the text declares, when they can be read (even if the rest is wrong)."""
    data = parse(text).data
    if not isinstance(data, dict):
        return None, None
    key, year = data.get("id"), data.get("year")
    key = key if isinstance(key, str) and _NAME.match(key) else None
    year = year if type(year) is int and 2000 <= year <= 2100 else None
    return key, year


def _validate(rt: Runtime, draft_id: int, text: str) -> tuple[Definition | None, tuple[DefinitionIssue, ...]]:
    try:
        return load_text(text, draft_name(draft_id), rt.registry), ()
    except DefinitionError as exc:
        return None, tuple(exc.issues)


def _view(rt: Runtime, s, d: DefinitionDraft) -> DraftView:
    definition, issues = _validate(rt, d.id, d.text)
    declared, _ = _identity(d.text)
    if declared is not None and declared != d.key:  # the key could not follow: another open draft has it
        issues += (DefinitionIssue(draft_name(d.id), parse(d.text).line(("id",)), "id",
                                   f"sudah ada draf terbuka lain untuk '{declared}'; selesaikan atau buang "
                                   f"draf itu dulu"),)
        definition = None
    base_label = None
    if d.base_version_id is not None:
        b = s.get(DefinitionVersion, d.base_version_id)
        base_label = f"{b.key} v{b.version}"
    updated_by = s.get(Person, d.updated_by).full_name if d.updated_by is not None else None
    return DraftView(d.id, d.key, d.year, d.base_version_id, base_label, d.text, d.revision, d.status,
                     d.updated_at, updated_by, issues, definition, d.created_at, d.published_version_id)


def _draft(s, draft_id, status: str | None = "open") -> DefinitionDraft:
    d = s.get(DefinitionDraft, draft_id) if isinstance(draft_id, int) else None
    if d is None:
        raise NotFound(f"Draf definisi nomor {draft_id} tidak ditemukan.", f"No definition draft {draft_id}.")
    if status is not None and d.status != status:
        said = {"published": "sudah diterbitkan", "discarded": "sudah dibuang"}.get(d.status, d.status)
        raise ValidationFailed(f"Draf nomor {d.id} {said}; tidak dapat diubah lagi.",
                               f"Draft {d.id} is {d.status}.")
    return d


def _admin(s, actor_id):
    actor = load_actor(s, actor_id)
    require_role(actor, "admin")
    return actor


def start_draft(rt: Runtime, actor_id: int, from_version_id: int, year: int | None = None) -> DraftView:
    """A new open draft with the text of a version; with another ``year``, its id, year and every
    calendar date are moved to that year (comments and layout kept)."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = _admin(s, actor_id)
        base = stored_version(s, from_version_id)
        text, key, new_year = base.source_text, base.key, base.year
        if year is not None and year != base.year:
            if type(year) is not int or not 2000 <= year <= 2100:
                raise ValidationFailed("Tahun evaluasi harus antara 2000 dan 2100.", "Year out of range.")
            text = copy_to_year(text, year)
            key, new_year = _identity(text)[0] or key, year
        if s.scalar(select(DefinitionDraft.id).where(DefinitionDraft.open_key == key)) is not None:
            raise ValidationFailed(f"Sudah ada draf terbuka untuk '{key}'; lanjutkan draf itu atau "
                                   f"buang dulu.", f"An open draft for '{key}' already exists.")
        d = DefinitionDraft(key=key, year=new_year, open_key=key, base_version_id=base.id, text=text,
                            revision=1, status="open", created_at=now, created_by=actor.id, updated_at=now,
                            updated_by=actor.id)
        s.add(d)
        try:
            s.flush()
        except IntegrityError as exc:  # another admin started one at the same moment
            raise ChangedMeanwhile(f"Draf untuk '{key}' baru saja dibuat oleh Admin lain.",
                                   f"A draft for '{key}' was just started by someone else.") from exc
        view = _view(rt, s, d)
        uow.commit()
        return view


def list_drafts(rt: Runtime, actor_id: int) -> list[DraftView]:
    """The open drafts, most recently changed first."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        _admin(s, actor_id)
        rows = list(s.scalars(select(DefinitionDraft).where(DefinitionDraft.status == "open")
                              .order_by(DefinitionDraft.updated_at.desc(), DefinitionDraft.id.desc())))
        # Their base versions and editors in two reads; _view's s.get then finds them in the session
        # (which holds them only while they are referenced: hence ``loaded``).
        bases = {d.base_version_id for d in rows} - {None}
        editors = {d.updated_by for d in rows} - {None}
        loaded = [*s.scalars(select(DefinitionVersion).where(DefinitionVersion.id.in_(bases))),
                  *s.scalars(select(Person).where(Person.id.in_(editors)))]
        views = [_view(rt, s, d) for d in rows]
        del loaded
        return views


def get_draft(rt: Runtime, actor_id: int, draft_id: int) -> DraftView:
    """One draft (of any status), validated as it is read."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        _admin(s, actor_id)
        return _view(rt, s, _draft(s, draft_id, None))


def _bump(s, d: DefinitionDraft, revision, **values) -> None:
    """Write ``values`` and the next revision only if the draft is still at ``revision``."""
    try:
        done = s.execute(update(DefinitionDraft)
                         .where(DefinitionDraft.id == d.id, DefinitionDraft.revision == revision,
                                DefinitionDraft.status == "open")
                         .values(revision=DefinitionDraft.revision + 1, **values)
                         .execution_options(synchronize_session=False))
    except IntegrityError as exc:  # another draft took the same key at the same moment
        raise ChangedMeanwhile("Draf lain dengan id yang sama baru saja disimpan; muat ulang halaman lalu "
                               "ulangi perubahan Anda.", "Another draft took this id meanwhile.") from exc
    if done.rowcount != 1:
        raise ChangedMeanwhile("Draf ini telah diubah oleh pengguna lain sejak Anda membukanya; muat ulang "
                               "halaman lalu ulangi perubahan Anda.", "The draft changed meanwhile.")
    s.refresh(d)


def save_draft(rt: Runtime, actor_id: int, draft_id: int, text, revision: int) -> DraftView:
    """Store ``text`` (even when invalid: nothing typed is lost) and return it with every issue."""
    now = rt.now()
    text = check_text(text)
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = _admin(s, actor_id)
        d = _draft(s, draft_id)
        key, year = d.key, d.year
        declared, declared_year = _identity(text)
        if declared is not None and declared != d.key:
            taken = s.scalar(select(DefinitionDraft.id).where(DefinitionDraft.open_key == declared,
                                                              DefinitionDraft.id != d.id))
            key = d.key if taken is not None else declared
        year = declared_year or year
        _bump(s, d, revision, text=text, key=key, open_key=key, year=year, updated_at=now,
              updated_by=actor.id)
        view = _view(rt, s, d)
        uow.commit()
        return view


def discard_draft(rt: Runtime, actor_id: int, draft_id: int, revision: int) -> None:
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = _admin(s, actor_id)
        d = _draft(s, draft_id)
        _bump(s, d, revision, status="discarded", open_key=None, updated_at=now, updated_by=actor.id)
        uow.commit()


def publish_draft(rt: Runtime, actor_id: int, draft_id: int, note: str, revision: int) -> VersionRow:
    """The draft as the next published version of its key; refused while it has issues or no note."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = _admin(s, actor_id)
        d = _draft(s, draft_id)
        if d.revision != revision:
            raise ChangedMeanwhile("Draf ini telah diubah oleh pengguna lain sejak Anda membukanya; periksa "
                                   "lagi sebelum menerbitkan.", "The draft changed meanwhile.")
        view = _view(rt, s, d)
        if view.issues:
            raise ValidationFailed(f"Definisi masih memiliki {len(view.issues)} kesalahan; perbaiki dulu.",
                                   f"The definition still has {len(view.issues)} errors; fix them first.",
                                   fields={"text": "; ".join(str(i) for i in view.issues[:5])})
        row = insert_version(s, actor, view.definition, d.text, (note or "").strip(), now)
        _bump(s, d, revision, status="published", open_key=None, published_version_id=row.id, updated_at=now,
              updated_by=actor.id)
        published = version_rows(s, DefinitionVersion.id == row.id)[0]
        text, name = row.source_text, row.source_name
        uow.commit()
    rt.remember(load_text(text, name, rt.registry))
    return published


def diff_draft(rt: Runtime, actor_id: int, draft_id: int) -> DraftDiff:
    """The draft against the version it started from (an empty text when it started from nothing)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        _admin(s, actor_id)
        d = _draft(s, draft_id, None)
        base = s.get(DefinitionVersion, d.base_version_id) if d.base_version_id is not None else None
        old_text = base.source_text if base else ""
        old_label = f"{base.key} v{base.version}" if base else "(kosong)"
        old_name = f"{base.key}-v{base.version}.yaml" if base else "kosong.yaml"
        text, name, label = d.text, draft_name(d.id), f"draf {d.id} ({d.key})"
    return compare(rt, old_text, old_name, old_label, text, name, label)
