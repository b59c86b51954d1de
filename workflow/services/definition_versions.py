"""Published definition versions (admins only): list and read them, find one by ``KEY@N``, publish a
YAML text as the next immutable version of its id, compare two versions. One function = one
transaction. Drafts (``workflow.services.definition_drafts``) build on the helpers here that work
inside a caller's transaction: ``version_rows``, ``stored_version``, ``check_text``,
``insert_version`` and ``compare``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import defdiff
from ..errors import ChangedMeanwhile, DefinitionError, NotFound, ValidationFailed
from ..loader import load_text
from ..spec import Definition
from ..store import Case, DefinitionVersion, Person
from .authz import load_actor, require_role
from .runtime import Runtime

MAX_BYTES = 1024 * 1024
MAX_NOTE = 2000
NOT_UTF8 = "Teks definisi harus berkodekan UTF-8."


@dataclass(frozen=True)
class VersionRow:
    id: int
    key: str
    year: int
    version: int
    content_hash: str
    status: str
    note: str
    created_at: datetime
    author: str | None
    case_count: int

    @property
    def label(self) -> str:
        return f"{self.key} v{self.version}"


@dataclass(frozen=True)
class VersionDetail(VersionRow):
    source_name: str = ""
    source_text: str = ""


@dataclass(frozen=True)
class DraftDiff:
    """``old`` against ``new``: the structured diff (None when either side is invalid) and the text diff."""

    old_label: str
    new_label: str
    diff: defdiff.DefinitionDiff | None
    text: str


# -- versions ------------------------------------------------------------------------------------
def version_rows(s, *where) -> list[VersionRow]:
    """The versions matching ``where`` as rows, in the session ``s``."""
    counts = (select(Case.definition_id.label("vid"), func.count(Case.id).label("n"))
              .group_by(Case.definition_id).subquery())
    q = (select(DefinitionVersion, Person.full_name, func.coalesce(counts.c.n, 0))
         .outerjoin(Person, Person.id == DefinitionVersion.created_by)
         .outerjoin(counts, counts.c.vid == DefinitionVersion.id)
         .where(*where)
         .order_by(DefinitionVersion.year.desc(), DefinitionVersion.key, DefinitionVersion.version.desc()))
    return [VersionRow(v.id, v.key, v.year, v.version, v.content_hash, v.status, v.note, v.created_at, author,
                       int(n)) for v, author, n in s.execute(q)]


def list_version_rows(rt: Runtime) -> list[VersionRow]:
    """Every stored version, newest year first, with its author's name and how many cases run on it."""
    with rt.store.unit_of_work() as uow:
        return version_rows(uow.session)


def stored_version(s, version_id) -> DefinitionVersion:
    """The stored version ``version_id``; NotFound otherwise."""
    row = s.get(DefinitionVersion, version_id) if isinstance(version_id, int) else None
    if row is None:
        raise NotFound(f"Versi definisi nomor {version_id} tidak ditemukan.",
                       f"No definition version {version_id}.")
    return row


def get_version(rt: Runtime, actor_id: int | None, version_id: int) -> VersionDetail:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        v = stored_version(s, version_id)
        row = version_rows(s, DefinitionVersion.id == v.id)[0]
        return VersionDetail(**row.__dict__, source_name=v.source_name, source_text=v.source_text)


