"""Definition versions and drafts (admins only): list and read versions, start a draft from a version
(copying it to another year if asked), save it with every validation issue, compare, publish it as the
next immutable version, or discard it. One function = one transaction."""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import datetime

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import defdiff
from ..errors import ChangedMeanwhile, DefinitionError, DefinitionIssue, NotFound, ValidationFailed
from ..loader import load_text
from ..spec import Definition
from ..store import Case, DefinitionDraft, DefinitionVersion, Person
from ..yamlsrc import parse
from .authz import load_actor, require_role
from .runtime import Runtime

MAX_BYTES = 1024 * 1024
MAX_NOTE = 2000
NOT_UTF8 = "Teks definisi harus berkodekan UTF-8."
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


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


@dataclass(frozen=True)
class DraftDiff:
    """``old`` against ``new``: the structured diff (None when either side is invalid) and the text diff."""

    old_label: str
    new_label: str
    diff: defdiff.DefinitionDiff | None
    text: str


# -- versions ------------------------------------------------------------------------------------
def _version_rows(s, *where) -> list[VersionRow]:
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
        return _version_rows(uow.session)


def _version(s, version_id) -> DefinitionVersion:
    row = s.get(DefinitionVersion, version_id) if isinstance(version_id, int) else None
    if row is None:
        raise NotFound(f"Versi definisi nomor {version_id} tidak ditemukan.",
                       f"No definition version {version_id}.")
    return row


def get_version(rt: Runtime, actor_id: int | None, version_id: int) -> VersionDetail:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        require_role(load_actor(s, actor_id), "admin", "system")
        v = _version(s, version_id)
        row = _version_rows(s, DefinitionVersion.id == v.id)[0]
        return VersionDetail(**row.__dict__, source_name=v.source_name, source_text=v.source_text)


# -- drafts --------------------------------------------------------------------------------------
def _check_text(text) -> str:
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
        base = _version(s, from_version_id)
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
        rows = s.scalars(select(DefinitionDraft).where(DefinitionDraft.status == "open")
                         .order_by(DefinitionDraft.updated_at.desc(), DefinitionDraft.id.desc()))
        return [_view(rt, s, d) for d in rows]


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
    text = _check_text(text)
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


def _insert_version(s, actor, definition: Definition, text: str, note: str, now) -> DefinitionVersion:
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
        row = _insert_version(s, actor, view.definition, d.text, (note or "").strip(), now)
        _bump(s, d, revision, status="published", open_key=None, published_version_id=row.id, updated_at=now,
              updated_by=actor.id)
        published = _version_rows(s, DefinitionVersion.id == row.id)[0]
        text, name = row.source_text, row.source_name
        uow.commit()
    rt.remember(load_text(text, name, rt.registry))
    return published


def publish_text(rt: Runtime, actor_id: int | None, text, source_name: str, note: str) -> VersionRow:
    """A YAML text (e.g. a file given to the CLI) as the next published version of its id. Raises
    ``DefinitionError`` listing every problem when it is not valid."""
    now = rt.now()
    with rt.store.unit_of_work() as uow:
        s = uow.session
        actor = load_actor(s, actor_id)
        require_role(actor, "admin", "system")
        text = _check_text(text)
        definition = load_text(text, source_name, rt.registry)
        row = _insert_version(s, actor, definition, text, (note or "").strip(), now)
        published = _version_rows(s, DefinitionVersion.id == row.id)[0]
        uow.commit()
    rt.remember(load_text(text, f"{published.key}-v{published.version}.yaml", rt.registry))
    return published


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
def _parsed(rt: Runtime, text: str, name: str) -> Definition | None:
    try:
        return load_text(text, name, rt.registry)
    except DefinitionError:
        return None


def _compare(rt: Runtime, old_text: str, old_name: str, old_label: str, new_text: str, new_name: str,
             new_label: str) -> DraftDiff:
    old, new = _parsed(rt, old_text, old_name), _parsed(rt, new_text, new_name)
    structured = defdiff.diff(old, new) if old is not None and new is not None else None
    text = defdiff.text_diff(old_text, new_text, old_name, new_name)
    return DraftDiff(old_label, new_label, structured, text)


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
    return _compare(rt, old_text, old_name, old_label, text, name, label)


def diff_versions(rt: Runtime, actor_id: int, a_id: int, b_id: int) -> DraftDiff:
    with rt.store.unit_of_work() as uow:
        s = uow.session
        _admin(s, actor_id)
        a, b = _version(s, a_id), _version(s, b_id)
        sides = [(v.source_text, f"{v.key}-v{v.version}.yaml", f"{v.key} v{v.version}") for v in (a, b)]
    return _compare(rt, *sides[0], *sides[1])


# -- copying a definition to another year --------------------------------------------------------
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def shift_date(written: str, years: int) -> str:
    """``2024-02-29 23:59`` moved by ``years`` (29 February becomes the 28th in a common year)."""
    m = _DATE.match(written)
    if not m:
        return written
    y, mo, day = int(m[1]) + years, int(m[2]), int(m[3])
    day = min(day, _calendar.monthrange(y, mo)[1]) if 1 <= mo <= 12 else day
    return f"{y:04d}-{mo:02d}-{day:02d}" + written[m.end():]


def copy_to_year(text: str, year: int) -> str:
    """``text`` rewritten for ``year``: ``id`` and ``title`` (where they contain the old year), ``year``
    and every calendar date. Only those scalars are touched, so comments and layout survive."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise ValidationFailed("Teks versi ini tidak dapat dibaca sebagai YAML.", "Unreadable YAML.") from exc
    if not isinstance(root, yaml.MappingNode):
        return text
    top = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    year_node = top.get("year")
    if not isinstance(year_node, yaml.ScalarNode) or not year_node.value.isdigit():
        return text
    old = int(year_node.value)
    edits = [(year_node, str(year))]
    for name in ("id", "title"):
        node = top.get(name)
        if isinstance(node, yaml.ScalarNode) and str(old) in node.value:
            edits.append((node, node.value.replace(str(old), str(year))))
    cal = top.get("calendar")
    if isinstance(cal, yaml.MappingNode):
        edits += [(v, shift_date(v.value, year - old))
                  for _, v in cal.value if isinstance(v, yaml.ScalarNode)]
    for node, new in sorted(edits, key=lambda e: e[0].start_mark.index, reverse=True):
        start, end = node.start_mark.index, node.end_mark.index
        text = text[:start] + text[start:end].replace(node.value, new, 1) + text[end:]
    return text
