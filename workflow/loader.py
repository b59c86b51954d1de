"""Load a definition file into a ``Definition``, reporting every problem at once.

``load_text(text, name, registry)`` parses the YAML (``yamlsrc``), reads every section with typed
accessors that turn each wrong key, type or value into an issue (``loader_fields``,
``loader_lifecycle``, ``loader_catalogue``), and then runs the semantic checks of
``workflow.validate`` on whatever could be read, skipping only what could not. Any problem raises
``DefinitionError`` listing them all, each with file, line and key path, sorted by line; no input
makes the loader fail in any other way. Pure.
"""

from __future__ import annotations

import hashlib
from pathlib import Path as FsPath

from .deadlines import JAKARTA, parse_local
from .errors import DefinitionError, DefinitionIssue
from .loader_catalogue import read_catalogue, read_evidence_defaults, read_indicators, read_scoring
from .loader_fields import Reader
from .loader_lifecycle import read_lifecycle
from .registry import Registry
from .spec import Definition, DocumentSpec, NotificationSpec
from .validate import check_definition
from .yamlsrc import format_path, parse

TOP_KEYS = {
    "id": True, "year": True, "title": True, "regulation": True, "timezone": False, "calendar": True,
    "lifecycle": True, "catalogue": True, "scoring": True, "documents": False, "notifications": False,
    "evidence_defaults": False, "evaluation_catalogue": False, "description": False,
}
DOCUMENT_KEYS = {"title": True, "renderer": True, "template": False}
NOTIFICATION_KEYS = {"channel": True, "to": True, "template": False, "subject": False}
TIMEZONE = "Asia/Jakarta"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_file(path: str | FsPath, registry: Registry) -> Definition:
    p = FsPath(path)
    return load_text(p.read_text(encoding="utf-8"), str(path), registry)


def load_text(text: str, name: str, registry: Registry) -> Definition:
    """Parse and validate; raise ``DefinitionError`` with every problem found."""
    src = parse(text, name)
    reader = Reader(src)
    for line, path, msg in src.problems:
        reader.issues.append(DefinitionIssue(name, line, format_path(path), msg))
    definition = None
    if src.data is not None:
        definition = read_definition(reader, src.data, content_hash(text))
    if definition is not None:
        for path, msg in check_definition(definition, registry, frozenset(reader.unread)):
            reader.err(path, msg)
    if not reader.issues and definition is None:  # cannot happen; never raise an error with no issue
        reader.err((), "berkas tidak berisi definisi")
    if reader.issues:
        raise DefinitionError(sorted(reader.issues, key=lambda i: (i.line or 0, i.path)))
    return definition


def read_definition(r: Reader, data, digest: str) -> Definition | None:
    """The definition as far as it can be read; None only when the file is not a mapping at all.
    Fields that could not be read are None, and ``r.unread`` names the parts not read whole."""
    top = r.mapping(data, (), TOP_KEYS)
    if top is None:
        return None
    year = r.field(top, "year", ())
    if year is not None and (type(year) is not int or not 2000 <= year <= 2100):  # not bool
        r.err(("year",), "harus berupa tahun, misalnya 2024")
        year = None
    timezone = r.text(top, "timezone", (), TIMEZONE, what="zona waktu")
    if timezone not in (None, TIMEZONE):
        r.err(("timezone",), f"hanya '{TIMEZONE}' yang didukung")
    r.text(top, "description", ())
    rules = read_evidence_defaults(r, r.field(top, "evidence_defaults", ()))
    initial, states, transitions = read_lifecycle(r, r.field(top, "lifecycle", ()))
    scoring, scales = read_scoring(r, r.field(top, "scoring", ()))
    indicator_ids: list = []
    catalogue = read_catalogue(r, r.field(top, "catalogue", ()), rules, scales, indicator_ids)
    evaluation = ()
    if "evaluation_catalogue" in top:
        evaluation = read_indicators(r, r.field(top, "evaluation_catalogue", ()), ("evaluation_catalogue",),
                                     rules, indicator_ids, scored=False)
        if not evaluation:
            r.unread.add("evaluation_catalogue")
    r.unique(r.in_file_order(indicator_ids), "id indikator")
    return Definition(
        id=r.name(top, "id", (), what="id definisi"), year=year, title=r.text(top, "title", ()),
        regulation=r.text(top, "regulation", ()), timezone=TIMEZONE,
        calendar=read_calendar(r, r.field(top, "calendar", ())), initial=initial, states=states,
        transitions=transitions, catalogue=catalogue, scoring=scoring,
        documents=read_documents(r, top), notifications=read_notifications(r, top),
        evaluation_catalogue=evaluation, source_name=r.src.name, content_hash=digest,
    )


def read_calendar(r: Reader, value) -> tuple:
    """``(key, datetime)`` pairs in written order; a date that cannot be read keeps its key, as None."""
    path = ("calendar",)
    data = r.section(value, path, "pemetaan nama tanggal ke tanggal", dict, unread="calendar")
    if data is None:
        return ()
    out = []
    for key, value, p in r.entries(data, path):
        moment = None
        if isinstance(value, str):
            try:
                moment = parse_local(value, JAKARTA)
            except ValueError as exc:
                r.err(p, str(exc))
        elif value is not None:
            r.err(p, f"harus berupa tanggal, misalnya 2023-12-10 atau 2023-12-10 09:00, "
                     f"bukan {r.kind(value, p, quote=False)}")
        out.append((key, moment))
    return tuple(out)


def _named_section(r: Reader, top: dict, key: str, what: str) -> dict:
    """An optional mapping of ids to bodies; when it cannot be read, references to it are not checked."""
    value = r.field(top, key, ())
    if not isinstance(value, dict):
        if value is not None:
            r.err((key,), f"harus berupa pemetaan id {what} ke keterangannya, bukan {r.kind(value, (key,))}")
        if key in top:
            r.unread.add(key)
        return {}
    return value


def read_documents(r: Reader, top: dict) -> tuple[DocumentSpec, ...]:
    out = []
    for did, body, p in r.entries(_named_section(r, top, "documents", "dokumen"), ("documents",)):
        body = r.mapping(body, p, DOCUMENT_KEYS) or {}
        out.append(DocumentSpec(did, r.text(body, "title", p),
                                r.name(body, "renderer", p, what="nama penyusun"),
                                r.text(body, "template", p, "", what="nama berkas templat")))
    return tuple(out)


def read_notifications(r: Reader, top: dict) -> tuple[NotificationSpec, ...]:
    out = []
    for nid, body, p in r.entries(_named_section(r, top, "notifications", "notifikasi"), ("notifications",)):
        body = r.mapping(body, p, NOTIFICATION_KEYS) or {}
        to = r.roles(body, "to", p, None, empty="harus berisi paling sedikit satu penerima",
                     unknown="penerima '{role}' bukan peran yang dikenal (yang dikenal: {allowed})")
        out.append(NotificationSpec(nid, r.name(body, "channel", p, what="nama kanal"), to,
                                    r.text(body, "template", p, "", what="nama berkas templat"),
                                    r.text(body, "subject", p, "")))
    return tuple(out)