# -- publishing ------------------------------------------------------------------------------------
def check_text(text) -> str:
    """A definition text as typed or uploaded, checked (UTF-8, at most 1 MB, no NUL) with LF line ends."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed(NOT_UTF8, "The text must be UTF-8.") from exc
    if not isinstance(text, str):
        raise ValidationFailed("Teks definisi wajib diisi.", "The definition text is required.")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise ValidationFailed(NOT_UTF8, "The text must be UTF-8.") from exc
    if size > MAX_BYTES:
        raise ValidationFailed(f"Teks definisi terlalu besar ({size // 1024} KB); paling besar 1 MB.",
                               "The definition text is larger than 1 MB.")
    if "\x00" in text:
        raise ValidationFailed("Teks definisi berisi karakter NUL yang tidak diizinkan.",
                               "The text contains a NUL character.")
    return text.replace("\r\n", "\n")


def insert_version(s, actor, definition: Definition, text: str, note: str, now) -> DefinitionVersion:
    """The next published version of ``definition.id`` (checked: note, new text, id kept to its year)."""
    if not note:
        raise ValidationFailed("Catatan perubahan wajib diisi.", "A change note is required.",
                               fields={"note": "Catatan perubahan wajib diisi."})
    if len(note) > MAX_NOTE:
        said = f"Catatan perubahan paling panjang {MAX_NOTE} karakter."
        raise ValidationFailed(said, "The change note is too long.", fields={"note": said})
    key, digest = definition.id, definition.content_hash
    same = s.scalars(select(DefinitionVersion).where(DefinitionVersion.content_hash == digest)).first()
    if same is not None:
        raise ValidationFailed(f"Teks definisi sama persis dengan {same.key} versi {same.version}; tidak ada "
                               f"yang perlu diterbitkan.", "The text equals an existing version.")
    years = set(s.scalars(select(DefinitionVersion.year).where(DefinitionVersion.key == key)))
    if years - {definition.year}:
        raise ValidationFailed(f"Id '{definition.id}' sudah dipakai untuk tahun {min(years)}; pakai id "
                               f"lain untuk tahun {definition.year}.", "The id belongs to another year.",
                               fields={"text": f"id '{definition.id}' sudah dipakai"})
    last = s.scalar(select(func.max(DefinitionVersion.version)).where(DefinitionVersion.key == key)) or 0
    row = DefinitionVersion(key=key, year=definition.year, version=last + 1, content_hash=digest,
                            source_name=f"{key}-v{last + 1}.yaml", source_text=text, status="published",
                            note=note, created_at=now, created_by=actor.id)
    s.add(row)
    try:
        s.flush()
    except IntegrityError as exc:  # the same key published by someone else at the same moment
        raise ChangedMeanwhile(f"Versi baru '{definition.id}' baru saja diterbitkan oleh Admin lain.",
                               "Another version was published meanwhile.") from exc
    return row


def publish_text(rt: Runtime, actor_id: int | None, text, source_name: str, note: str) -> VersionRow:
    """A YAML text (e.g. a file given to the CLI) as the next published version of its id. Raises
    ``DefinitionError`` listing every problem when it is not valid."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        text = check_text(text)
        definition = load_text(text, source_name, rt.registry)
        row = insert_version(s, actor, definition, text, (note or "").strip(), now)
        published = version_rows(s, DefinitionVersion.id == row.id)[0]
        uow.commit()
    rt.remember(load_text(text, f"{published.key}-v{published.version}.yaml", rt.registry))
    return published


_REF = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]{0,79})@([0-9]{1,9})$")


def parse_ref(ref: str) -> tuple[str, int] | None:
    """``'p2ham-2024@1'`` -> ``('p2ham-2024', 1)``; None when ``ref`` is not ``KEY@VERSION``."""
    m = _REF.match((ref or "").strip())
    return (m.group(1), int(m.group(2))) if m else None


def find_version(rt: Runtime, actor_id: int | None, key: str, version: int) -> VersionDetail:
    """The version ``version`` of the definition ``key`` (as in ``p2ham-2024@1``)."""
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        vid = s.scalar(select(DefinitionVersion.id).where(DefinitionVersion.key == key,
                                                          DefinitionVersion.version == version))
    if vid is None:
        raise NotFound(f"Definisi '{key}' versi {version} tidak ditemukan.", f"No {key} version {version}.")
    return get_version(rt, actor_id, vid)


# -- diffs ---------------------------------------------------------------------------------------
def parsed(rt: Runtime, text: str, name: str) -> Definition | None:
    """The definition in ``text``, or None while it has errors."""
    try:
        return load_text(text, name, rt.registry)
    except DefinitionError:
        return None


def compare(rt: Runtime, old_text: str, old_name: str, old_label: str, new_text: str, new_name: str,
            new_label: str) -> DraftDiff:
    """Two definition texts compared: the structured diff when both load, and the text diff."""
    old, new = parsed(rt, old_text, old_name), parsed(rt, new_text, new_name)
    structured = defdiff.diff(old, new) if old is not None and new is not None else None
    text = defdiff.text_diff(old_text, new_text, old_name, new_name)
    return DraftDiff(old_label, new_label, structured, text)


def diff_versions(rt: Runtime, actor_id: int, a_id: int, b_id: int) -> DraftDiff:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin")
        a, b = stored_version(s, a_id), stored_version(s, b_id)
        sides = [(v.source_text, f"{v.key}-v{v.version}.yaml", f"{v.key} v{v.version}") for v in (a, b)]
    return compare(rt, *sides[0], *sides[1])
